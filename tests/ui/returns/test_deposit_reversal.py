"""Reversing a deposit close-out made by mistake, from the deposits tab (R3.5)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from app.domain.money import Money
from app.services.returns import archive, deposits, seals
from tests.conftest import add_user
from tests.ui.helpers import drive, press_ok
from tests.ui.returns import test_after_event_scanner as desk
from ui.returns.after_event_dialogs import ReverseCloseOutDialog

# the fixtures of the scanner tests: the worked example closed, the after-event area shown
series, stocked, example, issued = desk.series, desk.stocked, desk.example, desk.issued
closed, view = desk.closed, desk.view
ANXIN, MARCO, show_active = desk.ANXIN, "马可波罗瓷砖", desk.show_active


def status_of(actor, ex) -> deposits.DepositStatus:
    return deposits.get_deposit_status(actor, ex.event_id, ex.anxin)


def choose(view, brand: str) -> None:
    assert view.deposits.table.select_where(lambda s: s.brand == brand)


def test_reverse_close_out_takes_back_the_refund_with_a_reason(qtbot, view, actor, closed,
                                                              monkeypatch, messages):
    """R3.5: a closed-out row enables "Reverse close-out…"; the dialog states the refund it
    takes back; no reason is refused; with one, the deposit is open again and can be closed
    out anew."""
    deposits.close_out_deposit(actor, closed.event_id, closed.anxin, "cash", "张伟")
    view.deposits.reload()
    choose(view, ANXIN)
    assert view.deposits.reverse_button.isEnabled()
    assert not view.deposits.close_button.isEnabled()
    seen: list[str] = []

    def reverse(dialog: ReverseCloseOutDialog) -> None:
        seen.append(" ".join(w.text() for w in dialog.findChildren(QLabel)))
        press_ok(dialog)  # no reason: the service refuses, the dialog stays
        seen.append(str(status_of(actor, closed).closed_out))
        dialog.reason.setText("罚款未计入，误结算")
        press_ok(dialog)

    opened = drive(monkeypatch, ReverseCloseOutDialog, reverse)
    view.deposits.reverse_button.click()
    assert len(opened) == 1
    shown = seen[0]
    assert "Refund to the merchant: ¥400.00" in shown
    assert "The refund of ¥400.00 counts as held again" in shown
    assert seen[1] == "True" and messages.texts[0].startswith("Reason")
    status = status_of(actor, closed)
    assert not status.closed_out and status.refund == Money(40000)
    assert status.deposit == Money(60000)
    row = view.deposits.table.selected()
    assert row.brand == ANXIN and not row.closed_out
    assert view.deposits.close_button.isEnabled()
    assert not view.deposits.reverse_button.isEnabled()


def test_enter_in_the_reason_does_not_reverse(qtbot, view, actor, closed, monkeypatch):
    """R3.5: a reason typed (or scanned) + Enter moves on; Ctrl+Enter reverses."""
    deposits.close_out_deposit(actor, closed.event_id, closed.anxin, "cash", "张伟")
    view.deposits.reload()
    choose(view, ANXIN)
    after_enter: list[bool] = []

    def scanner(dialog: ReverseCloseOutDialog) -> None:
        show_active(qtbot, dialog)
        assert dialog.focusWidget() is dialog.reason
        qtbot.keyClicks(dialog.reason, "wrong merchant")
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
        after_enter.append(status_of(actor, closed).closed_out)
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return,
                       Qt.KeyboardModifier.ControlModifier)

    drive(monkeypatch, ReverseCloseOutDialog, scanner)
    view.deposits.reverse_button.click()
    assert after_enter == [True]
    assert not status_of(actor, closed).closed_out


def test_reverse_is_offered_only_on_closed_out_rows_and_office_roles(qtbot, ctx, view, actor,
                                                                     closed):
    """Only a closed-out row enables it; finance and managers do not see it."""
    deposits.close_out_deposit(actor, closed.event_id, closed.anxin, "cash", "张伟")
    view.deposits.reload()
    choose(view, MARCO)  # not closed out
    assert not view.deposits.reverse_button.isEnabled()
    choose(view, ANXIN)
    assert view.deposits.reverse_button.isEnabled()
    assert not view.deposits.reverse_button.isHidden()
    for name, role in (("zhang.finance", "finance"), ("wang.manager", "manager")):
        ctx.switch_actor(add_user(name, role))
        ctx.bridge.data_changed.emit()
        assert view.deposits.reverse_button.isHidden(), role
    ctx.switch_actor(add_user("li.clerk", "clerk"))
    ctx.bridge.data_changed.emit()
    assert not view.deposits.reverse_button.isHidden()


def test_an_archived_events_close_out_cannot_be_reversed(qtbot, view, actor, closed,
                                                        monkeypatch, messages):
    """R3.7: after archiving, the service refuses and the dialog says why; nothing changes."""
    deposits.close_out_deposit(actor, closed.event_id, closed.anxin, "cash", "张伟")
    deposits.close_out_deposit(actor, closed.event_id, closed.marco, "cash", "李明")
    seals.seal_voids(actor, closed.event_id, "F-1")
    archive.archive_event(actor, closed.event_id, "")
    view.deposits.reload()
    choose(view, ANXIN)

    def reverse(dialog: ReverseCloseOutDialog) -> None:
        dialog.reason.setText("误操作")
        press_ok(dialog)
        dialog.reject()

    drive(monkeypatch, ReverseCloseOutDialog, reverse)
    view.deposits.reverse_button.click()
    assert "archived" in messages.texts[-1]
    assert status_of(actor, closed).closed_out
