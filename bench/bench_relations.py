"""Dyad series over 1M synthetic events in the default SQLite store.

    .venv/bin/python bench/bench_relations.py                 # build once (cached), time 7 runs
    .venv/bin/python bench/bench_relations.py --rebuild --events 1000000 --runs 7

The database is built once with the real schema (``Store``) and kept in
``bench/out/relations-<events>-<documents>.db``; rebuilding takes a minute or so. Events: ``--events``
rows over 2015–2024 between 30 states, the queried dyad (USA–RUS, both directions)
holding ``--dyad-share`` of them; types, quad classes and Goldstein values follow a
fixed CAMEO-like table; 3% negated, 5% future. Optionally ``--documents`` stories with
one actor mention each, so the coverage normalisation is part of the timing.

Timed: ``dyad_series(store, "USA", "RUS", freq=...)`` end to end — both directional
aggregate queries, the coverage query, bootstrap bands, rolling trend, labels, PELT
change points and their driving-event queries. Median (and min/max) of ``--runs`` runs
after one warm-up run.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from dyadwatch.relations import dyad_series  # noqa: E402
from dyadwatch.store import Store  # noqa: E402

STATES = ["USA", "RUS", "CHN", "UKR", "DEU", "FRA", "GBR", "IRN", "IND", "TUR", "POL", "JPN", "KOR", "PRK",
          "ISR", "SYR", "SAU", "BRA", "ZAF", "CAN", "ITA", "ESP", "NLD", "BLR", "KAZ", "GEO", "ARM", "AZE",
          "EGY", "PAK"]
# (event, quad class, Goldstein, weight)
KINDS = [
    ("CONSULT", 1, 1.0, 30), ("AGREE", 1, 3.0, 10), ("SUPPORT", 1, 3.4, 6), ("CONCEDE", 1, 5.0, 2),
    ("COOPERATE", 2, 6.0, 6), ("AID", 2, 7.4, 4), ("RETREAT", 2, 5.0, 2),
    ("REQUEST", 3, -0.1, 6), ("ACCUSE", 3, -2.0, 12), ("REJECT", 3, -4.0, 5), ("THREATEN", 3, -4.4, 4),
    ("PROTEST", 4, -6.5, 2), ("SANCTION", 4, -8.0, 4), ("MOBILIZE", 4, -7.2, 1), ("COERCE", 4, -7.0, 3),
    ("ASSAULT", 4, -10.0, 3),
]
THEMES = ["sanctions", "military", "diplomacy", "arms_control", "cyber_information", "energy",
          "third_party", "humanitarian", "domestic"]
FIRST, DAYS = date(2015, 1, 1), 3653


def build(path: Path, n_events: int, dyad_share: float, n_documents: int) -> None:
    if path.exists():
        path.unlink()
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    store = Store(str(path))
    rnd = random.Random(7)
    kinds = [k[:3] for k in KINDS]
    weights = [k[3] for k in KINDS]
    started = time.perf_counter()
    columns = ("date, date_precision, source_code, source_sector, target_code, target_sector, event, mode, "
               "contexts, themes, cameo, goldstein, plover_score, quad_class, negated, modality, confidence, "
               "report_count, doc_count, primary_report_id")
    sql = f"INSERT INTO events ({columns}) VALUES ({', '.join('?' * 20)})"
    with store.engine.begin() as conn:
        raw = conn.connection.driver_connection
        batch = []
        for _ in range(n_events):
            if rnd.random() < dyad_share:
                source, target = ("USA", "RUS") if rnd.random() < 0.5 else ("RUS", "USA")
            else:
                source, target = rnd.sample(STATES, 2)
                if {source, target} == {"USA", "RUS"}:
                    target = "CHN"
            # A slow drift toward conflict after day 2600 gives the series a break to find.
            day = rnd.randrange(DAYS)
            event, quad, goldstein = rnd.choices(kinds, weights)[0]
            if day > 2600 and rnd.random() < 0.3:
                event, quad, goldstein = "ASSAULT", 4, -10.0
            r = rnd.random()
            batch.append((
                (FIRST + timedelta(days=day)).isoformat(), "day", source, "GOV", target, "GOV", event, None,
                "[]", f'["{rnd.choice(THEMES)}"]', None, goldstein, goldstein / 2, quad,
                1 if r < 0.03 else 0, "future" if 0.03 <= r < 0.08 else "asserted", 0.8,
                1 + int(rnd.expovariate(0.7)), 1, None,
            ))
            if len(batch) == 50_000:
                raw.executemany(sql, batch)
                batch.clear()
        if batch:
            raw.executemany(sql, batch)
        if n_documents:
            doc_sql = ("INSERT INTO documents (ref, content_hash, kind, text, blocks, footnotes, extra, published, "
                       "ingested_at) VALUES (?, ?, 'text', '', '[]', '[]', '{}', ?, ?)")
            now = datetime(2025, 1, 1).isoformat(sep=" ")
            raw.executemany(doc_sql, [
                (f"d{i}", f"h{i}", (datetime.combine(FIRST, datetime.min.time())
                                    + timedelta(days=rnd.randrange(DAYS), hours=9)).isoformat(sep=" "), now)
                for i in range(n_documents)
            ])
            raw.executemany(
                "INSERT INTO mentions (doc_id, sentence_idx, start, \"end\", text, code) VALUES (?, 0, 0, 1, 'x', ?)",
                [(i + 1, rnd.choice(STATES)) for i in range(n_documents)],
            )
    with store.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    store.dispose()
    print(f"built {path} ({n_events:,} events, {n_documents:,} documents) in "
          f"{time.perf_counter() - started:.1f} s", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--dyad-share", type=float, default=0.1, help="share of events in USA–RUS")
    parser.add_argument("--documents", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--freq", default="month")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--db", type=Path, help="database file (default bench/out/relations-<events>-<documents>.db)")
    args = parser.parse_args()

    path = args.db or REPO / "bench" / "out" / f"relations-{args.events}-{args.documents}.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    if args.rebuild or not path.exists():
        build(path, args.events, args.dyad_share, args.documents)

    store = Store(str(path))
    result = dyad_series(store, "USA", "RUS", freq=args.freq)  # warm-up: page cache, imports
    timings, cpu = [], []
    for _ in range(args.runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = dyad_series(store, "USA", "RUS", freq=args.freq)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    print(
        f"dyad_series USA-RUS freq={args.freq} over {args.events:,} events "
        f"({result['totals']['events']:,} counted in the dyad, {len(result['periods'])} periods, "
        f"{len(result['change_points'])} change points, index basis {result['index']['basis']}): "
        f"median {statistics.median(timings):.0f} ms, min {min(timings):.0f}, max {max(timings):.0f} "
        f"over {args.runs} runs (CPU time median {statistics.median(cpu):.0f} ms)"
    )
    print(f"load average {os.getloadavg()[0]:.1f} (wall times grow on a busy machine)")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"SQLite {__import__('sqlite3').sqlite_version}")


if __name__ == "__main__":
    main()
