"""Plan, checkout, extra books and reversals in any order keep books and deposits consistent
(R2.1–R2.3), explored with hypothesis."""

from __future__ import annotations

import itertools
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import event as tally
from hypothesis import strategies as st

from app.db.models import Book, Checkout, DepositEntry
from app.domain.money import Money
from app.errors import AppError
from app.services.checkout import checkouts as checkout
from app.services.checkout import plan
from app.services.events import events, merchants
from app.services.stock import registration as stock
from tests.services.conftest import row_counts

_codes = (f"P-{n}" for n in itertools.count())
_prefixes = ("".join(p) for n in range(1, 4) for p in itertools.product(string.ascii_uppercase,
                                                                         repeat=n))
_brands = (f"品牌{n}" for n in itertools.count())

op = st.one_of(
    st.tuples(st.just("estimate"), st.integers(0, 2), st.integers(0, 160)),
    st.tuples(st.just("build")),
    st.tuples(st.just("set_books"), st.integers(0, 2), st.integers(1, 4)),
    st.tuples(st.just("checkout"), st.integers(0, 2)),
    st.tuples(st.just("extra"), st.integers(0, 2), st.integers(1, 3)),
    st.tuples(st.just("reverse"), st.integers(0, 11)),
)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(op, min_size=1, max_size=12))
def test_books_and_deposits_stay_consistent(db, actor, ops):
    """R2.1–R2.3: a book is in one state with one holder; each merchant's deposit held equals
    its issued books × the deposit per book; refused actions write nothing."""
    series = stock.create_series(actor, next(_prefixes), 7, 50)   # fresh stock per example
    stock.register_next_books(actor, series.id, 12)
    event = events.create_event(actor, next(_codes), "e", "装大", "2026-03-14", "2026-03-15",
                                deposit_per_book="150")
    ms = [merchants.create_merchant(actor, next(_brands)).id for _ in range(3)]
    for m in ms:
        events.set_estimate(actor, event.id, m, 40)
    for step in ops:
        before = row_counts()
        try:
            _run(actor, event.id, series, ms, step)
            tally(f"{step[0]} done")
        except AppError:
            tally(f"{step[0]} refused")
            assert row_counts() == before, step
        _check(actor, event.id, ms)


def _run(actor, event_id, series, ms, step):
    kind, series_id = step[0], series.id
    if kind == "estimate":
        events.set_estimate(actor, event_id, ms[step[1]], step[2])
    elif kind == "build":
        plan.build_plan(actor, event_id, series_id)
    elif kind == "set_books":
        plan.set_planned_books(actor, event_id, ms[step[1]], step[2], series_id)
    elif kind == "checkout":
        checkout.checkout_merchant(actor, event_id, ms[step[1]], "签字人", "cash")
    elif kind == "extra":
        checkout.issue_extra_books(actor, event_id, ms[step[1]], step[2], "签字人", "cash",
                                   series_id=series_id)
    else:
        first = step[1] * 50 + 1
        checkout.reverse_issue(actor, series.format.format(first), "mistake")


def _check(actor, event_id, ms):
    for b in Book.select():
        holder = (b.event_id is not None, b.merchant_id is not None, b.checkout_id is not None)
        assert holder == {"in_stock": (False, False, False), "planned": (True, True, False),
                          "issued": (True, True, True)}[b.state]
        if b.checkout_id:
            c = Checkout.get_by_id(b.checkout_id)
            assert (c.merchant_id, c.event_id) == (b.merchant_id, b.event_id)
    lines = {line.merchant_id: line for line in plan.plan_view(actor, event_id)}
    for m in ms:
        issued = Book.select().where((Book.event == event_id) & (Book.merchant == m)
                                     & (Book.state == "issued")).count()
        held = sum(e.amount_fen for e in DepositEntry.select().where(
            (DepositEntry.event == event_id) & (DepositEntry.merchant == m)))
        assert held == issued * 15_000
        assert lines[m].deposit_held == Money(held)
        assert lines[m].issued_books == issued
        taken = sum(c.deposit_fen for c in Checkout.select().where(
            (Checkout.event == event_id) & (Checkout.merchant == m)))
        assert taken == 15_000 * sum(c.book_count for c in Checkout.select().where(
            (Checkout.event == event_id) & (Checkout.merchant == m)))
