"""The return check rules one by one (R3.1–R3.7), and every bad input the clerk can give them:
each refusal names the problem and leaves the database exactly as it was; each write leaves one
audit record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

import pytest

from app.db.models import DepositEntry, Fine, MerchantReturn, Slip
from app.domain.money import Money
from app.errors import AppError, Conflict, InputError, NotFound
from app.services.checkout import checkouts as checkout
from app.services.checkout import plan
from app.services.events import events, merchants
from app.services.returns import archive, chase, deposits, reconciliation, seals, slip_details
from app.services.returns import entry as returns
from tests.services.conftest import audit_rows, last_seq, row_counts
from tests.services.conftest import enter_example_returns as enter_example


@pytest.fixture
def closed(issued, actor):
    """The worked example entered and both returns closed (3 of 安信's slips missing)."""
    enter_example(issued, actor)
    returns.close_return(actor, issued.event_id, issued.anxin)
    returns.close_return(actor, issued.event_id, issued.marco)
    return issued


def snapshot() -> tuple[dict[str, int], list[tuple], list[tuple]]:
    """Row counts plus every slip's and return's state: a refusal must change none of it."""
    slips = sorted(Slip.select(Slip.number, Slip.state, Slip.seal, Slip.chase_manager,
                               Slip.recovered, Slip.customer_name).tuples())
    rets = sorted(MerchantReturn.select(MerchantReturn.merchant, MerchantReturn.state).tuples())
    return row_counts(), slips, rets


@contextmanager
def refused(kind: type[AppError], *words: str) -> Iterator[None]:
    """The block raises `kind` with a message naming every word, and changes nothing."""
    before = snapshot()
    with pytest.raises(kind) as info:
        yield
    assert snapshot() == before, "a refused call changed the database"
    for word in words:
        assert word in str(info.value), f"{word!r} not named in: {info.value}"


def one_record(action: str, call: Callable[[], Any]) -> Any:
    """Run a write service; it must leave exactly one audit record, of `action`."""
    since = last_seq()
    result = call()
    assert [r.action for r in audit_rows(since)] == [action]
    return result


def counts(actor, ex, merchant: str) -> tuple[int, ...]:
    return returns.get_merchant_counts(actor, ex.event_id, merchant).as_tuple()


def set_fine(actor, event_id: str, amount: str) -> None:
    """Change the event's fine per slip (policy value), everything else kept."""
    ev = events.get_event(actor, event_id)
    events.update_event(actor, ev.id, ev.code, ev.name, ev.kind, ev.start_date, ev.end_date,
                        ev.venue, list(ev.managers), fine_per_slip=amount)


# ------------------------------------------------------------------ R3.1 return entry


def test_marking_lists_and_ranges_records_each_slip_with_one_audit_record(issued, actor):
    """R3.1: ``1207, 1210-1212`` style input marks exactly those slips; one record per write."""
    e, a = issued.event_id, issued.anxin
    n = one_record("returns.mark", lambda: returns.mark_slips(actor, e, a, "1, 3-5, BJ0000050",
                                                             "void"))
    assert n == 5
    book = returns.open_book(actor, e, "BJ0000001-0000050")
    assert [i + 1 for i, s in enumerate(book.states) if s == "void"] == [1, 3, 4, 5, 50]
    assert book.counts.as_tuple() == (50, 0, 0, 5, 0, 0, 45) and book.can_undo
    rest = one_record("returns.remaining", lambda: returns.mark_remaining(
        actor, e, a, "BJ0000001-0000050", "used"))
    assert rest == 45 and counts(actor, issued, a) == (150, 45, 0, 5, 0, 0, 100)


def test_a_scanned_slip_number_opens_its_book(issued, actor):
    """R3.1: scanning any slip number jumps to its book."""
    book = returns.open_book(actor, issued.event_id, "BJ0000173")
    assert (book.book.code, book.brand, book.first_no) == ("BJ0000151-0000200", "马可波罗瓷砖", 151)


def test_slips_of_another_merchant_are_refused_naming_the_owner(issued, actor):
    """R3.1: a slip of another merchant changes nothing, even mixed with good ones."""
    with refused(Conflict, "BJ0000150 belong", "马可波罗瓷砖", "安信地板"):
        returns.mark_slips(actor, issued.event_id, issued.marco, "150-160", "used")
    with refused(Conflict, "安信地板"):
        returns.mark_remaining(actor, issued.event_id, issued.marco, "BJ0000001", "unused")
    with refused(Conflict, "马可波罗瓷砖"):
        returns.open_book(actor, issued.event_id, "BJ0000151", merchant_id=issued.anxin)


def test_slips_of_another_event_are_refused_naming_that_event(issued, actor):
    """R3.1: a book issued for another event is flagged with its event and brand."""
    other = events.create_event(actor, "2026-BJ-02", "北京展", "装大", "2026-04-01",
                                "2026-04-02", "", ["王芳"])
    dp = merchants.create_merchant(actor, "东鹏瓷砖")
    events.set_estimate(actor, other.id, dp.id, 10)
    plan.build_plan(actor, other.id)
    checkout.checkout_merchant(actor, other.id, dp.id, "陈", "cash")
    with refused(Conflict, "东鹏瓷砖", "2026-BJ-02", "BJ0000201"):
        returns.mark_slips(actor, issued.event_id, issued.anxin, "BJ0000201", "used")
    with refused(Conflict, "2026-BJ-02"):
        returns.open_book(actor, issued.event_id, "BJ0000205")


def test_numbers_outside_any_issued_book_are_refused(issued, actor):
    """R3.1: unregistered numbers, and registered ones still in stock, change nothing."""
    with refused(Conflict, "BJ0009999", "not in any book"):
        returns.mark_slips(actor, issued.event_id, issued.anxin, "BJ0009999", "used")
    with refused(Conflict, "BJ0000201", "not in any book"):
        returns.mark_slips(actor, issued.event_id, issued.anxin, "149-150, 201", "used")
    with refused(NotFound):
        returns.open_book(actor, issued.event_id, "BJ0009999")


def test_double_entry_is_refused_naming_the_slip_and_its_state(issued, actor):
    """R3.1: a slip already entered (or typed twice) is flagged; undo is the way to change."""
    returns.mark_slips(actor, issued.event_id, issued.anxin, "7", "void")
    with refused(Conflict, "BJ0000007", "Void", "already entered"):
        returns.mark_slips(actor, issued.event_id, issued.anxin, "5-9", "used")
    with refused(InputError, "BJ0000006", "twice"):
        returns.mark_slips(actor, issued.event_id, issued.anxin, "1-6, 6", "used")


@pytest.mark.parametrize("numbers, state, words", [
    ("12a", "used", ()), ("", "used", ("Slip numbers",)), ("1-3", "lost", ("used, unused",)),
    ("1-3", "written_off", ()), ("BJ0000001-BJ9999999", "used", ("9999999",)),
])
def test_bad_input_is_refused_before_anything_changes(issued, actor, numbers, state, words):
    """R3.1: unreadable numbers, unknown states, absurd ranges."""
    with refused(InputError, *words):
        returns.mark_slips(actor, issued.event_id, issued.anxin, numbers, state)


def test_remaining_on_a_book_fully_entered_is_harmless(issued, actor):
    """R3.1: scanning "all remaining" on a finished book again must not crash the screen."""
    returns.mark_remaining(actor, issued.event_id, issued.marco, "BJ0000151", "used")
    before = snapshot()
    with suppress(AppError):
        assert returns.mark_remaining(actor, issued.event_id, issued.marco, "BJ0000151",
                                      "used") == 0
    assert snapshot() == before


def test_undo_takes_back_the_last_step_only(issued, actor):
    """R3.1: everything is undoable, newest first, until the return is closed."""
    e, m = issued.event_id, issued.marco
    returns.mark_slips(actor, e, m, "151-155", "void")
    returns.mark_slips(actor, e, m, "160", "missing")
    returns.mark_slips(actor, e, issued.anxin, "1", "used")
    step = one_record("returns.undo", lambda: returns.undo_last(actor, e, m))
    assert (step.state, step.numbers, step.count) == ("missing", "BJ0000160", 1)
    assert counts(actor, issued, m) == (50, 0, 0, 5, 0, 0, 45)
    assert counts(actor, issued, issued.anxin)[1] == 1
    assert [(s.seq, s.undone) for s in returns.list_steps(actor, e, m)] == [(2, True), (1, False)]
    returns.mark_slips(actor, e, m, "160", "used")   # the slip can be entered again
    assert counts(actor, issued, m)[1] == 1


def test_marking_and_undo_are_refused_once_the_return_is_closed(closed, actor):
    """R3.1: closed means final; corrections go through the chase list."""
    e, m = closed.event_id, closed.marco
    with refused(Conflict, "马可波罗瓷砖", "closed"):
        returns.undo_last(actor, e, m)
    with refused(Conflict, "closed"):
        returns.mark_slips(actor, e, m, "151", "void")
    with refused(Conflict, "closed"):
        returns.mark_remaining(actor, e, m, "BJ0000151", "void")


def test_nothing_to_undo_is_refused(issued, actor):
    with refused(Conflict, "nothing to undo", "马可波罗瓷砖"):
        returns.undo_last(actor, issued.event_id, issued.marco)


def test_closing_needs_every_slip_entered_and_happens_once(issued, actor):
    """R3.1/R3.3: not-entered slips block the close; missing slips go on the chase list."""
    e, m = issued.event_id, issued.marco
    returns.mark_slips(actor, e, m, "151-160", "used")
    returns.mark_slips(actor, e, m, "161", "missing")
    with refused(Conflict, "39", "not entered"):
        returns.close_return(actor, e, m)
    returns.mark_remaining(actor, e, m, "BJ0000151", "unused")
    done = one_record("returns.close", lambda: returns.close_return(actor, e, m))
    assert done.as_tuple() == (50, 10, 39, 0, 1, 0, 0)
    with refused(Conflict, "closed"):
        returns.close_return(actor, e, m)
    (item,) = chase.chase_list(actor, e)
    assert (item.number, item.brand, item.manager) == ("BJ0000161", "马可波罗瓷砖", "王芳")
    assert item.due == dt.date.today() + dt.timedelta(days=returns.CHASE_DAYS)


def test_closing_a_merchant_without_books_is_refused(issued, actor):
    dp = merchants.create_merchant(actor, "东鹏瓷砖")
    with refused(Conflict, "东鹏瓷砖", "no books"):
        returns.close_return(actor, issued.event_id, dp.id)


# ------------------------------------------------------------------ R3.2 reconciliation


def test_extra_books_issued_during_the_event_count_as_issued(issued, actor):
    """R2.3/R3.2: an extra book adds 50 issued slips and ¥200 of deposit to the merchant."""
    checkout.issue_extra_books(actor, issued.event_id, issued.marco, 1, "李明", "cash")
    line = {x.brand: x for x in reconciliation.reconciliation(actor, issued.event_id).lines}
    assert line["马可波罗瓷砖"].counts.as_tuple() == (100, 0, 0, 0, 0, 0, 100)
    returns.mark_slips(actor, issued.event_id, issued.marco, "BJ0000201-0000250", "unused")
    returns.mark_remaining(actor, issued.event_id, issued.marco, "BJ0000151", "used")
    assert returns.close_return(actor, issued.event_id, issued.marco).as_tuple() == (
        100, 50, 50, 0, 0, 0, 0)
    done = deposits.close_out_deposit(actor, issued.event_id, issued.marco, "cash", "李明")
    assert (done.deposit, done.refund) == (Money(40000), Money(40000))


def test_a_book_taken_back_before_the_return_is_not_counted(issued, actor):
    """R2.2/R3.2: reverse_issue before the check lowers issued slips and the deposit held."""
    checkout.reverse_issue(actor, "BJ0000101-0000150", "issued by mistake")
    assert counts(actor, issued, issued.anxin)[0] == 100
    assert deposits.get_deposit_status(actor, issued.event_id, issued.anxin).deposit == Money(
        40000)


def test_a_book_in_the_return_check_cannot_be_taken_back_to_stock(issued, actor):
    """R2.2/R3.1: once a slip of it is entered, the book stays with the merchant."""
    returns.mark_slips(actor, issued.event_id, issued.anxin, "60", "void")
    with refused(Conflict, "BJ0000051-0000100", "return check"):
        checkout.reverse_issue(actor, "BJ0000051", "mistake")


def test_reconciliation_total_is_the_sum_of_its_lines(issued, actor):
    """R3.2: live while entering: each line and the total add up, not-entered included."""
    returns.mark_slips(actor, issued.event_id, issued.anxin, "1-7", "missing")
    returns.mark_slips(actor, issued.event_id, issued.marco, "151", "void")
    table = reconciliation.reconciliation(actor, issued.event_id)
    assert [x.return_state for x in table.lines] == ["open", "open"]
    assert table.total.as_tuple() == (200, 0, 0, 1, 7, 0, 192)
    assert all(x.counts.balanced for x in table.lines) and table.audit_head


# ------------------------------------------------------------------ R3.3–R3.4 chase and fines


def test_chase_assign_and_recover_classify_like_a_return(closed, actor):
    """R3.3: a named manager and due date; a recovered slip becomes used/unused/void."""
    e, a = closed.event_id, closed.anxin
    one_record("chase.assign", lambda: chase.assign_chase(actor, e, a, "17, 88", "李娜",
                                                          dt.date(2020, 1, 1)))
    mine = chase.chase_list(actor, e, manager="李娜")
    assert [(i.number, i.overdue) for i in mine] == [("BJ0000017", True), ("BJ0000088", True)]
    one_record("chase.recover", lambda: chase.recover_slips(actor, e, a, "88", "void"))
    slip = slip_details.get_slip(actor, "BJ0000088")
    assert (slip.state, slip.recovered) == ("void", True)
    assert counts(actor, closed, a) == (150, 97, 45, 6, 2, 0, 0)
    with refused(Conflict, "BJ0000088", "Void"):
        chase.recover_slips(actor, e, a, "88", "used")
    with refused(InputError, "used, unused or void"):
        chase.recover_slips(actor, e, a, "17", "missing")
    with refused(Conflict, "BJ0000001", "Used"):
        chase.assign_chase(actor, e, a, "1", "李娜", "2026-05-01")
    with refused(InputError, "Due date"):
        chase.assign_chase(actor, e, a, "17", "李娜", "tomorrow")


def test_chase_needs_a_closed_return(issued, actor):
    """R3.3: until the return is closed, corrections are made in the return check."""
    returns.mark_slips(actor, issued.event_id, issued.marco, "151", "missing")
    with refused(Conflict, "Close the return of 马可波罗瓷砖"):
        chase.recover_slips(actor, issued.event_id, issued.marco, "151", "used")
    with refused(Conflict, "Close the return"):
        chase.write_off(actor, issued.event_id, issued.marco, "151", "lost")


def test_write_off_fines_the_event_policy_per_slip(closed, actor):
    """R3.4: each written-off slip is fined the event's policy value (here ¥150)."""
    set_fine(actor, closed.event_id, "150")
    fines = one_record("chase.write_off", lambda: chase.write_off(
        actor, closed.event_id, closed.anxin, "17, 149", "商家遗失"))
    assert fines.total == Money(30000) and fines.per_slip == Money(15000)
    rows = Fine.select().where(Fine.merchant == closed.anxin)
    assert sorted(r.amount_fen for r in rows) == [15000, 15000]
    assert slip_details.get_slip(actor, "BJ0000017").write_off_reason == "商家遗失"


def test_writing_off_a_recovered_or_written_off_slip_is_refused(closed, actor):
    """R3.3/R3.4: only missing slips are written off, and recovered ones never."""
    e, a = closed.event_id, closed.anxin
    chase.recover_slips(actor, e, a, "88", "used")
    with refused(Conflict, "BJ0000088", "Used"):
        chase.write_off(actor, e, a, "17, 88", "lost")
    chase.write_off(actor, e, a, "17", "lost")
    with refused(Conflict, "BJ0000017", "Written off"):
        chase.write_off(actor, e, a, "17", "lost again")
    with refused(Conflict, "BJ0000017", "Written off"):
        chase.recover_slips(actor, e, a, "17", "used")
    with refused(InputError, "Reason"):
        chase.write_off(actor, e, a, "149", "  ")
    with refused(Conflict, "BJ0000151", "马可波罗瓷砖"):
        chase.write_off(actor, e, a, "151", "not mine")


def test_reversing_a_write_off_before_close_out_restores_slip_and_fines(closed, actor):
    """R3.4: the slip is missing again and a negative fine row brings the total back."""
    e, a = closed.event_id, closed.anxin
    chase.write_off(actor, e, a, "17, 149", "lost")
    fines = one_record("chase.reverse_write_off", lambda: chase.reverse_write_off(
        actor, e, a, "149", "found in the car"))
    assert fines.total == Money(10000) and fines.slips == ("BJ0000017",)
    assert sorted(r.amount_fen for r in Fine.select()) == [-10000, 10000, 10000]
    assert slip_details.get_slip(actor, "BJ0000149").state == "missing"
    with refused(Conflict, "BJ0000149", "Missing"):
        chase.reverse_write_off(actor, e, a, "149", "again")


def test_reversing_a_write_off_after_close_out_is_refused(closed, actor):
    """R3.4/R3.5: once the deposit is closed out, fines are final."""
    e, a = closed.event_id, closed.anxin
    chase.recover_slips(actor, e, a, "88", "used")
    chase.write_off(actor, e, a, "17, 149", "lost")
    deposits.close_out_deposit(actor, e, a, "cash", "张伟")
    with refused(Conflict, "安信地板", "closed out"):
        chase.reverse_write_off(actor, e, a, "17", "found")


def test_the_fine_per_slip_cannot_change_once_a_slip_was_fined(closed, actor):
    """R3.4: the fine notice and the close-out use the fine charged; the policy is frozen."""
    e, a = closed.event_id, closed.anxin
    chase.write_off(actor, e, a, "17, 149", "lost")
    before = snapshot()
    with refused(Conflict, "fine per slip"):
        set_fine(actor, e, "50")
    assert snapshot() == before
    fines = chase.reverse_write_off(actor, e, a, "149", "found")
    assert fines.total == Money(10000)


# ------------------------------------------------------------------ R3.5 deposit close-out


def test_deposit_is_held_while_a_slip_is_missing(closed, actor):
    """R3.5: the close-out names how many slips are still missing."""
    e, a = closed.event_id, closed.anxin
    with refused(Conflict, "安信地板", "3 slips still missing"):
        deposits.close_out_deposit(actor, e, a, "cash", "张伟")
    chase.recover_slips(actor, e, a, "88", "used")
    with refused(Conflict, "2 slips still missing"):
        deposits.close_out_deposit(actor, e, a, "cash", "张伟")


def test_deposit_close_out_needs_a_closed_return(issued, actor):
    with refused(Conflict, "马可波罗瓷砖", "not closed"):
        deposits.close_out_deposit(actor, issued.event_id, issued.marco, "cash", "李明")


def test_close_out_refunds_deposit_minus_fines_once(closed, actor):
    """R3.5: refund = deposit − fines, paid out as a negative deposit entry; never twice."""
    e, a = closed.event_id, closed.anxin
    chase.recover_slips(actor, e, a, "88", "used")
    chase.write_off(actor, e, a, "17, 149", "lost")
    done = one_record("deposits.close_out", lambda: deposits.close_out_deposit(
        actor, e, a, "cash", "张伟", "R-001"))
    assert (done.deposit, done.fines, done.refund, done.shortfall) == (
        Money(60000), Money(20000), Money(40000), Money(0))
    assert done.closed_out and done.receipt_no == "R-001"
    entries = [x.amount_fen for x in DepositEntry.select().where(DepositEntry.merchant == a)]
    assert sum(entries) == 20000 and -40000 in entries
    with refused(Conflict, "安信地板", "already closed out"):
        deposits.close_out_deposit(actor, e, a, "cash", "张伟")
    with refused(Conflict, "R-001", "already used"):
        deposits.close_out_deposit(actor, e, closed.marco, "cash", "李明", "R-001")


def test_fines_above_the_deposit_leave_a_shortfall_and_no_refund(issued, actor):
    """R3.5/R6.6: ¥100 × 3 written off against a one-book deposit of ¥200 → shortfall ¥100."""
    e, m = issued.event_id, issued.marco
    returns.mark_slips(actor, e, m, "151-153", "missing")
    returns.mark_remaining(actor, e, m, "BJ0000151", "used")
    returns.close_return(actor, e, m)
    chase.write_off(actor, e, m, "151-153", "lost")
    done = deposits.close_out_deposit(actor, e, m, "cash", "")
    assert (done.deposit, done.fines, done.refund, done.shortfall) == (
        Money(20000), Money(30000), Money(0), Money(10000))
    assert deposits.shortfall_owed(m) == Money(10000)
    assert sum(x.amount_fen for x in DepositEntry.select().where(DepositEntry.merchant == m)) \
        == 20000
    counted = reconciliation.reconciliation(actor, e).lines
    assert {x.brand: x.counts.written_off for x in counted}["马可波罗瓷砖"] == 3


def test_a_reversed_close_out_reopens_fines_and_drops_the_shortfall(issued, actor):
    """R3.4/R3.5/R6.6: after a close-out is reversed, a write-off can be taken back, the
    shortfall is no longer owed, and a new close-out settles the new amounts."""
    e, m = issued.event_id, issued.marco
    returns.mark_slips(actor, e, m, "151-153", "missing")
    returns.mark_remaining(actor, e, m, "BJ0000151", "used")
    returns.close_return(actor, e, m)
    chase.write_off(actor, e, m, "151-153", "lost")
    deposits.close_out_deposit(actor, e, m, "cash", "")
    one_record("deposits.reverse_close_out", lambda: deposits.reverse_close_out(
        actor, e, m, "written off by mistake"))
    assert deposits.shortfall_owed(m) == Money(0)
    chase.reverse_write_off(actor, e, m, "153", "found")
    chase.recover_slips(actor, e, m, "153", "used")
    done = deposits.close_out_deposit(actor, e, m, "cash", "")
    assert (done.fines, done.refund, done.shortfall) == (Money(20000), Money(0), Money(0))
    with refused(InputError, "Reason"):
        deposits.reverse_close_out(actor, e, m, "")


def test_a_close_out_of_an_archived_event_cannot_be_reversed(closed, actor):
    e = closed.event_id
    chase.recover_slips(actor, e, closed.anxin, "17, 88, 149", "used")
    seals.seal_voids(actor, e, "F-001")
    deposits.close_out_deposit(actor, e, closed.anxin, "cash", "张伟")
    with refused(Conflict, "马可波罗瓷砖", "not closed out"):
        deposits.reverse_close_out(actor, e, closed.marco, "mistake")
    deposits.close_out_deposit(actor, e, closed.marco, "cash", "李明")
    archive.archive_event(actor, e)
    with refused(Conflict, "archived"):
        deposits.reverse_close_out(actor, e, closed.marco, "mistake")


def test_a_refund_needs_someone_to_receive_it(closed, actor):
    with refused(InputError, "Received by"):
        deposits.close_out_deposit(actor, closed.event_id, closed.marco, "cash", " ")
    with refused(InputError):
        deposits.close_out_deposit(actor, closed.event_id, closed.marco, "barter", "李明")


def test_no_deposit_is_refunded_while_issued_slips_are_not_entered(closed, actor):
    """R2.3/R3.5: after the close an extra book is refused, or at least holds the deposit."""
    e, m = closed.event_id, closed.marco
    try:
        checkout.issue_extra_books(actor, e, m, 1, "李明", "cash")
    except Conflict:
        return
    with refused(Conflict):
        deposits.close_out_deposit(actor, e, m, "cash", "李明")


# ------------------------------------------------------------------ R3.6 seals


def test_sealing_collects_void_slips_with_number_and_ranges(closed, actor):
    """R3.6: seal number, who, which slips; the label's ranges per brand."""
    info = one_record("seals.seal", lambda: seals.seal_voids(actor, closed.event_id, "F-001",
                                                             "BJ0000010-0000012"))
    assert (info.seal_no, info.count, info.ranges, info.sealed_by) == (
        "F-001", 3, "BJ0000010–0000012", "tester")
    assert info.by_brand == (("安信地板", 3, "BJ0000010–0000012"),)
    rest = seals.seal_voids(actor, closed.event_id, "F-002")
    assert rest.ranges == "BJ0000060, BJ0000099, BJ0000173"
    assert seals.unsealed_voids(actor, closed.event_id) == []
    assert [s.seal_no for s in seals.list_seals(actor, closed.event_id)] == ["F-001", "F-002"]


def test_sealing_a_non_void_or_sealed_slip_or_reusing_a_seal_number_is_refused(closed, actor):
    """R3.6: only void slips, each sealed once, under a seal number used once."""
    e = closed.event_id
    with refused(Conflict, "BJ0000001", "Used", "not void"):
        seals.seal_voids(actor, e, "F-001", "1")
    with refused(Conflict, "BJ0000017", "Missing"):
        seals.seal_voids(actor, e, "F-001", "10, 17")
    seals.seal_voids(actor, e, "F-001", "10-12")
    with refused(Conflict, "BJ0000012", "F-001"):
        seals.seal_voids(actor, e, "F-002", "12, 60")
    with refused(Conflict, "F-001", "already used"):
        seals.seal_voids(actor, e, "F-001", "60")
    with refused(Conflict, "BJ0000201", "2026-SH-01"):
        seals.seal_voids(actor, e, "F-002", "BJ0000201")
    with refused(InputError, "Seal number"):
        seals.seal_voids(actor, e, " ", "60")


def test_voids_of_an_open_return_cannot_be_sealed(issued, actor):
    returns.mark_slips(actor, issued.event_id, issued.marco, "151", "void")
    with refused(Conflict, "马可波罗瓷砖", "still open"):
        seals.seal_voids(actor, issued.event_id, "F-001", "151")
    with refused(Conflict, "no void slips"):
        seals.seal_voids(actor, issued.event_id, "F-001")


def test_a_sealed_slip_cannot_change_again(closed, actor):
    """R3.6: no service moves a sealed slip."""
    e, a = closed.event_id, closed.anxin
    seals.seal_voids(actor, e, "F-001", "10")
    for call in (lambda: returns.mark_slips(actor, e, a, "10", "used"),
                 lambda: returns.undo_last(actor, e, a),
                 lambda: chase.recover_slips(actor, e, a, "10", "used"),
                 lambda: chase.write_off(actor, e, a, "10", "x"),
                 lambda: slip_details.set_slip_details(actor, "BJ0000010", "刘洋")):
        with refused(Conflict):
            call()


# ------------------------------------------------------------------ R3.7 archive, event state


def test_archive_names_every_blocker_until_none_is_left(issued, actor):
    """R3.7: open returns, not entered, missing, unsealed voids, deposits: each named."""
    e = issued.event_id
    returns.mark_slips(actor, e, issued.anxin, "1", "used")
    with refused(Conflict, "安信地板, 马可波罗瓷砖", "199 slips not entered"):
        archive.archive_event(actor, e)
    returns.undo_last(actor, e, issued.anxin)
    enter_example(issued, actor)
    returns.close_return(actor, e, issued.anxin)
    with refused(Conflict, "Returns not closed: 马可波罗瓷砖", "3 slips missing"):
        archive.archive_event(actor, e)
    returns.close_return(actor, e, issued.marco)
    chase.recover_slips(actor, e, issued.anxin, "17, 88, 149", "used")
    with refused(Conflict, "6 void slips not sealed", "Deposits not closed out: 安信地板"):
        archive.archive_event(actor, e)
    seals.seal_voids(actor, e, "F-001")
    deposits.close_out_deposit(actor, e, issued.anxin, "cash", "张伟")
    with refused(Conflict, "Deposits not closed out: 马可波罗瓷砖"):
        archive.archive_event(actor, e)
    deposits.close_out_deposit(actor, e, issued.marco, "cash", "李明")
    done = one_record("events.archive", lambda: archive.archive_event(actor, e, "柜3"))
    assert done.state == "archived" and done.archived_by == "tester"
    with refused(Conflict, "already archived"):
        archive.archive_event(actor, e)
    with refused(Conflict, "archived"):
        returns.mark_slips(actor, e, issued.anxin, "1", "used")


def test_event_state_moves_from_planning_to_archived(example, actor):
    """R3.7: planning → checked out → returning → reconciled → archived."""
    e = example.event_id

    def state() -> str:
        return archive.event_status(actor, e).state

    assert state() == "planning"
    plan.build_plan(actor, e)
    checkout.checkout_merchant(actor, e, example.marco, "李明", "cash")
    assert state() == "checked_out"
    returns.mark_slips(actor, e, example.marco, "151", "missing")
    assert state() == "returning"
    returns.mark_remaining(actor, e, example.marco, "BJ0000151", "void")
    returns.close_return(actor, e, example.marco)
    assert state() == "returning"
    chase.write_off(actor, e, example.marco, "151", "lost")
    assert state() == "reconciled"
    seals.seal_voids(actor, e, "F-001")
    deposits.close_out_deposit(actor, e, example.marco, "cash", "李明")
    with refused(Conflict, "安信地板"):  # its planned books were never issued
        archive.archive_event(actor, e)
    plan.release_plan(actor, e, example.anxin)
    archive.archive_event(actor, e)
    assert state() == "archived"
    bag = archive.archive_bag(actor, e)
    assert [(x.brand, x.slips, x.ranges) for x in bag.lines] == [
        ("马可波罗瓷砖", 50, "BJ0000151–0000200")] and bag.archived


def test_a_merchant_whose_books_were_all_taken_back_does_not_block_the_archive(issued, actor):
    """R2.2/R3.7: nothing issued, nothing held: nothing left to close out."""
    e, a = issued.event_id, issued.anxin
    checkout.reverse_issue(actor, "BJ0000151", "wrong merchant")
    for code in ("BJ0000001", "BJ0000051", "BJ0000101"):
        returns.mark_remaining(actor, e, a, code, "used")
    returns.close_return(actor, e, a)
    deposits.close_out_deposit(actor, e, a, "cash", "张伟")
    assert archive.archive_event(actor, e).state == "archived"


# ------------------------------------------------------------------ used-slip details


def test_used_slip_details_are_recorded_and_cleared(issued, actor):
    """R3.1/R4.3: name, phone, deal and 订金 of a used slip; blank clears a field."""
    returns.mark_slips(actor, issued.event_id, issued.anxin, "2", "used")
    info = one_record("returns.slip_details", lambda: slip_details.set_slip_details(
        actor, "BJ0000002", "刘洋", "139-0000 0000", "¥18,000", "2000"))
    assert (info.customer_name, info.deal, info.customer_deposit) == (
        "刘洋", Money(1_800_000), Money(200_000))
    info = slip_details.set_slip_details(actor, "bj0000002", "刘洋", "", "18000", "")
    assert (info.customer_phone, info.customer_deposit) == ("", None)


@pytest.mark.parametrize("number, fields, kind, words", [
    ("BJ0000002", dict(customer_phone="call me"), InputError, ("call me",)),
    ("BJ0000002", dict(deal="-5"), InputError, ("negative",)),
    ("BJ0000002", dict(deal="12.345"), InputError, ("12.345",)),
    ("BJ0000002", dict(deal="100", customer_deposit="200"), InputError, ("more than",)),
    ("BJ0000002", dict(customer_name="名" * 51), InputError, ("Customer",)),
    ("BJ0000003", dict(customer_name="刘洋"), Conflict, ("BJ0000003", "Void")),
    ("BJ0000004", dict(customer_name="刘洋"), NotFound, ("BJ0000004",)),
    ("0000002", dict(customer_name="刘洋"), InputError, ("prefix",)),
])
def test_bad_slip_details_are_refused(issued, actor, number, fields, kind, words):
    """R3.1: details belong to used slips and must be a real phone and amounts."""
    returns.mark_slips(actor, issued.event_id, issued.anxin, "2", "used")
    returns.mark_slips(actor, issued.event_id, issued.anxin, "3", "void")
    with refused(kind, *words):
        slip_details.set_slip_details(actor, number, **fields)
