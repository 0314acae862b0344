"""活动: events, and per event its merchants with their estimated orders."""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QFileDialog,
    QGroupBox,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.errors import AppError
from app.i18n import N_, _
from app.services.events import events, excel_template, merchants
from app.services.events.events import EstimateInfo, EventInfo, kind_label
from app.services.returns import archive
from ui.common.area import AreaView
from ui.common.context import UiContext
from ui.common.event_status import EventStatusWidget
from ui.common.file_names import safe_file_name
from ui.common.ops import show_error
from ui.common.table_model import RecordTableModel, show_value
from ui.common.widgets import RecordTable, button, button_row, confirm
from ui.events.event_dialogs import EstimateDialog, EventDialog
from ui.events.merchants_view import XLSX_FILTER

EstimateEdit = Callable[[EstimateInfo, Any], None]
REFUSED_COLOR = "#c62828"


class EventTableModel(RecordTableModel[EventInfo]):
    """Events."""

    class Columns(IntEnum):
        CODE = 0
        NAME = 1
        KIND = 2
        START = 3
        END = 4
        VENUE = 5
        MANAGERS = 6
        DEPOSIT = 7
        FINE = 8

    headers = {Columns.CODE: N_("Event code"), Columns.NAME: N_("Event name"),
               Columns.KIND: N_("Kind"), Columns.START: N_("Start date"),
               Columns.END: N_("End date"), Columns.VENUE: N_("Venue"),
               Columns.MANAGERS: N_("Category managers"), Columns.DEPOSIT: N_("Deposit per book"),
               Columns.FINE: N_("Fine per slip")}
    number_columns = frozenset({Columns.DEPOSIT, Columns.FINE})
    stretch_column = Columns.NAME
    widths = {Columns.CODE: 12, Columns.NAME: 26, Columns.KIND: 14, Columns.START: 11,
              Columns.END: 11, Columns.VENUE: 20, Columns.MANAGERS: 14, Columns.DEPOSIT: 11,
              Columns.FINE: 11}

    def value(self, record: EventInfo, column: Any) -> Any:
        """The cell value."""
        c = self.Columns
        return {c.CODE: record.code, c.NAME: record.name, c.KIND: kind_label(record.kind),
                c.START: record.start_date, c.END: record.end_date, c.VENUE: record.venue,
                c.MANAGERS: "、".join(record.managers), c.DEPOSIT: record.deposit_per_book,
                c.FINE: record.fine_per_slip}[column]


class EstimateTableModel(RecordTableModel[EstimateInfo]):
    """An event's merchants; the estimate column is edited in place."""

    class Columns(IntEnum):
        BRAND = 0
        CATEGORY = 1
        MANAGER = 2
        ESTIMATE = 3

    headers = {Columns.BRAND: N_("Brand"), Columns.CATEGORY: N_("Category"),
               Columns.MANAGER: N_("Category manager"), Columns.ESTIMATE: N_("Estimate")}
    number_columns = frozenset({Columns.ESTIMATE})
    stretch_column = Columns.BRAND
    widths = {Columns.BRAND: 18, Columns.CATEGORY: 10, Columns.MANAGER: 12, Columns.ESTIMATE: 12}

    def __init__(self, parent: QObject | None = None, on_edit: EstimateEdit | None = None
                 ) -> None:
        super().__init__(parent)
        self.on_edit = on_edit
        self._typed: dict[tuple[str, str], Any] = {}
        """(event id, merchant id) → an estimate typed in but refused, kept to correct it."""

    def value(self, record: EstimateInfo, column: Any) -> Any:
        """The cell value."""
        c = self.Columns
        return {c.BRAND: record.brand, c.CATEGORY: record.category,
                c.MANAGER: record.category_manager, c.ESTIMATE: record.estimate}[column]

    def typed(self, record: EstimateInfo) -> Any | None:
        """The refused value typed for this row, or None."""
        return self._typed.get((record.event_id, record.merchant_id))

    def keep_typed(self, record: EstimateInfo, value: Any) -> None:
        """Show (and edit again) a refused value instead of the saved estimate."""
        self._typed[(record.event_id, record.merchant_id)] = value
        self._estimate_changed(record)

    def forget_typed(self, record: EstimateInfo) -> None:
        """Show the saved estimate again."""
        if self._typed.pop((record.event_id, record.merchant_id), None) is not None:
            self._estimate_changed(record)

    def _estimate_changed(self, record: EstimateInfo) -> None:
        for row, other in enumerate(self.rows()):
            if other.merchant_id == record.merchant_id:
                index = self.index(row, self.Columns.ESTIMATE)
                self.dataChanged.emit(index, index)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        """Qt override: the estimate is editable."""
        flags = super().flags(index)
        if index.isValid() and index.column() == self.Columns.ESTIMATE and self.on_edit:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Qt override: the editor starts from the number; a refused value shows in red."""
        if not index.isValid() or index.column() != self.Columns.ESTIMATE:
            return super().data(index, role)
        record = self.record(index.row())
        typed = self.typed(record)
        if role == Qt.ItemDataRole.EditRole:
            return record.estimate if typed is None else typed
        if typed is None:
            return super().data(index, role)
        if role == Qt.ItemDataRole.DisplayRole:
            return show_value(typed)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(REFUSED_COLOR))
        if role == Qt.ItemDataRole.ToolTipRole:
            return _("Not saved. Correct the number, or press Esc to keep {saved}.").format(
                saved=show_value(record.estimate))
        return super().data(index, role)

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any,
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Qt override: hand the new estimate to the view (saved after the editor closes).

        A refused value left unchanged is dropped: the saved estimate shows again."""
        if (role != Qt.ItemDataRole.EditRole or not index.isValid() or self.on_edit is None
                or index.column() != self.Columns.ESTIMATE):
            return False
        record, on_edit = self.record(index.row()), self.on_edit
        typed = self.typed(record)
        if typed is not None and typed == value:
            self.forget_typed(record)
            return True
        QTimer.singleShot(0, lambda: on_edit(record, value))
        return True


