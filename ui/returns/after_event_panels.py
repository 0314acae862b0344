"""Panels of the after-event area that follow the chosen event: reconciliation (also in a window
of its own), deposits, void sealing and archive (R3.2, R3.5–R3.7). The chase list is in
ui.chase_view."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import Money
from app.errors import AppError
from app.i18n import _
from app.services.events import merchants
from app.services.events.events import EventInfo
from app.services.returns import archive, deposits, reconciliation, seals
from ui.common.context import UiContext
from ui.common.ops import show_error
from ui.common.report_actions import show_report
from ui.common.widgets import RecordTable, button, button_row, confirm, info_label
from ui.returns.after_event_dialogs import (
    ArchiveDialog,
    CloseOutDialog,
    ReverseCloseOutDialog,
    SealDialog,
)
from ui.returns.after_event_models import (
    BagLineTableModel,
    DepositTableModel,
    ReconciliationTableModel,
    SealTableModel,
    recon_rows,
)

WINDOW_SIZE = (980, 420)


class EventPanel(QWidget):
    """A panel showing one event's data; `set_event` chooses it, `reload` fetches again."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.event_info: EventInfo | None = None

    def set_event(self, event: EventInfo | None) -> None:
        """Show `event` (None: nothing)."""
        self.event_info = event
        self.reload()

    def reload(self) -> None:
        """Fetch the event's data again."""
        raise NotImplementedError

    def event_label(self) -> str:
        """'code  name' of the event."""
        return f"{self.event_info.code}  {self.event_info.name}" if self.event_info else ""

    def stem(self, *parts: str) -> str:
        """A file name stem: the event code, then `parts`."""
        return "-".join([self.event_info.code if self.event_info else "", *parts])


