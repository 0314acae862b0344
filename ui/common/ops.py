"""One way for the GUI to call services (Anki's aqt/operations, Electrum's QtEventListener).

`Ops.run` calls a write service with the acting user, shows a refused action's message in one
place and, on success, emits `Bridge.data_changed` once so every view refreshes. `Ops.query`
does the same for reads without the signal. `Ops.run_in_background` runs long work (big plans,
imports, reports) on a worker thread with its own database connection, behind a busy indicator.
Unexpected exceptions are logged and shown as a generic message; they never end the app.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from app.errors import AppError, ImportRejected
from app.i18n import _
from app.services.core.actor import Actor
from ui.common.worker import Worker

log = logging.getLogger(__name__)
R = TypeVar("R")
MAX_DETAILS = 200
BUSY_DIALOG_DELAY_MS = 400


class Bridge(QObject):
    """Signals views listen to, always emitted on the GUI thread."""

    data_changed = Signal()
    """Something was saved: reload what you show."""
    database_changed = Signal()
    """Another database was opened: forget selections, then reload."""


@dataclass(frozen=True)
class OpResult(Generic[R]):
    """What a call gave: `ok` is False when it was refused or failed (already reported)."""

    ok: bool
    value: R | None = None


@contextmanager
def busy_cursor() -> Iterator[None]:
    """Show the wait cursor for the duration of the block."""
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QGuiApplication.restoreOverrideCursor()


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    """Tell the user an action was not done: its message, or a generic one for a bug."""
    box = QMessageBox(QMessageBox.Icon.Warning, _("Not done"), "", QMessageBox.StandardButton.Ok,
                      parent)
    if isinstance(exc, AppError):
        box.setText(exc.message)
        if isinstance(exc, ImportRejected) and exc.problems:
            box.setDetailedText(_problem_lines(exc.problems))
    else:
        log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
        box.setText(_("Something went wrong and the action was not completed. Nothing was "
                      "saved. Details were written to the log."))
        box.setDetailedText(f"{type(exc).__name__}: {exc}")
    box.exec()


def _problem_lines(problems: list[tuple[str, int, str, str]]) -> str:
    lines = [_("{sheet}, row {row}, column {column}: {reason}").format(
        sheet=sheet, row=row, column=column, reason=reason)
        for sheet, row, column, reason in problems[:MAX_DETAILS]]
    if len(problems) > MAX_DETAILS:
        lines.append(_("… and {n} more").format(n=len(problems) - MAX_DETAILS))
    return "\n".join(lines)


class Ops:
    """Runs service calls for the GUI on behalf of one actor."""

    def __init__(self, actor: Actor, bridge: Bridge) -> None:
        self.actor = actor
        self.bridge = bridge
        self._workers: set[Worker] = set()

    @property
    def busy(self) -> bool:
        """True while background work runs."""
        return bool(self._workers)

    def wait_for_workers(self) -> None:
        """Block until background work has finished (before the app closes)."""
        for worker in list(self._workers):
            worker.wait()

    def run(self, parent: QWidget | None, func: Callable[..., R], *args: Any,
            **kwargs: Any) -> OpResult[R]:
        """Call a write service; report a refusal, or announce the change."""
        result = self._call(parent, func, args, kwargs)
        if result.ok:
            self.bridge.data_changed.emit()
        return result

    def query(self, parent: QWidget | None, func: Callable[..., R], *args: Any,
              **kwargs: Any) -> OpResult[R]:
        """Call a read service; report a failure."""
        return self._call(parent, func, args, kwargs)

    def _call(self, parent: QWidget | None, func: Callable[..., R], args: tuple,
              kwargs: dict) -> OpResult[R]:
        try:
            with busy_cursor():
                value = func(self.actor, *args, **kwargs)
        except Exception as exc:  # every failure is reported, none crashes
            show_error(parent, exc)
            return OpResult(False)
        return OpResult(True, value)

    def run_in_background(self, parent: QWidget | None, label: str, func: Callable[..., R],
                          *args: Any, on_success: Callable[[R], None] | None = None,
                          writes: bool = True, **kwargs: Any) -> Worker:
        """Run `func(actor, *args, **kwargs)` on a worker thread behind a modal busy dialog."""
        progress = _busy_dialog(parent, label)
        worker = Worker(func, (self.actor, *args), kwargs)
        self._workers.add(worker)
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)

        def finish(ok: bool, payload: object) -> None:
            QGuiApplication.restoreOverrideCursor()
            progress.reset()  # stops the timer that would still show it
            progress.close()
            progress.deleteLater()
            worker.wait()
            self._workers.discard(worker)
            if not ok:
                show_error(parent, payload)  # type: ignore[arg-type]
                return
            if writes:
                self.bridge.data_changed.emit()
            if on_success is not None:
                on_success(payload)  # type: ignore[arg-type]

        worker.done.connect(finish, Qt.ConnectionType.QueuedConnection)
        worker.start()
        return worker


def _busy_dialog(parent: QWidget | None, label: str) -> QProgressDialog:
    dialog = QProgressDialog(label, "", 0, 0, parent)
    dialog.setWindowTitle(_("Please wait"))
    dialog.setCancelButton(None)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(BUSY_DIALOG_DELAY_MS)  # quick work shows only the busy cursor
    dialog.setAutoClose(False)
    dialog.setValue(0)
    return dialog
