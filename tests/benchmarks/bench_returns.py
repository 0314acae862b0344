"""Return check benchmark (issue 4): an event with 400 merchants and 60,000 slips (1,200 books of
50). Run on demand:

    python tests/benchmarks/bench_returns.py [--merchants 400] [--books 3] [--repeat 5]

(a) entering and closing every merchant's return through the services, as a clerk does it: per
book a few exceptions (two voids as a list, the last ten unused as a range, one missing in every
fifth book), then "all remaining used"; then close the return. (b) building the reconciliation
table. Each is printed in seconds and as a ratio to the same work done with plain sqlite3 in the
same run: (a) the same calls as transactions of hand-written SQL (same checks, rows, undo steps
and chained audit records) on a copy of the same database, (b) the same two GROUP BY queries.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from app.db import connection
from app.domain.ids import new_id
from app.services.admin import users
from app.services.checkout import checkouts as checkout
from app.services.checkout import plan
from app.services.core.actor import Actor
from app.services.events import events, merchants
from app.services.returns import entry as returns
from app.services.returns import reconciliation, slips
from app.services.stock import registration as stock

ACTOR = Actor("bench", "admin")  # replaced by the logged-in actor in set-up
PASSWORD = "Ob!k8-zz-31qm"
SIZE = 50
PREFIX = "BJ"
DIGITS = 9


def timed(label: str, func):  # noqa: ANN001, ANN201 - tiny script helper
    start = time.perf_counter()
    result = func()
    seconds = time.perf_counter() - start
    print(f"{label:<58} {seconds:8.3f} s")
    return result, seconds


def best_of(label: str, repeat: int, func):  # noqa: ANN001, ANN201 - tiny script helper
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    print(f"{label:<58} {min(times):8.3f} s  (best of {repeat})")
    return result, min(times)


def exceptions(book_index: int, first: int) -> list[tuple[list[int], str]]:
    """What the clerk types for one book before "all remaining used"."""
    out = [([first + 3, first + 17], "void"), (list(range(first + 40, first + 50)), "unused")]
    if book_index % 5 == 0:
        out.append(([first + 25], "missing"))
    return out


def text(numbers: list[int]) -> str:
    """``BJ000000004, BJ000000018`` or ``BJ000000041-BJ000000050``."""
    if len(numbers) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"{PREFIX}{numbers[0]:0{DIGITS}d}-{PREFIX}{numbers[-1]:0{DIGITS}d}"
    return ", ".join(f"{PREFIX}{n:0{DIGITS}d}" for n in numbers)


def prepare(path: Path, n_merchants: int, books: int) -> tuple[str, list[tuple[str, list[int]]]]:
    """The event checked out: its id and each merchant's id with its books' first numbers."""
    connection.open_database(path)
    global ACTOR
    ACTOR = users.setup_admin(ACTOR.username, PASSWORD)
    series = stock.create_series(ACTOR, PREFIX, DIGITS, SIZE)
    stock.register_next_books(ACTOR, series.id, n_merchants * books + 10)
    event = events.create_event(ACTOR, "BENCH-RET", "Return benchmark", "装大",
                                dt.date(2026, 5, 1), dt.date(2026, 5, 3), "", ["王芳"])
    ids = []
    for i in range(n_merchants):
        m = merchants.create_merchant(ACTOR, f"品牌{i:04d}", category="瓷砖",
                                      category_manager="王芳")
        events.set_estimate(ACTOR, event.id, m.id, books * SIZE)
        ids.append(m.id)
    plan.build_plan(ACTOR, event.id, series.id)
    out = []
    for m in ids:
        checkout.checkout_merchant(ACTOR, event.id, m, "签收人", "cash")
        firsts = [b.first_no for b in slips.issued_books(event.id, m)]
        out.append((m, firsts))
    return event.id, out


def service_returns(event_id: str, work: list[tuple[str, list[int]]]) -> int:
    """(a) through the services; returns the number of service calls."""
    calls = 0
    for m, firsts in work:
        for i, first in enumerate(firsts):
            for numbers, state in exceptions(i, first):
                returns.mark_slips(ACTOR, event_id, m, text(numbers), state)
                calls += 1
            returns.mark_remaining(ACTOR, event_id, m, f"{PREFIX}{first:0{DIGITS}d}", "used")
            calls += 1
        returns.close_return(ACTOR, event_id, m)
        calls += 1
    return calls


class PlainSQL:
    """(a) by hand: the same transactions, checks and rows with sqlite3 and nothing else."""

    def __init__(self, path: Path, event_id: str) -> None:
        self.con = sqlite3.connect(path, isolation_level=None)
        for pragma in ("journal_mode=wal", "synchronous=full", "foreign_keys=on",
                       "cache_size=-32000"):
            self.con.execute(f"PRAGMA {pragma}")
        self.event = event_id
        self.series = self.con.execute("SELECT id FROM series WHERE prefix=?",
                                       (PREFIX,)).fetchone()[0]

    def now(self) -> str:
        return dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")

    def audit(self, action: str, entity_id: str, merchant: str, after: dict) -> None:
        head_id, seq, prev = self.con.execute("SELECT id, seq, hash FROM audit_head").fetchone()
        at = self.now()
        body = {"seq": seq + 1, "at": at, "actor": ACTOR.username, "action": action,
                "entity": "merchant_return", "entity_id": entity_id, "event": self.event,
                "merchant": merchant, "before": None, "after": json.dumps(after)}
        digest = hashlib.sha256((prev + json.dumps(body, sort_keys=True)).encode()).hexdigest()
        self.con.execute("INSERT INTO audit_log VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                         (new_id(), seq + 1, at, ACTOR.username, action, "merchant_return",
                          entity_id, self.event, merchant, None, body["after"], prev, digest))
        self.con.execute("UPDATE audit_head SET seq=?, hash=? WHERE id=?",
                         (seq + 1, digest, head_id))

    def begin(self, merchant: str) -> str:
        """BEGIN IMMEDIATE, the user's role, and the merchant's open return (created)."""
        self.con.execute("BEGIN IMMEDIATE")
        self.con.execute("SELECT role, active FROM user WHERE username=?", (ACTOR.username,))
        row = self.con.execute("SELECT id, state FROM merchant_return WHERE event_id=? AND "
                               "merchant_id=?", (self.event, merchant)).fetchone()
        if row is None:
            ret = new_id()
            self.con.execute("INSERT INTO merchant_return VALUES (?,?,?,?,?,?,?,?)",
                             (ret, self.event, merchant, "open", ACTOR.username, self.now(),
                              None, None))
            return ret
        assert row[1] == "open"
        return row[0]

    def insert(self, ret: str, merchant: str, numbers: list[int], state: str,
               action: str) -> None:
        books = self.con.execute(
            "SELECT id, first_no, last_no, event_id, merchant_id FROM book WHERE series_id=? "
            "AND last_no>=? AND first_no<=? AND state='issued'",
            (self.series, numbers[0], numbers[-1])).fetchall()
        holder = {}
        for book_id, first, last, event, owner in books:
            assert (event, owner) == (self.event, merchant)
            holder.update(dict.fromkeys(range(first, last + 1), book_id))
        now = self.now()
        self.con.executemany("INSERT INTO slip VALUES (?,?,?,?,?,?,?,0,NULL,'',NULL,NULL,'','',"
                             "NULL,NULL,?,?)",
                             [(new_id(), self.series, n, holder[n], self.event, merchant, state,
                               ACTOR.username, now) for n in numbers])
        seq = self.con.execute("SELECT MAX(seq) FROM return_step WHERE merchant_return_id=?",
                               (ret,)).fetchone()[0] or 0
        self.con.execute("INSERT INTO return_step VALUES (?,?,?,?,?,?,?,?,?,NULL,NULL)",
                         (new_id(), ret, seq + 1, action, state, self.series,
                          json.dumps([[n, None] for n in numbers]), ACTOR.username, now))
        self.audit(f"returns.{action}", ret, merchant, {"step": seq + 1, "state": state,
                                                        "count": len(numbers)})
        self.con.execute("COMMIT")

    def mark(self, merchant: str, numbers: list[int], state: str) -> None:
        ret = self.begin(merchant)
        marks = ",".join("?" * len(numbers))
        taken = self.con.execute(f"SELECT number FROM slip WHERE series_id=? AND number IN "
                                 f"({marks})", (self.series, *numbers)).fetchall()
        assert not taken
        self.insert(ret, merchant, numbers, state, "mark")

    def remaining(self, merchant: str, first: int, state: str) -> None:
        ret = self.begin(merchant)
        taken = {n for (n,) in self.con.execute(
            "SELECT number FROM slip WHERE series_id=? AND number BETWEEN ? AND ?",
            (self.series, first, first + SIZE - 1))}
        self.insert(ret, merchant, [n for n in range(first, first + SIZE) if n not in taken],
                    state, "remaining")

    def close(self, merchant: str) -> None:
        ret = self.begin(merchant)
        issued = self.con.execute("SELECT SUM(last_no - first_no + 1) FROM book WHERE "
                                  "event_id=? AND merchant_id=? AND state='issued'",
                                  (self.event, merchant)).fetchone()[0]
        states = dict(self.con.execute("SELECT state, COUNT(*) FROM slip WHERE event_id=? AND "
                                       "merchant_id=? GROUP BY state", (self.event, merchant)))
        assert sum(states.values()) == issued
        self.con.execute("UPDATE slip SET chase_manager=?, chase_due=? WHERE event_id=? AND "
                         "merchant_id=? AND state='missing' AND chase_manager=''",
                         ("王芳", str(dt.date.today()), self.event, merchant))
        self.con.execute("UPDATE merchant_return SET state='closed', closed_by=?, closed_at=? "
                         "WHERE id=?", (ACTOR.username, self.now(), ret))
        self.audit("returns.close", ret, merchant, {"counts": states})
        self.con.execute("COMMIT")

    def run(self, work: list[tuple[str, list[int]]]) -> None:
        for m, firsts in work:
            for i, first in enumerate(firsts):
                for numbers, state in exceptions(i, first):
                    self.mark(m, numbers, state)
                self.remaining(m, first, "used")
            self.close(m)


def plain_reconciliation(path: Path, event_id: str) -> list[tuple]:
    """(b) by hand: issued per merchant from the books, states per merchant from the slips."""
    con = sqlite3.connect(path)
    try:
        issued = dict(con.execute("SELECT merchant_id, SUM(last_no - first_no + 1) FROM book "
                                  "WHERE event_id=? AND state='issued' GROUP BY merchant_id",
                                  (event_id,)))
        states: dict[str, dict[str, int]] = {}
        for m, state, n in con.execute("SELECT merchant_id, state, COUNT(*) FROM slip WHERE "
                                       "event_id=? GROUP BY merchant_id, state", (event_id,)):
            states.setdefault(m, {})[state] = n
        brands = dict(con.execute("SELECT id, brand FROM merchant"))
        return sorted((brands[m], n, states.get(m, {})) for m, n in issued.items())
    finally:
        con.close()


def copy_database(src: Path, dst: Path) -> None:
    """An online copy (backup API) of the prepared database."""
    a, b = sqlite3.connect(src), sqlite3.connect(dst)
    try:
        a.backup(b)
    finally:
        a.close()
        b.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--merchants", type=int, default=400)
    parser.add_argument("--books", type=int, default=3, help="books per merchant")
    parser.add_argument("--repeat", type=int, default=5, help="reconciliation runs (best of)")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="orderbook-bench-returns-"))
    ours, plain = tmp / "bench.sqlite3", tmp / "plain.sqlite3"
    slips = args.merchants * args.books * SIZE
    (event_id, work), _ = timed(f"set up: {args.merchants} merchants checked out, {slips:,} "
                                "slips", lambda: prepare(ours, args.merchants, args.books))
    copy_database(ours, plain)
    calls, ours_a = timed("(a) enter and close every return (services)",
                          lambda: service_returns(event_id, work))
    print(f"    {calls:,} service calls, {ours_a / calls * 1000:.2f} ms each")
    sql = PlainSQL(plain, event_id)
    _, floor_a = timed("    same transactions in plain sqlite3", lambda: sql.run(work))
    sql.con.close()
    print(f"    ratio service / plain SQL: {ours_a / floor_a:.2f}")
    table, ours_b = best_of("(b) reconciliation table (service)", args.repeat,
                            lambda: reconciliation.reconciliation(ACTOR, event_id))
    assert table.total.balanced and table.total.not_entered == 0
    assert table.total.issued == slips, table.total
    rows, floor_b = best_of("    same queries in plain sqlite3", args.repeat,
                            lambda: plain_reconciliation(ours, event_id))
    assert len(rows) == len(table.lines) == args.merchants
    print(f"    ratio service / plain SQL: {ours_b / floor_b:.2f}")
    print(f"    totals: {table.total}")
    connection.close_database()
    return 0


if __name__ == "__main__":
    sys.exit(main())
