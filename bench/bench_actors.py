"""How much actor resolution costs next to parsing.

Takes the first N documents of a few corpora in ../shared/data/corpora/, splits them into
sentences, and times (median of --runs runs, after one warm-up):
  scan     Registry.scan over raw sentences (tokenizer + phrase matchers, no parser)
  parse    spaCy en_core_web_sm over the same sentences (what the coder pays anyway)
  resolve  Resolver.resolve over the parsed sentences
Registry loading and matcher building are timed once, separately.

Usage: .venv/bin/python bench/bench_actors.py [--docs 60] [--runs 3] [--max-sentences 1500]
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import statistics
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO.parent / "shared" / "data" / "corpora"
FILES = (
    "whitehouse/whitehouse_statements_factsheets_actions_2021_2026_russia_ukraine.jsonl.gz",
    "kremlin/kremlin_en_2021-10_2022-06_us_nato_sanctions.jsonl.gz",
    "state-dept-press-releases/russia_mentions_subset.jsonl.gz",
)


def read_docs(per_file: int) -> list[str]:
    texts = []
    for name in FILES:
        with gzip.open(CORPORA / name, "rt", encoding="utf-8") as handle:
            for i, line in enumerate(handle):
                if i >= per_file:
                    break
                texts.append(json.loads(line)["text"])
    return texts


def median_time(function, runs: int) -> float:
    function()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=60, help="documents per corpus file")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--max-sentences", type=int, default=1500)
    args = parser.parse_args()

    start = time.perf_counter()
    from dyadwatch import nlp
    from dyadwatch.actors import Resolver, get_registry

    registry = get_registry()
    load_s = time.perf_counter() - start
    pipeline = nlp.load()
    splitter = nlp.sentencizer()
    texts = read_docs(args.docs)
    sentences = [s.text for doc in splitter.pipe(texts) for s in doc.sents if len(s.text) > 20]
    sentences = sentences[: args.max_sentences]
    chars = sum(len(s) for s in sentences)

    start = time.perf_counter()
    registry.matchers(pipeline.vocab)
    build_s = time.perf_counter() - start

    scan_s = median_time(lambda: [registry.scan(s) for s in sentences], args.runs)
    docs: list = []
    parse_s = median_time(lambda: docs.__setitem__(slice(None), list(pipeline.pipe(sentences))), args.runs)
    resolver = Resolver(registry)
    when = date(2022, 3, 1)
    resolve_s = median_time(
        lambda: [resolver.resolve(d, when, context_codes=("USA", "RUS")) for d in docs], args.runs)
    mentions = sum(len(resolver.resolve(d, when, context_codes=("USA", "RUS"))) for d in docs)

    report = {
        "machine": f"{platform.machine()} {platform.processor() or ''} python {platform.python_version()}",
        "documents": len(texts), "sentences": len(sentences), "characters": chars,
        "runs": args.runs, "mentions": mentions,
        "registry_load_s": round(load_s, 2), "matcher_build_s": round(build_s, 2),
        "scan_s": round(scan_s, 3), "parse_s": round(parse_s, 3), "resolve_s": round(resolve_s, 3),
        "scan_sentences_per_s": round(len(sentences) / scan_s),
        "parse_sentences_per_s": round(len(sentences) / parse_s),
        "resolve_sentences_per_s": round(len(sentences) / resolve_s),
        "resolve_vs_parse": round(resolve_s / parse_s, 3),
        "scan_vs_parse": round(scan_s / parse_s, 3),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
