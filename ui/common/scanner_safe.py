"""Dialogs a barcode scanner cannot confirm by accident.

A scanner types its characters and Enter into whatever has the focus. In an ordinary Qt dialog
that Enter presses the default button, so a scan meant for the return screen could pay a deposit
back, seal every void slip or save a slip number as a customer's name. In a `ScannerSafeDialog`:
- Enter (or Return) in a field moves to the next field, never to a button;
- OK is never the default button and takes no focus: it needs a click or Ctrl+Enter, and its
  text says so (``Close out: refund ¥400.00  (Ctrl+Enter)``);
- a field may refuse text that looks like a slip number or book code (`looks_like_code`); the
  problem shows in red inside the dialog, with a beep, and the text stays selected so the next
  scan replaces it (no message box that would swallow that scan).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from app.domain.numbers import normalize_text
from app.i18n import _
from ui.common.widgets import SubmitDialog

CODE_PATTERN = re.compile(r"[A-Z]{1,6}[0-9]{3,12}(-([A-Z]{1,6})?[0-9]+)?")
"""A series prefix and digits (``BJ0000156``), or a book code (``BJ0000151-0000200``)."""
CONFIRM_KEYS = "Ctrl+Enter"
PROBLEM_STYLE = "QLabel { color: #c62828; font-weight: bold; }"
ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def looks_like_code(text: str) -> bool:
    """True when `text` (after NFKC, upper case) is shaped like a slip number or book code."""
    return CODE_PATTERN.fullmatch(normalize_text(text)) is not None


def code_problem(text: str, field: str) -> str:
    """The refusal of a scanned code typed where a name or phone belongs ('' if fine)."""
    if not looks_like_code(text):
        return ""
    return _("{field}: '{text}' looks like a slip number or book code. Was it scanned into "
             "the wrong field? Correct it or clear it.").format(
        field=field, text=normalize_text(text)[:40])


class ScannerSafeDialog(SubmitDialog):
    """A SubmitDialog that Enter cannot confirm (see the module docstring)."""

    def __init__(self, parent: QWidget | None, title: str,
                 submit: Callable[[], bool] | None = None) -> None:
        super().__init__(parent, title, submit)
        self._checks: list[tuple[QLineEdit, str]] = []
        self.problem = QLabel(self)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(PROBLEM_STYLE)
        self.problem.hide()
        layout = self.layout()
        layout.insertWidget(layout.indexOf(self.buttons), self.problem)
        for btn in self.buttons.buttons():
            if isinstance(btn, QPushButton):
                btn.setAutoDefault(False)
                btn.setDefault(False)
        self.ok_button().setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.set_ok_text(self.ok_button().text())

    def ok_button(self) -> QPushButton:
        """The OK button."""
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def set_ok_text(self, text: str) -> None:
        """Label OK with `text` and the key that confirms."""
        self.ok_button().setText(f"{text}  ({CONFIRM_KEYS})")
        self.ok_button().setToolTip(_("Click, or press Ctrl+Enter: Enter alone only moves to "
                                      "the next field."))

    def refuse_codes(self, field: QLineEdit, name: str) -> None:
        """`field` (labelled `name`) refuses text that looks like a slip number or book code."""
        self._checks.append((field, name))

    # ------------------------------------------------------------------ Qt overrides

    def showEvent(self, event: QShowEvent) -> None:
        """Qt override: the button box makes OK the default when shown; undo that."""
        super().showEvent(event)
        for btn in self.buttons.buttons():
            if isinstance(btn, QPushButton):
                btn.setDefault(False)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Qt override: Enter moves to the next field; Ctrl+Enter is OK."""
        if event.key() not in ENTER_KEYS:
            super().keyPressEvent(event)
            return
        event.accept()
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            if self.ok_button().isEnabled():
                self.try_accept()
        elif not self._flag_field(QApplication.focusWidget()):
            self._next_field()

    def try_accept(self) -> None:
        """OK: refuse a scanned code in a checked field, else submit as SubmitDialog does."""
        for field, _name in self._checks:
            if self._flag_field(field):
                return
        self.clear_problem()
        super().try_accept()

    # ------------------------------------------------------------------ helpers

    def show_problem(self, text: str, field: QWidget | None = None) -> None:
        """Show `text` in red in the dialog, beep, and put the cursor on `field`."""
        self.problem.setText(text)
        self.problem.show()
        QApplication.beep()
        if field is not None:
            field.setFocus()
            if isinstance(field, QLineEdit):
                field.selectAll()

    def clear_problem(self) -> None:
        """Hide the red problem line."""
        self.problem.clear()
        self.problem.hide()

    def _flag_field(self, widget: QWidget | None) -> bool:
        for field, name in self._checks:
            if field is widget:
                problem = code_problem(field.text(), name)
                if problem:
                    self.show_problem(problem, field)
                    return True
                self.clear_problem()
        return False

    def _next_field(self) -> None:
        """Move the focus on along the tab chain, skipping buttons."""
        start = QApplication.focusWidget()
        for _step in range(64):
            self.focusNextChild()
            now = QApplication.focusWidget()
            if now is start or not isinstance(now, QAbstractButton):
                return
