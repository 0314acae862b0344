"""The requisition plan (商家订单领用表, R2.1): estimates → books from stock."""

from __future__ import annotations

import pytest

from app.db.models import Book
from app.domain.money import Money
from app.errors import Conflict, InputError, NotFound
from app.services.checkout import checkouts as checkout
from app.services.checkout import plan
from app.services.core import books
from app.services.events import events, merchants
from app.services.stock import registration as stock
from tests.services.conftest import audit_rows, last_seq, row_counts


def lines(actor, event_id):
    return {line.brand: line for line in plan.plan_view(actor, event_id)}


def book_states() -> list[tuple[int, str, str | None]]:
    return [(b.first_no, b.state, b.merchant_id) for b in Book.select().order_by(Book.first_no)]


def test_worked_example_plan(example, actor):
    """R2.1, worked example: 安信地板 120 → 3 books BJ0000001–0000150 (deposit ¥600),
    马可波罗瓷砖 40 → 1 book BJ0000151–0000200 (deposit ¥200)."""
    result = {line.brand: line for line in plan.build_plan(actor, example.event_id)}
    anxin, marco = result["安信地板"], result["马可波罗瓷砖"]
    assert (anxin.estimate, anxin.planned_books, anxin.planned_ranges, anxin.deposit_due) == (
        120, 3, "BJ0000001–0000150", Money.yuan(600))
    assert (marco.estimate, marco.planned_books, marco.planned_ranges, marco.deposit_due) == (
        40, 1, "BJ0000151–0000200", Money.yuan(200))
    assert anxin.issued_books == 0 and anxin.deposit_held == Money(0)
    assert not anxin.checked_out
    assert [line.brand for line in plan.build_plan(actor, example.event_id)] == ["安信地板",
                                                                                 "马可波罗瓷砖"]
    assert lines(actor, example.event_id) == result
    assert Book.select().where(Book.state == "planned").count() == 4


def test_plan_uses_the_events_deposit_per_book(example, actor):
    """R2.2: deposit due = books × the event's deposit per book."""
    e = events.get_event(actor, example.event_id)
    events.update_event(actor, e.id, e.code, e.name, "装大", e.start_date, e.end_date,
                        deposit_per_book="150")
    assert lines(actor, example.event_id)["安信地板"].deposit_due == Money(0)  # nothing planned
    plan.build_plan(actor, example.event_id)
    assert lines(actor, example.event_id)["安信地板"].deposit_due == Money.yuan(450)


def test_merchant_books_are_contiguous_where_stock_allows(example, actor):
    """R2.1: books are assigned in number order, each merchant's books contiguous where stock
    allows — a lone free book is not used to split a merchant's run."""
    plan.build_plan(actor, example.event_id)
    checkout.checkout_merchant(actor, example.event_id, example.anxin, "张伟", "cash")
    checkout.reverse_issue(actor, "BJ0000051-0000100", "issued by mistake")  # hole at book 2
    event2 = events.create_event(actor, "2026-SH-02", "秋季", "专场", "2026-09-01", "2026-09-02")
    big = merchants.create_merchant(actor, "欧派橱柜")
    small = merchants.create_merchant(actor, "九牧卫浴")
    events.set_estimate(actor, event2.id, big.id, 100)      # 2 books
    events.set_estimate(actor, event2.id, small.id, 30)     # 1 book
    result = {line.brand: line for line in plan.build_plan(actor, event2.id)}
    assert result["欧派橱柜"].planned_ranges == "BJ0000201–0000300"
    assert result["九牧卫浴"].planned_ranges == "BJ0000051–0000100"


