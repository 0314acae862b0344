"""Crash operation: checking out a 400-merchant event, one checkout (transaction) per merchant.

All-or-nothing holds per checkout: after a kill every merchant is either fully checked out (its
books issued to one checkout, one deposit entry, one audit record) or not at all (its books still
planned, no deposit, no record), the checked-out merchants are exactly the first ones in the order
the run took them, and their number is the number of COMMITs the child saw.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict

from app.db.models import AuditLog, Book, Checkout, DepositEntry, Estimate, Event
from app.domain.planning import books_needed
from app.services.checkout import checkouts as checkout
from app.services.checkout import plan
from app.services.events import events, merchants
from app.services.stock import registration as stock
from tests.crash.harness import ACTOR, Outcome, assert_unchanged_except, operation

EVENT = "CRASH-400"
MERCHANTS = 400
BOOK_SIZE = 50
STOCK_BOOKS = 1000


def estimate_of(i: int) -> int:
    """Merchant i's estimated orders: 1–120, so 1–3 books each (697 books in all)."""
    return (i * 37) % 120 + 1


def setup(db_url: str) -> None:
    series = stock.create_series(ACTOR, "CK", 7, BOOK_SIZE, "crash checkout")
    stock.register_next_books(ACTOR, series.id, STOCK_BOOKS)
    event = events.create_event(ACTOR, EVENT, "崩溃测试家博会", "装大", dt.date(2026, 3, 14),
                                dt.date(2026, 3, 15), "上海", ["王芳"], deposit_per_book="200")
    for i in range(MERCHANTS):
        m = merchants.create_merchant(ACTOR, f"品牌{i:03d}", f"公司{i:03d}", "地板", "王芳")
        events.set_estimate(ACTOR, event.id, m.id, estimate_of(i))
    plan.build_plan(ACTOR, event.id, series.id)


def run(db_url: str) -> None:
    event = events.find_event(ACTOR, EVENT)
    for i, line in enumerate(plan.plan_view(ACTOR, event.id)):
        checkout.checkout_merchant(ACTOR, event.id, line.merchant_id, f"签收人{i:03d}", "cash")


def check(db_url: str, completed: bool | None, outcome: Outcome) -> None:
    label = outcome.label
    event = Event.get(Event.code == EVENT)
    per_book = event.deposit_per_book_fen
    order = [(e.merchant_id, e.estimate) for e in
             Estimate.select().where(Estimate.event == event).order_by(Estimate.seq)]
    assert len(order) == MERCHANTS, label
    books: dict[str, list[Book]] = defaultdict(list)
    for b in Book.select().where(Book.event == event).order_by(Book.first_no):
        books[b.merchant_id].append(b)
    checkouts: dict[str, list[Checkout]] = defaultdict(list)
    for c in Checkout.select().where(Checkout.event == event):
        checkouts[c.merchant_id].append(c)
    deposits: dict[str, list[DepositEntry]] = defaultdict(list)
    for d in DepositEntry.select().where(DepositEntry.event == event):
        deposits[d.merchant_id].append(d)
    records: dict[str, list[AuditLog]] = defaultdict(list)
    for r in AuditLog.select().where(AuditLog.action == "checkout.issue"):
        records[r.merchant].append(r)
    assert set(books) | set(checkouts) | set(deposits) | set(records) <= {m for m, _ in order}, (
        f"{label}: rows for merchants not on the event")

    done_flags = []
    for merchant_id, estimate in order:
        need = books_needed(estimate, BOOK_SIZE)
        mine, cs = books[merchant_id], checkouts[merchant_id]
        where = f"{label}: merchant {merchant_id}"
        assert len(mine) == need, f"{where}: {len(mine)} books, planned {need}"
        assert len(cs) <= 1, f"{where}: {len(cs)} checkouts"
        if cs:
            c = cs[0]
            assert all(b.state == "issued" and b.checkout_id == c.id for b in mine), (
                f"{where}: checked out, but books {[(b.first_no, b.state) for b in mine]}")
            assert (c.book_count, c.deposit_fen) == (need, need * per_book), where
            assert [(d.checkout_id, d.kind, d.amount_fen) for d in deposits[merchant_id]] == [
                (c.id, "taken", need * per_book)], f"{where}: deposits {deposits[merchant_id]}"
            assert [r.entity_id for r in records[merchant_id]] == [c.id], (
                f"{where}: {len(records[merchant_id])} checkout audit records")
            assert json.loads(records[merchant_id][0].after)["deposit_fen"] == need * per_book
        else:
            assert all(b.state == "planned" and b.checkout_id is None for b in mine), (
                f"{where}: not checked out, but books {[(b.first_no, b.state) for b in mine]}")
            assert not deposits[merchant_id], f"{where}: deposit without checkout"
            assert not records[merchant_id], f"{where}: audit record without checkout"
        done_flags.append(bool(cs))

    done = sum(done_flags)
    assert done_flags == [True] * done + [False] * (MERCHANTS - done), (
        f"{label}: checkouts are not the first {done} merchants in run order")
    outcome.assert_units(done, total=MERCHANTS)

    issued = Book.select().where((Book.event == event) & (Book.state == "issued")).count()
    held = sum(d.amount_fen for ds in deposits.values() for d in ds)
    assert held == issued * per_book, f"{label}: deposits {held} for {issued} issued books"
    assert Book.select().where(Book.state == "in_stock").count() == (
        STOCK_BOOKS - sum(books_needed(e, BOOK_SIZE) for _, e in order)), label
    assert AuditLog.select().count() == outcome.baseline["AuditLog"] + done, label
    assert Checkout.select().count() == outcome.baseline["Checkout"] + done, label
    assert DepositEntry.select().count() == outcome.baseline["DepositEntry"] + done, label
    assert_unchanged_except(outcome, {"Checkout", "DepositEntry", "AuditLog", "AuditHead"})


operation("checkout.event_400_merchants", setup, run, check)
