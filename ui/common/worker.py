"""A worker thread for one service call, with its own database connection.

The work runs on a plain Python thread and its outcome reaches the GUI thread through the queued
`done` signal of a small QObject. A QThread is deliberately not used: when Python garbage-collects
a QThread object whose thread still runs (a worker reachable only through a closure cycle is
collectable), Qt aborts the whole program ("QThread: Destroyed while thread is still running").
A started worker is also kept in `_running` until its outcome has been delivered, so neither the
thread nor the signal's sender can go away early.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from app.services.core import session

_running: set[Worker] = set()
"""Started workers whose outcome has not been delivered yet."""


class _Relay(QObject):
    """Lives in the GUI thread; its signal, emitted from the worker thread, is queued there."""

    done = Signal(bool, object)


class Worker:
    """Runs `func(*args, **kwargs)` off the GUI thread; `done(ok, result or exception)`.

    Connect to `done` (with a queued connection) before `start()`.
    """

    def __init__(self, func: Callable[..., Any], args: tuple, kwargs: dict) -> None:
        self._func, self._args, self._kwargs = func, args, kwargs
        self._relay = _Relay()
        self.done = self._relay.done
        self._thread = threading.Thread(target=self._run, name="orderbook-worker")

    def start(self) -> None:
        """Start the work; `done` is delivered to the GUI thread when it ends."""
        _running.add(self)
        # Connected last, so it runs after the caller's slots: the worker stays referenced
        # until every slot has seen the outcome.
        self.done.connect(self._delivered, Qt.ConnectionType.QueuedConnection)
        self._thread.start()

    def wait(self) -> None:
        """Block until the work has finished."""
        if self._thread.is_alive():
            self._thread.join()

    def is_running(self) -> bool:
        """True until the work has finished."""
        return self._thread.is_alive()

    def _run(self) -> None:
        try:
            with session.thread_connection():
                result = self._func(*self._args, **self._kwargs)
        except Exception as exc:  # handed to the GUI thread to report
            self.done.emit(False, exc)
            return
        self.done.emit(True, result)

    def _delivered(self, _ok: bool, _payload: object) -> None:
        self.wait()
        _running.discard(self)


def running_workers() -> int:
    """How many workers have not delivered their outcome yet (for tests and shutdown)."""
    return len(_running)
