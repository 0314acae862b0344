"""Side panels of the return check: the merchant's live reconciliation line (R3.2) with its
books, and the list of the merchant's return steps (newest first, undone ones struck)."""

from __future__ import annotations

import datetime as dt
import re
from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QGridLayout, QLabel, QListWidget, QVBoxLayout, QWidget

from app.domain.returns import MISSING, NOT_ENTERED, OPEN, UNUSED, USED, VOID, WRITTEN_OFF, Counts
from app.i18n import N_, _
from app.services.core.books import BookInfo
from app.services.returns.entry import BookReturn, StepInfo
from app.services.returns.slips import state_label
from ui.common.table_model import Index, RecordTableModel
from ui.returns.slip_grid import swatch

REMAINING = "remaining"
"""The action of an "all remaining" step (the other one is "mark")."""
COUNT_STATES = (USED, UNUSED, VOID, MISSING, WRITTEN_OFF, NOT_ENTERED)


def counts_equation(counts: Counts) -> str:
    """``Issued 150 = used 97 + unused 45 + void 5 + missing 3`` (R3.2), with what is left."""
    text = _("Issued {issued} = used {used} + unused {unused} + void {void} + missing {missing}"
             ).format(issued=counts.issued, used=counts.used, unused=counts.unused,
                      void=counts.void, missing=counts.missing_total)
    if counts.not_entered:
        text += " + " + _("not entered {n}").format(n=counts.not_entered)
    return text


def step_time(utc: dt.datetime) -> str:
    """When a step was taken, local time: to the second today, else with the date."""
    local = (utc if utc.tzinfo else utc.replace(tzinfo=dt.UTC)).astimezone()
    if local.date() == dt.datetime.now().astimezone().date():
        return local.strftime("%H:%M:%S")
    return local.strftime("%m-%d %H:%M")


class StepTableModel(RecordTableModel[StepInfo]):
    """A merchant's return steps as list_steps gives them."""

    class Columns(IntEnum):
        AT = 0
        WHAT = 1
        COUNT = 2
        NUMBERS = 3
        BY = 4

    headers = {Columns.AT: N_("Time"), Columns.WHAT: N_("Marked as"), Columns.COUNT: N_("Slips"),
               Columns.NUMBERS: N_("Numbers"), Columns.BY: N_("By")}
    number_columns = frozenset({Columns.COUNT})
    widths = {Columns.AT: 7, Columns.WHAT: 11, Columns.COUNT: 3, Columns.NUMBERS: 16,
              Columns.BY: 5}
    stretch_column = Columns.NUMBERS

    def value(self, record: StepInfo, column: Any) -> Any:
        """The cell value: "all remaining" steps and undone ones say so."""
        c = self.Columns
        what = state_label(record.state)
        if record.action == REMAINING:
            what = _("Rest: {state}").format(state=what)
        if record.undone:
            what = _("{action} (undone)").format(action=what)
        return {c.AT: step_time(record.at), c.WHAT: what,
                c.COUNT: record.count, c.NUMBERS: record.numbers, c.BY: record.by}[column]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Qt override: undone steps grey and struck through."""
        undone = index.isValid() and 0 <= index.row() < self.rowCount() and self.record(
            index.row()).undone
        if undone and role == Qt.ItemDataRole.ForegroundRole:
            return QColor("#8a8a8a")
        if undone and role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setStrikeOut(True)
            return font
        return super().data(index, role)


class MerchantPanel(QWidget):
    """The merchant's counts for the event, where the return stands, and its books."""

    book_chosen = Signal(str)
    """The code of a book clicked in the list."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(self)
        self.title.setWordWrap(True)
        bold = QFont(self.title.font())
        bold.setBold(True)
        bold.setPointSizeF(bold.pointSizeF() * 1.15)
        self.title.setFont(bold)
        self.values: dict[str, QLabel] = {}
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.equation = QLabel(self)
        self.equation.setWordWrap(True)
        self.books = QListWidget(self)
        self.books.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.books.setMaximumHeight(self.books.fontMetrics().height() * 5 + 12)
        self.books.itemClicked.connect(lambda item: self.book_chosen.emit(item.text()))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(self._counts_grid())
        layout.addWidget(self.equation)
        layout.addWidget(self.status)
        layout.addWidget(QLabel(_("Books of this merchant:"), self))
        layout.addWidget(self.books)
        self.show_merchant(None, None, "", [], "")

    def _counts_grid(self) -> QGridLayout:
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        self.values["issued"] = QLabel(self)
        grid.addWidget(QLabel(_("Issued"), self), 0, 1)
        grid.addWidget(self.values["issued"], 0, 2, Qt.AlignmentFlag.AlignRight)
        for row, state in enumerate(COUNT_STATES, start=1):
            grid.addWidget(swatch(state), row, 0)
            grid.addWidget(QLabel(state_label(state), self), row, 1)
            self.values[state] = QLabel(self)
            grid.addWidget(self.values[state], row, 2, Qt.AlignmentFlag.AlignRight)
        grid.setColumnStretch(3, 1)
        return grid

    def show_merchant(self, title: str | None, counts: Counts | None, status: str,
                      books: list[BookInfo], open_code: str) -> None:
        """Show one merchant (title None: no book open)."""
        self.title.setText(title or _("No book open"))
        numbers = dict(zip(("issued", *COUNT_STATES), (
            counts.issued, counts.used, counts.unused, counts.void, counts.missing,
            counts.written_off, counts.not_entered), strict=True)) if counts else {}
        for key, label in self.values.items():
            label.setText(f"{numbers[key]:,}" if key in numbers else "—")
        self.equation.setText(counts_equation(counts) if counts else "")
        self.status.setText(status)
        self.books.clear()
        for book in books:
            self.books.addItem(book.code)
            if book.code == open_code:
                item = self.books.item(self.books.count() - 1)
                item.setSelected(True)
                font = item.font()
                font.setBold(True)
                item.setFont(font)


def already_entered_text(book: BookReturn, text: str) -> str:
    """Why a scanned label or slip of `book` is flagged: it is entered already ('' if not)."""
    number = tail_number(text)
    if "-" not in text and book.first_no <= number < book.first_no + len(book.states):
        state = book.states[number - book.first_no]
        if state != NOT_ENTERED:
            return _("{number} is already entered ({state}).").format(
                number=text, state=state_label(state))
        return ""
    return all_entered_text(book) if not book.counts.not_entered else ""


def all_entered_text(book: BookReturn) -> str:
    """The warning for a book whose every slip is entered."""
    return _("All {n} slips of this book are already entered.").format(n=book.counts.issued)


def opened_text(book: BookReturn) -> str:
    """The line saying which book is open."""
    return _("Book {code} of {brand} is open.").format(code=book.book.code, brand=book.brand)


def switched_text(book: BookReturn) -> str:
    """The line announcing that a scan switched to another merchant."""
    return _("Now checking {brand} (another merchant): book {code}.").format(
        brand=book.brand, code=book.book.code)


def tail_number(text: str) -> int:
    """The number at the end of a full slip number (``BJ0000017`` → 17; 0 if none)."""
    digits = re.search(r"[0-9]+$", text)
    return int(digits.group()) if digits else 0


def status_text(book: BookReturn) -> str:
    """Where the merchant's return stands."""
    if book.return_state != OPEN:
        return _("Return closed. Missing slips are on the chase list.")
    left = book.merchant_counts.not_entered
    if left:
        return _("Return open: {n} slips not entered yet.").format(n=left)
    return _("Every slip is entered: the return can be closed (F10).")
