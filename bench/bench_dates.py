"""Publication-date accuracy of `dyadwatch ingest URL` on fixture pages with known dates.

The pages (tests/fixtures/web/site, dates in tests/fixtures/web/pages.json) state their
date in the ways real sites do: Open Graph / article meta, JSON-LD, itemprop, <time>,
a compact ``pubdate`` meta, visible bylines, only the URL path, only the HTTP
Last-Modified header, and a wrongly-declared encoding. Each page is fetched from a real
HTTP server on 127.0.0.1 through the same code as `dyadwatch ingest URL`, and the stored
date is compared with the known one (same calendar day = correct).

    .venv/bin/python bench/bench_dates.py            # table + accuracy
    .venv/bin/python bench/bench_dates.py --json     # machine-readable
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "fixtures" / "web"))

from fixture_server import PAGES, FixtureServer  # noqa: E402

from dyadwatch.ingest.web import FetchOptions, ingest_urls  # noqa: E402
from dyadwatch.store import Store  # noqa: E402
from dyadwatch.store.schema import documents  # noqa: E402


def run() -> dict:
    rows = []
    with FixtureServer() as server, tempfile.TemporaryDirectory() as tmp:
        store = Store(str(Path(tmp) / "bench.db"))
        options = FetchOptions(timeout=5, per_host_delay=0, retries=0)
        started = time.perf_counter()
        ingest_urls(store, [server.url(path) for path in PAGES], fetch_options=options)
        seconds = time.perf_counter() - started
        with store.connect() as conn:
            found = {r.ref: r for r in conn.execute(sa.select(documents.c.ref, documents.c.published, documents.c.extra))}
        store.dispose()
        for path, info in PAGES.items():
            row = found.get(server.url(path))
            got = row.published.date().isoformat() if row is not None and row.published else None
            rows.append({"path": path, "how": info["how"], "expected": info["published"], "got": got,
                         "correct": got == info["published"],
                         "from": (row.extra or {}).get("date_from", "page") if row is not None and got else None})
    correct = sum(r["correct"] for r in rows)
    missing = sum(r["got"] is None and r["expected"] is not None for r in rows)
    return {"pages": len(rows), "correct": correct, "wrong": len(rows) - correct - missing, "missing": missing,
            "accuracy": round(correct / len(rows), 3), "seconds": round(seconds, 2), "rows": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--repeat", type=int, default=1, help="Runs; the time reported is the median.")
    args = parser.parse_args()
    runs = [run() for _ in range(max(1, args.repeat))]
    result = runs[0]
    result["seconds"] = sorted(r["seconds"] for r in runs)[len(runs) // 2]
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for row in result["rows"]:
        mark = "ok " if row["correct"] else "BAD"
        print(f"{mark} {row['expected']}  got {row['got'] or '-':10}  ({row['from'] or '-'})  {row['how']}")
    print(f"\n{result['correct']}/{result['pages']} publication dates correct to the day "
          f"(accuracy {result['accuracy']:.3f}; {result['wrong']} wrong, {result['missing']} missing) "
          f"in {result['seconds']} s")


if __name__ == "__main__":
    main()