def test_not_enough_stock_is_refused_and_nothing_is_written(example, actor):
    """R2.1: a plan needing more books than stock holds is refused, naming the shortfall,
    and the stock is left as it was."""
    plan.build_plan(actor, example.event_id)
    events.set_estimate(actor, example.event_id, example.marco, 901)  # 19 books; 3 + 19 > 20
    states, counts, seq = book_states(), row_counts(), last_seq()
    with pytest.raises(Conflict, match=r"\b2 more"):
        plan.build_plan(actor, example.event_id)
    assert book_states() == states
    assert row_counts() == counts
    assert audit_rows(seq) == []


def test_rebuild_keeps_checked_out_merchants(example, actor):
    """R2.1, R2.2: rebuilding the plan replans only merchants that have not signed yet."""
    plan.build_plan(actor, example.event_id)
    checkout.checkout_merchant(actor, example.event_id, example.anxin, "张伟", "cash")
    events.set_estimate(actor, example.event_id, example.marco, 120)
    result = {line.brand: line for line in plan.build_plan(actor, example.event_id)}
    assert (result["安信地板"].issued_books, result["安信地板"].issued_ranges,
            result["安信地板"].planned_books) == (3, "BJ0000001–0000150", 0)
    assert result["安信地板"].checked_out
    assert result["马可波罗瓷砖"].planned_ranges == "BJ0000151–0000300"
    assert Book.select().where(Book.state == "planned").count() == 3


def test_rebuild_after_lowering_an_estimate_returns_books_to_stock(example, actor):
    """R2.1: a replanned merchant's old books go back to stock first."""
    plan.build_plan(actor, example.event_id)
    events.set_estimate(actor, example.event_id, example.anxin, 10)
    result = {line.brand: line for line in plan.build_plan(actor, example.event_id)}
    assert result["安信地板"].planned_ranges == "BJ0000001–0000050"
    assert result["马可波罗瓷砖"].planned_ranges == "BJ0000051–0000100"
    assert Book.select().where(Book.state == "in_stock").count() == 18


def test_build_plan_needs_estimates_and_a_series(stocked, actor):
    """R2.1: nothing to plan without merchants; with several series one must be chosen."""
    e = events.create_event(actor, "E1", "e", "卖场", "2026-01-01", "2026-01-01")
    with pytest.raises(InputError):
        plan.build_plan(actor, e.id)
    m = merchants.create_merchant(actor, "安信地板")
    events.set_estimate(actor, e.id, m.id, 50)
    other = stock.create_series(actor, "SH", 7, 25)
    stock.register_next_books(actor, other.id, 4)
    with pytest.raises(InputError):
        plan.build_plan(actor, e.id)
    (line,) = plan.build_plan(actor, e.id, other.id)
    assert line.planned_ranges == "SH0000001–0000050"
    with pytest.raises(NotFound):
        plan.build_plan(actor, e.id, "0" * 32)
    with pytest.raises(NotFound):
        plan.plan_view(actor, "0" * 32)


def test_set_planned_books_adds_after_the_merchants_own_books(example, actor):
    """R2.1: more books for a merchant continue its own run where free — even when a lower
    run of free books (here 51–150, just given back by 安信) would also fit."""
    plan.build_plan(actor, example.event_id)
    plan.set_planned_books(actor, example.event_id, example.anxin, 1)
    line = plan.set_planned_books(actor, example.event_id, example.marco, 3)
    assert (line.planned_books, line.planned_ranges, line.deposit_due) == (
        3, "BJ0000151–0000300", Money.yuan(600))


def test_set_planned_books_elsewhere_when_the_next_book_is_taken(example, actor):
    """R2.1: when the books right after are another merchant's, the lowest free run is used."""
    plan.build_plan(actor, example.event_id)
    line = plan.set_planned_books(actor, example.event_id, example.anxin, 4)
    assert line.planned_ranges == "BJ0000001–0000150, BJ0000201–0000250"


def test_set_planned_books_takes_books_off_the_end(example, actor):
    """R2.1: fewer books for a merchant returns its last books to stock."""
    plan.build_plan(actor, example.event_id)
    line = plan.set_planned_books(actor, example.event_id, example.anxin, 1)
    assert (line.planned_books, line.planned_ranges) == (1, "BJ0000001–0000050")
    assert Book.get(Book.first_no == 51).state == "in_stock"
    assert Book.get(Book.first_no == 51).merchant_id is None