class ReconciliationPanel(EventPanel):
    """The reconciliation table (R3.2) with its total line and the check that it adds up."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None, live: bool = False,
                 with_window_button: bool = True) -> None:
        super().__init__(ctx, parent)
        self.table = RecordTable(ReconciliationTableModel(self), self, with_filter=False)
        self.table.view.setSortingEnabled(False)  # the total line stays last
        self.summary = info_label()
        self.print_button = button(_("Preview, print or save…"), self.print_table, "Ctrl+P")
        self.window_button = button(_("Open in its own window"), self.open_window,
                                    "Ctrl+Shift+W")
        self.window_button.setVisible(with_window_button)
        layout = QVBoxLayout(self)
        layout.addLayout(button_row(self.print_button, self.window_button))
        layout.addWidget(self.table)
        layout.addWidget(self.summary)
        if live:
            ctx.bridge.data_changed.connect(self.reload)

    def reload(self) -> None:
        """Fetch the table again."""
        recon, event = None, self.event_info
        if event is not None:
            recon = self.ctx.ops.query(self, reconciliation.reconciliation, event.id).value
        self.table.set_rows(recon_rows(recon) if recon else [], keep=lambda line: line.merchant_id)
        self.summary.setText(self._summary(recon) if recon else "")
        self.print_button.setEnabled(recon is not None)
        self.window_button.setEnabled(recon is not None)

    @staticmethod
    def _summary(recon: reconciliation.Reconciliation) -> str:
        t = recon.total
        text = _("Issued {issued} = used {used} + unused {unused} + void {void} + missing "
                 "{missing} + written off {written_off} + not entered {not_entered}").format(
            issued=t.issued, used=t.used, unused=t.unused, void=t.void, missing=t.missing,
            written_off=t.written_off, not_entered=t.not_entered)
        check = _("adds up") if t.balanced else _("DOES NOT ADD UP")
        return f"{text}  ({check})"

    def print_table(self) -> None:
        """Preview the reconciliation report (print, or save as PDF / Excel from there)."""
        if self.event_info is not None:
            show_report(self, self.ctx, "reconciliation", self.stem(_("reconciliation")),
                        event_id=self.event_info.id)

    def open_window(self) -> None:
        """The table in a window of its own that stays live while returns are entered."""
        if self.event_info is not None:
            window = ReconciliationWindow(self.window(), self.ctx, self.event_info)
            window.show()


class ReconciliationWindow(QDialog):
    """A non-modal window with the live reconciliation of one event."""

    def __init__(self, parent: QWidget | None, ctx: UiContext, event: EventInfo) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Reconciliation: {code} {name}").format(code=event.code,
                                                                       name=event.name))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setModal(False)
        self.panel = ReconciliationPanel(ctx, self, live=True, with_window_button=False)
        QVBoxLayout(self).addWidget(self.panel)
        self.resize(*WINDOW_SIZE)
        self.panel.set_event(event)


class DepositsPanel(EventPanel):
    """Each merchant's deposit; close it out once nothing is missing (R3.5)."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.table = RecordTable(DepositTableModel(self), self,
                                 filter_placeholder=_("Find a merchant…"))
        self.close_button = button(_("Close out deposit…"), self.close_out, "Ctrl+K")
        self.receipt_button = button(_("Deposit refund receipt"), self.print_receipt, "Ctrl+P")
        self.notice_button = button(_("Fine notice"), self.print_notice)
        self.reverse_button = button(_("Reverse close-out…"), self.reverse_close_out)
        self.summary = info_label()
        ctx.guard({self.close_button: "deposits.close_out",
                   self.reverse_button: "deposits.reverse_close_out"})
        layout = QVBoxLayout(self)
        layout.addLayout(button_row(self.close_button, self.receipt_button,
                                    self.notice_button, self.reverse_button))
        layout.addWidget(self.table)
        layout.addWidget(self.summary)
        self.table.selection_changed.connect(self._enable)
        # Enter on a row opens nothing: a scanner's Enter must not start a close-out

    def reload(self) -> None:
        """Fetch the deposits again."""
        rows, event = [], self.event_info
        if event is not None:
            rows = self.ctx.ops.query(self, deposits.list_deposit_status, event.id).value or []
        self.table.set_rows(rows, keep=lambda s: s.merchant_id)
        if self.table.selected() is None:
            self.table.select_where(lambda s: not s.closed_out)
        self.summary.setText(deposits_summary(rows))
        self._enable()

    def _enable(self) -> None:
        status = self.table.selected()
        self.close_button.setEnabled(status is not None and not status.closed_out)
        self.receipt_button.setEnabled(status is not None and status.closed_out)
        self.notice_button.setEnabled(status is not None and status.fines.fen > 0)
        self.reverse_button.setEnabled(status is not None and status.closed_out)

    def close_out(self) -> None:
        """Show what the close-out pays back or claims; on OK, close the deposit out."""
        chosen = self.table.selected()
        if self.event_info is None or chosen is None or chosen.closed_out:
            return
        status = self.ctx.ops.query(self, deposits.get_deposit_status, self.event_info.id,
                                    chosen.merchant_id).value
        if status is None:
            return
        if status.blocker:
            show_error(self, AppError(_("The deposit of {brand} cannot be closed out yet: "
                                        "{why}.").format(brand=status.brand, why=status.blocker)))
            return
        merchant = self.ctx.ops.query(self, merchants.get_merchant, status.merchant_id).value
        dialog = CloseOutDialog(self, status, merchant.contact if merchant else "")
        done: list[deposits.DepositStatus] = []
        dialog.set_submit(lambda: self._submit(dialog, done))
        if dialog.exec() == QDialog.DialogCode.Accepted and done and confirm(
                self, _("Close out deposit"), _("The deposit of {brand} is closed out. Print "
                                                "the deposit refund receipt now?").format(
                    brand=done[0].brand)):
            self._show_receipt(done[0])

    def _submit(self, dialog: CloseOutDialog, done: list[deposits.DepositStatus]) -> bool:
        result = self.ctx.ops.run(dialog, deposits.close_out_deposit, dialog.status.event_id,
                                  dialog.status.merchant_id, *dialog.values())
        if result.ok and result.value is not None:
            done.append(result.value)
        return result.ok

    def reverse_close_out(self) -> None:
        """Take back the chosen merchant's close-out, with a reason (the service refuses it
        for an archived event)."""
        status = self.table.selected()
        if status is None or not status.closed_out:
            return
        dialog = ReverseCloseOutDialog(self, status)
        dialog.set_submit(lambda: self.ctx.ops.run(
            dialog, deposits.reverse_close_out, status.event_id, status.merchant_id,
            dialog.values()).ok)
        dialog.exec()

    def print_receipt(self) -> None:
        """Preview the deposit refund receipt of the chosen merchant."""
        status = self.table.selected()
        if status is not None and status.closed_out:
            self._show_receipt(status)

    def _show_receipt(self, status: deposits.DepositStatus) -> None:
        show_report(self, self.ctx, "deposit_refund", status.receipt_no or self.stem(
            status.brand), event_id=status.event_id, merchant_id=status.merchant_id)

    def print_notice(self) -> None:
        """Preview the fine notice of the chosen merchant."""
        status = self.table.selected()
        if status is not None:
            show_fine_notice(self, self.ctx, status.event_code, status.event_id,
                             status.merchant_id, status.brand)


