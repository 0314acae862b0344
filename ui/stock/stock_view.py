"""号段与库存: number series, registering blank stock, and the stock report (R1.1–R1.4)."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QSplitter, QTabWidget, QVBoxLayout, QWidget

from app.errors import AppError
from app.i18n import N_, _
from app.services.core.books import state_label
from app.services.stock import batches as stock_batches
from app.services.stock import registration as stock
from app.services.stock import report as stock_report
from app.services.stock.batches import BatchInfo
from app.services.stock.registration import SeriesInfo
from app.services.stock.report import Gap, SeriesStock, StateRange
from ui.common.area import AreaView
from ui.common.context import UiContext
from ui.common.ops import show_error
from ui.common.report_actions import show_report
from ui.common.table_model import RecordTableModel
from ui.common.widgets import RecordTable, button, button_row, confirm, info_label
from ui.stock.stock_dialogs import (
    RegisterStockDialog,
    SeriesDialog,
    VoidRegistrationDialog,
    registration_question,
)


class SeriesTableModel(RecordTableModel[SeriesInfo]):
    """Number series."""

    class Columns(IntEnum):
        PREFIX = 0
        NAME = 1
        DIGITS = 2
        BOOK_SIZE = 3
        LAST = 4

    headers = {Columns.PREFIX: N_("Prefix"), Columns.NAME: N_("Name"),
               Columns.DIGITS: N_("Digits"), Columns.BOOK_SIZE: N_("Slips per book"),
               Columns.LAST: N_("Last registered number")}
    number_columns = frozenset({Columns.DIGITS, Columns.BOOK_SIZE})
    stretch_column = Columns.NAME
    widths = {Columns.PREFIX: 8, Columns.NAME: 20, Columns.DIGITS: 8, Columns.BOOK_SIZE: 12,
              Columns.LAST: 18}

    def value(self, record: SeriesInfo, column: Any) -> Any:
        """The cell value."""
        c = self.Columns
        if column == c.LAST:
            return record.format.format(record.last_number) if record.last_number else ""
        return {c.PREFIX: record.prefix, c.NAME: record.name, c.DIGITS: record.digits,
                c.BOOK_SIZE: record.book_size}[column]


class StockRangeTableModel(RecordTableModel[StateRange]):
    """Runs of books by state, event and brand."""

    class Columns(IntEnum):
        STATE = 0
        FIRST = 1
        LAST = 2
        EVENT = 3
        BRAND = 4
        BOOKS = 5
        SLIPS = 6

    headers = {Columns.STATE: N_("State"), Columns.FIRST: N_("First number"),
               Columns.LAST: N_("Last number"), Columns.EVENT: N_("Event"),
               Columns.BRAND: N_("Brand"), Columns.BOOKS: N_("Book count"),
               Columns.SLIPS: N_("Slips")}
    number_columns = frozenset({Columns.BOOKS, Columns.SLIPS})
    stretch_column = Columns.BRAND
    widths = {Columns.STATE: 10, Columns.FIRST: 14, Columns.LAST: 14, Columns.EVENT: 14,
              Columns.BRAND: 18, Columns.BOOKS: 8, Columns.SLIPS: 10}

    def value(self, record: StateRange, column: Any) -> Any:
        """The cell value."""
        c = self.Columns
        return {c.STATE: state_label(record.state), c.FIRST: record.first, c.LAST: record.last,
                c.EVENT: record.event_code, c.BRAND: record.brand, c.BOOKS: record.books,
                c.SLIPS: record.slips}[column]


class GapTableModel(RecordTableModel[Gap]):
    """Numbers skipped in a series, with the reason given (R1.3)."""

    class Columns(IntEnum):
        FIRST = 0
        LAST = 1
        SLIPS = 2
        REASON = 3

    headers = {Columns.FIRST: N_("First number"), Columns.LAST: N_("Last number"),
               Columns.SLIPS: N_("Slips"), Columns.REASON: N_("Reason")}
    number_columns = frozenset({Columns.SLIPS})
    widths = {Columns.FIRST: 14, Columns.LAST: 14, Columns.SLIPS: 10}

    def value(self, record: Gap, column: Any) -> Any:
        """The cell value."""
        c = self.Columns
        return {c.FIRST: record.first, c.LAST: record.last, c.SLIPS: record.slips,
                c.REASON: record.reason}[column]


class BatchTableModel(RecordTableModel[BatchInfo]):
    """Registrations of a series, newest first; voided ones stay listed."""

    class Columns(IntEnum):
        FIRST = 0
        LAST = 1
        BOOKS = 2
        SLIPS = 3
        REGISTERED_AT = 4
        REGISTERED_BY = 5
        GAP = 6
        STATUS = 7

    headers = {Columns.FIRST: N_("First number"), Columns.LAST: N_("Last number"),
               Columns.BOOKS: N_("Book count"), Columns.SLIPS: N_("Slips"),
               Columns.REGISTERED_AT: N_("Registered at"),
               Columns.REGISTERED_BY: N_("Registered by"), Columns.GAP: N_("Gap left before"),
               Columns.STATUS: N_("Status")}
    number_columns = frozenset({Columns.BOOKS, Columns.SLIPS})
    stretch_column = Columns.STATUS
    widths = {Columns.FIRST: 14, Columns.LAST: 14, Columns.BOOKS: 8, Columns.SLIPS: 10,
              Columns.REGISTERED_AT: 16, Columns.REGISTERED_BY: 10, Columns.GAP: 24}

    def value(self, record: BatchInfo, column: Any) -> Any:
        """The cell value."""
        c = self.Columns
        gap = f"{record.gap} ({record.gap_reason})" if record.gap else ""
        status = (_("Voided: {reason}").format(reason=record.void_reason) if record.voided
                  else _("Valid"))
        return {c.FIRST: record.first, c.LAST: record.last, c.BOOKS: record.books,
                c.SLIPS: record.slips, c.REGISTERED_AT: record.registered_at,
                c.REGISTERED_BY: record.registered_by, c.GAP: gap, c.STATUS: status}[column]


def totals_text(report: SeriesStock) -> str:
    """'In stock: 17 books (850 slips) · Issued: …'."""
    parts = [_("{state}: {books} books ({slips} slips)").format(
        state=state_label(state), books=f"{books:,}", slips=f"{slips:,}")
        for state, (books, slips) in sorted(report.totals.items())]
    return "  ·  ".join(parts) or _("No stock registered yet.")


class StockView(AreaView):
    """Series list, stock registration and the stock report of the chosen series."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.series_table = RecordTable(SeriesTableModel(self), self, with_filter=False)
        self.ranges_table = RecordTable(StockRangeTableModel(self), self,
                                        filter_placeholder=_("Filter ranges by state, event or "
                                                             "brand…"))
        self.gaps_table = RecordTable(GapTableModel(self), self, with_filter=False)
        self.batches_table = RecordTable(BatchTableModel(self), self, with_filter=False)
        self.totals = info_label()
        self._build()
        self.setFocusProxy(self.series_table.view)
        self.series_table.selection_changed.connect(self.reload_report)
        self.batches_table.selection_changed.connect(self._enable_void)
        self.reload()

    def _build(self) -> None:
        self.new_button = button(_("New series…"), self.new_series, "Ctrl+N")
        self.register_button = button(_("Register stock…"), self.register_stock, "Ctrl+R")
        self.print_button = button(_("Print stock report…"), self.print_report, "Ctrl+P")
        top = QGroupBox(_("Number series"), self)
        top_layout = QVBoxLayout(top)
        top_layout.addLayout(button_row(self.new_button, self.register_button,
                                        self.print_button))
        top_layout.addWidget(self.series_table)
        report = QGroupBox(_("Stock report"), self)
        report_layout = QVBoxLayout(report)
        report_layout.addWidget(self.totals)
        report_layout.addWidget(self.ranges_table)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        for widget, stretch in ((top, 2), (report, 5), (self._history_tabs(), 3)):
            splitter.addWidget(widget)
            splitter.setStretchFactor(splitter.count() - 1, stretch)
        QVBoxLayout(self).addWidget(splitter)

    def _history_tabs(self) -> QTabWidget:
        self.void_button = button(_("Void registration…"), self.void_registration)
        self.ctx.guard({self.new_button: "stock.create_series",
                        self.register_button: "stock.register_next",
                        self.void_button: "stock.void_registration"})
        registrations = QWidget(self)
        layout = QVBoxLayout(registrations)
        layout.addLayout(button_row(self.void_button))
        layout.addWidget(self.batches_table)
        self.history_tabs = QTabWidget(self)
        self.history_tabs.addTab(registrations, _("Registrations"))
        self.history_tabs.addTab(self.gaps_table, _("Gaps (numbers never registered)"))
        return self.history_tabs

    def selected_series(self) -> SeriesInfo | None:
        """The series chosen in the list."""
        return self.series_table.selected()

    def reload(self) -> None:
        """Fetch series and the report again."""
        rows = self.ctx.ops.query(self, stock.list_series).value or []
        self.series_table.set_rows(rows, keep=lambda s: s.id)
        if self.selected_series() is None and rows:
            self.series_table.select_where(lambda _s: True)
        self.register_button.setEnabled(bool(rows))
        self.reload_report()

    def reload_report(self) -> None:
        """Show the stock report of the chosen series."""
        series = self.selected_series()
        reports = []
        if series is not None:
            reports = self.ctx.ops.query(self, stock_report.stock_report, series.id).value or []
        report = reports[0] if reports else None
        self.ranges_table.set_rows(report.ranges if report else [])
        self.gaps_table.set_rows(report.gaps if report else [])
        self.totals.setText(totals_text(report) if report else _("Choose a series."))
        batches = []
        if series is not None:
            batches = self.ctx.ops.query(self, stock_batches.list_batches, series.id).value or []
        self.batches_table.set_rows(batches, keep=lambda b: b.id)
        self._enable_void()

    def _enable_void(self) -> None:
        batch = self.batches_table.selected()
        self.void_button.setEnabled(batch is not None and batch.can_void)

    def new_series(self) -> None:
        """Ask for and create a series."""
        dialog = SeriesDialog(self)
        dialog.set_submit(lambda: self._create_series(dialog))
        dialog.exec()

    def _create_series(self, dialog: SeriesDialog) -> bool:
        result = self.ctx.ops.run(dialog, stock.create_series, *dialog.values())
        if result.ok and result.value is not None:
            new_id = result.value.id
            self.series_table.select_where(lambda s: s.id == new_id)
        return result.ok

    def register_stock(self) -> None:
        """Register blank books in the chosen series."""
        series = self.selected_series()
        if series is None:
            return
        dialog = RegisterStockDialog(self, series)
        dialog.set_submit(lambda: self._register(dialog))
        dialog.exec()

    def _register(self, dialog: RegisterStockDialog) -> bool:
        try:
            ranges = dialog.ranges()
        except AppError as exc:
            show_error(dialog, exc)
            return False
        if not confirm(dialog, _("Register blank stock"),
                       registration_question(dialog.series, ranges)):
            return False
        series_id = dialog.series.id
        if dialog.by_count:
            return self.ctx.ops.run(dialog, stock.register_next_books, series_id,
                                    dialog.books.value()).ok
        numbers, reason = dialog.range_values()
        return self.ctx.ops.run(dialog, stock.register_range, series_id, numbers, reason).ok

    def void_registration(self) -> None:
        """Void the chosen registration (made by mistake) after asking for the reason."""
        series, batch = self.selected_series(), self.batches_table.selected()
        if series is None or batch is None:
            return
        dialog = VoidRegistrationDialog(self, series, batch)
        dialog.set_submit(lambda: self.ctx.ops.run(
            dialog, stock_batches.void_registration, batch.id, dialog.reason.text().strip()).ok)
        dialog.exec()

    def print_report(self) -> None:
        """Preview the stock report of every series (print or save it from there)."""
        show_report(self, self.ctx, "stock", _("stock-report"))
