"""A worker thread for one service call, with its own database connection."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QThread, Signal

from app.services import session


class Worker(QThread):
    """Runs `func(*args, **kwargs)` off the GUI thread; `done(ok, result or exception)`."""

    done = Signal(bool, object)

    def __init__(self, func: Callable[..., Any], args: tuple, kwargs: dict) -> None:
        super().__init__()
        self._func, self._args, self._kwargs = func, args, kwargs

    def run(self) -> None:
        """Qt override: the thread body."""
        try:
            with session.thread_connection():
                result = self._func(*self._args, **self._kwargs)
        except Exception as exc:  # handed to the GUI thread to report
            self.done.emit(False, exc)
            return
        self.done.emit(True, result)
