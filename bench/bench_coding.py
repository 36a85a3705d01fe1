"""Raw text to stored events vs a plain ``nlp.pipe``, side by side in one run.

    .venv/bin/python bench/bench_coding.py --docs 300 --runs 3
    .venv/bin/python bench/bench_coding.py --docs 10000 --runs 1 --no-baseline   # memory

Pipeline side (timed): build Documents from the raw corpus records (cleaning), store them
with their sentences (``store_documents``), then ``code_pending`` (cheap pass, parse of
candidate sentences only, coding, reports, linking) into a fresh SQLite file.
Baseline side (timed): ``nlp.pipe`` over the same raw texts, which only parses.
Model and coder loading is outside both timings. Peak memory is sampled as the summed
PSS (and RSS) of this process and its worker processes.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPORA = SHARED / "data" / "corpora"
DEFAULT_FILES = ("whitehouse/whitehouse_statements_factsheets_actions_2021_2026_russia_ukraine.jsonl.gz",)


def _read_files(paths: list[Path]) -> Iterator[dict]:
    for path in paths:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as handle:
            yield from (json.loads(line) for line in handle if line.strip())


def iter_records(paths: list[Path], limit: int) -> Iterator[dict]:
    """The first ``limit`` distinct records, streamed; when the files hold fewer, later
    rounds repeat them as marked copies (new id and title, so they are stored and coded).
    The corpus subsets overlap (e.g. State Department files): each text counts once."""
    produced, copy = 0, 0
    while produced < limit:
        seen: set[str] = set()
        fresh = 0
        for record in _read_files(paths):
            digest = hashlib.sha1(str(record.get("text")).encode("utf-8")).hexdigest()
            if digest in seen:
                continue
            seen.add(digest)
            fresh += 1
            if copy:
                record = dict(record, id=f"{record.get('id')}#copy{copy}",
                              title=f"{record.get('title') or ''} (copy {copy})")  # fmt: skip
            yield record
            produced += 1
            if produced >= limit:
                return
        if not fresh:
            sys.exit(f"no records in {', '.join(map(str, paths))}")
        copy += 1


def read_records(paths: list[Path], limit: int) -> list[dict]:
    return list(iter_records(paths, limit))


def _status(pid: str) -> tuple[int, int]:
    """(RSS, PSS) in bytes of one process, 0 when it is gone."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1]) * 1024
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
    except OSError:
        pass
    return rss, pss


def _tree(pid: int) -> list[str]:
    pids, todo = [], [str(pid)]
    while todo:
        current = todo.pop()
        pids.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    todo.extend(handle.read().split())
        except OSError:
            pass
    return pids


