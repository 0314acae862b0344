"""The after-event area with a barcode scanner on the desk: a scanner types characters and Enter
into whatever has the focus, so no stray Enter may pay a deposit back or seal slips
(R3.5, R3.6)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QMessageBox

from app.services.returns import chase, deposits, seals
from app.services.returns import entry as returns
from tests.services import conftest as service_fixtures
from tests.ui.helpers import drive
from ui.returns.after_event_dialogs import CloseOutDialog, SealDialog
from ui.returns.after_event_view import AfterEventView

series, stocked = service_fixtures.series, service_fixtures.stocked
example, issued = service_fixtures.example, service_fixtures.issued
ANXIN = "安信地板"
YES, NO = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
WORKED_VOIDS = "BJ0000010–0000012, BJ0000060, BJ0000099, BJ0000173"


@pytest.fixture
def closed(issued, actor):
    """The worked example's returns entered and closed; 0000088 recovered, 0000017 and
    0000149 written off: 安信's deposit can be closed out (¥400 back), 6 voids wait."""
    ex = issued
    service_fixtures.enter_example_returns(ex, actor)
    returns.close_return(actor, ex.event_id, ex.anxin)
    returns.close_return(actor, ex.event_id, ex.marco)
    chase.recover_slips(actor, ex.event_id, ex.anxin, "BJ0000088", "used")
    chase.write_off(actor, ex.event_id, ex.anxin, "17, 149", "商家遗失")
    return ex


@pytest.fixture
def view(qtbot, ctx, closed, messages) -> AfterEventView:
    """The after-event area, shown and active (so focus and keys behave as on a desk)."""
    messages.answer = NO
    widget = AfterEventView(ctx)
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    return widget


def show_active(qtbot, dialog: QDialog) -> None:
    """Show a dialog the test drives instead of exec() and give it the keyboard."""
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)


def scan_into_focus(qtbot, dialog: QDialog, text: str = "") -> None:
    """What a scanner does: type into the focused field, then Enter."""
    target = dialog.focusWidget()
    assert target is not None
    if text:
        qtbot.keyClicks(target, text)
    qtbot.keyClick(target, Qt.Key.Key_Return)


def ctrl_enter(qtbot, dialog: QDialog) -> None:
    """The deliberate confirmation: Ctrl+Enter in the focused field."""
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def ok_button(dialog: QDialog):
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def closed_out(actor, ex) -> bool:
    return deposits.get_deposit_status(actor, ex.event_id, ex.anxin).closed_out


def test_enter_on_a_deposit_row_does_not_open_the_close_out(qtbot, view, closed, monkeypatch):
    """R3.5: Enter on the deposits table (a scanner's Enter after the filter) opens nothing;
    the Close out button does."""
    opened = drive(monkeypatch, CloseOutDialog, lambda dialog: dialog.reject())
    view.tabs.setCurrentWidget(view.deposits)
    assert view.deposits.table.select_where(lambda s: s.brand == ANXIN)
    view.deposits.table.view.setFocus()
    qtbot.keyClick(view.deposits.table.view, Qt.Key.Key_Return)
    qtbot.keyClick(view.deposits.table.filter_edit, Qt.Key.Key_Return)
    qtbot.keyClick(view.deposits.table.view, Qt.Key.Key_Enter)
    assert opened == []
    view.deposits.close_button.click()
    assert len(opened) == 1


def test_enter_in_the_close_out_dialog_never_pays_the_refund(qtbot, view, actor, closed,
                                                           monkeypatch, messages):
    """R3.5: the cursor starts in the pre-filled "Received by"; Enter (twice) moves through the
    fields and pays nothing. OK is not the default; its text states the refund; Ctrl+Enter
    closes the deposit out."""
    seen: dict[str, object] = {}

    def scanner(dialog: CloseOutDialog) -> None:
        show_active(qtbot, dialog)
        ok = ok_button(dialog)
        seen["start"] = dialog.focusWidget() is dialog.received_by
        scan_into_focus(qtbot, dialog)
        scan_into_focus(qtbot, dialog)
        seen["after_enters"] = (closed_out(actor, closed), dialog.isVisible(),
                                dialog.focusWidget() is dialog.received_by)
        seen["ok"] = (ok.isDefault(), ok.autoDefault(), ok.text())
        ctrl_enter(qtbot, dialog)
        seen["after_ctrl"] = closed_out(actor, closed)

    drive(monkeypatch, CloseOutDialog, scanner)
    view.deposits.table.select_where(lambda s: s.brand == ANXIN)
    view.deposits.close_button.click()
    assert seen["start"] is True
    assert seen["after_enters"] == (False, True, False)
    default, auto_default, text = seen["ok"]
    assert not default and not auto_default
    assert "¥400.00" in text and "Ctrl+Enter" in text
    assert seen["after_ctrl"] is True
    assert "Print the deposit refund receipt now?" in messages.texts[-1]


