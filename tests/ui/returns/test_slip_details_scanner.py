"""Customer details of a used slip with a barcode scanner on the desk (issue 4, point 2): the
next scan must not end up as a customer's name or phone."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.services.returns import entry as returns
from app.services.returns import slip_details
from tests.services import conftest as service_fixtures
from ui.common.scanner_safe import looks_like_code
from ui.returns.slip_details_dialog import SlipDetailsDialog

series, stocked = service_fixtures.series, service_fixtures.stocked
example, issued = service_fixtures.example, service_fixtures.issued


@pytest.fixture
def dialog(qtbot, ctx, actor, issued) -> SlipDetailsDialog:
    """The details of used slip BJ0000002, shown with the keyboard on it."""
    returns.mark_slips(actor, issued.event_id, issued.anxin, "BJ0000002", "used")
    widget = SlipDetailsDialog(None, ctx, slip_details.get_slip(actor, "BJ0000002"))
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)
    return widget


def scan(qtbot, dialog: SlipDetailsDialog, text: str) -> None:
    """A scanner: characters into the focused field, then Enter."""
    target = dialog.focusWidget()
    assert target is not None and dialog.isVisible(), "the dialog closed"
    qtbot.keyClicks(target, text)
    qtbot.keyClick(target, Qt.Key.Key_Return)


def saved(actor) -> tuple[str, str]:
    info = slip_details.get_slip(actor, "BJ0000002")
    return info.customer_name, info.customer_phone


def test_the_next_scan_is_not_saved_as_the_customer_name(qtbot, dialog, actor, beeps):
    """Issue 4 point 2: the cursor starts in Customer; a scan + Enter there is refused in the
    dialog (red, beep, text selected for the next scan) and nothing is saved."""
    assert dialog.focusWidget() is dialog.customer
    scan(qtbot, dialog, "BJ0000156")
    assert saved(actor) == ("", "") and dialog.isVisible()
    assert dialog.focusWidget() is dialog.customer
    assert dialog.customer.selectedText() == "BJ0000156"
    assert "looks like a slip number or book code" in dialog.problem.text()
    assert beeps == [1]
    scan(qtbot, dialog, "Liu Yang")  # replaces the selected scan (a scanner types ASCII)
    assert dialog.customer.text() == "Liu Yang" and dialog.focusWidget() is dialog.phone
    assert dialog.problem.isHidden() and saved(actor) == ("", "")


def test_enter_moves_through_the_fields_and_ctrl_enter_saves(qtbot, dialog, actor):
    """Enter goes Customer → Phone → Deal → 订金 and saves nothing; Ctrl+Enter saves."""
    for text, next_field in (("Liu Yang", dialog.phone), ("13900000000", dialog.deal),
                             ("18000", dialog.deposit)):
        scan(qtbot, dialog, text)
        assert dialog.focusWidget() is next_field
    qtbot.keyClicks(dialog.deposit, "2000")
    qtbot.keyClick(dialog.deposit, Qt.Key.Key_Return)
    assert saved(actor) == ("", "") and dialog.isVisible()
    ok = dialog.ok_button()
    assert not ok.isDefault() and not ok.autoDefault() and "Ctrl+Enter" in ok.text()
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert saved(actor) == ("Liu Yang", "13900000000") and not dialog.isVisible()


def test_a_book_code_in_the_phone_field_is_refused_even_by_a_click(qtbot, dialog, actor):
    """A full-width or lower-case book code is a code too; OK refuses it, naming the field."""
    dialog.customer.setText("Liu Yang")
    dialog.phone.setText("ｂｊ0000151-0000200")
    dialog.ok_button().click()
    assert saved(actor) == ("", "") and dialog.isVisible()
    assert dialog.problem.text().startswith("Phone:")
    assert dialog.focusWidget() is dialog.phone


@pytest.mark.parametrize(("text", "code"), [
    ("BJ0000156", True), ("bj0000156", True), ("ＢＪ０００１５６", True),
    ("BJ0000151-0000200", True), ("SH001", True), ("Liu Yang", False), ("13900000000", False),
    ("Li Na", False), ("Room 12", False), ("", False), ("AB12", False)])
def test_what_looks_like_a_scanned_code(text, code):
    assert looks_like_code(text) is code
