"""The worked example of DOMAIN.md after the event, through the services (R3.1–R3.7)."""

from __future__ import annotations

import pytest

from app.domain.money import Money
from app.errors import Conflict, InputError
from app.services.checkout import checkouts as checkout
from app.services.checkout import plan
from app.services.returns import archive, chase, deposits, reconciliation, seals, slip_details
from app.services.returns import entry as returns
from tests.services.conftest import enter_example_returns, row_counts


def test_worked_example_reconciles_exactly(issued, actor):
    """R3.2: issued = used + unused + void + missing for each merchant and the event."""
    enter_example_returns(issued, actor)
    table = reconciliation.reconciliation(actor, issued.event_id)
    lines = {line.brand: line.counts for line in table.lines}
    assert lines["安信地板"].as_tuple() == (150, 97, 45, 5, 3, 0, 0)
    assert lines["马可波罗瓷砖"].as_tuple() == (50, 22, 27, 1, 0, 0, 0)
    assert table.total.as_tuple() == (200, 119, 72, 6, 3, 0, 0)
    assert all(line.counts.balanced for line in table.lines) and table.total.balanced


def test_worked_example_deposits_fines_and_archive(issued, actor):
    """R3.3–R3.7 on the worked example: 马可波罗 gets ¥200 back, 安信 ¥600 − ¥200 = ¥400."""
    ex = issued
    enter_example_returns(ex, actor)
    returns.close_return(actor, ex.event_id, ex.anxin)
    returns.close_return(actor, ex.event_id, ex.marco)
    marco = deposits.close_out_deposit(actor, ex.event_id, ex.marco, "cash", "李明")
    assert (marco.deposit, marco.fines, marco.refund) == (Money(20000), Money(0), Money(20000))
    with pytest.raises(Conflict, match="3"):
        deposits.close_out_deposit(actor, ex.event_id, ex.anxin, "cash", "张伟")
    items = chase.chase_list(actor, ex.event_id)
    assert [i.number for i in items] == ["BJ0000017", "BJ0000088", "BJ0000149"]
    assert {i.manager for i in items} == {"王芳"}
    chase.recover_slips(actor, ex.event_id, ex.anxin, "BJ0000088", "used")
    fines = chase.write_off(actor, ex.event_id, ex.anxin, "17, 149", "商家遗失，无法追回")
    assert fines.total == Money(20000) and fines.slips == ("BJ0000017", "BJ0000149")
    with pytest.raises(Conflict):
        chase.write_off(actor, ex.event_id, ex.anxin, "88", "recovered already")
    anxin = deposits.close_out_deposit(actor, ex.event_id, ex.anxin, "cash", "张伟")
    assert (anxin.deposit, anxin.fines, anxin.refund, anxin.shortfall) == (
        Money(60000), Money(20000), Money(40000), Money(0))
    line = {x.brand: x.counts for x in reconciliation.reconciliation(actor, ex.event_id).lines}
    assert line["安信地板"].as_tuple() == (150, 98, 45, 5, 0, 2, 0)
    status = archive.event_status(actor, ex.event_id)
    assert status.state == "reconciled" and any("void" in b for b in status.blockers)
    with pytest.raises(Conflict):
        archive.archive_event(actor, ex.event_id)
    seal = seals.seal_voids(actor, ex.event_id, "F-2026-001")
    assert seal.count == 6 and seal.ranges == "BJ0000010–0000012, BJ0000060, BJ0000099, BJ0000173"
    done = archive.archive_event(actor, ex.event_id)
    assert done.state == "archived" and not done.blockers
    bag = archive.archive_bag(actor, ex.event_id)
    assert [(b.brand, b.slips, b.ranges) for b in bag.lines] == [
        ("安信地板", 150, "BJ0000001–0000150"), ("马可波罗瓷砖", 50, "BJ0000151–0000200")]


