"""数据安全: back up now, restore from a backup, check the database, how many backups to keep,
verify the audit trail; the start backup and the hourly look whether a daily one is due."""

from __future__ import annotations

import logging
from collections.abc import Callable
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QMenu,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from app.i18n import N_, _
from app.services.admin import data_safety
from app.services.admin.data_safety import BackupInfo, IntegrityReport
from app.services.core.permissions import allowed
from ui.admin.audit_view import verify_audit_trail
from ui.common.context import UiContext
from ui.common.ops import show_error
from ui.common.table_model import RecordTableModel
from ui.common.widgets import RecordTable, confirm, info_label
from ui.common.worker import Worker

log = logging.getLogger(__name__)
HOUR_MS = 60 * 60 * 1000
REASONS = {"start": N_("At start"), "daily": N_("Daily"),
           "pre-migration": N_("Before an upgrade"), "manual": N_("Made by hand")}


def size_text(size: int) -> str:
    """Bytes as KB/MB/GB for people."""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:,.0f} {unit}" if unit == "B" else f"{value:,.1f} {unit}"
        value /= 1024
    return f"{size} B"


def backup_label(info: BackupInfo) -> str:
    """'2026-11-23 14:30 (Daily)'."""
    return f"{info.created:%Y-%m-%d %H:%M} ({_(REASONS.get(info.reason, info.reason))})"


class BackupTableModel(RecordTableModel[BackupInfo]):
    """Backups of the open database, newest first."""

    class Columns(IntEnum):
        CREATED = 0
        REASON = 1
        SIZE = 2
        FILE = 3

    headers = {Columns.CREATED: N_("Made"), Columns.REASON: N_("Kind"),
               Columns.SIZE: N_("File size"), Columns.FILE: N_("File")}
    number_columns = frozenset({Columns.SIZE})
    widths = {Columns.CREATED: 17, Columns.REASON: 12, Columns.SIZE: 9, Columns.FILE: 36}
    stretch_column = Columns.FILE

    def value(self, record: BackupInfo, column: Any) -> Any:
        """The cell value."""
        if column == self.Columns.CREATED:
            return f"{record.created:%Y-%m-%d %H:%M:%S}"
        if column == self.Columns.REASON:
            return _(REASONS.get(record.reason, record.reason))
        if column == self.Columns.SIZE:
            return size_text(record.size)
        return record.path.name


