"""Dialogs of the stock area: a new number series, and registering blank stock (R1.1–R1.4)."""

from __future__ import annotations

from PySide6.QtCore import QRegularExpression
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QButtonGroup, QLineEdit, QRadioButton, QSpinBox, QWidget

from app.domain.numbers import NumberRange, parse_ranges
from app.i18n import _
from app.services.stock.batches import BatchInfo
from app.services.stock.registration import SeriesInfo
from ui.common.table_model import local_time
from ui.common.widgets import SubmitDialog, info_label, tab_chain, value_label

MAX_REGISTER_BOOKS = 200_000


class SeriesDialog(SubmitDialog):
    """Prefix, digits and slips per book of a new series."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent, _("New number series"))
        self.prefix = QLineEdit(self)
        self.prefix.setValidator(QRegularExpressionValidator(
            QRegularExpression("[A-Za-z]{1,10}"), self.prefix))
        self.prefix.setPlaceholderText(_("e.g. BJ"))
        self.digits = QSpinBox(self)
        self.digits.setRange(3, 12)
        self.digits.setValue(7)
        self.book_size = QSpinBox(self)
        self.book_size.setRange(1, 1000)
        self.book_size.setValue(50)
        self.name = QLineEdit(self)
        self.example = value_label()
        self.form.addRow(_("Prefix"), self.prefix)
        self.form.addRow(_("Digits"), self.digits)
        self.form.addRow(_("Slips per book"), self.book_size)
        self.form.addRow(_("Name"), self.name)
        self.form.addRow(_("First book"), self.example)
        for signal in (self.prefix.textChanged, self.digits.valueChanged,
                       self.book_size.valueChanged):
            signal.connect(self._show_example)
        self._show_example()
        self.prefix.setFocus()

    def _show_example(self) -> None:
        prefix = self.prefix.text().upper()
        digits = self.digits.value()
        self.example.setText(f"{prefix}{1:0{digits}d}–{prefix}{self.book_size.value():0{digits}d}")

    def values(self) -> tuple[str, int, int, str]:
        """(prefix, digits, slips per book, name) as typed."""
        return (self.prefix.text().strip().upper(), self.digits.value(), self.book_size.value(),
                self.name.text().strip())


class RegisterStockDialog(SubmitDialog):
    """Register the next N books, or an explicit range (with a reason if it leaves a gap)."""

    def __init__(self, parent: QWidget | None, series: SeriesInfo) -> None:
        super().__init__(parent, _("Register blank stock: {prefix}").format(prefix=series.prefix))
        self.series = series
        fmt = series.format
        self.next_radio = QRadioButton(_("Next books"), self)
        self.range_radio = QRadioButton(_("Explicit range"), self)
        group = QButtonGroup(self)
        group.addButton(self.next_radio)
        group.addButton(self.range_radio)
        self.books = QSpinBox(self)
        self.books.setRange(1, MAX_REGISTER_BOOKS)
        self.books.setValue(20)
        self.books.setGroupSeparatorShown(True)
        self.numbers = QLineEdit(self)
        first = series.last_number + 1
        self.numbers.setPlaceholderText(
            f"{fmt.format(first)}-{fmt.format(first + 20 * series.book_size - 1)}")
        self.gap_reason = QLineEdit(self)
        self.gap_reason.setPlaceholderText(_("Needed when the range leaves numbers out"))
        self.summary = value_label()
        self._add_rows(fmt.format(series.last_number) if series.last_number else _("none yet"))
        self.books.valueChanged.connect(self._update)
        self.next_radio.toggled.connect(self._update)
        self.next_radio.setChecked(True)
        self._update()
        tab_chain(self.next_radio, self.books, self.range_radio, self.numbers, self.gap_reason,
                  self.buttons)
        self.books.setFocus()
        self.books.selectAll()

    def _add_rows(self, last: str) -> None:
        self.form.addRow(_("Last registered number"), value_label(last))
        self.form.addRow(_("Slips per book"), value_label(str(self.series.book_size)))
        self.form.addRow(self.next_radio)
        self.form.addRow(_("Book count"), self.books)
        self.form.addRow("", self.summary)
        self.form.addRow(self.range_radio)
        self.form.addRow(_("Range"), self.numbers)
        self.form.addRow(_("Gap reason"), self.gap_reason)

    def _update(self) -> None:
        by_count = self.next_radio.isChecked()
        self.books.setEnabled(by_count)
        self.numbers.setEnabled(not by_count)
        self.gap_reason.setEnabled(not by_count)
        fmt, size = self.series.format, self.series.book_size
        first = self.series.last_number + 1
        last = first + self.books.value() * size - 1
        if last <= fmt.max_number:
            self.summary.setText(_("{first} – {last}, {slips} slips").format(
                first=fmt.format(first), last=fmt.format(last), slips=f"{last - first + 1:,}"))
        else:
            self.summary.setText(_("Past the end of the series"))
        (self.books if by_count else self.numbers).setFocus()

    @property
    def by_count(self) -> bool:
        """True for 'next N books', False for an explicit range."""
        return self.next_radio.isChecked()

    def range_values(self) -> tuple[str, str]:
        """(range text, gap reason) as typed."""
        return self.numbers.text().strip(), self.gap_reason.text().strip()

    def ranges(self) -> list[NumberRange]:
        """What OK would register, to show before it is done (the service decides).

        Raises:
            InputError: the typed range cannot be read.
        """
        if not self.by_count:
            return parse_ranges(self.numbers.text(), self.series.format)
        first = self.series.last_number + 1
        return [NumberRange(first, first + self.books.value() * self.series.book_size - 1)]


def books_and_slips(slips: int, book_size: int) -> str:
    """'160,000 books / 8,000,000 slips' (a part book shows as a fraction)."""
    books = slips / book_size
    shown = f"{books:,.0f}" if slips % book_size == 0 else f"{books:,.2f}"
    return _("{books} books / {slips} slips").format(books=shown, slips=f"{slips:,}")


def registration_question(series: SeriesInfo, ranges: list[NumberRange]) -> str:
    """The confirmation before registering: each range in full, with books and slips."""
    fmt = series.format
    lines = [_("Register these numbers as blank stock of series {prefix}?").format(
        prefix=series.prefix), ""]
    lines += [f"{fmt.format(rng.first)} – {fmt.format(rng.last)}" for rng in ranges]
    lines.append(books_and_slips(sum(len(rng) for rng in ranges), series.book_size))
    return "\n".join(lines)


class VoidRegistrationDialog(SubmitDialog):
    """Void a registration made by mistake: its numbers are unregistered, the record stays."""

    def __init__(self, parent: QWidget | None, series: SeriesInfo, batch: BatchInfo) -> None:
        super().__init__(parent, _("Void registration: {prefix}").format(prefix=series.prefix))
        self.batch = batch
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText(_("e.g. typo in the range"))
        self.form.addRow(_("Range"), value_label(f"{batch.first} – {batch.last}"))
        self.form.addRow(_("Size"), value_label(books_and_slips(batch.slips, series.book_size)))
        self.form.addRow(_("Registered"), value_label(
            f"{local_time(batch.registered_at)}  {batch.registered_by}"))
        self.form.addRow(_("Reason"), self.reason)
        self.form.addRow(info_label(_("Its numbers will no longer be registered and can be "
                                      "registered again. The registration stays on record, "
                                      "marked voided.")))
        self.reason.setFocus()
