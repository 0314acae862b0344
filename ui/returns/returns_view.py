"""退还核对: the return check of an event, book by book, with a barcode scanner (R3.1).

The focus stays in one scan line; a scanner types a code and Enter, a clerk types numbers.
What a line means (ui.scan_input.read_scan):
- a book label (``BJ0000001-0000050``) or a full slip number (``BJ0000017``) outside the open
  book opens that book; its slips show as a grid coloured by state;
- numbers, lists and ranges (``17, 10-12``, or full numbers) inside the open book are marked in
  the chosen state: F1 used, F2 unused, F3 void, F4 missing (pressing the key with numbers in
  the line marks them at once); F5 / F6 mark all remaining slips of the book used / unused;
- numbers outside the open book are refused (a typo must not mark another book's slips).

A refused scan (another merchant's or event's book or slip, a slip already entered, unreadable
text, a closed return) changes nothing, beeps, and turns the line and the banner red until the
next good scan; the scanned text stays selected so the next scan replaces it. It never opens a
message box, which would swallow the next scan.

Switching merchant, chosen to be safe: while the open merchant's return is open and still has
slips not entered, scanning another merchant's book or slip is refused and names its owner
(mixed-up piles are caught at once). The clerk then presses F9 "Switch merchant", which opens
that refused book (or, with nothing refused, clears the screen for the next merchant's book).
Once every slip of the merchant is entered (or its return is closed) the next merchant's book
opens straight away, announced in amber. Slips are always entered for the merchant that holds
the book, so no path can write to the wrong merchant.

Ctrl+Z undoes the merchant's last step (and shows its book); F7 or Enter/double click on a used
slip edits its customer details; F10 closes the return after a confirmation with the counts.
"""

from __future__ import annotations

import re

from PySide6.QtWidgets import QWidget

from app.domain.numbers import format_ranges
from app.domain.returns import OPEN, USED
from app.i18n import _
from app.services.core import books
from app.services.returns import entry as returns
from app.services.returns import slip_details
from app.services.returns.entry import BookReturn
from app.services.returns.slips import state_label
from ui.common.context import UiContext
from ui.common.widgets import confirm
from ui.returns.return_panels import (
    all_entered_text,
    already_entered_text,
    counts_equation,
    opened_text,
    status_text,
    switched_text,
    tail_number,
)
from ui.returns.returns_layout import ReturnsLayout
from ui.returns.scan_input import BookFrame, Scan, ScanKind, attempt, read_scan
from ui.returns.slip_details_dialog import SlipDetailsDialog