def deposits_summary(rows: list[deposits.DepositStatus]) -> str:
    """Totals under the deposits table, and how many are still held."""
    total = sum((s.deposit for s in rows), Money(0))
    fines = sum((s.fines for s in rows), Money(0))
    open_rows = [s for s in rows if not s.closed_out]
    return _("Deposits {deposit}, fines {fines}; {closed} closed out, {open} still to close "
             "out.").format(deposit=total, fines=fines, closed=len(rows) - len(open_rows),
                            open=len(open_rows))


def show_fine_notice(parent: QWidget, ctx: UiContext, event_code: str, event_id: str,
                     merchant_id: str, brand: str) -> None:
    """Preview a merchant's fine notice for an event."""
    show_report(parent, ctx, "fine_notice", "-".join((event_code, brand, _("fine notice"))),
                event_id=event_id, merchant_id=merchant_id)


class SealsPanel(EventPanel):
    """Void slips waiting to be sealed, and the seal batches (R3.6)."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.unsealed = QListWidget(self)
        self.table = RecordTable(SealTableModel(self), self, with_filter=False)
        self.seal_button = button(_("Seal void slips…"), self.seal, "Ctrl+E")
        self.label_button = button(_("Print seal label"), self.print_label, "Ctrl+P")
        ctx.guard({self.seal_button: "seals.seal"})
        self.waiting_box = QGroupBox(self)
        QVBoxLayout(self.waiting_box).addWidget(self.unsealed)
        seals_box = QGroupBox(_("Seal batches"), self)
        layout = QVBoxLayout(seals_box)
        layout.addLayout(button_row(self.label_button))
        layout.addWidget(self.table)
        row = QHBoxLayout()
        row.addWidget(self.waiting_box, 1)
        row.addWidget(seals_box, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(button_row(self.seal_button))
        layout.addLayout(row)
        self.table.selection_changed.connect(self._enable)

    def reload(self) -> None:
        """Fetch the unsealed voids and the seal batches again."""
        waiting: list[str] = []
        batches: list[seals.SealInfo] = []
        if self.event_info is not None:
            waiting = self.ctx.ops.query(self, seals.unsealed_voids, self.event_info.id).value or []
            batches = self.ctx.ops.query(self, seals.list_seals, self.event_info.id).value or []
        self.unsealed.clear()
        self.unsealed.addItems(waiting)
        self.waiting_box.setTitle(_("Void slips to seal: {n}").format(n=len(waiting)))
        self.table.set_rows(batches, keep=lambda s: s.id)
        if self.table.selected() is None:
            self.table.select_where(lambda _s: True)
        self.seal_button.setEnabled(bool(waiting))
        self._enable()

    def _enable(self) -> None:
        self.label_button.setEnabled(self.table.selected() is not None)

    def seal(self) -> None:
        """Seal the event's void slips (all, or those typed) under a seal number."""
        if self.event_info is None:
            return
        waiting = [self.unsealed.item(i).text() for i in range(self.unsealed.count())]
        dialog = SealDialog(self, self.event_label(), waiting)
        done: list[seals.SealInfo] = []
        dialog.set_submit(lambda: self._submit(dialog, done))
        if dialog.exec() == QDialog.DialogCode.Accepted and done:
            self.table.select_where(lambda s: s.id == done[0].id)
            if confirm(self, _("Seal void slips"), _(
                    "{n} void slips are sealed under seal {seal}. Print the seal label "
                    "now?").format(n=done[0].count, seal=done[0].seal_no)):
                self._show_label(done[0])

    def _submit(self, dialog: SealDialog, done: list[seals.SealInfo]) -> bool:
        if not dialog.ready() or not confirm(dialog, _("Seal void slips"), dialog.question()):
            return False
        seal_no, numbers, note = dialog.values()
        event_id = self.event_info.id if self.event_info else ""
        result = self.ctx.ops.run(dialog, seals.seal_voids, event_id, seal_no, numbers or None,
                                  note)
        if result.ok and result.value is not None:
            done.append(result.value)
        return result.ok

    def print_label(self) -> None:
        """Preview the label of the chosen seal batch."""
        info = self.table.selected()
        if info is not None:
            self._show_label(info)

    def _show_label(self, info: seals.SealInfo) -> None:
        show_report(self, self.ctx, "seal_label", _("seal") + "-" + info.seal_no,
                    seal_id=info.id)