class RestoreDialog(QDialog):
    """Choose the backup to restore."""

    def __init__(self, parent: QWidget | None, backups: list[BackupInfo]) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Restore from backup"))
        self.table = RecordTable(BackupTableModel(self), self, with_filter=False)
        self.table.set_rows(backups)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Restore…"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(info_label(_(
            "Choose the backup to put in place of the database. The current file is kept "
            "beside it under a new name, and everyone logs in again afterwards.")))
        layout.addWidget(self.table, 1)
        if backups:
            layout.addWidget(info_label(_("Backups are kept in {folder}.").format(
                folder=backups[0].path.parent)))
        layout.addWidget(self.buttons)
        self.table.selection_changed.connect(self._enable)
        self.table.activated.connect(lambda _b: self.accept())
        self.table.select_where(lambda _b: True)
        self._enable()
        self.resize(760, 420)

    def _enable(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(
            self.table.selected() is not None)

    def chosen(self) -> BackupInfo | None:
        """The backup selected."""
        return self.table.selected()


class SafetyActions(QObject):
    """The Data safety menu of a main window, and its automatic backups."""

    restored = Signal()
    """A backup replaced the database: everyone logs in again."""

    def __init__(self, window: QWidget, ctx: UiContext) -> None:
        super().__init__(window)
        self.window = window
        self.ctx = ctx
        self.is_file = True
        self.actions: dict[str, QAction] = {}
        self._worker: Worker | None = None
        self._finished: set[Worker] = set()
        self._stopped = False
        """Workers whose outcome is still to be reported (kept alive until then)."""
        self.timer = QTimer(self)
        self.timer.setInterval(HOUR_MS)
        self.timer.timeout.connect(lambda: self.run_automatic(data_safety.backup_if_due))

    def fill_menu(self, menu: QMenu) -> None:
        """Add the actions to `menu`."""
        entries = (("safety.backup_now", _("&Back up now"), self.back_up_now),
                   ("safety.restore", _("&Restore from backup…"), self.restore),
                   ("safety.check", _("&Check database"), self.check),
                   ("safety.set_keep", _("Backups to &keep…"), self.set_keep))
        for name, text, slot in entries:
            self.actions[name] = self._add(menu, text, slot)
        menu.addSeparator()
        self.actions["audit.verify"] = self._add(
            menu, _("&Verify audit trail"), lambda: verify_audit_trail(self.window, self.ctx))

    def _add(self, menu: QMenu, text: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self.window)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    def apply_role(self, role: str, is_file: bool) -> None:
        """Show only what `role` may do; backups and restore need a SQLite file."""
        self.is_file = is_file
        for name, action in self.actions.items():
            action.setVisible(allowed(role, name))
        for name in ("safety.backup_now", "safety.restore", "safety.set_keep"):
            self.actions[name].setEnabled(is_file)

    # ------------------------------------------------------------------ automatic backups

    def start_backups(self) -> None:
        """The start backup now (in the background), then an hourly look for a daily one."""
        self._stopped = False
        self.run_automatic(data_safety.backup_at_start)
        self.timer.start()

    def run_automatic(self, func: Callable[[], BackupInfo | None]) -> None:
        """Run an automatic backup off the GUI thread; a failure is reported."""
        if not self.is_file or self._worker is not None:
            return
        worker = Worker(func, (), {})
        self._worker = worker
        self._finished.add(worker)
        worker.done.connect(lambda ok, payload: self._automatic_done(worker, ok, payload),
                            Qt.ConnectionType.QueuedConnection)
        worker.start()

    def _automatic_done(self, worker: Worker, ok: bool, payload: object) -> None:
        worker.wait()
        self._finished.discard(worker)
        if self._worker is worker:
            self._worker = None
        if ok or self._stopped:
            log.info("automatic backup: %s", payload)
            return
        show_error(self.window, payload)  # type: ignore[arg-type]

    def wait(self) -> None:
        """Block until a running automatic backup has finished (before a restore or a switch)."""
        if self._worker is not None:
            self._worker.wait()
            self._worker = None

    def stop(self) -> None:
        """No more automatic backups (the window closes)."""
        self._stopped = True
        self.timer.stop()
        self.wait()

    @property
    def busy(self) -> bool:
        """True while an automatic backup runs."""
        return self._worker is not None

    # ------------------------------------------------------------------ menu actions

    def back_up_now(self) -> None:
        """A manual backup, in the background."""
        self.ctx.ops.run_in_background(
            self.window, _("Backing up…"), data_safety.backup_now, writes=False,
            on_success=lambda info: QMessageBox.information(
                self.window, _("Backup made"), _("The backup was written and checked:\n{path}"
                                                 "\n({size})").format(
                    path=info.path, size=size_text(info.size))))

    def check(self) -> None:
        """The full integrity check, in the background."""
        self.ctx.ops.run_in_background(self.window, _("Checking the database…"),
                                       data_safety.check_integrity, writes=False,
                                       on_success=self._show_check)

    def _show_check(self, report: IntegrityReport) -> None:
        if report.ok:
            QMessageBox.information(self.window, _("Check database"), report.message)
            return
        box = QMessageBox(QMessageBox.Icon.Critical, _("Check database"), report.message,
                          QMessageBox.StandardButton.Ok, self.window)
        box.setDetailedText("\n".join(report.problems[:200]))
        box.exec()
        box.deleteLater()

    def set_keep(self) -> None:
        """Ask how many backups to keep."""
        current = self.ctx.ops.query(self.window, data_safety.get_backup_keep)
        if not current.ok or current.value is None:
            return
        value, ok = QInputDialog.getInt(
            self.window, _("Backups to keep"),
            _("Keep the newest backups of this database (older ones are deleted):"),
            current.value, 1, 10_000)
        if ok and value != current.value:
            self.ctx.ops.run(self.window, data_safety.set_backup_keep, value)

    def restore(self) -> None:
        """Choose a backup, confirm, restore it; then everyone logs in again."""
        listed = self.ctx.ops.query(self.window, data_safety.list_backups)
        if not listed.ok:
            return
        if not listed.value:
            QMessageBox.information(self.window, _("Restore from backup"),
                                    _("There are no backups of this database yet."))
            return
        dialog = RestoreDialog(self.window, listed.value)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.chosen() is None:
            return
        self.restore_file(dialog.chosen())  # type: ignore[arg-type]

    def restore_file(self, info: BackupInfo) -> bool:
        """Confirm and restore `info`; True when it was restored."""
        if not confirm(self.window, _("Restore from backup"), _(
                "Put the backup of {when} in place of the database?\n\nEverything entered "
                "since then is replaced by the backup's data (the current file is kept beside "
                "it). Everyone logs in again afterwards.").format(when=backup_label(info))):
            return False
        self.ctx.ops.wait_for_workers()
        self.wait()
        result = self.ctx.ops.run(self.window, data_safety.restore_backup, str(info.path))
        if not result.ok or result.value is None:
            return False
        QMessageBox.information(self.window, _("Backup restored"), result.value.message)
        self.restored.emit()
        return True
