"""GUI test fixtures: offscreen Qt, a UI context on the test database, patched modal boxes."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before Qt is imported

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402

from ui.common.context import UiContext, make_context  # noqa: E402
from ui.common.settings import UiSettings  # noqa: E402


class MessageLog:
    """Message boxes the code under test tried to show (title, text)."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, str]] = []
        self.answer = QMessageBox.StandardButton.Yes

    @property
    def texts(self) -> list[str]:
        """The texts shown, in order."""
        return [text for _title, text in self.shown]


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> Iterator[MessageLog]:
    """Every QMessageBox is recorded instead of shown; questions are answered `answer`."""
    log = MessageLog()

    def exec_box(box: QMessageBox) -> int:
        log.shown.append((box.windowTitle(), box.text()))
        if box.button(QMessageBox.StandardButton.Yes) is not None:  # a question (confirm)
            return int(log.answer)
        return int(QMessageBox.StandardButton.Ok)

    def static(kind: str):
        def show(_parent, title, text, *args, **kwargs):
            log.shown.append((title, text))
            return log.answer if kind == "question" else QMessageBox.StandardButton.Ok
        return staticmethod(show)

    monkeypatch.setattr(QMessageBox, "exec", exec_box)
    for kind in ("question", "information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, kind, static(kind))
    yield log


@pytest.fixture
def ui_settings(tmp_path: Path) -> UiSettings:
    """UI preferences in a throwaway ini file."""
    return UiSettings(str(tmp_path / "ui.ini"))


@pytest.fixture
def ctx(qapp, db, actor, ui_settings: UiSettings, messages: MessageLog) -> UiContext:
    """A UI context bound to the test database and actor."""
    return make_context(ui_settings, actor)


@pytest.fixture
def beeps(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Each QApplication.beep() call appends to the list (the scanner's audible flag)."""
    from PySide6.QtWidgets import QApplication

    heard: list[int] = []
    monkeypatch.setattr(QApplication, "beep", staticmethod(lambda: heard.append(1)))
    return heard
