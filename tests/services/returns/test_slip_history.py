"""One slip's whole history (`returns.slip_history`, issue 8 `orderbook slip show`): from
registration (R1.1, R1.3) through checkout and take-back (R2.2), return entry and undo (R3.1),
chase and recovery (R3.3), write-off and its reversal (R3.4), seal (R3.6) and archive (R3.7)."""

from __future__ import annotations

import pytest

from app.errors import InputError
from app.services.checkout import checkouts as checkout
from app.services.checkout import plan
from app.services.returns import archive, chase, deposits, seals, slip_history
from app.services.returns import entry as returns
from app.services.stock import batches
from app.services.stock import registration as stock
from tests.services.conftest import enter_example_returns, last_seq


def _said(history) -> list[str]:
    return [line.what for line in history.lines]


def test_a_registered_slip_in_stock_has_its_registration(stocked, actor):
    """R1.1: a number in stock names its batch; one past the stock is not registered."""
    h = slip_history.slip_history(actor, "BJ0000017")
    assert (h.state, h.book, h.event_code, h.details) == ("in_stock", "BJ0000001-0000050", "",
                                                          None)
    assert _said(h) == ["Registered as blank stock in BJ0000001–0001000."]
    assert h.lines[0].by == actor.username
    none = slip_history.slip_history(actor, "BJ0005000")
    assert (none.state, none.book, none.lines) == ("not_registered", "", ())


def test_a_number_skipped_in_a_gap_says_why(series, actor):
    """R1.3: a gap number names the batch that skipped it and the written reason."""
    stock.register_range(actor, series.id, "BJ0000101-0000150", "HQ skipped a batch")
    h = slip_history.slip_history(actor, "BJ0000042")
    assert h.state == "not_registered"
    assert _said(h) == ["Skipped in a gap when BJ0000101–0000150 was registered: HQ skipped "
                        "a batch"]


def test_a_voided_registration_is_in_the_history(stocked, actor):
    batch = batches.list_batches(actor, stocked.id)[0]
    batches.void_registration(actor, batch.id, "打错了")
    assert _said(slip_history.slip_history(actor, "BJ0000001"))[-1] == (
        "Registration voided: 打错了")


def test_checkout_take_back_and_reissue_are_listed(example, actor):
    """R2.2: a book taken back to stock and issued again shows both checkouts."""
    plan.build_plan(actor, example.event_id)
    checkout.checkout_merchant(actor, example.event_id, example.marco, "李明", "cash")
    checkout.reverse_issue(actor, "BJ0000151", "发错了")
    plan.build_plan(actor, example.event_id)
    checkout.checkout_merchant(actor, example.event_id, example.marco, "李明", "wechat")
    h = slip_history.slip_history(actor, "BJ0000160")
    said = _said(h)
    assert h.state == "issued" and h.brand == "马可波罗瓷砖"
    assert [s.split(" (")[0] for s in said[1:]] == [
        "Issued to 马可波罗瓷砖 for event 2026-SH-01", "Book taken back to stock: 发错了",
        "Issued to 马可波罗瓷砖 for event 2026-SH-01"]
    assert said[1] != said[3]  # two receipts


def test_the_whole_life_of_a_missing_slip(issued, actor):
    """R3.1–R3.7 for BJ0000017 of the worked example: missing, chased, written off and fined,
    reinstated, found, then the event archived."""
    ex = issued
    returns.mark_slips(actor, ex.event_id, ex.anxin, "BJ0000017", "used")
    returns.undo_last(actor, ex.event_id, ex.anxin)
    enter_example_returns(ex, actor)
    returns.close_return(actor, ex.event_id, ex.anxin)
    returns.close_return(actor, ex.event_id, ex.marco)
    chase.assign_chase(actor, ex.event_id, ex.anxin, "BJ0000017, BJ0000088", "李娜",
                       "2026-04-01")
    chase.write_off(actor, ex.event_id, ex.anxin, "BJ0000017, 0000149", "客户丢失")
    chase.reverse_write_off(actor, ex.event_id, ex.anxin, "BJ0000017", "找到了")
    chase.recover_slips(actor, ex.event_id, ex.anxin, "BJ0000017, 0000088", "used")
    for merchant, who in ((ex.anxin, "张伟"), (ex.marco, "李明")):
        deposits.close_out_deposit(actor, ex.event_id, merchant, "cash", who)
    seals.seal_voids(actor, ex.event_id, "FB-001")
    archive.archive_event(actor, ex.event_id)
    h = slip_history.slip_history(actor, "bj0000017")  # typed in lower case
    assert (h.number, h.state, h.brand, h.event_code) == ("BJ0000017", "used", "安信地板",
                                                          "2026-SH-01")
    assert h.details is not None and h.details.recovered
    said = _said(h)
    assert said[2:] == [
        "Return check: entered as Used (typed).", "That entry was undone.",
        "Return check: entered as Missing (typed).",
        "The merchant's return was closed; the slip went on the chase list of 王芳.",
        "Chase: assigned to 李娜, due 2026-04-01.", "Written off and fined ¥100.00: 客户丢失",
        "Write-off reversed (-¥100.00): 找到了", "Recovered as Used.", "The event was archived."]
    times = [line.at for line in h.lines]
    assert times == sorted(times)
    assert [line.kind for line in h.lines] == [
        "registered", "issued", "entered", "entry_undone", "entered", "return_closed",
        "chase_assigned", "written_off", "write_off_reversed", "recovered", "archived"]


def test_an_entry_undone_before_any_other_is_still_in_the_history(issued, actor):
    """R3.1: undoing a slip's only entry removes its slip record, not the step."""
    returns.mark_slips(actor, issued.event_id, issued.marco, "BJ0000173", "void")
    returns.undo_last(actor, issued.event_id, issued.marco)
    h = slip_history.slip_history(actor, "BJ0000173")
    assert h.state == "issued" and h.details is None
    assert _said(h)[2:] == ["Return check: entered as Void (typed).", "That entry was undone."]


def test_customer_details_are_in_the_history(issued, actor):
    from app.services.returns import slip_details

    returns.mark_slips(actor, issued.event_id, issued.anxin, "BJ0000002", "used")
    slip_details.set_slip_details(actor, "BJ0000002", "王先生", "13900000000", "18000", "2000")
    slip_details.set_slip_details(actor, "BJ0000002", "", "", None, None)
    said = _said(slip_history.slip_history(actor, "BJ0000002"))
    assert said[-2:] == ["Customer details: 王先生 13900000000, deal ¥18,000.00, deposit "
                         "¥2,000.00.", "Customer details: - -, deal -, deposit -."]


def test_a_sealed_void_names_its_seal(issued, actor):
    ex = issued
    enter_example_returns(ex, actor)
    returns.close_return(actor, ex.event_id, ex.anxin)
    seals.seal_voids(actor, ex.event_id, "FB-007", "BJ0000010-0000012")
    h = slip_history.slip_history(actor, "BJ0000011")
    assert h.state == "void" and _said(h)[-1] == "Sealed in seal batch FB-007."
    assert "Return check: entered as Void (typed)." in _said(h)
    assert "Return check: entered as Used (all remaining of the book)." in _said(
        slip_history.slip_history(actor, "BJ0000001"))


@pytest.mark.parametrize("typed", ["XX0000001", "17", "", "BJ", "BJ00000170000"])
def test_anything_but_a_full_slip_number_is_refused(stocked, actor, typed):
    before = last_seq()
    with pytest.raises(InputError):
        slip_history.slip_history(actor, typed)
    assert last_seq() == before
