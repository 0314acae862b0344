"""Screenshots of the return-check screen on the worked example, partly entered:

QT_QPA_PLATFORM=offscreen .venv/bin/python tests/ui/make_returns_screenshots.py [LANG] [OUT]
"""

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from app import i18n
from app.demo import DEMO_PASSWORD, load_demo
from app.services.admin import users
from app.services.core import session
from app.services.returns import entry as returns
from app.services.returns import slip_details
from ui.common.context import make_context
from ui.common.settings import UiSettings
from ui.main import install_qt_translator
from ui.returns.returns_view import ReturnsView
from ui.returns.slip_details_dialog import SlipDetailsDialog

lang = sys.argv[1] if len(sys.argv) > 1 else "zh_CN"
out = Path(sys.argv[2] if len(sys.argv) > 2 else "/tmp/shots/returns")
out.mkdir(parents=True, exist_ok=True)
app = QApplication.instance() or QApplication([])
i18n.set_language(lang)
install_qt_translator(app, lang)
tmp = Path(tempfile.mkdtemp())
session.open_session(str(tmp / "demo.sqlite3"))
ids = load_demo()
actor = users.login("admin", DEMO_PASSWORD)
ctx = make_context(UiSettings(str(tmp / "ui.ini")), actor)
e, a = ids["event"], ids["安信地板"]
returns.mark_slips(actor, e, a, "BJ0000017, 0000088, 0000149", "missing")
returns.mark_slips(actor, e, a, "BJ0000010-0000012, 0000060, 0000099", "void")
returns.mark_slips(actor, e, a, "BJ0000002-0000009", "used")
slip_details.set_slip_details(actor, "BJ0000002", "刘洋", "13900000000", "18000", "2000")
QApplication.beep = staticmethod(lambda: None)
view = ReturnsView(ctx)
view.resize(1130, 770)
view.show()


def scan(text):
    QTest.keyClicks(view.scan, text)
    QTest.keyClick(view.scan, Qt.Key.Key_Return)


def key(k, m=Qt.KeyboardModifier.NoModifier):
    QTest.keyClick(view.scan, k, m)
    QTest.qWait(200)


def grab(name, w=None):
    app.processEvents()
    (w or view).grab().save(str(out / f"{name}_{lang}.png"))
    print(out / f"{name}_{lang}.png")


grab("0_empty")
scan("BJ0000001-0000050")
key(Qt.Key.Key_F1)
scan("18-25, 30")
grab("1_book_open")
scan("BJ0000151-0000200")  # another merchant while 安信 is unfinished: flagged
grab("2_wrong_merchant_flag")
scan("24")  # already entered
grab("3_double_entry_flag")
key(Qt.Key.Key_F5)
scan("BJ0000088")
grab("4_jump_other_book")
view.grid.choose(2)
info = slip_details.get_slip(actor, "BJ0000002")
dlg = SlipDetailsDialog(view, ctx, info)
dlg.show()
grab("5_details_dialog", dlg)
dlg.close()
view.activateWindow()
view.activateWindow()
# timing of one mark (service + reload of the screen)
scan("BJ0000051-0000100")
print("active:", QApplication.activeWindow())
view.activateWindow()
QApplication.processEvents()
QTest.qWait(50)
print("active:", QApplication.activeWindow())
key(Qt.Key.Key_F2)
print("mode:", view.mode_label.text())
t = time.perf_counter()
scan("61-65")
print("mark+reload s", round(time.perf_counter() - t, 3))
t = time.perf_counter()
scan("BJ0000101-0000150")
print("open s", round(time.perf_counter() - t, 3))
# a fully entered merchant: the close confirmation as the clerk sees it
for code in ("BJ0000001-0000050", "BJ0000051-0000100", "BJ0000101-0000150"):
    if returns.open_book(actor, e, code).counts.not_entered:
        returns.mark_remaining(actor, e, a, code, "unused")
ctx.bridge.data_changed.emit()
grab("7_all_entered")


def show_box():
    for w in app.topLevelWidgets():
        if isinstance(w, QMessageBox) and w.isVisible():
            grab("6_close_confirm", w)
            w.button(QMessageBox.StandardButton.No).click()


QTimer.singleShot(300, show_box)
view.close_return()

QMessageBox.question = staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes)
view.close_return()
grab("8_closed")