class EventsView(AreaView):
    """Event list with create/edit, and the chosen event's merchants and estimates."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.events_table = RecordTable(EventTableModel(self), self,
                                        filter_placeholder=_("Filter events…"))
        self.estimates_table = RecordTable(EstimateTableModel(self, self.save_estimate), self,
                                           filter_placeholder=_("Filter merchants…"))
        self.merchants_box = QGroupBox(self)
        self.status = EventStatusWidget(self)
        self._build()
        self.setFocusProxy(self.events_table.view)
        self.events_table.selection_changed.connect(self.reload_estimates)
        self.events_table.activated.connect(lambda _e: self.edit_event())
        self.estimates_table.activated.connect(lambda _e: self.edit_estimate())
        self.estimates_table.selection_changed.connect(self._enable)
        self.estimates_table.view.itemDelegate().closeEditor.connect(self._editor_closed)
        self.reload()

    def _build(self) -> None:
        self.new_button = button(_("New event…"), self.new_event, "Ctrl+N")
        self.edit_button = button(_("Edit event…"), self.edit_event, "Ctrl+E")
        self.add_button = button(_("Add merchant…"), self.add_merchant, "Ctrl+M")
        self.estimate_button = button(_("Change estimate…"), self.edit_estimate)
        self.remove_button = button(_("Remove from event"), self.remove_merchant)
        self.template_button = button(_("Export estimates template…"), self.export_template)
        self.ctx.guard({self.new_button: "events.create", self.edit_button: "events.update",
                        self.add_button: "events.set_estimate",
                        self.estimate_button: "events.set_estimate",
                        self.remove_button: "events.remove_merchant"})
        events_box = QGroupBox(_("Events"), self)
        layout = QVBoxLayout(events_box)
        layout.addLayout(button_row(self.new_button, self.edit_button))
        layout.addWidget(self.events_table)
        layout.addWidget(self.status)
        layout = QVBoxLayout(self.merchants_box)
        layout.addLayout(button_row(self.add_button, self.estimate_button, self.remove_button,
                                    self.template_button))
        layout.addWidget(self.estimates_table)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(events_box)
        splitter.addWidget(self.merchants_box)
        QVBoxLayout(self).addWidget(splitter)

    def selected_event(self) -> EventInfo | None:
        """The event chosen in the list."""
        return self.events_table.selected()

    def reload(self) -> None:
        """Fetch events and the chosen event's merchants again."""
        rows = self.ctx.ops.query(self, events.list_events).value or []
        self.events_table.set_rows(rows, keep=lambda e: e.id)
        if self.selected_event() is None and rows:
            self.events_table.select_where(lambda _e: True)
        self.reload_estimates()

    def reload_estimates(self) -> None:
        """Show the chosen event's stage and what blocks the next one, and its merchants."""
        event = self.selected_event()
        rows: list[EstimateInfo] = []
        self.status.show_status(self.ctx.ops.query(self, archive.event_status, event.id).value
                                if event is not None else None)
        if event is not None:
            rows = self.ctx.ops.query(self, events.list_estimates, event.id).value or []
            self.merchants_box.setTitle(_("Merchants of {code} {name} — double-click an "
                                          "estimate to change it").format(
                code=event.code, name=event.name))
        else:
            self.merchants_box.setTitle(_("Merchants of the event"))
        self.estimates_table.set_rows(rows, keep=lambda e: e.merchant_id)
        self._enable()

    def _enable(self) -> None:
        has_event = self.selected_event() is not None
        has_estimate = self.estimates_table.selected() is not None
        for btn in (self.edit_button, self.add_button, self.template_button):
            btn.setEnabled(has_event)
        self.estimate_button.setEnabled(has_estimate)
        self.remove_button.setEnabled(has_estimate)

    def new_event(self) -> None:
        """Ask for and create an event."""
        dialog = EventDialog(self)
        dialog.set_submit(lambda: self._create_event(dialog))
        dialog.exec()

    def _create_event(self, dialog: EventDialog) -> bool:
        result = self.ctx.ops.run(dialog, events.create_event, **dialog.values())
        if result.ok and result.value is not None:
            new_id = result.value.id
            self.events_table.select_where(lambda e: e.id == new_id)
        return result.ok

    def edit_event(self) -> None:
        """Edit the chosen event."""
        event = self.selected_event()
        if event is None:
            return
        dialog = EventDialog(self, event)
        dialog.set_submit(lambda: self.ctx.ops.run(dialog, events.update_event, event.id,
                                                   **dialog.values()).ok)
        dialog.exec()

    def add_merchant(self) -> None:
        """Put a merchant on the chosen event with its estimate."""
        event = self.selected_event()
        if event is None:
            return
        listed = {e.merchant_id for e in self.estimates_table.model.rows()}
        every = self.ctx.ops.query(self, merchants.list_merchants).value or []
        choices = [m for m in every if m.id not in listed]
        if not choices:
            show_error(self, AppError(_("Every merchant is already on this event. Add new "
                                        "merchants under Merchants first.")))
            return
        dialog = EstimateDialog(self, event, choices)
        dialog.set_submit(lambda: self._set_estimate(dialog, event, dialog.merchant_id()))
        dialog.exec()

    def _set_estimate(self, dialog: EstimateDialog, event: EventInfo,
                      merchant_id: str | None) -> bool:
        if merchant_id is None:
            show_error(dialog, AppError(_("Choose a merchant from the list.")))
            return False
        return self.ctx.ops.run(dialog, events.set_estimate, event.id, merchant_id,
                                dialog.estimate.value()).ok

    def edit_estimate(self) -> None:
        """Change the chosen merchant's estimate in a dialog."""
        event, row = self.selected_event(), self.estimates_table.selected()
        if event is None or row is None:
            return
        dialog = EstimateDialog(self, event, None, row.brand, row.estimate)
        dialog.set_submit(lambda: self._set_estimate(dialog, event, row.merchant_id))
        dialog.exec()

    def save_estimate(self, row: EstimateInfo, value: object) -> None:
        """An estimate typed into the table; if refused, it stays in the editor to correct."""
        model = self.estimates_table.model
        model.forget_typed(row)
        if self.ctx.ops.run(self, events.set_estimate, row.event_id, row.merchant_id, value).ok:
            return
        model.keep_typed(row, value)
        table = self.estimates_table
        if table.select_where(lambda e: e.merchant_id == row.merchant_id):
            table.view.edit(table.view.currentIndex().siblingAtColumn(
                EstimateTableModel.Columns.ESTIMATE))

    def _editor_closed(self, _editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        """Esc in the estimate editor: give up a refused value."""
        row = self.estimates_table.selected()
        if hint == QAbstractItemDelegate.EndEditHint.RevertModelCache and row is not None:
            self.estimates_table.model.forget_typed(row)

    def remove_merchant(self) -> None:
        """Take the chosen merchant off the event; its reserved books go back to stock (the
        service refuses if it has signed for books)."""
        event, row = self.selected_event(), self.estimates_table.selected()
        if event is None or row is None:
            return
        if not confirm(self, _("Remove merchant"), _(
                "Take {brand} off event {code}?\n\nBooks reserved for it in the plan go back "
                "to stock. A merchant that has already signed for books stays on the list."
                ).format(brand=row.brand, code=event.code)):
            return
        result = self.ctx.ops.run(self, events.remove_merchant_from_event, event.id,
                                  row.merchant_id)
        if result.ok and result.value:
            QMessageBox.information(self, _("Remove merchant"), _(
                "{books} reserved books went back to stock.").format(books=f"{result.value:,}"))

    def export_template(self) -> None:
        """Save an Excel template with this event's estimates to fill in and import."""
        event = self.selected_event()
        if event is None:
            return
        name = safe_file_name(event.code) + ".xlsx"
        start = Path(self.ctx.settings.last_folder or Path.home()) / name
        path, _chosen = QFileDialog.getSaveFileName(self, _("Export estimates template"),
                                                    str(start), _(XLSX_FILTER))
        if not path:
            return
        path = path if path.lower().endswith(".xlsx") else path + ".xlsx"
        self.ctx.settings.last_folder = str(Path(path).parent)
        self.ctx.ops.run_in_background(
            self, _("Writing the template…"), excel_template.export_template, path,
            event_id=event.id, writes=False, on_success=lambda _r: QMessageBox.information(
                self, _("Done"), _("The template was saved to {path}.").format(path=path)))

