"""Scale benchmark (issue 2): registering 1 million slips, planning a 400-merchant event,
and the stock report over 10 million registered slips. Run on demand:

    python tests/benchmarks/bench_scale.py [--slips 1000000] [--merchants 400]

Prints seconds and the ratio to the same rows written with plain sqlite3 in the same run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from app.db import connection
from app.domain.ids import new_id
from app.services.admin import users
from app.services.checkout import plan
from app.services.core.actor import Actor
from app.services.events import events, merchants
from app.services.stock import registration as stock
from app.services.stock import report as stock_report

ACTOR = Actor("bench", "admin")  # replaced by the logged-in actor in set-up
PASSWORD = "Ob!k8-zz-31qm"


def timed(label: str, func):  # noqa: ANN001, ANN201 - tiny script helper
    start = time.perf_counter()
    result = func()
    seconds = time.perf_counter() - start
    print(f"{label:<52} {seconds:8.2f} s")
    return result, seconds


def plain_sql_insert(path: Path, books: int, size: int) -> None:
    """The same book rows through sqlite3 directly, one transaction: the floor to compare to."""
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=wal")
    con.execute("PRAGMA synchronous=full")
    con.execute("CREATE TABLE book (id TEXT PRIMARY KEY, series_id TEXT, batch_id TEXT, "
                "first_no INTEGER, last_no INTEGER, state TEXT)")
    con.execute("CREATE UNIQUE INDEX b1 ON book(series_id, first_no)")
    con.execute("CREATE INDEX b2 ON book(series_id, state, first_no)")
    with con:
        con.executemany("INSERT INTO book VALUES (?,?,?,?,?,?)", (
            (new_id(), "s", "b", i * size + 1, (i + 1) * size, "in_stock") for i in range(books)))
    con.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--slips", type=int, default=1_000_000)
    parser.add_argument("--merchants", type=int, default=400)
    parser.add_argument("--total-slips", type=int, default=10_000_000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="orderbook-bench-"))
    connection.open_database(tmp / "bench.sqlite3")
    global ACTOR
    ACTOR = users.setup_admin(ACTOR.username, PASSWORD)
    series = stock.create_series(ACTOR, "BJ", 9, 50)
    books = args.slips // 50
    _, ours = timed(f"register {args.slips:,} slips ({books:,} books)",
                    lambda: stock.register_next_books(ACTOR, series.id, books))
    _, floor = timed("  same rows in plain sqlite3", lambda: plain_sql_insert(
        tmp / "plain.sqlite3", books, 50))
    print(f"  ratio service / plain SQL: {ours / floor:.2f}")
    rest = (args.total_slips - args.slips) // 50

    def fill() -> None:  # one registration holds at most a million slips
        for start in range(0, rest, 20_000):
            stock.register_next_books(ACTOR, series.id, min(20_000, rest - start))

    timed(f"register up to {args.total_slips:,} slips in total", fill)
    event = events.create_event(ACTOR, "BENCH-01", "Benchmark expo", "装大", dt.date(2026, 5, 1),
                                dt.date(2026, 5, 3))

    def add_merchants() -> None:
        for i in range(args.merchants):
            m = merchants.create_merchant(ACTOR, f"品牌{i:04d}", category="瓷砖")
            events.set_estimate(ACTOR, event.id, m.id, 30 + (i * 37) % 300)

    timed(f"add {args.merchants} merchants with estimates", add_merchants)
    lines, _ = timed(f"plan the event ({args.merchants} merchants)",
                     lambda: plan.build_plan(ACTOR, event.id, series.id))
    print(f"  planned {sum(line.planned_books for line in lines):,} books")
    timed("requisition table query", lambda: plan.plan_view(ACTOR, event.id))
    timed(f"stock report over {args.total_slips:,} slips",
          lambda: stock_report.stock_report(ACTOR))
    connection.close_database()
    return 0


if __name__ == "__main__":
    sys.exit(main())
