"""Benchmark: a briefing over 100k stored events (synthetic rows), median of several runs.

    .venv/bin/python bench/bench_brief.py [--events 100000] [--runs 5] [--db PATH]

Builds (once, cached at --db) a SQLite store with 4,000 documents of 25 sentences and
``--events`` USA–RUS events (plus 10% with third parties) over five years, one to three
reports each, then times ``build_brief`` end to end (queries, relations series,
selection, faithfulness check) and the three renderers. Goal: under 5 s.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from dyadwatch.brief import build_brief, render
from dyadwatch.store import Store
from dyadwatch.store.schema import documents, events, reports, sentences

EVENT_TYPES = [  # (event, quad, goldstein)
    ("CONSULT", 1, 1.0), ("AGREE", 1, 3.0), ("SUPPORT", 1, 3.5), ("COOPERATE", 2, 6.0),
    ("AID", 2, 7.0), ("REQUEST", 3, -2.0), ("ACCUSE", 3, -2.0), ("REJECT", 3, -4.0),
    ("THREATEN", 3, -4.4), ("SANCTION", 4, -8.0), ("COERCE", 4, -7.0), ("ASSAULT", 4, -10.0),
]  # fmt: skip
WORDS = ["talks", "sanctions", "treaty", "missiles", "embassy", "delegation", "summit", "border", "ministers", "agreement", "security", "exports", "energy", "troops", "diplomats", "statement", "meeting", "envoy"]  # fmt: skip
START = date(2020, 1, 1)
DAYS = 5 * 365
N_DOCS, SENTENCES_PER_DOC = 4000, 25


VOCABULARY = WORDS + [f"item{i}" for i in range(400)]


def _sentence(rng: random.Random, i: int) -> str:
    # Varied words, so the novelty filter sees different news rather than one template.
    picked = " ".join(rng.sample(VOCABULARY, 8))
    return f"Officials said on day {i} that {picked} would continue, and the {rng.choice(WORDS)} was discussed."


def build_store(path: Path, n_events: int, seed: int = 7) -> Store:
    rng = random.Random(seed)
    store = Store(str(path))
    now = datetime(2026, 1, 1)
    doc_rows, sentence_rows = [], []
    for d in range(1, N_DOCS + 1):
        published = START + timedelta(days=rng.randrange(DAYS))
        parts, offsets, cursor = [], [], 0
        for s in range(SENTENCES_PER_DOC):
            text = _sentence(rng, s)
            if s == SENTENCES_PER_DOC - 1 and d % 50 == 0:
                text = "The agreement expires on February 5, 2026, and talks will continue."
            offsets.append((cursor, cursor + len(text), text))
            parts.append(text)
            cursor += len(text) + 1
        body = " ".join(parts)
        doc_rows.append({
            "id": d, "ref": f"bench/doc-{d}.txt", "content_hash": hashlib.sha256(body.encode() + bytes(d)).hexdigest(),
            "title": f"Bench document {d}", "url": None, "published": datetime.combine(published, datetime.min.time()),
            "source": "Bench Wire", "kind": "text", "text": body, "blocks": [], "footnotes": [], "extra": {},
            "story_id": d, "ingested_at": now, "coded_version": "bench",
        })  # fmt: skip
        for idx, (s0, s1, text) in enumerate(offsets):
            sentence_rows.append({"doc_id": d, "idx": idx, "start": s0, "end": s1, "text": text, "block": "paragraph"})
    event_rows, report_rows = [], []
    report_id = 0
    third = ["UKR", "CHN", "DEU", "IRN"]
    for e in range(1, n_events + 1):
        kind, quad, goldstein = rng.choice(EVENT_TYPES)
        day = START + timedelta(days=rng.randrange(DAYS))
        src, tgt = ("USA", "RUS") if rng.random() < 0.5 else ("RUS", "USA")
        if rng.random() < 0.1:
            tgt = rng.choice(third)
        n_reports = rng.choice((1, 1, 1, 2, 3))
        first = report_id + 1
        docs = set()
        for _ in range(n_reports):
            report_id += 1
            doc = rng.randrange(1, N_DOCS + 1)
            docs.add(doc)
            idx = rng.randrange(SENTENCES_PER_DOC - 1)
            s0 = sentence_rows[(doc - 1) * SENTENCES_PER_DOC + idx]["start"]
            report_rows.append({
                "id": report_id, "event_id": e, "doc_id": doc, "sentence_idx": idx, "start": s0,
                "end": s0 + 9, "trigger": "Officials", "date": day, "date_precision": "day",
                "source": {"code": src}, "target": {"code": tgt}, "source_code": src, "target_code": tgt,
                "event": kind, "mode": None, "contexts": [], "themes": [], "cameo": None,
                "goldstein": goldstein, "plover_score": None, "quad_class": quad, "negated": False,
                "modality": "future" if rng.random() < 0.02 else "asserted", "confidence": rng.random(),
                "reported_by": None, "pattern": "bench", "coder_version": "bench",
            })  # fmt: skip
        event_rows.append({
            "id": e, "date": day, "date_precision": "day", "source_code": src, "target_code": tgt,
            "event": kind, "contexts": [], "themes": [], "goldstein": goldstein, "quad_class": quad,
            "negated": rng.random() < 0.03, "modality": report_rows[first - 1]["modality"],
            "confidence": report_rows[first - 1]["confidence"], "report_count": n_reports,
            "doc_count": len(docs), "primary_report_id": first,
        })  # fmt: skip
    with store.begin() as conn:
        conn.execute(documents.insert(), doc_rows)
        conn.execute(sentences.insert(), sentence_rows)
        conn.execute(events.insert(), event_rows)
        conn.execute(reports.insert(), report_rows)
    return store


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", default="/tmp/dyadwatch_bench_brief.db")
    args = parser.parse_args()
    path = Path(args.db)
    if path.exists():
        store = Store(str(path))
        with store.connect() as conn:
            stored = conn.execute(sa.select(sa.func.count()).select_from(events)).scalar_one()
        if stored != args.events:
            store.dispose()
            path.unlink()
    if not path.exists():
        started = time.perf_counter()
        store = build_store(path, args.events)
        print(f"built {args.events} events in {time.perf_counter() - started:.1f} s -> {path}")
    timings, renders, totals, cpu = [], [], [], []
    for _ in range(args.runs):
        cpu_started = time.process_time()
        started = time.perf_counter()
        brief = build_brief(store, "USA", "RUS")
        built = time.perf_counter()
        for fmt in ("md", "html", "json"):
            render(brief, fmt)
        done = time.perf_counter()
        timings.append(built - started)
        renders.append(done - built)
        totals.append(done - started)
        cpu.append(time.process_time() - cpu_started)
    points = sum(len(s["key_points"]) for s in brief["sections"])
    print(f"events in window: {brief['assessment']['events']} counted; {points} key points, "
          f"{len(brief['timeline'])} timeline lines, {len(brief['watch'])} watch items, "
          f"{len(brief['sources'])} sources")
    print(f"build_brief (incl. faithfulness check): median {statistics.median(timings):.2f} s "
          f"(min {min(timings):.2f}, max {max(timings):.2f}) over {args.runs} runs")
    print(f"render md+html(with chart)+json: median {statistics.median(renders):.2f} s")
    print(f"briefing end to end: median {statistics.median(totals):.2f} s "
          f"(min {min(totals):.2f}, max {max(totals):.2f}); CPU time median {statistics.median(cpu):.2f} s")
    return 0 if statistics.median(totals) < 5.0 else 1


if __name__ == "__main__":
    sys.exit(main())