class ArchivePanel(EventPanel):
    """What the archive bag holds, and archiving the event once nothing is unresolved (R3.7)."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.table = RecordTable(BagLineTableModel(self), self, with_filter=False)
        self.state = info_label()
        self.archive_button = button(_("Archive event…"), self.archive_event)
        self.label_button = button(_("Print archive-bag label"), self.print_label, "Ctrl+P")
        ctx.guard({self.archive_button: "events.archive"})
        layout = QVBoxLayout(self)
        layout.addLayout(button_row(self.archive_button, self.label_button))
        layout.addWidget(self.state)
        layout.addWidget(self.table)

    def reload(self) -> None:
        """Fetch the archive bag's contents again."""
        bag = None
        if self.event_info is not None:
            bag = self.ctx.ops.query(self, archive.archive_bag, self.event_info.id).value
        self.table.set_rows(list(bag.lines) if bag else [])
        if bag is None:
            self.state.clear()
        else:
            self.state.setText((_("Archived. ") if bag.archived else _("Not archived yet. "))
                               + _("The archive bag holds {n} slips:").format(
                                   n=f"{bag.total_slips:,}"))
        self.archive_button.setEnabled(bag is not None and not bag.archived)
        self.label_button.setEnabled(bag is not None and bool(bag.lines))

    def archive_event(self) -> None:
        """Archive the event; if something is unresolved, say what in words instead."""
        if self.event_info is None:
            return
        status = self.ctx.ops.query(self, archive.event_status, self.event_info.id).value
        if status is None:
            return
        if status.blockers:
            show_error(self, AppError("\n".join(
                [_("Event {code} cannot be archived yet:").format(code=self.event_info.code)]
                + ["• " + b for b in status.blockers])))
            return
        dialog = ArchiveDialog(self, self.event_label(), status.totals.issued)
        event_id = self.event_info.id
        dialog.set_submit(lambda: self.ctx.ops.run(dialog, archive.archive_event, event_id,
                                                   dialog.values()).ok)
        if dialog.exec() == QDialog.DialogCode.Accepted and confirm(
                self, _("Archive event"), _("The event is archived. Print the archive-bag "
                                            "label now?")):
            self.print_label()

    def print_label(self) -> None:
        """Preview the archive-bag label of the event."""
        if self.event_info is not None:
            show_report(self, self.ctx, "archive_label", self.stem(_("archive bag")),
                        event_id=self.event_info.id)