def test_set_planned_books_without_a_plan_uses_lowest_stock(example, actor):
    """R2.1: planning one merchant by hand takes the lowest free books."""
    line = plan.set_planned_books(actor, example.event_id, example.marco, 2)
    assert line.planned_ranges == "BJ0000001–0000100"


def test_set_planned_books_refuses_bad_counts_and_merchants_off_the_event(example, actor):
    """R2.1: a plan change is a whole count 0–10,000 for a merchant of the event."""
    plan.build_plan(actor, example.event_id)
    for bad in [-1, 10_001, True, "2"]:
        with pytest.raises(InputError):
            plan.set_planned_books(actor, example.event_id, example.marco, bad)
    stray = merchants.create_merchant(actor, "九牧卫浴")
    with pytest.raises(NotFound):
        plan.set_planned_books(actor, example.event_id, stray.id, 1)
    before = row_counts()
    with pytest.raises(Conflict):
        plan.set_planned_books(actor, example.event_id, example.marco, 21)
    assert row_counts() == before


def test_after_checkout_a_plan_change_touches_only_reserved_books(example, actor):
    """R2.2, R2.3: issued books stay with the merchant; planning more reserves new books that
    are checked out (and paid for) separately; 0 releases the reservation."""
    plan.build_plan(actor, example.event_id)
    checkout.checkout_merchant(actor, example.event_id, example.anxin, "张伟", "cash")
    line = plan.set_planned_books(actor, example.event_id, example.anxin, 1)
    assert (line.issued_books, line.planned_books) == (3, 1)
    assert line.planned_deposit.fen == 20000 and line.deposit_held.fen == 60000
    line = plan.set_planned_books(actor, example.event_id, example.anxin, 0)
    assert (line.issued_books, line.planned_books) == (3, 0)
    assert books.find_book(actor, "BJ0000001").state == "issued"


def test_release_plan_returns_reserved_books_to_stock(example, actor):
    """A cancelled event or a withdrawn merchant leaves no books reserved."""
    plan.build_plan(actor, example.event_id)
    checkout.checkout_merchant(actor, example.event_id, example.marco, "李明", "cash")
    assert plan.release_plan(actor, example.event_id) == 3
    lines = {line.brand: line for line in plan.plan_view(actor, example.event_id)}
    assert lines["安信地板"].planned_books == 0
    assert lines["马可波罗瓷砖"].issued_books == 1


def test_plan_is_rebuilt_for_a_merchant_whose_books_were_all_taken_back(example, actor):
    """R2.2: a checkout fully taken back does not block planning that merchant again."""
    plan.build_plan(actor, example.event_id)
    checkout.checkout_merchant(actor, example.event_id, example.marco, "李明", "cash")
    checkout.reverse_issue(actor, "BJ0000151", "wrong merchant")
    lines = {line.brand: line for line in plan.build_plan(actor, example.event_id)}
    assert lines["马可波罗瓷砖"].planned_books == 1
    info = checkout.checkout_merchant(actor, example.event_id, example.marco, "李明", "cash")
    assert info.deposit.fen == 20000


def test_plan_changes_are_audited(example, actor):
    """Every plan change is on record with before/after."""
    seq = last_seq()
    plan.build_plan(actor, example.event_id)
    plan.set_planned_books(actor, example.event_id, example.marco, 2)
    build, change = audit_rows(seq)
    assert (build.action, build.event) == ("plan.build", example.event_id)
    assert '"安信地板": 3' in build.after and '"马可波罗瓷砖": 1' in build.after
    assert (change.action, change.merchant, change.before, change.after) == (
        "plan.set_books", example.marco, '{"planned_books": 1}', '{"planned_books": 2}')