def test_a_scanned_code_as_the_receiver_is_refused_in_the_dialog(qtbot, ctx, actor, closed):
    """R3.5: a slip number scanned into "Received by" is not a person; the dialog says so."""
    status = deposits.get_deposit_status(actor, closed.event_id, closed.anxin)
    dialog = CloseOutDialog(None, status, "张伟")
    qtbot.addWidget(dialog)
    calls: list[int] = []
    dialog.set_submit(lambda: calls.append(1) is None)
    show_active(qtbot, dialog)
    dialog.received_by.selectAll()
    scan_into_focus(qtbot, dialog, "BJ0000156")
    assert dialog.focusWidget() is dialog.received_by
    assert "looks like a slip number" in dialog.problem.text()
    ok_button(dialog).click()
    assert calls == [] and dialog.isVisible()


def test_enter_after_a_scanned_seal_number_does_not_seal_everything(qtbot, view, actor,
                                                                   closed, monkeypatch,
                                                                   messages):
    """R3.6: seal number + Enter moves to "Only these slips"; sealing needs Ctrl+Enter (or a
    click) and a confirmation naming the count and the ranges, with No as the answer that
    keeps everything unsealed."""
    seen: dict[str, object] = {}

    def scanner(dialog: SealDialog) -> None:
        show_active(qtbot, dialog)
        scan_into_focus(qtbot, dialog, "F-2026-001")
        seen["after_enter"] = (seals.list_seals(actor, closed.event_id), dialog.isVisible(),
                               dialog.focusWidget() is dialog.numbers, list(messages.texts))
        scan_into_focus(qtbot, dialog)  # Enter in the blank "only these slips"
        seen["after_second"] = seals.list_seals(actor, closed.event_id)
        ctrl_enter(qtbot, dialog)  # the confirmation: answered No
        seen["asked"] = messages.texts[-1] if messages.texts else ""
        seen["after_no"] = (seals.list_seals(actor, closed.event_id), dialog.isVisible())
        messages.answer = YES
        ok_button(dialog).click()
        messages.answer = NO  # no label printed afterwards

    drive(monkeypatch, SealDialog, scanner)
    view.seals.seal_button.click()
    assert seen["after_enter"] == ([], True, True, [])
    assert seen["after_second"] == []
    assert "6 void slips" in seen["asked"] and "F-2026-001" in seen["asked"]
    assert WORKED_VOIDS in seen["asked"]
    assert seen["after_no"] == ([], True)
    [info] = seals.list_seals(actor, closed.event_id)
    assert (info.seal_no, info.count) == ("F-2026-001", 6)


def test_sealing_typed_slips_confirms_exactly_those(qtbot, view, actor, closed, monkeypatch,
                                                    messages):
    """R3.6: with slips typed, the confirmation names those slips and their count."""
    asked: list[str] = []

    def typed(dialog: SealDialog) -> None:
        dialog.seal_no.setText("F-2026-002")
        dialog.numbers.setText("bj0000010-0000012, 0000173")
        messages.answer = YES
        ok_button(dialog).click()
        asked.append(messages.texts[-1])
        messages.answer = NO

    drive(monkeypatch, SealDialog, typed)
    view.seals.seal_button.click()
    assert "4 void slips" in asked[0] and "BJ0000010–0000012, BJ0000173" in asked[0]
    [info] = seals.list_seals(actor, closed.event_id)
    assert info.count == 4 and len(seals.unsealed_voids(actor, closed.event_id)) == 2