class ReturnsView(ReturnsLayout):
    """Scan books, mark their slips, undo, close a merchant's return, record customer details."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        self._book: BookReturn | None = None
        self._pending: BookReturn | None = None
        super().__init__(ctx, parent)
        self.scan.returnPressed.connect(self.submit)
        self.grid.activated.connect(lambda _index: self.edit_details())
        self.panel.book_chosen.connect(lambda code: self._look_up(code, scanned=False))
        self.event_combo.id_changed.connect(lambda _id: self._event_changed())
        ctx.bridge.database_changed.connect(self._forget)
        self.reload()

    # ------------------------------------------------------------------ showing

    def event_id(self) -> str | None:
        """The chosen event's id."""
        return self.event_combo.current_id()

    def current_book(self) -> BookReturn | None:
        """The book on screen."""
        return self._book

    def reload(self) -> None:
        """Fetch the events and the open book again."""
        self.event_combo.reload(self.ctx.ops)
        book = self._book
        if book is None or book.event_id != self.event_id():
            self._show(None)
            return
        result = self.ctx.ops.query(self, returns.open_book, book.event_id, book.book.code)
        self._show(result.value if result.ok else None)

    def _show(self, book: BookReturn | None) -> None:
        self._book = book
        if book is None:
            self.grid.grid_model.clear()
            self.book_title.setText(_("Scan a book label to start."))
            self.legend.set_counts(None)
            self.panel.show_merchant(None, None, "", [], "")
            self.steps.set_rows([])
        else:
            frame = self._frame()
            assert frame is not None
            self.grid.grid_model.set_book(book.first_no, book.states, frame.fmt)
            self.legend.set_counts(book.counts)
            self._show_merchant(book)
        self._enable()

    def _show_merchant(self, book: BookReturn) -> None:
        rows = self.ctx.ops.query(self, books.list_event_books, book.event_id,
                                  book.merchant_id).value or []
        held = [b for b in rows if b.state == "issued"]
        place = next((n for n, b in enumerate(held, 1) if b.code == book.book.code), 0)
        title = _("{code}  ·  {brand}  ·  book {n} of {total}").format(
            code=book.book.code, brand=book.brand, n=place, total=len(held))
        if book.return_state != OPEN:
            title += "  ·  " + _("return closed")
        self.book_title.setText(title)
        self.panel.show_merchant(f"{book.brand}  ·  {book.book.event_code}",
                                 book.merchant_counts, status_text(book), held, book.book.code)
        steps = self.ctx.ops.query(self, returns.list_steps, book.event_id, book.merchant_id)
        self.steps.set_rows(steps.value or [])

    def _enable(self) -> None:
        book = self._book
        is_open = book is not None and book.return_state == OPEN
        for btn in (self.used_rest_button, self.unused_rest_button):
            btn.setEnabled(is_open and book is not None and book.counts.not_entered > 0)
        self.undo_button.setEnabled(is_open and book is not None and book.can_undo)
        self.close_button.setEnabled(is_open)
        self.details_button.setEnabled(book is not None)
        self.switch_button.setEnabled(book is not None or self._pending is not None)

    def _frame(self) -> BookFrame | None:
        book = self._book
        return BookFrame.of(book.book.code, book.book.first, book.book.last) if book else None

    def _event_changed(self) -> None:
        if self._book is not None and self._book.event_id != self.event_id():
            self._pending = None
            self._show(None)
        self.scan.setFocus()

    def _forget(self) -> None:
        """Another database: nothing of the old one stays on screen."""
        self._pending = None
        self._show(None)
        self.banner.show_message("info", "")
        self.scan.set_flagged(False)

    # ------------------------------------------------------------------ scans

    def submit(self) -> None:
        """Enter in the scan line: open, jump or mark, as the line means."""
        scan = read_scan(self.scan.text(), self._frame())
        if scan.kind == ScanKind.EMPTY:
            return
        if scan.kind == ScanKind.LOOKUP:
            self._look_up(scan.text)
        elif scan.kind == ScanKind.SAME_BOOK:
            self._same_book(scan.text)
        elif scan.kind == ScanKind.MARK:
            self._mark(scan)
        elif scan.kind == ScanKind.BAD:
            self.flag(scan.problem)
        elif scan.kind == ScanKind.NEED_BOOK:
            self.flag(_("No book is open: scan a book label or a full slip number first."))
        else:
            self._outside(scan)

    def _same_book(self, text: str) -> None:
        """The open book's own label scanned again (flagged when it is entered already)."""
        book = self._book
        if book is not None and not book.counts.not_entered:
            self.warn(all_entered_text(book) + " " + opened_text(book))
        else:
            self.good(_("Book {code} is open.").format(code=text))

    def _look_up(self, text: str, scanned: bool = True) -> None:
        """Open the book of a scanned (or, `scanned` False, clicked) label or slip number."""
        event_id = self.event_id()
        if event_id is None:
            self.flag(_("Choose the event first."))
            return
        out = attempt(self.ctx.ops, self, returns.open_book, event_id, text)
        if out.error is not None:
            self.flag(out.error.message)
        elif out.value is not None:
            self._arrive(out.value, text, scanned)

    def _arrive(self, book: BookReturn, text: str, scanned: bool = True) -> None:
        """A scanned book (or slip) was found: open it unless it is another merchant's while
        this merchant still has slips to enter."""
        current = self._book
        if current is not None and book.merchant_id != current.merchant_id and (
                current.return_state == OPEN and current.merchant_counts.not_entered):
            self._pending = book
            self._enable()
            self.flag(_("{text} belongs to {brand}, not to {current}, whose return is being "
                        "entered ({n} slips not entered). Nothing was changed. Finish {current} "
                        "first, or press F9 to switch to {brand}.").format(
                text=text, brand=book.brand, current=current.brand,
                n=current.merchant_counts.not_entered))
            return
        self._pending = None
        self._show(book)
        frame = self._frame()
        assert frame is not None
        if "-" not in text and frame.first_no <= tail_number(text) <= frame.last_no:
            self.grid.choose(tail_number(text))
        self._announce(book, text, current, scanned)

    def _announce(self, book: BookReturn, text: str, current: BookReturn | None,
                  scanned: bool) -> None:
        """Say which book opened; a scan of what is entered already is flagged (amber, beep)."""
        switched = current is not None and current.merchant_id != book.merchant_id
        already = already_entered_text(book, text) if scanned else ""
        if already:
            self.warn(already + " " + (switched_text(book) if switched else opened_text(book)))
        elif switched:
            self.good(switched_text(book), "warn")
        elif "-" not in text and current is not None:
            self.good(_("{number} is in book {code}, which is open now. Scan the slip again "
                        "to mark it.").format(number=text, code=book.book.code), "info")
        else:
            self.good(_("Book {code} of {brand} is open: {entered} of {slips} slips entered."
                        ).format(code=book.book.code, brand=book.brand,
                                 entered=book.counts.issued - book.counts.not_entered,
                                 slips=book.counts.issued))

    def _mark(self, scan: Scan) -> None:
        book, state, frame = self._book, self._state, self._frame()
        if book is None or frame is None:
            return
        if not self.ctx.allows("returns.mark"):
            self.flag(_("Your role may look at the return check but not enter slips."))
            return
        if state is None:
            self.flag(_("Choose what to mark first: F1 used, F2 unused, F3 void, F4 missing."))
            return
        out = attempt(self.ctx.ops, self, returns.mark_slips, book.event_id, book.merchant_id,
                      scan.text, state, book.book.series_id, writes=True)
        if out.error is not None:
            self.flag(out.error.message)
        elif out.ok:
            self.good(_("Marked {state}: {numbers}.").format(
                state=state_label(state), numbers=format_ranges(scan.ranges, frame.fmt)))

    def _outside(self, scan: Scan) -> None:
        frame = self._frame()
        assert frame is not None
        outside = [r for r in scan.ranges if not frame.holds(r)]
        self.flag(_("{numbers}: not in the open book {code}. Nothing was changed. Scan a slip "
                    "or book label to open its book.").format(
            numbers=format_ranges(outside[:5], frame.fmt), code=frame.code))

    # ------------------------------------------------------------------ actions

    def choose_state(self, state: str) -> None:
        """F1–F4: the state the next numbers get; numbers typed (not a refused scan still in
        the line) are marked at once."""
        self._state = state
        self.state_buttons[state].setChecked(True)
        self.show_mode()
        text = self.scan.text()
        if text.strip() and not (self.scan.is_flagged() and text == self.refused_text):
            self.submit()
        self.scan.setFocus()

    def mark_remaining(self, state: str) -> None:
        """F5/F6: every slip of the open book not entered yet becomes used/unused."""
        book = self._book
        if book is None:
            return
        if not book.counts.not_entered:
            self.banner.show_message("info", _("Every slip of {code} is entered already.")
                                     .format(code=book.book.code))
            return
        out = attempt(self.ctx.ops, self, returns.mark_remaining, book.event_id,
                      book.merchant_id, book.book.code, state, writes=True)
        if out.error is not None:
            self.flag(out.error.message)
        elif out.ok:
            self.good(_("{code}: remaining slips marked {state} ({count}).").format(
                code=book.book.code, state=state_label(state), count=out.value))

    def undo(self) -> None:
        """Ctrl+Z: take back the merchant's last step and show the book it changed."""
        book = self._book
        if book is None:
            return
        out = attempt(self.ctx.ops, self, returns.undo_last, book.event_id, book.merchant_id,
                      writes=True)
        if out.error is not None:
            self.flag(out.error.message)
            return
        step = out.value
        if step is None:
            return
        first = re.split(r"[,–-]", step.numbers)[0].strip()
        frame = self._frame()
        if frame is not None and not frame.first_no <= tail_number(first) <= frame.last_no:
            found = attempt(self.ctx.ops, self, returns.open_book, book.event_id, first)
            if found.value is not None:
                self._show(found.value)
        self.good(_("Undone: {state} {numbers} ({count}).").format(
            state=state_label(step.state), numbers=step.numbers, count=step.count), "info")

    def switch_merchant(self) -> None:
        """F9: open the other merchant's book just refused, or clear the screen for the next."""
        pending, self._pending = self._pending, None
        if pending is None:
            self._show(None)
            self.good(_("Scan a book of the next merchant."), "info")
            return
        out = attempt(self.ctx.ops, self, returns.open_book, pending.event_id,
                      pending.book.code)
        if out.error is not None:
            self.flag(out.error.message)
        elif out.value is not None:
            self._show(out.value)
            self.good(_("Now checking {brand} (another merchant): book {code}.").format(
                brand=out.value.brand, code=out.value.book.code), "warn")

    def close_return(self) -> None:
        """F10: close the merchant's return after a confirmation showing its counts."""
        book = self._book
        if book is None:
            return
        counts = book.merchant_counts
        if counts.not_entered:
            self.flag(_("{n} slips of {brand} are not entered yet; the return cannot be "
                        "closed.").format(n=counts.not_entered, brand=book.brand))
            return
        question = _("Close the return of {brand} for {event}?\n\n{equation}\n\n{missing} "
                     "missing slips go on the chase list. After closing, no step can be undone."
                     ).format(brand=book.brand, event=book.book.event_code,
                              equation=counts_equation(counts), missing=counts.missing)
        if confirm(self, _("Close return"), question):
            result = self.ctx.ops.run(self, returns.close_return, book.event_id,
                                      book.merchant_id)
            if result.ok:
                self.good(_("The return of {brand} is closed.").format(brand=book.brand))
        self.scan.setFocus()

    def edit_details(self) -> None:
        """F7, Enter or double click: customer details of the chosen (or typed) used slip."""
        if self.scan.text().strip() and not self._choose_typed_slip():
            return
        chosen = self.grid.chosen_slip()
        if chosen is None:
            self.banner.show_message("info", _("Choose a used slip in the grid (or type its "
                                               "number) first."))
            return
        number, state = chosen
        if state != USED or not self.ctx.allows("returns.slip_details"):
            self.banner.show_message("info", _(
                "{number} is {state}; customer details belong to used slips.").format(
                number=number, state=state_label(state)))
            return
        info = self.ctx.ops.query(self, slip_details.get_slip, number).value
        if info is not None:
            SlipDetailsDialog(self, self.ctx, info).exec()
        self.scan.setFocus()

    def _choose_typed_slip(self) -> bool:
        scan = read_scan(self.scan.text(), self._frame())
        if scan.kind != ScanKind.MARK or len(scan.ranges) != 1 or len(scan.ranges[0]) != 1:
            self.flag(_("Type one slip number of the open book, then press F7."))
            return False
        self.grid.choose(scan.ranges[0].first)
        self.scan.clear()
        return True
