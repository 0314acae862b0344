"""Helpers for driving dialogs in GUI tests without showing them modally."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from ui.common.context import UiContext

WAIT_MS = 15_000


def drive(monkeypatch: pytest.MonkeyPatch, cls: type[QDialog],
          fill: Callable[[Any], None]) -> list[QDialog]:
    """Replace `cls.exec` by `fill(dialog)`; returns the dialogs opened, in order."""
    opened: list[QDialog] = []

    def fake_exec(dialog: QDialog) -> int:
        opened.append(dialog)
        fill(dialog)
        return int(dialog.result())

    monkeypatch.setattr(cls, "exec", fake_exec)
    return opened


def press_ok(dialog: QDialog) -> None:
    """Click the dialog's OK button."""
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()  # type: ignore[attr-defined]


def cancel(dialog: QDialog) -> None:
    """Close the dialog as Cancel."""
    dialog.reject()


def wait_idle(qtbot: Any, ctx: UiContext) -> None:
    """Wait until background work (plans, reports, imports) is done."""
    qtbot.waitUntil(lambda: not ctx.ops.busy, timeout=WAIT_MS)
