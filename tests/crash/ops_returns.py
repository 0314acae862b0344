"""Crash operation: a very large return check (R3.1, R3.3), killed midway.

One merchant holds 1,000 books (50,000 slips). The run enters its whole return in three service
calls, each one transaction: 40,000 slips used (one marking of a range), 10,000 missing, then
closing the return, which puts all 10,000 missing slips on the chase list in one UPDATE.

All-or-nothing holds per call: after a kill the units present are the first ones in run order,
their number is the number of COMMITs the child saw, and each is whole: every slip of a marking
with its state, book, event and merchant, its undo step and audit record; a closed return with
every missing slip assigned to the category manager. A second merchant's books stay untouched.
"""

from __future__ import annotations

import datetime as dt
import json

from peewee import fn

from app.db.models import AuditLog, Event, Merchant, MerchantReturn, ReturnStep, Slip
from app.services.checkout import checkouts as checkout
from app.services.checkout import plan
from app.services.events import events, merchants
from app.services.returns import entry as returns
from app.services.stock import registration as stock
from tests.crash.harness import ACTOR, Outcome, assert_unchanged_except, operation

EVENT = "CRASH-RET"
PREFIX = "RK"
BOOK_SIZE = 50
BIG_BOOKS = 1000
USED = (1, 40_000)
MISSING = (40_001, 50_000)
MANAGER = "王芳"


def setup(db_url: str) -> None:
    series = stock.create_series(ACTOR, PREFIX, 7, BOOK_SIZE, "crash return")
    stock.register_next_books(ACTOR, series.id, BIG_BOOKS + 10)
    event = events.create_event(ACTOR, EVENT, "退回崩溃测试", "装大", dt.date(2026, 3, 14),
                                dt.date(2026, 3, 15), "上海", [MANAGER])
    big = merchants.create_merchant(ACTOR, "巨量地板", category="地板", category_manager=MANAGER)
    small = merchants.create_merchant(ACTOR, "小件瓷砖", category="瓷砖")
    events.set_estimate(ACTOR, event.id, big.id, BIG_BOOKS * BOOK_SIZE)
    events.set_estimate(ACTOR, event.id, small.id, 2 * BOOK_SIZE)
    plan.build_plan(ACTOR, event.id, series.id)
    checkout.checkout_merchant(ACTOR, event.id, big.id, "张伟", "cash")
    checkout.checkout_merchant(ACTOR, event.id, small.id, "李明", "cash")
    counts = returns.get_merchant_counts(ACTOR, event.id, big.id)
    assert counts.issued == BIG_BOOKS * BOOK_SIZE and counts.not_entered == counts.issued


def _ids() -> tuple[str, str, str]:
    event = Event.get(Event.code == EVENT)
    return (event.id, Merchant.get(Merchant.brand == "巨量地板").id,
            Merchant.get(Merchant.brand == "小件瓷砖").id)


def _text(span: tuple[int, int]) -> str:
    return f"{PREFIX}{span[0]:07d}-{PREFIX}{span[1]:07d}"


def run(db_url: str) -> None:
    event, big, _small = _ids()
    assert returns.mark_slips(ACTOR, event, big, _text(USED), "used") == 40_000
    assert returns.mark_slips(ACTOR, event, big, _text(MISSING), "missing") == 10_000
    assert returns.close_return(ACTOR, event, big).as_tuple() == (
        50_000, 40_000, 0, 0, 10_000, 0, 0)


def _span(state: str, event: str, merchant: str) -> tuple[int, int, int]:
    """(count, lowest, highest) slip number in `state`."""
    row = (Slip.select(fn.COUNT(Slip.id), fn.MIN(Slip.number), fn.MAX(Slip.number))
           .where((Slip.event == event) & (Slip.merchant == merchant) & (Slip.state == state))
           .tuples().get())
    return int(row[0]), row[1], row[2]


def check(db_url: str, completed: bool | None, outcome: Outcome) -> None:
    label = outcome.label
    event, big, small = _ids()
    steps = list(ReturnStep.select().order_by(ReturnStep.seq))
    ret = MerchantReturn.get_or_none((MerchantReturn.event == event)
                                     & (MerchantReturn.merchant == big))
    flags = [len(steps) >= 1, len(steps) >= 2, ret is not None and ret.state == "closed"]
    present = sum(flags)
    assert flags == [True] * present + [False] * (3 - present), f"{label}: units {flags}"
    outcome.assert_units(present, total=3)

    assert len(steps) == min(present, 2), f"{label}: {len(steps)} return steps"
    assert (ret is not None) == (present >= 1), f"{label}: return row without its marking"
    for step, (state, span) in zip(steps, (("used", USED), ("missing", MISSING)), strict=False):
        numbers = [n for n, _prev in json.loads(step.changes)]
        assert (step.state, len(numbers), numbers[0], numbers[-1]) == (
            state, span[1] - span[0] + 1, span[0], span[1]), f"{label}: step {step.seq}"
        assert step.undone_at is None and step.merchant_return_id == ret.id, label
    for state, span, unit in (("used", USED, 0), ("missing", MISSING, 1)):
        expected = (span[1] - span[0] + 1, span[0], span[1]) if flags[unit] else (0, None, None)
        assert _span(state, event, big) == expected, f"{label}: {state} slips"
    assert Slip.select().count() == 40_000 * flags[0] + 10_000 * flags[1], (
        f"{label}: slips outside the two markings")
    _check_slips_whole(label, event, big, small)

    chased = Slip.select().where((Slip.state == "missing") & (Slip.chase_manager == MANAGER)
                                 & Slip.chase_due.is_null(False)).count()
    assert chased == (10_000 if flags[2] else 0), f"{label}: {chased} slips on the chase list"
    if flags[2]:
        assert ret.closed_by == ACTOR.username and ret.closed_at is not None, label
    else:
        assert ret is None or (ret.closed_by, ret.closed_at) == (None, None), label

    actions = [r.action for r in AuditLog.select().where(AuditLog.seq > outcome.baseline[
        "AuditLog"]).order_by(AuditLog.seq)]
    assert actions == ["returns.mark", "returns.mark", "returns.close"][:present], (
        f"{label}: audit records {actions}")
    close = AuditLog.get_or_none(AuditLog.action == "returns.close")
    if close is not None:
        assert json.loads(close.after)["counts"] == [50_000, 40_000, 0, 0, 10_000, 0, 0], label
    assert_unchanged_except(outcome, {"Slip", "ReturnStep", "MerchantReturn", "AuditLog",
                                      "AuditHead"})


def _check_slips_whole(label: str, event: str, big: str, small: str) -> None:
    """Every slip row lies in a book issued to the big merchant for the event."""
    from app.db.models import Book

    stray = (Slip.select().join(Book, on=(Slip.book == Book.id))
             .where((Slip.number < Book.first_no) | (Slip.number > Book.last_no)
                    | (Book.merchant != big) | (Book.event != event) | (Slip.event != event)
                    | (Slip.merchant != big)).count())
    assert stray == 0, f"{label}: {stray} slips outside their book or merchant"
    assert not Slip.select().where(Slip.merchant == small).exists(), label


operation("returns.close_50k_slips", setup, run, check)