def test_foreign_and_double_entries_change_nothing(issued, actor):
    ex = issued
    returns.mark_slips(actor, ex.event_id, ex.anxin, "1-5", "used")
    before = row_counts()
    with pytest.raises(Conflict, match="马可波罗瓷砖"):
        returns.mark_slips(actor, ex.event_id, ex.anxin, "149-152", "used")
    with pytest.raises(Conflict, match="already entered"):
        returns.mark_slips(actor, ex.event_id, ex.anxin, "5-7", "void")
    with pytest.raises(Conflict, match="not in any book"):
        returns.mark_slips(actor, ex.event_id, ex.anxin, "BJ0000999", "used")
    with pytest.raises(InputError):
        returns.mark_slips(actor, ex.event_id, ex.anxin, "12a", "used")
    assert row_counts() == before


def test_undo_restores_until_closed(issued, actor):
    ex = issued
    returns.mark_slips(actor, ex.event_id, ex.marco, "151-160", "void")
    returns.mark_remaining(actor, ex.event_id, ex.marco, "BJ0000151-0000200", "used")
    step = returns.undo_last(actor, ex.event_id, ex.marco)
    assert step.count == 40 and step.state == "used"
    assert returns.get_merchant_counts(actor, ex.event_id, ex.marco).not_entered == 40
    returns.undo_last(actor, ex.event_id, ex.marco)
    assert returns.get_merchant_counts(actor, ex.event_id, ex.marco).not_entered == 50
    with pytest.raises(Conflict):
        returns.undo_last(actor, ex.event_id, ex.marco)


def test_used_slip_details(issued, actor):
    ex = issued
    returns.mark_slips(actor, ex.event_id, ex.anxin, "2", "used")
    info = slip_details.set_slip_details(actor, "BJ0000002", "刘洋", "13900000000", "18000",
                                         "2000")
    assert info.deal == Money(1_800_000) and info.customer_deposit == Money(200_000)
    returns.mark_slips(actor, ex.event_id, ex.anxin, "3", "void")
    with pytest.raises(Conflict):
        slip_details.set_slip_details(actor, "BJ0000003", "刘洋")


def test_a_close_out_made_by_mistake_is_reversed_and_redone(issued, actor):
    """R3.5: reversing a close-out books the refund back as held; the record stays, marked."""
    from app.db.models import DepositCloseOut, DepositEntry

    ex = issued
    enter_example_returns(ex, actor)
    returns.close_return(actor, ex.event_id, ex.marco)
    first = deposits.close_out_deposit(actor, ex.event_id, ex.marco, "cash", "李明")
    status = deposits.reverse_close_out(actor, ex.event_id, ex.marco, "收据写错")
    assert not status.closed_out and status.refund == Money(20000)
    with pytest.raises(Conflict):
        deposits.reverse_close_out(actor, ex.event_id, ex.marco, "again")
    again = deposits.close_out_deposit(actor, ex.event_id, ex.marco, "wechat", "李明")
    assert again.receipt_no != first.receipt_no and again.refund == Money(20000)
    rows = list(DepositCloseOut.select().where(DepositCloseOut.merchant == ex.marco))
    assert len(rows) == 2 and sum(r.reversed_at is not None for r in rows) == 1
    net = sum(e.amount_fen for e in DepositEntry.select().where(
        DepositEntry.merchant == ex.marco))
    assert net == 0   # ¥200 taken, ¥200 refunded, reversed, refunded again


def test_a_pasted_column_and_overlapping_prefixes_are_read(issued, actor):
    """R3.1: a column pasted from Excel (line breaks) and a series B beside BJ."""
    from app.services.stock import registration as stock

    stock.create_series(actor, "B", 7, 50)
    ex = issued
    pasted = "BJ0000003\r\nBJ0000004\n5"
    assert returns.mark_slips(actor, ex.event_id, ex.anxin, pasted, "used") == 3
    assert slip_details.get_slip(actor, "BJ0000003").state == "used"