class PeakMemory(threading.Thread):
    """Samples the summed memory of this process tree until stopped."""

    def __init__(self, every: float = 0.25, report_every: float = 120.0) -> None:
        super().__init__(daemon=True)
        self.every = every
        self.report_every = report_every
        self.peak_rss = self.peak_pss = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        last_report = time.monotonic()
        while not self._stop_event.is_set():
            if time.monotonic() - last_report > self.report_every:
                # Long runs: the peak so far, in case the run is cut short.
                last_report = time.monotonic()
                print(json.dumps({"peak_pss_mb_so_far": round(self.peak_pss / 2**20),
                                  "at": time.strftime("%H:%M:%S")}), file=sys.stderr, flush=True)  # fmt: skip
            rss = pss = 0
            for pid in _tree(os.getpid()):
                r, p = _status(pid)
                rss, pss = rss + r, pss + p
            self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
            self._stop_event.wait(self.every)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def cpu_seconds() -> float:
    """User + system CPU of this process and its reaped children (worker processes)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def run_pipeline(records: Iterable[dict], coder, workers: int, db: Path) -> dict:
    from dyadwatch.events.pipeline import code_pending
    from dyadwatch.ingest.errors import ReadError
    from dyadwatch.ingest.pipeline import store_documents
    from dyadwatch.ingest.records import document_from_record
    from dyadwatch.store import Store

    started, cpu = time.perf_counter(), cpu_seconds()
    store = Store(str(db))

    def documents():
        # Streamed: the store writes in batches, so memory does not grow with the corpus.
        for i, record in enumerate(records):
            try:
                yield document_from_record(record, where=f"record {i}")[0]
            except ReadError:
                continue

    ingest = store_documents(store, documents())
    ingested = time.perf_counter()
    summary = code_pending(store, coder=coder, workers=workers, quiet=True, warn=lambda m: None)
    done = time.perf_counter()
    store.dispose()
    return {
        "seconds": done - started,
        "cpu_seconds": cpu_seconds() - cpu,
        "ingest_seconds": ingested - started,
        "code_seconds": done - ingested,
        "documents": ingest.added,
        "sentences": summary.sentences,
        "candidates": summary.candidates,
        "reports": summary.reports,
        "events": summary.events,
        "timings": {k: round(v, 2) for k, v in summary.timings.items()},
    }


def run_baseline(records: list[dict], n_process: int) -> dict:
    from dyadwatch import nlp

    texts = [str(r.get("text") or "") for r in records]
    started, cpu = time.perf_counter(), cpu_seconds()
    # Plain: the pipeline's own defaults (batch size), one process unless asked.
    tokens = sum(len(doc) for doc in nlp.load().pipe(texts, n_process=n_process))
    return {"seconds": time.perf_counter() - started, "cpu_seconds": cpu_seconds() - cpu,
            "tokens": tokens}  # fmt: skip


def machine() -> dict:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as handle:
            cpu = next(line.split(":", 1)[1].strip() for line in handle if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    import spacy

    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "spacy": spacy.__version__, "platform": platform.platform()}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--files", nargs="*", default=list(DEFAULT_FILES),
                        help="corpus files relative to shared/data/corpora (or 'all')")  # fmt: skip
    parser.add_argument("--no-baseline", action="store_true", help="pipeline only (memory runs)")
    parser.add_argument("--baseline-processes", type=int, default=1,
                        help="n_process of the plain nlp.pipe (default 1: plain)")  # fmt: skip
    args = parser.parse_args()

    if args.files == ["all"]:
        paths = sorted(CORPORA.glob("*/*.jsonl*"))
    else:
        paths = [CORPORA / f for f in args.files]
    # Memory runs stream the records; timing runs hold them so both sides read the same.
    records = None if args.no_baseline else read_records(paths, args.docs)

    from dyadwatch import nlp
    from dyadwatch.events import Coder

    nlp.load()
    coder = Coder()
    print(json.dumps({"machine": machine(), "docs": args.docs, "workers": args.workers,
                      "coder": str(coder.version), "files": [str(p.name) for p in paths]}))  # fmt: skip
    pipeline_times, baseline_times, pipeline_cpu, baseline_cpu = [], [], [], []
    for run in range(args.runs):
        if not args.no_baseline:
            base = run_baseline(records, args.baseline_processes)
            baseline_times.append(base["seconds"])
            baseline_cpu.append(base["cpu_seconds"])
            print(json.dumps({"run": run, "side": "nlp.pipe", **base}), flush=True)
        with tempfile.TemporaryDirectory() as tmp:
            memory = PeakMemory()
            memory.start()
            source = records if records is not None else iter_records(paths, args.docs)
            result = run_pipeline(source, coder, args.workers, Path(tmp) / "bench.db")
            memory.stop()
        pipeline_times.append(result["seconds"])
        pipeline_cpu.append(result["cpu_seconds"])
        print(json.dumps({"run": run, "side": "dyadwatch", **result,
                          "peak_pss_mb": round(memory.peak_pss / 2**20),
                          "peak_rss_sum_mb": round(memory.peak_rss / 2**20)}), flush=True)  # fmt: skip
    summary = {"median_dyadwatch_seconds": round(statistics.median(pipeline_times), 2)}
    if baseline_times:
        summary["median_nlp_pipe_seconds"] = round(statistics.median(baseline_times), 2)
        summary["speedup"] = round(statistics.median(baseline_times) / statistics.median(pipeline_times), 2)
        # CPU work is what a busy (shared) machine cannot blur: how much less work it is.
        summary["median_dyadwatch_cpu_seconds"] = round(statistics.median(pipeline_cpu), 2)
        summary["median_nlp_pipe_cpu_seconds"] = round(statistics.median(baseline_cpu), 2)
        summary["cpu_ratio"] = round(statistics.median(baseline_cpu) / statistics.median(pipeline_cpu), 2)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
