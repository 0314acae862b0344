"""The installed PySide6 is one the program can run on for a whole working day."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Sender(QObject):
    fired = Signal()


def test_emitting_signals_keeps_the_reference_count_of_true():
    """PySide6 6.12.0 dropped a reference to True on every emit(); after a few thousand emits
    the interpreter aborted (docs/decisions/0009)."""
    sender = _Sender()
    received: list[int] = []
    sender.fired.connect(lambda: received.append(1))
    before = sys.getrefcount(True)
    for _ in range(1000):
        sender.fired.emit()
    # other code may take or drop a reference or two; the bug drops one per emit (1000)
    assert abs(sys.getrefcount(True) - before) < 50
    assert len(received) == 1000
