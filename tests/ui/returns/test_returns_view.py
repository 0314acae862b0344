"""The return-check screen driven like a clerk with a barcode scanner (R3.1, issue 4 points 1–2).

Scans are key events typed into the scan line and ended with Enter, as a scanner sends them.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.domain.money import Money
from app.domain.returns import NOT_ENTERED, UNUSED, USED, VOID
from app.services.checkout import checkouts as checkout
from app.services.events import events
from app.services.returns import entry as returns
from app.services.returns import slip_details
from tests.services import conftest as service_fixtures
from tests.services.conftest import enter_example_returns, row_counts
from tests.ui.helpers import cancel, drive, press_ok
from ui.returns.returns_view import ReturnsView
from ui.returns.scan_input import BookFrame, ScanKind, read_scan
from ui.returns.slip_details_dialog import SlipDetailsDialog
from ui.returns.slip_grid import SlipGridModel

series, stocked = service_fixtures.series, service_fixtures.stocked
example, issued = service_fixtures.example, service_fixtures.issued


@pytest.fixture
def fair(issued):
    """The worked example checked out: 安信地板 BJ0000001–0000150 (3 books), 马可波罗瓷砖
    BJ0000151–0000200 (1 book); stock up to BJ0001000."""
    return issued


@pytest.fixture
def view(qtbot, ctx, fair) -> ReturnsView:
    """The return screen on the worked example's event, shown (so shortcuts work)."""
    widget = ReturnsView(ctx)
    qtbot.addWidget(widget)
    widget.resize(1200, 760)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    assert widget.event_id() == fair.event_id
    return widget


def scan(qtbot, view: ReturnsView, text: str) -> None:
    """What a scanner does: type the characters, then Enter."""
    qtbot.keyClicks(view.scan, text)
    qtbot.keyClick(view.scan, Qt.Key.Key_Return)


