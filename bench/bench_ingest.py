"""Ingest benchmark: every corpus under ../shared/data/corpora into a fresh SQLite store.

Reports documents/s and peak memory (max RSS of the ingesting process), median of runs.
Run: python bench/bench_ingest.py [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO.parent / "shared" / "data" / "corpora"


def one_run() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        started = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        result = subprocess.run(
            [sys.executable, "-m", "dyadwatch", "--db", str(db), "ingest", str(CORPORA),
             "--format", "json", "--quiet"],
            capture_output=True, text=True, check=True,
        )
        elapsed = time.perf_counter() - started
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        summary = json.loads(result.stdout)
    return {"seconds": elapsed, "documents": summary["read"], "added": summary["added"],
            "sentences": summary["sentences"], "peak_rss_mb": max(peak_kib, before) / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    runs = [one_run() for _ in range(args.runs)]
    seconds = statistics.median(r["seconds"] for r in runs)
    docs = runs[0]["documents"]
    print(json.dumps({
        "machine": f"{platform.machine()} {platform.processor() or ''} {platform.python_version()}".strip(),
        "runs": args.runs,
        "documents_read": docs,
        "documents_stored": runs[0]["added"],
        "sentences": runs[0]["sentences"],
        "median_seconds": round(seconds, 2),
        "documents_per_second": round(docs / seconds, 1),
        "peak_rss_mb": round(max(r["peak_rss_mb"] for r in runs), 1),
    }, indent=2))


if __name__ == "__main__":
    main()
