"""Yes/no questions cannot be answered Yes by a barcode scan typed into them."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from app import i18n
from ui.common.widgets import confirm


def _scan_into_the_box(text: str, seen: list[str]) -> None:
    box = QApplication.activeModalWidget()
    if not isinstance(box, QMessageBox):
        QTimer.singleShot(20, lambda: _scan_into_the_box(text, seen))
        return
    seen.extend(b.text() for b in box.buttons())
    QTest.keyClicks(box, text)
    if box.isVisible():
        QTest.keyClick(box, Qt.Key.Key_Return)


def test_a_scan_with_a_y_in_it_answers_no(qtbot):
    """A scanned SY0000151 + Enter used to press 是(&Y) through its shortcut letter."""
    for language in ("zh_CN", "en"):
        i18n.set_language(language)
        seen: list[str] = []
        QTimer.singleShot(0, lambda s=seen: _scan_into_the_box("SY0000151", s))
        assert confirm(None, "关闭", "Close the return?") is False
        assert seen and not any("&" in text for text in seen)
    i18n.set_language("en")


def test_yes_needs_a_click(qtbot):
    def click_yes() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, click_yes)
            return
        box.button(QMessageBox.StandardButton.Yes).click()

    QTimer.singleShot(0, click_yes)
    assert confirm(None, "t", "q") is True