def test_undo_refuses_to_drop_customer_details(issued, actor):
    ex = issued
    returns.mark_slips(actor, ex.event_id, ex.marco, "151-153", "used")
    slip_details.set_slip_details(actor, "BJ0000152", "刘洋", "13900000000", "18000")
    with pytest.raises(Conflict, match="BJ0000152"):
        returns.undo_last(actor, ex.event_id, ex.marco)
    slip_details.set_slip_details(actor, "BJ0000152")
    assert returns.undo_last(actor, ex.event_id, ex.marco).count == 3


def test_books_left_planned_block_the_archive_until_released(issued, actor):
    """R3.7: a merchant planned but never checked out keeps books out of stock."""
    from app.services.events import events, merchants

    ex = issued
    late = merchants.create_merchant(actor, "东鹏瓷砖", category_manager="王芳")
    events.set_estimate(actor, ex.event_id, late.id, 60)
    plan.set_planned_books(actor, ex.event_id, late.id, 2)
    blockers = archive.event_status(actor, ex.event_id).blockers
    assert any("东鹏瓷砖" in b and "2" in b for b in blockers)
    plan.release_plan(actor, ex.event_id, late.id)
    assert not any("东鹏瓷砖" in b for b in archive.event_status(actor, ex.event_id).blockers)


def test_fines_at_a_zero_deposit_event_still_reach_settlement(stocked, actor):
    """R3.5/R6.6: no deposit to take fines from → the close-out records the shortfall, and
    the event cannot be archived before it."""
    import datetime as dt

    from app.services.events import events, merchants

    event = events.create_event(actor, "2026-SH-09", "免押金专场", "专场", dt.date(2026, 5, 1),
                                dt.date(2026, 5, 2), deposit_per_book="0")
    m = merchants.create_merchant(actor, "九牧卫浴", category_manager="李娜")
    events.set_estimate(actor, event.id, m.id, 50)
    plan.build_plan(actor, event.id)
    checkout.checkout_merchant(actor, event.id, m.id, "陈静", "cash")
    returns.mark_slips(actor, event.id, m.id, "BJ0000001-0000002", "missing")
    returns.mark_remaining(actor, event.id, m.id, "BJ0000001", "used")
    returns.close_return(actor, event.id, m.id)
    chase.write_off(actor, event.id, m.id, "1-2", "丢失")
    assert [s.brand for s in deposits.list_deposit_status(actor, event.id)] == ["九牧卫浴"]
    assert any("九牧卫浴" in b for b in archive.event_status(actor, event.id).blockers)
    done = deposits.close_out_deposit(actor, event.id, m.id, "cash", "")
    assert (done.refund, done.shortfall) == (Money(0), Money(20000))
    assert deposits.shortfall_owed(m.id) == Money(20000)
    archive.archive_event(actor, event.id)


def test_nothing_of_an_archived_event_changes(issued, actor):
    """R3.7: after archiving, estimates, the plan and deposits are refused."""
    from app.services.events import events, merchants

    ex = issued
    enter_example_returns(ex, actor)
    for merchant in (ex.anxin, ex.marco):
        returns.close_return(actor, ex.event_id, merchant)
    chase.write_off(actor, ex.event_id, ex.anxin, "17, 88, 149", "lost")
    for merchant in (ex.anxin, ex.marco):
        deposits.close_out_deposit(actor, ex.event_id, merchant, "cash", "x")
    seals.seal_voids(actor, ex.event_id, "F-1")
    archive.archive_event(actor, ex.event_id)
    late = merchants.create_merchant(actor, "东鹏瓷砖")
    before = row_counts()
    for call in (lambda: events.set_estimate(actor, ex.event_id, late.id, 10),
                 lambda: events.remove_merchant_from_event(actor, ex.event_id, ex.marco),
                 lambda: plan.release_plan(actor, ex.event_id),
                 lambda: plan.build_plan(actor, ex.event_id),
                 lambda: deposits.reverse_close_out(actor, ex.event_id, ex.marco, "x"),
                 lambda: slip_details.set_slip_details(actor, "BJ0000002", "刘洋")):
        with pytest.raises(Conflict, match="archived"):
            call()
    assert row_counts() == before
