"""Grab the after-event area on the worked example, step by step (run by hand, not by pytest).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/ui/make_after_screenshots.py [OUT] [LANG]

States: the demo's return entered (安信 open, 3 missing); 安信 closed, 0000088 recovered and two
written off; deposits closed out; voids sealed; event archived. Dialogs are grabbed unrun.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from app import i18n  # noqa: E402
from app.demo import DEMO_PASSWORD, load_demo  # noqa: E402
from app.services.admin import users  # noqa: E402
from app.services.checkout import plan  # noqa: E402
from app.services.core import session  # noqa: E402
from app.services.events import events  # noqa: E402
from app.services.returns import archive, chase, deposits, seals  # noqa: E402
from app.services.returns import entry as returns  # noqa: E402
from ui.common.context import make_context  # noqa: E402
from ui.common.settings import UiSettings  # noqa: E402
from ui.events.events_view import EventsView  # noqa: E402
from ui.main import install_qt_translator  # noqa: E402
from ui.returns.after_event_dialogs import ArchiveDialog, CloseOutDialog, SealDialog  # noqa: E402
from ui.returns.after_event_panels import ReconciliationWindow  # noqa: E402
from ui.returns.after_event_view import AfterEventView  # noqa: E402
from ui.returns.chase_dialogs import (  # noqa: E402
    AssignChaseDialog,
    RecoverDialog,
    ReverseWriteOffDialog,
    WriteOffDialog,
)

SIZE = (1180, 720)


def grab(widget: QWidget, path: Path) -> None:
    """Save a widget's image."""
    QApplication.processEvents()
    widget.grab().save(str(path))
    print(path)


def main() -> None:
    """Build the demo, walk it through the after-event steps and grab each state."""
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/shots/after")
    language = sys.argv[2] if len(sys.argv) > 2 else "zh_CN"
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    i18n.set_language(language)
    install_qt_translator(app, language)
    tmp = Path(tempfile.mkdtemp())
    session.open_session(str(tmp / "demo.sqlite3"))
    ids = load_demo(after_event=True)
    actor = users.login("admin", DEMO_PASSWORD)
    ctx = make_context(UiSettings(str(tmp / "ui.ini")), actor)
    view = AfterEventView(ctx)
    view.resize(*SIZE)
    view.show()
    event_id, anxin = ids["event"], ids["安信地板"]
    event = events.get_event(actor, event_id)
    _tabs(view, out, "1_entered")
    returns.close_return(actor, event_id, anxin)
    _chase_dialogs(view, out, event)
    chase.assign_chase(actor, event_id, anxin, "BJ0000017", "李娜", "2026-03-01")
    chase.recover_slips(actor, event_id, anxin, "BJ0000088", "used")
    chase.write_off(actor, event_id, anxin, "BJ0000149", "商家遗失，无法追回")
    ctx.bridge.data_changed.emit()
    view.chase.written_off_box.setChecked(True)
    _tabs(view, out, "2_chasing")
    chase.write_off(actor, event_id, anxin, "BJ0000017", "商家遗失，无法追回")
    ctx.bridge.data_changed.emit()
    status = deposits.get_deposit_status(actor, event_id, anxin)
    _dialog(CloseOutDialog(view, status, "张伟"), out / "dialog_close_out.png")
    deposits.close_out_deposit(actor, event_id, anxin, "cash", "张伟")
    ctx.bridge.data_changed.emit()
    _tabs(view, out, "3_closed_out")
    _previews(view, out)
    waiting = seals.unsealed_voids(actor, event_id)
    _dialog(SealDialog(view, f"{event.code}  {event.name}", waiting), out / "dialog_seal.png")
    seals.seal_voids(actor, event_id, "F-2026-001", None, "存放于档案柜 A3")
    ctx.bridge.data_changed.emit()
    _tabs(view, out, "4_sealed")
    _dialog(ArchiveDialog(view, f"{event.code}  {event.name}", 200), out / "dialog_archive.png")
    plan.release_plan(actor, event_id)  # the demo's three planned merchants never came
    archive.archive_event(actor, event_id, "")
    ctx.bridge.data_changed.emit()
    _tabs(view, out, "5_archived")
    _events_view(ctx, out)


def _tabs(view: AfterEventView, out: Path, stem: str) -> None:
    for index in range(view.tabs.count()):
        view.tabs.setCurrentIndex(index)
        grab(view, out / f"{stem}_tab{index + 1}.png")
    view.tabs.setCurrentIndex(0)


def _previews(view: AfterEventView, out: Path) -> None:
    """Open the reconciliation, chase list, fine notice and refund receipt previews."""
    from ui.common.print_preview import PreviewDialog

    view.chase.written_off_box.setChecked(True)
    view.chase.table.select_where(lambda _i: True)
    view.deposits.table.select_where(lambda s: s.brand == "安信地板")
    for btn in (view.reconciliation.print_button, view.chase.print_button,
                view.chase.notice_button, view.deposits.receipt_button):
        btn.click()
        while view.ctx.ops.busy:
            QApplication.processEvents()
    for number, dialog in enumerate(view.findChildren(PreviewDialog), 1):
        dialog.resize(820, 900)
        grab(dialog, out / f"preview_{number}.png")
        dialog.close()


def _dialog(dialog: QWidget, path: Path) -> None:
    dialog.show()
    grab(dialog, path)
    dialog.close()


def _chase_dialogs(view: AfterEventView, out: Path, event: events.EventInfo) -> None:
    numbers = ["BJ0000017", "BJ0000088", "BJ0000149"]
    shown = {
        "assign": AssignChaseDialog(view, "安信地板", numbers, {"BJ0000017"},
                                    list(event.managers), "王芳"),
        "recover": RecoverDialog(view, "安信地板", numbers, {"BJ0000088"}),
        "write_off": WriteOffDialog(view, "安信地板", numbers, {"BJ0000017", "BJ0000149"},
                                    event.fine_per_slip, event.fine_per_slip * 0),
        "reverse": ReverseWriteOffDialog(view, "安信地板", ["BJ0000149"], {"BJ0000149"},
                                         event.fine_per_slip, event.fine_per_slip),
    }
    for name, dialog in shown.items():
        _dialog(dialog, out / f"dialog_{name}.png")
    window = ReconciliationWindow(view, view.ctx, event)
    _dialog(window, out / "reconciliation_window.png")


def _events_view(ctx, out: Path) -> None:
    view = EventsView(ctx)
    view.resize(*SIZE)
    view.show()
    grab(view, out / "events_view_status.png")


if __name__ == "__main__":
    main()
