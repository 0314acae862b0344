"""Several processes write one database at the same time (issue 3, point 6): on one SQLite file
and on PostgreSQL (when ORDERBOOK_TEST_PG names a server).

Five worker processes (tests/concurrency/worker.py), each its own user, start together and call
services as fast as they can for a few seconds: two register the next 1–3 books of a series, one
sets estimates / builds the plan / changes planned books of a prepared 40-merchant event, one
checks out merchants, one issues extra books. Every call is reported. Afterwards the test proves:

- no number registered twice: registrations and books tile the series from 1 without overlap or
  gap, and exactly the registrations reported as successful exist (none lost, none phantom);
- no book issued twice or to two merchants: every reported checkout still holds exactly the books
  it reported, no book is in two reported checkouts, every issued book belongs to one;
- no lost update: every successful call is visible (registrations, checkouts, the last estimate
  each merchant was given), and the audit has one record per successful call, per user and per
  action, and its chain verifies;
- money: one deposit entry per checkout, and per merchant deposits = issued books × deposit;
- failed calls are Conflicts (busy, clash) and wrote nothing (nothing unreported exists).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from app.db import connection
from app.db.models import (
    AuditLog,
    Book,
    Checkout,
    DepositEntry,
    Estimate,
    Event,
    Series,
    StockBatch,
)
from app.services.admin.audit import verify_chain
from app.services.checkout import plan
from app.services.events import events, merchants
from app.services.stock import registration as stock
from tests.concurrency.worker import EVENT, OWN_ESTIMATES, SERIES
from tests.conftest import ADMIN, add_user

ROOT = Path(__file__).resolve().parents[2]
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    not os.environ.get("ORDERBOOK_TEST_PG"), reason="ORDERBOOK_TEST_PG is not set"))]
SECONDS = float(os.environ.get("ORDERBOOK_CONCURRENCY_SECONDS") or 3)
SEED = int(os.environ.get("ORDERBOOK_CONCURRENCY_SEED") or random.SystemRandom().randrange(2**32))
WORKERS = [("stock", "w_stock1"), ("stock", "w_stock2"), ("planner", "w_plan"),
           ("checkout", "w_checkout"), ("extra", "w_extra")]
MERCHANTS = 40
BOOK_SIZE = 50
ACTION_OF = {"stock.register_next": "stock.register", "events.set_estimate": "estimate.set",
             "plan.build": "plan.build", "plan.set_books": "plan.set_books",
             "checkout.merchant": "checkout.issue", "checkout.extra": "checkout.extra"}
ALLOWED_FAILURES = {"Conflict"}


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path: Path):
    """A new database (SQLite file, or a PostgreSQL database dropped afterwards)."""
    if request.param == "sqlite":
        yield "sqlite:///" + str(tmp_path / "shared.sqlite3")
        return
    from tests.crash.harness import pg_create, pg_database_url, pg_drop

    server = os.environ["ORDERBOOK_TEST_PG"]
    name = pg_create(server)
    try:
        yield pg_database_url(server, name)
    finally:
        connection.close_database()
        pg_drop(server, name)


def _prepare(url: str) -> dict[str, Any]:
    """Series with stock, an event of 40 merchants with estimates and a plan; the users."""
    connection.open_database(url)
    add_user(ADMIN.username, ADMIN.role)
    for _, username in WORKERS:
        add_user(username, "clerk")
    series = stock.create_series(ADMIN, SERIES, 7, BOOK_SIZE, "concurrency")
    stock.register_next_books(ADMIN, series.id, 300)
    event = events.create_event(ADMIN, EVENT, "并发测试", "卖场", dt.date(2026, 5, 1),
                                dt.date(2026, 5, 3), deposit_per_book="200")
    for i in range(MERCHANTS):
        m = merchants.create_merchant(ADMIN, f"并发品牌{i:02d}")
        events.set_estimate(ADMIN, event.id, m.id, (i * 37) % 120 + 1)
    plan.build_plan(ADMIN, event.id, series.id)
    baseline = {
        "audit": AuditLog.select().count(),
        "batches": {b.id for b in StockBatch.select()},
        "estimates": {e.merchant_id: e.estimate for e in Estimate.select()},
        "order": [e.merchant_id for e in Estimate.select().order_by(Estimate.seq)],
    }
    connection.close_database()
    return baseline


def _run_workers(url: str) -> dict[str, list[dict[str, Any]]]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    procs = []
    for i, (role, username) in enumerate(WORKERS):
        procs.append((username, subprocess.Popen(
            [sys.executable, "-m", "tests.concurrency.worker", role, url, username,
             str(SEED + i), str(SECONDS)],
            cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)))
    try:
        for username, proc in procs:
            assert proc.stdout is not None
            first = proc.stdout.readline()
            assert json.loads(first or "{}").get("ready"), (
                f"{username} did not start: {first}{proc.stderr.read() if proc.stderr else ''}")
        for _, proc in procs:  # all at once
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        reports = {}
        for username, proc in procs:
            out, err = proc.communicate(timeout=SECONDS + 120)
            records = [json.loads(line) for line in out.splitlines() if line.strip()]
            crashes = [r["crash"] for r in records if "crash" in r]
            assert not crashes, f"{username} crashed (seed {SEED}):\n{crashes[0]}\n{err[-2000:]}"
            assert records and records[-1].get("end"), f"{username} did not finish:\n{err}"
            reports[username] = [r for r in records if "call" in r]
        return reports
    finally:
        for _, proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def test_concurrent_writers_never_double_register_double_issue_or_lose_updates(db_url: str):
    baseline = _prepare(db_url)
    started = time.monotonic()
    reports = _run_workers(db_url)
    elapsed = time.monotonic() - started
    calls = [dict(r, user=u) for u, rs in reports.items() for r in rs]
    ok = [r for r in calls if r["ok"]]
    failures = Counter((r["call"], r["error"]) for r in calls if not r["ok"])
    summary = {k: (sum(1 for r in ok if r["call"] == k),
                   sum(1 for r in calls if r["call"] == k and not r["ok"])) for k in ACTION_OF}
    reasons = Counter((r["call"], r["message"][:60]) for r in calls if not r["ok"])
    slowest = max(r["ms"] for r in calls)
    print(f"\n{db_url.split(':')[0]} seed={SEED} {elapsed:.1f}s, slowest call {slowest} ms, "
          f"(ok, refused): {summary}\nrefusals: {dict(reasons)}")

    bad = [r for r in calls if not r["ok"] and r["error"] not in ALLOWED_FAILURES]
    assert not bad, f"seed {SEED}: failures other than Conflict: {bad[:5]}"
    for call in ("stock.register_next", "checkout.extra", "events.set_estimate", "plan.build"):
        assert summary[call][0] >= 1, f"seed {SEED}: no successful {call}: {failures}"
    assert summary["checkout.merchant"][0] + summary["checkout.extra"][0] >= 2

    connection.open_database(db_url, create=False)
    try:
        _prove_numbers(ok, baseline)
        _prove_books_and_money(ok)
        _prove_estimates(ok, baseline)
        _prove_audit(ok, baseline, reports)
    finally:
        connection.close_database()


def _prove_numbers(ok: list[dict[str, Any]], baseline: dict[str, Any]) -> None:
    """Registrations and books tile the series 1…max; exactly the reported ones exist."""
    series = Series.get(Series.prefix == SERIES)
    registered = {r["batch"]: r for r in ok if r["call"] == "stock.register_next"}
    batches = list(StockBatch.select().where(StockBatch.series == series)
                   .order_by(StockBatch.first_no))
    assert {b.id for b in batches} == baseline["batches"] | set(registered), (
        f"seed {SEED}: registrations lost or written by a failed call")
    end = 0
    for b in batches:
        assert b.voided_at is None
        assert b.first_no == end + 1, f"seed {SEED}: numbers {end + 1}… overlap or gap"
        end = b.last_no
        if b.id in registered:
            r = registered[b.id]
            assert (r["first"], r["last"], r["books"]) == (
                b.first_no, b.last_no, (b.last_no - b.first_no + 1) // BOOK_SIZE)
    batch_range = {b.id: (b.first_no, b.last_no) for b in batches}
    books = list(Book.select(Book.first_no, Book.last_no, Book.batch)
                 .where(Book.series == series).order_by(Book.first_no).tuples())
    assert len(books) == end // BOOK_SIZE, f"seed {SEED}: {len(books)} books for {end} slips"
    for i, (first, last, batch) in enumerate(books):
        assert (first, last) == (i * BOOK_SIZE + 1, (i + 1) * BOOK_SIZE), f"book {first}"
        lo, hi = batch_range[batch]
        assert lo <= first and last <= hi, f"seed {SEED}: book {first} outside its batch"


def _prove_books_and_money(ok: list[dict[str, Any]]) -> None:
    """Every reported checkout holds its books; no book twice; deposits match issued books."""
    event = Event.get(Event.code == EVENT)
    per_book = event.deposit_per_book_fen
    reported = {r["checkout"]: r for r in ok
                if r["call"] in ("checkout.merchant", "checkout.extra")}
    rows = {c.id: c for c in Checkout.select()}
    assert set(rows) == set(reported), f"seed {SEED}: checkouts lost or written by failed calls"
    seen: dict[str, str] = {}
    for cid, r in reported.items():
        c = rows[cid]
        assert c.merchant_id == r["merchant"] and c.event_id == event.id
        assert c.extra == (r["call"] == "checkout.extra")
        assert c.book_count == len(r["books"]) and c.deposit_fen == r["deposit"] == (
            len(r["books"]) * per_book)
        held = list(Book.select().where(Book.checkout == cid))
        assert sorted(b.id for b in held) == r["books"], (
            f"seed {SEED}: checkout {cid} ({r['call']}) of merchant {r['merchant']} reported "
            f"books {r['books']}; they are now " + "; ".join(
                f"{b.first_no}: {b.state}, merchant {b.merchant_id}, checkout {b.checkout_id}"
                for b in Book.select().where(Book.id.in_(r["books"]))))
        assert all(b.state == "issued" and b.merchant_id == c.merchant_id
                   and b.event_id == event.id for b in held)
        for b in r["books"]:
            assert b not in seen, f"seed {SEED}: book {b} issued in {seen[b]} and {cid}"
            seen[b] = cid
    issued = list(Book.select().where(Book.state == "issued"))
    assert {b.id for b in issued} == set(seen), f"seed {SEED}: issued books nobody reported"
    unissued = [(b.first_no, b.state, b.checkout_id) for b in Book.select().where(
        (Book.state != "issued") & Book.checkout.is_null(False))]
    assert not unissued, f"seed {SEED}: books of a checkout no longer issued: {unissued}"
    on_event = {e.merchant_id for e in Estimate.select().where(Estimate.event == event)}
    for b in Book.select().where(Book.state == "planned"):
        assert b.event_id == event.id and b.merchant_id in on_event, f"planned book {b.first_no}"
    assert not Book.select().where((Book.state == "in_stock") & (
        Book.event.is_null(False) | Book.merchant.is_null(False))).exists()

    entries = list(DepositEntry.select())
    assert sorted((d.checkout_id, d.kind, d.amount_fen) for d in entries) == sorted(
        (cid, "taken", r["deposit"]) for cid, r in reported.items()), (
        f"seed {SEED}: deposit entries do not match the checkouts")
    held_by: dict[str, int] = defaultdict(int)
    for d in entries:
        held_by[d.merchant_id] += d.amount_fen
    books_by: Counter[str] = Counter(b.merchant_id for b in issued)
    for merchant in set(held_by) | set(books_by):
        assert held_by[merchant] == books_by[merchant] * per_book, (
            f"seed {SEED}: merchant {merchant} holds {held_by[merchant]} fen for "
            f"{books_by[merchant]} books")


def _prove_estimates(ok: list[dict[str, Any]], baseline: dict[str, Any]) -> None:
    """The last estimate the planner set for each merchant is the one stored."""
    expected = dict(baseline["estimates"])
    for r in ok:  # in the planner's own order: only it sets estimates
        if r["call"] == "events.set_estimate":
            expected[r["merchant"]] = r["estimate"]
    owned = {baseline["order"][i] for i in OWN_ESTIMATES}
    assert {r["merchant"] for r in ok if r["call"] == "events.set_estimate"} <= owned
    stored = {e.merchant_id: e.estimate for e in Estimate.select()}
    assert stored == expected, f"seed {SEED}: an estimate update was lost"


def _prove_audit(ok: list[dict[str, Any]], baseline: dict[str, Any],
                 reports: dict[str, list[dict[str, Any]]]) -> None:
    """The chain verifies; one record per successful call, per user and per action."""
    report = verify_chain(ADMIN)
    assert report.ok, f"seed {SEED}: {report.message}"
    assert report.records == baseline["audit"] + len(ok), (
        f"seed {SEED}: {report.records - baseline['audit']} records for {len(ok)} writes")
    new = list(AuditLog.select().where(AuditLog.seq > baseline["audit"]))
    assert Counter(r.action for r in new) == Counter(ACTION_OF[r["call"]] for r in ok)
    assert Counter(r.actor for r in new) == Counter(
        {u: sum(1 for r in rs if r["ok"]) for u, rs in reports.items() if any(
            r["ok"] for r in rs)})
    checkout_records = {r.entity_id for r in new if r.action.startswith("checkout.")}
    assert checkout_records == {r["checkout"] for r in ok if "checkout" in r}
