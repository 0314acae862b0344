"""追回清单: missing slips being chased, per category manager (R3.3); recovery, write-off with
its fine and reversal (R3.4); the chase list and fine notices printed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import Money
from app.errors import AppError
from app.i18n import _
from app.services.returns import chase
from app.services.returns.chase import ChaseItem
from ui.common.context import UiContext
from ui.common.ops import show_error
from ui.common.report_actions import show_report
from ui.common.widgets import IdComboBox, RecordTable, button, button_row, confirm, info_label
from ui.returns.after_event_models import ChaseTableModel
from ui.returns.after_event_panels import EventPanel, show_fine_notice
from ui.returns.chase_dialogs import (
    AssignChaseDialog,
    RecoverDialog,
    ReverseWriteOffDialog,
    SlipChoiceDialog,
    WriteOffDialog,
)

MISSING, WRITTEN_OFF = "missing", "written_off"
ALL_MANAGERS = ""


class Choice:
    """The merchant of the chosen rows, its slips in one state, and which of them are chosen."""

    def __init__(self, item: ChaseItem, candidates: list[str], chosen: set[str]) -> None:
        self.merchant_id = item.merchant_id
        self.brand = item.brand
        self.manager = item.manager
        self.candidates = candidates
        self.chosen = chosen


class ChasePanel(EventPanel):
    """The chase list of the chosen event, filtered by category manager."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.items: list[ChaseItem] = []
        self.manager_combo = IdComboBox(self)
        self.written_off_box = QCheckBox(_("Show written-off slips"), self)
        self.table = RecordTable(ChaseTableModel(self), self,
                                 filter_placeholder=_("Find a slip or merchant…"))
        self.table.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.summary = info_label()
        self._build()
        self.manager_combo.id_changed.connect(lambda _id: self.show_items())
        self.written_off_box.toggled.connect(lambda _on: self.show_items())
        self.table.selection_changed.connect(self._enable)
        self.table.activated.connect(lambda _item: self.assign())

    def _build(self) -> None:
        self.assign_button = button(_("Assign manager and due date…"), self.assign, "Ctrl+G")
        self.recover_button = button(_("Recovered…"), self.recover, "Ctrl+R")
        self.write_off_button = button(_("Write off…"), self.write_off, "Ctrl+D")
        self.reverse_button = button(_("Reverse write-off…"), self.reverse)
        self.print_button = button(_("Print chase list…"), self.print_list, "Ctrl+P")
        self.notice_button = button(_("Fine notice"), self.print_notice)
        self.ctx.guard({self.assign_button: "chase.assign", self.recover_button: "chase.recover",
                        self.write_off_button: "chase.write_off",
                        self.reverse_button: "chase.reverse_write_off"})
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Category manager"), self))
        top.addWidget(self.manager_combo)
        top.addWidget(self.written_off_box)
        top.addStretch(1)
        top.addWidget(self.print_button)
        top.addWidget(self.notice_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(button_row(self.assign_button, self.recover_button,
                                    self.write_off_button, self.reverse_button))
        layout.addWidget(self.table)
        layout.addWidget(self.summary)

    def reload(self) -> None:
        """Fetch the event's missing and written-off slips again."""
        self.items = []
        if self.event_info is not None:
            self.items = self.ctx.ops.query(self, chase.chase_list, self.event_info.id,
                                            include_written_off=True).value or []
        named = {i.manager for i in self.items if i.manager}
        managers = sorted(named | set(self.event_info.managers if self.event_info else ()))
        self.manager_combo.set_items([(_("All managers"), ALL_MANAGERS)]
                                     + [(m, m) for m in managers])
        self.show_items()

    def manager(self) -> str:
        """The manager chosen in the filter ('' for all)."""
        return self.manager_combo.current_id() or ALL_MANAGERS

    def show_items(self) -> None:
        """Show the slips of the chosen manager (written-off ones if ticked)."""
        manager, with_done = self.manager(), self.written_off_box.isChecked()
        shown = [i for i in self.items if (not manager or i.manager == manager)
                 and (with_done or i.state == MISSING)]
        self.table.set_rows(shown, keep=lambda i: i.slip_id)
        if not self.selected_items():
            self.table.select_where(lambda _i: True)
        missing = [i for i in shown if i.state == MISSING]
        self.summary.setText(_("{missing} slips being chased, {overdue} overdue; {done} written "
                               "off.").format(missing=len(missing),
                                              overdue=sum(i.overdue for i in missing),
                                              done=sum(i.state == WRITTEN_OFF for i in self.items
                                                       if not manager or i.manager == manager)))
        self.print_button.setEnabled(self.event_info is not None)
        self._enable()

    def selected_items(self) -> list[ChaseItem]:
        """The chosen rows, in table order."""
        rows = sorted(self.table.proxy.mapToSource(i).row()
                      for i in self.table.view.selectionModel().selectedRows())
        return [self.table.model.record(row) for row in rows]

    def _enable(self) -> None:
        chosen = self.selected_items()
        for btn in (self.assign_button, self.recover_button, self.write_off_button):
            btn.setEnabled(bool(chosen))
        fined = bool(chosen) and any(i.state == WRITTEN_OFF and i.merchant_id
                                     == chosen[0].merchant_id for i in self.items)
        self.reverse_button.setEnabled(fined)
        self.notice_button.setEnabled(fined)

    def choice(self, state: str) -> Choice | None:
        """The one merchant of the chosen rows and its slips in `state`; None (and a message)
        when rows of several merchants, or none, are chosen."""
        chosen = self.selected_items()
        if not chosen:
            return None
        if len({i.merchant_id for i in chosen}) > 1:
            show_error(self, AppError(_("The chosen slips belong to several merchants; choose "
                                        "slips of one merchant.")))
            return None
        first = chosen[0]
        candidates = [i.number for i in self.items
                      if i.merchant_id == first.merchant_id and i.state == state]
        if not candidates:
            show_error(self, AppError(_("{brand} has no slips that are {state}.").format(
                brand=first.brand, state=_("missing") if state == MISSING
                else _("written off"))))
            return None
        return Choice(first, candidates, {i.number for i in chosen if i.state == state})

    def _run(self, dialog: SlipChoiceDialog, func: Callable[..., Any], *args: Any,
             done: list[Any] | None = None) -> bool:
        """OK in a chase dialog: refuse an empty choice, else call the service."""
        if not dialog.chosen():
            show_error(dialog, AppError(_("Tick at least one slip.")))
            return False
        result = self.ctx.ops.run(dialog, func, *args)
        if result.ok and done is not None:
            done.append(result.value)
        return result.ok

    def assign(self) -> None:
        """Name who chases the chosen missing slips, and by when."""
        c = self.choice(MISSING)
        if c is None or self.event_info is None:
            return
        event_id = self.event_info.id
        dialog = AssignChaseDialog(self, c.brand, c.candidates, c.chosen,
                                   list(self.event_info.managers), c.manager)
        dialog.set_submit(lambda: self._run(dialog, chase.assign_chase, event_id,
                                            c.merchant_id, *dialog.values()))
        dialog.exec()

    def recover(self) -> None:
        """Record chosen missing slips as found again: used, unused or void."""
        c = self.choice(MISSING)
        if c is None or self.event_info is None:
            return
        event_id = self.event_info.id
        dialog = RecoverDialog(self, c.brand, c.candidates, c.chosen)
        dialog.set_submit(lambda: self._run(dialog, chase.recover_slips, event_id,
                                            c.merchant_id, *dialog.values()))
        dialog.exec()

    def _fines(self, merchant_id: str) -> Money:
        event_id = self.event_info.id if self.event_info else ""
        fines = self.ctx.ops.query(self, chase.get_fines, event_id, merchant_id).value
        return fines.total if fines else Money(0)

    def write_off(self) -> None:
        """Write off chosen missing slips with a reason; each costs the event's fine."""
        c = self.choice(MISSING)
        if c is None or self.event_info is None:
            return
        event = self.event_info
        dialog = WriteOffDialog(self, c.brand, c.candidates, c.chosen, event.fine_per_slip,
                                self._fines(c.merchant_id))
        done: list[chase.MerchantFines] = []
        dialog.set_submit(lambda: self._run(dialog, chase.write_off, event.id, c.merchant_id,
                                            *dialog.values(), done=done))
        if dialog.exec() == QDialog.DialogCode.Accepted and done and confirm(
                self, _("Write off"), _("Fines of {brand} are now {total}. Print the fine "
                                        "notice now?").format(brand=c.brand,
                                                              total=done[0].total)):
            show_fine_notice(self, self.ctx, event.code, event.id, c.merchant_id, c.brand)

    def reverse(self) -> None:
        """Take back a write-off made by mistake: the slips are missing again."""
        c = self.choice(WRITTEN_OFF)
        if c is None or self.event_info is None:
            return
        event = self.event_info
        dialog = ReverseWriteOffDialog(self, c.brand, c.candidates, c.chosen,
                                       event.fine_per_slip, self._fines(c.merchant_id))
        dialog.set_submit(lambda: self._run(dialog, chase.reverse_write_off, event.id,
                                            c.merchant_id, *dialog.values()))
        dialog.exec()

    def print_list(self) -> None:
        """Preview the chase list of the chosen manager (print, or save as PDF / Excel)."""
        if self.event_info is None:
            return
        manager = self.manager()
        parts = [_("chase list")] + ([manager] if manager else [])
        show_report(self, self.ctx, "chase_list", self.stem(*parts), event_id=self.event_info.id,
                    manager=manager or None)

    def print_notice(self) -> None:
        """Preview the fine notice of the chosen row's merchant."""
        chosen = self.selected_items()
        if chosen and self.event_info is not None:
            show_fine_notice(self, self.ctx, self.event_info.code, self.event_info.id,
                             chosen[0].merchant_id, chosen[0].brand)
