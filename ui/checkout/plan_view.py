"""领用计划: the requisition plan of an event (R2.1): build it, adjust it, print it."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtWidgets import (
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.i18n import N_, _
from app.services.checkout import plan
from app.services.checkout.plan import PlanLine
from ui.common.area import AreaView
from ui.common.context import UiContext
from ui.common.pickers import EventComboBox, SeriesComboBox
from ui.common.report_actions import show_report
from ui.common.table_model import RecordTableModel
from ui.common.widgets import (
    RecordTable,
    SubmitDialog,
    button,
    confirm,
    info_label,
    tab_chain,
    value_label,
)

MAX_BOOKS = 10_000
SPIN_BUTTONS_WIDTH = 72


class PlanLineTableModel(RecordTableModel[PlanLine]):
    """The requisition table: one merchant per row."""

    class Columns(IntEnum):
        BRAND = 0
        CATEGORY = 1
        MANAGER = 2
        ESTIMATE = 3
        PLANNED_BOOKS = 4
        PLANNED_RANGES = 5
        ISSUED_BOOKS = 6
        ISSUED_RANGES = 7
        DEPOSIT_DUE = 8
        DEPOSIT_HELD = 9

    headers = {Columns.BRAND: N_("Brand"), Columns.CATEGORY: N_("Category"),
               Columns.MANAGER: N_("Category manager"), Columns.ESTIMATE: N_("Estimate"),
               Columns.PLANNED_BOOKS: N_("Planned books"),
               Columns.PLANNED_RANGES: N_("Planned ranges"),
               Columns.ISSUED_BOOKS: N_("Issued books"), Columns.ISSUED_RANGES: N_("Issued ranges"),
               Columns.DEPOSIT_DUE: N_("Deposit due"), Columns.DEPOSIT_HELD: N_("Deposit held")}
    number_columns = frozenset({Columns.ESTIMATE, Columns.PLANNED_BOOKS, Columns.ISSUED_BOOKS,
                                Columns.DEPOSIT_DUE, Columns.DEPOSIT_HELD})
    stretch_column = Columns.PLANNED_RANGES
    widths = {Columns.BRAND: 14, Columns.CATEGORY: 6, Columns.MANAGER: 8, Columns.ESTIMATE: 8,
              Columns.PLANNED_BOOKS: 8, Columns.PLANNED_RANGES: 20, Columns.ISSUED_BOOKS: 8,
              Columns.ISSUED_RANGES: 20, Columns.DEPOSIT_DUE: 11, Columns.DEPOSIT_HELD: 11}

    def value(self, record: PlanLine, column: Any) -> Any:
        """The cell value."""
        keys = ("brand", "category", "category_manager", "estimate", "planned_books",
                "planned_ranges", "issued_books", "issued_ranges", "deposit_due", "deposit_held")
        return getattr(record, keys[int(column)])


class PlannedBooksDialog(SubmitDialog):
    """How many books are reserved for one merchant; 0 sends them back to stock.

    Books the merchant already signed for are shown but not changed here."""

    def __init__(self, parent: QWidget | None, line: PlanLine) -> None:
        super().__init__(parent, _("Planned books: {brand}").format(brand=line.brand))
        self.books = QSpinBox(self)
        self.books.setRange(0, MAX_BOOKS)
        self.books.setValue(line.planned_books)
        self.books.setSpecialValueText(_("0 (release to stock)"))
        self.books.setMinimumWidth(self.books.fontMetrics().horizontalAdvance(
            self.books.specialValueText()) + SPIN_BUTTONS_WIDTH)
        self.form.addRow(_("Estimated orders"), value_label(f"{line.estimate:,}"))
        self.form.addRow(_("Planned ranges"), value_label(line.planned_ranges or "—"))
        if line.issued_books:
            self.form.addRow(_("Already issued"), value_label(
                f"{line.issued_books:,}  ({line.issued_ranges})"))
        self.form.addRow(_("Book count"), self.books)
        self.form.addRow(info_label(_("Only books not yet signed for are changed. 0 sends the "
                                      "reserved books back to stock.")))
        self.books.setFocus()
        self.books.selectAll()


class ReleasePlanDialog(SubmitDialog):
    """Send reserved books back to stock: of the chosen merchant or of the whole event."""

    def __init__(self, parent: QWidget | None, lines: list[PlanLine],
                 chosen: PlanLine | None) -> None:
        super().__init__(parent, _("Release plan"))
        self._lines = lines
        self._chosen = chosen
        self.merchant_radio = QRadioButton(_("Only {brand}").format(
            brand=chosen.brand if chosen else "—"), self)
        self.event_radio = QRadioButton(_("Every merchant of the event"), self)
        self.merchant_radio.setEnabled(chosen is not None and chosen.planned_books > 0)
        (self.merchant_radio if self.merchant_radio.isEnabled() else self.event_radio
         ).setChecked(True)
        self.summary = info_label()
        self.form.addRow(self.merchant_radio)
        self.form.addRow(self.event_radio)
        self.form.addRow(self.summary)
        self.merchant_radio.toggled.connect(self._show_summary)
        self._show_summary()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Release"))

    def merchant_id(self) -> str | None:
        """The merchant whose books go back, or None for every merchant of the event."""
        if self.merchant_radio.isChecked() and self._chosen is not None:
            return self._chosen.merchant_id
        return None

    def _show_summary(self) -> None:
        merchant = self.merchant_id()
        books = sum(line.planned_books for line in self._lines
                    if merchant is None or line.merchant_id == merchant)
        self.summary.setText(_("{books} reserved books go back to stock. Books already signed "
                               "for stay with the merchants.").format(books=f"{books:,}"))


class PlanView(AreaView):
    """Choose an event (and series), build its plan, adjust and print it."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.event_combo = EventComboBox(self)
        self.series_combo = SeriesComboBox(self)
        self.series_label = QLabel(_("Number series"), self)
        self.table = RecordTable(PlanLineTableModel(self), self,
                                 filter_placeholder=_("Filter by brand, category, manager…"))
        self.summary = info_label()
        self._build()
        self.setFocusProxy(self.event_combo)
        tab_chain(self.event_combo, self.series_combo, self.build_button, self.books_button,
                  self.release_button, self.print_button, self.table.filter_edit, self.table.view)
        self.event_combo.id_changed.connect(lambda _id: self.reload_plan())
        self.table.selection_changed.connect(self._enable)
        self.table.activated.connect(lambda _line: self.change_books())
        self.reload()

    def _build(self) -> None:
        self.build_button = button(_("Build plan"), self.build_plan, "Ctrl+B")
        self.books_button = button(_("Change planned books…"), self.change_books, "Ctrl+E")
        self.release_button = button(_("Release plan…"), self.release_plan)
        self.print_button = button(_("Print requisition table…"), self.print_plan, "Ctrl+P")
        self.ctx.guard({self.build_button: "plan.build", self.books_button: "plan.set_books",
                        self.release_button: "plan.release"})
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Event"), self))
        top.addWidget(self.event_combo, 1)
        top.addWidget(self.series_label)
        top.addWidget(self.series_combo)
        for btn in (self.build_button, self.books_button, self.release_button,
                    self.print_button):
            top.addWidget(btn)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table)
        layout.addWidget(self.summary)

    def event_id(self) -> str | None:
        """The chosen event's id."""
        return self.event_combo.current_id()

    def reload(self) -> None:
        """Fetch events, series and the plan again."""
        self.event_combo.reload(self.ctx.ops)
        several = self.series_combo.reload(self.ctx.ops) > 1
        self.series_combo.setVisible(several)
        self.series_label.setVisible(several)
        self.reload_plan()

    def reload_plan(self) -> None:
        """Show the chosen event's requisition table."""
        event_id = self.event_id()
        lines: list[PlanLine] = []
        if event_id:
            lines = self.ctx.ops.query(self, plan.plan_view, event_id).value or []
        self.table.set_rows(lines, keep=lambda line: line.merchant_id)
        self.summary.setText(summary_text(lines))
        self._enable()

    def _enable(self) -> None:
        has_event = self.event_id() is not None
        line = self.table.selected()
        self.build_button.setEnabled(has_event)
        self.print_button.setEnabled(has_event)
        self.books_button.setEnabled(line is not None)
        self.release_button.setEnabled(
            any(row.planned_books for row in self.table.model.rows()))

    def build_plan(self) -> None:
        """(Re)build the plan for every merchant not yet checked out (in the background)."""
        event_id = self.event_id()
        if event_id is None:
            return
        planned = any(line.planned_books for line in self.table.model.rows())
        if planned and not confirm(self, _("Build plan"), _(
                "Build the plan again? Merchants not yet checked out get their books assigned "
                "afresh from stock.")):
            return
        series_id = self.series_combo.current_id() if self.series_combo.isVisible() else None
        self.ctx.ops.run_in_background(self, _("Building the plan…"), plan.build_plan,
                                       event_id, series_id)

    def change_books(self) -> None:
        """Change how many books the chosen merchant gets."""
        event_id, line = self.event_id(), self.table.selected()
        if event_id is None or line is None:
            return
        dialog = PlannedBooksDialog(self, line)
        series_id = self.series_combo.current_id() if self.series_combo.isVisible() else None
        dialog.set_submit(lambda: self.ctx.ops.run(
            dialog, plan.set_planned_books, event_id, line.merchant_id, dialog.books.value(),
            series_id).ok)
        dialog.exec()

    def release_plan(self) -> None:
        """Send reserved books back to stock (one merchant's or the whole event's)."""
        event_id = self.event_id()
        if event_id is None:
            return
        dialog = ReleasePlanDialog(self, self.table.model.rows(), self.table.selected())
        dialog.set_submit(lambda: self._release(dialog, event_id))
        dialog.exec()

    def _release(self, dialog: ReleasePlanDialog, event_id: str) -> bool:
        result = self.ctx.ops.run(dialog, plan.release_plan, event_id, dialog.merchant_id())
        if result.ok:
            QMessageBox.information(dialog, _("Release plan"), _(
                "{books} books went back to stock.").format(books=f"{result.value or 0:,}"))
        return result.ok

    def print_plan(self) -> None:
        """Preview the requisition table (print or save it from there)."""
        event_id = self.event_id()
        if event_id:
            show_report(self, self.ctx, "requisition", _("requisition"), event_id=event_id)


def summary_text(lines: list[PlanLine]) -> str:
    """Totals under the table."""
    if not lines:
        return _("No merchants on this event yet: add them under Events.")
    due = sum((line.deposit_due for line in lines[1:]), lines[0].deposit_due)
    held = sum((line.deposit_held for line in lines[1:]), lines[0].deposit_held)
    return _("{merchants} merchants · planned {planned} books · issued {issued} books · "
             "deposit due {due} · held {held}").format(
        merchants=len(lines), planned=sum(line.planned_books for line in lines),
        issued=sum(line.issued_books for line in lines), due=due, held=held)