def press(qtbot, view: ReturnsView, key: Qt.Key,
          modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """A function key pressed while typing in the scan line (buttons click on a short delay)."""
    qtbot.keyClick(view.scan, key, modifier)
    qtbot.wait(150)


def counts(actor, fair, merchant: str) -> tuple[int, ...]:
    return returns.get_merchant_counts(actor, fair.event_id, merchant).as_tuple()


def cell_states(view: ReturnsView) -> tuple[str, ...]:
    return view.grid.grid_model.states


def test_scanning_a_book_label_opens_its_slips_as_a_grid(qtbot, view, fair, beeps):
    """R3.1: the label BJ0000051-0000100 opens the second book of 安信地板, 50 cells."""
    scan(qtbot, view, "BJ0000051-0000100")
    book = view.current_book()
    assert book is not None and book.book.code == "BJ0000051-0000100"
    model = view.grid.grid_model
    assert (model.rowCount(), model.columnCount()) == (5, 10)
    assert model.index(0, 0).data() == "51" and model.index(4, 9).data() == "100"
    assert set(cell_states(view)) == {NOT_ENTERED}
    assert "book 2 of 3" in view.book_title.text() and "安信地板" in view.book_title.text()
    assert view.scan.text() == "" and view.banner.kind == "ok" and not beeps
    assert view.panel.values["issued"].text() == "150"


def test_marking_a_list_with_ranges_in_the_chosen_state(qtbot, view, actor, fair, beeps):
    """R3.1: F3 then `10-12, 17` + Enter marks four slips void; the grid and counts follow."""
    scan(qtbot, view, "BJ0000001-0000050")
    press(qtbot, view, Qt.Key.Key_F3)
    assert view.mode_label.text() == "Mark as: Void"
    scan(qtbot, view, "10-12, 17")
    assert counts(actor, fair, fair.anxin) == (150, 0, 0, 4, 0, 0, 146)
    states = cell_states(view)
    assert [states[i - 1] for i in (10, 11, 12, 17)] == [VOID] * 4
    assert states[12] == NOT_ENTERED
    assert view.banner.text() == "Marked Void: BJ0000010–0000012, BJ0000017."
    assert view.legend.counts[VOID].text() == "Void 4"
    assert view.steps.model.rowCount() == 1 and not beeps


def test_typing_numbers_then_the_state_key_marks_them_at_once(qtbot, view, actor, fair):
    """R3.1 keyboard flow: `88` then F4 marks BJ0000088 missing without Enter."""
    scan(qtbot, view, "BJ0000051-0000100")
    qtbot.keyClicks(view.scan, "88")
    press(qtbot, view, Qt.Key.Key_F4)
    assert cell_states(view)[88 - 51] == "missing"
    assert counts(actor, fair, fair.anxin)[4] == 1


def test_all_remaining_unused_and_used(qtbot, view, actor, fair, beeps):
    """R3.1: exceptions first, then F5 "all remaining used" fills the rest of the book."""
    scan(qtbot, view, "BJ0000151")  # a slip number opens its book
    assert view.current_book().brand == "马可波罗瓷砖"
    press(qtbot, view, Qt.Key.Key_F2)
    scan(qtbot, view, "174-200")
    press(qtbot, view, Qt.Key.Key_F5)
    assert counts(actor, fair, fair.marco) == (50, 23, 27, 0, 0, 0, 0)
    assert NOT_ENTERED not in cell_states(view)
    assert "(23)" in view.banner.text()
    assert not view.used_rest_button.isEnabled() and not beeps


def test_another_merchants_book_is_flagged_and_changes_nothing(qtbot, view, actor, fair,
                                                                beeps, messages):
    """R3.1: while 安信地板 is being entered, 马可波罗's label beeps, shows whose book it is in red
    and leaves the screen and the database as they were."""
    scan(qtbot, view, "BJ0000001-0000050")
    press(qtbot, view, Qt.Key.Key_F1)
    scan(qtbot, view, "1-5")
    before = row_counts()
    scan(qtbot, view, "BJ0000151-0000200")
    assert beeps == [1]
    assert view.banner.kind == "error" and view.scan.is_flagged()
    assert "马可波罗瓷砖" in view.banner.text() and "Nothing was changed" in view.banner.text()
    assert view.current_book().brand == "安信地板"
    assert view.scan.selectedText() == "BJ0000151-0000200"
    assert row_counts() == before
    scan(qtbot, view, "BJ0000160")  # a slip of that merchant: also refused
    assert beeps == [1, 1] and view.current_book().brand == "安信地板"
    scan(qtbot, view, "160")  # a short number outside the open book
    assert beeps == [1, 1, 1] and "not in the open book" in view.banner.text()
    assert row_counts() == before
    assert messages.shown == []  # no message box: it would swallow the next scan
    press(qtbot, view, Qt.Key.Key_F3)  # a state key does not send the refused text again
    assert beeps == [1, 1, 1] and view.mode_label.text() == "Mark as: Void"
    scan(qtbot, view, "6")  # the next good scan clears the flag
    assert not view.scan.is_flagged() and view.banner.kind == "ok"


def test_changes_saved_elsewhere_show_at_once(qtbot, ctx, view, fair):
    """R3.2 live: a marking saved through another screen updates the grid and the counts."""
    scan(qtbot, view, "BJ0000151-0000200")
    ctx.ops.run(None, returns.mark_slips, fair.event_id, fair.marco, "151-160", VOID)
    assert cell_states(view)[:11] == (VOID,) * 10 + (NOT_ENTERED,)
    assert view.panel.values[VOID].text() == "10"
    assert view.panel.values[NOT_ENTERED].text() == "40"


def test_switch_merchant_opens_the_refused_book_deliberately(qtbot, view, fair, beeps):
    """R3.1: the clerk switches merchant on purpose (F9) after a refused scan."""
    scan(qtbot, view, "BJ0000001-0000050")
    scan(qtbot, view, "BJ0000151-0000200")
    assert view.current_book().brand == "安信地板" and beeps == [1]
    press(qtbot, view, Qt.Key.Key_F9)
    assert view.current_book().brand == "马可波罗瓷砖"
    assert not view.scan.is_flagged() and view.banner.kind == "warn"
    assert "马可波罗瓷砖" in view.banner.text()


def test_switch_merchant_without_a_refused_scan_clears_the_screen(qtbot, view, fair, beeps):
    scan(qtbot, view, "BJ0000001-0000050")
    press(qtbot, view, Qt.Key.Key_F9)
    assert view.current_book() is None and view.grid.grid_model.rowCount() == 0
    scan(qtbot, view, "BJ0000151-0000200")
    assert view.current_book().brand == "马可波罗瓷砖" and not beeps


def test_when_a_merchant_is_fully_entered_the_next_merchant_opens_with_a_notice(
        qtbot, view, actor, fair, beeps):
    for code in ("BJ0000001-0000050", "BJ0000051-0000100", "BJ0000101-0000150"):
        returns.mark_remaining(actor, fair.event_id, fair.anxin, code, UNUSED)
    scan(qtbot, view, "BJ0000101-0000150")
    assert beeps == [1] and "already entered" in view.banner.text()  # entered: flagged
    scan(qtbot, view, "BJ0000151-0000200")
    assert view.current_book().brand == "马可波罗瓷砖"
    assert view.banner.kind == "warn" and "another merchant" in view.banner.text()
    assert beeps == [1]  # nothing of 马可波罗's book is entered: no beep


def test_a_slip_of_another_book_of_the_same_merchant_jumps_to_it(qtbot, view, fair, beeps):
    scan(qtbot, view, "BJ0000001-0000050")
    scan(qtbot, view, "BJ0000088")
    assert view.current_book().book.code == "BJ0000051-0000100"
    assert view.grid.chosen_slip() == ("BJ0000088", NOT_ENTERED)
    assert not beeps


def test_double_entry_is_flagged_and_changes_nothing(qtbot, view, actor, fair, beeps):
    """R3.1: a slip already entered cannot be entered again (undo first)."""
    scan(qtbot, view, "BJ0000001-0000050")
    press(qtbot, view, Qt.Key.Key_F3)
    scan(qtbot, view, "10-12")
    press(qtbot, view, Qt.Key.Key_F1)
    before = row_counts()
    scan(qtbot, view, "BJ0000011")  # a slip's barcode scanned again
    assert beeps == [1] and "already entered" in view.banner.text()
    scan(qtbot, view, "12-14")
    assert beeps == [1, 1]
    assert row_counts() == before
    assert counts(actor, fair, fair.anxin)[3] == 3


def test_a_book_already_fully_entered_opens_with_a_warning_and_a_beep(qtbot, view, actor,
                                                                      fair, beeps):
    """R3.1 / issue 4 point 1: a scan of something already entered is flagged at once, visibly
    and audibly: the book opens (to look at or undo) under an amber banner, with a beep."""
    returns.mark_remaining(actor, fair.event_id, fair.marco, "BJ0000151-0000200", UNUSED)
    before = row_counts()
    scan(qtbot, view, "BJ0000151-0000200")
    assert view.current_book().book.code == "BJ0000151-0000200"
    assert beeps == [1] and view.banner.kind == "warn"
    assert view.banner.text() == ("All 50 slips of this book are already entered. Book "
                                  "BJ0000151-0000200 of 马可波罗瓷砖 is open.")
    assert view.scan.text() == "" and row_counts() == before
    scan(qtbot, view, "BJ0000151-0000200")  # its label again
    assert beeps == [1, 1] and view.banner.kind == "warn"


def test_a_scanned_slip_already_entered_opens_its_book_with_a_warning(qtbot, view, actor,
                                                                     fair, beeps):
    """R3.1: a slip already entered, scanned outside the open book, opens its book flagged
    amber with a beep and its state named; a slip not entered yet opens quietly."""
    returns.mark_slips(actor, fair.event_id, fair.anxin, "BJ0000060", VOID)
    scan(qtbot, view, "BJ0000001-0000050")
    assert not beeps
    scan(qtbot, view, "BJ0000060")
    assert view.current_book().book.code == "BJ0000051-0000100"
    assert beeps == [1] and view.banner.kind == "warn"
    assert "BJ0000060 is already entered (Void)" in view.banner.text()
    scan(qtbot, view, "BJ0000001")  # not entered yet: no warning
    assert beeps == [1] and view.banner.kind == "info"


def test_unreadable_scans_are_flagged(qtbot, view, fair, beeps):
    scan(qtbot, view, "12a")  # no book open yet
    assert beeps == [1] and view.banner.kind == "error"
    scan(qtbot, view, "XX-garbage")
    assert beeps == [1, 1]
    scan(qtbot, view, "BJ0000201-0000250")  # a book in stock, not issued for the event
    assert beeps == [1, 1, 1] and "was not issued" in view.banner.text()
    scan(qtbot, view, "BJ0000001-0000050")
    press(qtbot, view, Qt.Key.Key_F1)
    scan(qtbot, view, "3-1")
    assert beeps == [1, 1, 1, 1] and view.current_book().counts.not_entered == 50


def test_a_book_of_another_event_is_flagged(qtbot, ctx, view, actor, fair, beeps):
    other = events.create_event(actor, "2026-SH-02", "秋季", "专场", "2026-09-14", "2026-09-15")
    events.set_estimate(actor, other.id, fair.anxin, 10)
    checkout.issue_extra_books(actor, other.id, fair.anxin, 1, "张伟", "cash")
    scan(qtbot, view, "BJ0000201-0000250")
    assert beeps == [1] and "2026-SH-02" in view.banner.text()
    assert view.current_book() is None


def test_undo_takes_back_the_last_step_and_shows_its_book(qtbot, view, actor, fair, beeps):
    """R3.1: everything is undoable until the return is closed; Ctrl+Z in the scan line."""
    scan(qtbot, view, "BJ0000001-0000050")
    press(qtbot, view, Qt.Key.Key_F3)
    scan(qtbot, view, "10-12")
    scan(qtbot, view, "BJ0000088")  # jump to the second book
    scan(qtbot, view, "BJ0000088")  # and mark it void
    press(qtbot, view, Qt.Key.Key_F5)
    assert counts(actor, fair, fair.anxin)[1] == 49
    press(qtbot, view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert counts(actor, fair, fair.anxin)[1] == 0
    press(qtbot, view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    press(qtbot, view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert counts(actor, fair, fair.anxin) == (150, 0, 0, 0, 0, 0, 150)
    assert view.current_book().book.code == "BJ0000001-0000050"
    assert "Undone" in view.banner.text()
    assert [s.undone for s in view.steps.model.rows()] == [True, True, True]
    assert not view.undo_button.isEnabled() and not beeps


def test_closing_the_return_after_a_confirmation_with_the_counts(qtbot, view, actor, fair,
                                                                  messages, beeps):
    """R3.2: the confirmation shows issued = used + unused + void + missing; then closed."""
    enter_example_returns(SimpleNamespace(event_id=fair.event_id, anxin=fair.anxin,
                                          marco=fair.marco), actor)
    scan(qtbot, view, "BJ0000001-0000050")
    assert beeps == [1]  # every slip of the book is entered already: flagged amber
    messages.answer = QMessageBox.StandardButton.No
    press(qtbot, view, Qt.Key.Key_F10)
    assert "Issued 150 = used 97 + unused 45 + void 5 + missing 3" in messages.texts[-1]
    assert returns.get_merchant_counts(actor, fair.event_id, fair.anxin).not_entered == 0
    assert view.current_book().return_state == "open"
    messages.answer = QMessageBox.StandardButton.Yes
    view.close_button.click()
    assert view.current_book().return_state == "closed"
    assert "return closed" in view.book_title.text()
    assert not view.close_button.isEnabled() and not view.undo_button.isEnabled()
    press(qtbot, view, Qt.Key.Key_F1)
    scan(qtbot, view, "BJ0000002")
    assert beeps == [1, 1] and "closed" in view.banner.text()
    scan(qtbot, view, "BJ0000151-0000200")  # next merchant opens: nothing left to enter
    assert view.current_book().brand == "马可波罗瓷砖"


def test_closing_with_slips_not_entered_is_flagged_without_asking(qtbot, view, fair,
                                                                   messages, beeps):
    scan(qtbot, view, "BJ0000151-0000200")
    view.close_button.click()
    assert messages.shown == [] and beeps == [1]
    assert "50 slips of 马可波罗瓷砖 are not entered yet" in view.banner.text()


def test_customer_details_of_a_used_slip(qtbot, view, actor, fair, monkeypatch):
    """Issue 4 point 2: Enter on a used slip opens its details; saved; editable later."""
    scan(qtbot, view, "BJ0000001-0000050")
    press(qtbot, view, Qt.Key.Key_F1)
    scan(qtbot, view, "2")

    def fill(dialog: SlipDetailsDialog) -> None:
        dialog.customer.setText("刘洋")
        dialog.phone.setText("13900000000")
        dialog.deal.setText("18000")
        dialog.deposit.setText("2000")
        press_ok(dialog)

    opened = drive(monkeypatch, SlipDetailsDialog, fill)
    view.grid.setFocus()
    view.grid.choose(2)
    qtbot.keyClick(view.grid, Qt.Key.Key_Return)
    assert len(opened) == 1
    info = slip_details.get_slip(actor, "BJ0000002")
    assert (info.customer_name, info.deal, info.customer_deposit) == (
        "刘洋", Money(1_800_000), Money(200_000))

    seen: list[str] = []

    def later(dialog: SlipDetailsDialog) -> None:
        seen.append(dialog.deal.text())
        cancel(dialog)

    drive(monkeypatch, SlipDetailsDialog, later)
    qtbot.keyClicks(view.scan, "2")
    press(qtbot, view, Qt.Key.Key_F7)
    assert seen == ["18000.00"]


def test_details_of_a_slip_that_is_not_used_are_not_offered(qtbot, view, fair, monkeypatch):
    opened = drive(monkeypatch, SlipDetailsDialog, cancel)
    scan(qtbot, view, "BJ0000001-0000050")
    view.grid.choose(3)
    view.edit_details()
    assert opened == [] and "customer details belong to used slips" in view.banner.text()


def test_typing_into_the_grid_goes_to_the_scan_line(qtbot, view, actor, fair):
    scan(qtbot, view, "BJ0000001-0000050")
    press(qtbot, view, Qt.Key.Key_F3)
    view.grid.setFocus()
    qtbot.keyClicks(view.grid, "17")
    qtbot.keyClick(view.scan, Qt.Key.Key_Return)
    assert counts(actor, fair, fair.anxin)[3] == 1


def test_roles_without_entry_rights_only_look(qtbot, ctx, fair, beeps):
    """Finance may open a book and see it, but not mark slips, undo or close."""
    from tests.conftest import add_user

    ctx.switch_actor(add_user("lao_zhang", "finance"))
    widget = ReturnsView(ctx)
    qtbot.addWidget(widget)
    assert all(b.isHidden() for b in widget.state_buttons.values())
    assert widget.close_button.isHidden() and widget.undo_button.isHidden()
    assert widget.used_rest_button.isHidden() and widget.details_button.isHidden()
    scan(qtbot, widget, "BJ0000001-0000050")
    assert widget.current_book() is not None
    before = row_counts()
    scan(qtbot, widget, "1-3")
    assert beeps == [1] and "not enter slips" in widget.banner.text()
    assert row_counts() == before


def test_read_scan_tells_codes_from_numbers():
    book = BookFrame.of("BJ0000051-0000100", "BJ0000051", "BJ0000100")
    assert read_scan("bj0000051-0000100", book).kind == ScanKind.SAME_BOOK
    assert read_scan("BJ0000060", book).kind == ScanKind.MARK
    assert read_scan("BJ0000017", book).kind == ScanKind.LOOKUP
    assert read_scan("BJ0000001-0000050", book).kind == ScanKind.LOOKUP
    assert read_scan("６０，７０－７２", book).kind == ScanKind.MARK
    assert read_scan("17", book).kind == ScanKind.OUTSIDE
    assert read_scan("17", None).kind == ScanKind.NEED_BOOK
    assert read_scan("1-", book).kind == ScanKind.BAD
    assert read_scan("  ", book).kind == ScanKind.EMPTY


def test_grid_model_passes_the_model_tester(qtmodeltester):
    model = SlipGridModel()
    model.set_book(1, [USED, VOID, NOT_ENTERED] * 15 + [UNUSED] * 3, BookFrame.of(
        "BJ0000001-0000048", "BJ0000001", "BJ0000048").fmt)
    qtmodeltester.check(model)
    assert model.rowCount() == 5 and model.index(4, 8).data() is None
