"""Grab each main screen of the app on the demo data (run by hand, not by pytest).

    QT_QPA_PLATFORM=offscreen /work/venv/bin/python tests/ui/make_screenshots.py [OUT_DIR] [LANG]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QDialog, QWidget  # noqa: E402

from app import i18n  # noqa: E402
from app.demo import DEMO_PASSWORD, load_demo  # noqa: E402
from app.services.admin import users  # noqa: E402
from app.services.core import session
from ui.common.context import make_context  # noqa: E402
from ui.common.settings import UiSettings  # noqa: E402
from ui.main import install_qt_translator  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402

WIDTH, HEIGHT = 1280, 800


def grab(widget: QWidget, path: Path) -> None:
    """Save a widget's image."""
    QApplication.processEvents()
    widget.grab().save(str(path))
    print(path)


def main() -> None:
    """Open a demo database, show every area and some dialogs, save PNGs."""
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/ui_shots")
    language = sys.argv[2] if len(sys.argv) > 2 else "zh_CN"
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    i18n.set_language(language)
    install_qt_translator(app, language)
    tmp = Path(tempfile.mkdtemp())
    info = session.open_session(str(tmp / "demo.sqlite3"))
    load_demo()
    ctx = make_context(UiSettings(str(tmp / "ui.ini")), users.login("admin", DEMO_PASSWORD))
    window = MainWindow(ctx, info)
    window.resize(WIDTH, HEIGHT)
    window.show()
    for row, page in enumerate(window.pages):
        window.show_area(row)
        grab(window, out / f"{row + 1}_{type(page).__name__}.png")
    dialogs(window, out)
    app.processEvents()


def dialogs(window: MainWindow, out: Path) -> None:
    """Open the main dialogs without running them modally and grab them."""
    from app.reports.registry import write_report
    from app.services.events import merchants
    from ui.admin.settings_dialog import BusinessSettingsDialog
    from ui.checkout.checkout_dialogs import (
        CheckoutDialog,
        ExtraBooksDialog,
        PrintAfterCheckoutDialog,
        ReverseBookDialog,
    )
    from ui.checkout.plan_view import PlannedBooksDialog, ReleasePlanDialog
    from ui.common.label_options import LabelOptionsDialog
    from ui.common.print_preview import PreviewDialog
    from ui.events.event_dialogs import EstimateDialog, EventDialog
    from ui.events.merchant_dialog import MerchantDialog
    from ui.stock.stock_dialogs import RegisterStockDialog, SeriesDialog, VoidRegistrationDialog

    stock_view, merchants_view, events_view, plan_view, checkout_view = window.pages[:5]
    ctx = window.ctx
    checkout_view.merchants_table.select_where(lambda line: line.planned_books > 0)
    line = checkout_view.merchants_table.selected()
    event = events_view.selected_event()
    every = merchants.list_merchants(ctx.actor)
    pdf = write_report(ctx.actor, "requisition", out / "requisition.pdf", event_id=event.id)
    shown: list[tuple[str, QDialog]] = [
        ("series", SeriesDialog(window)),
        ("register", RegisterStockDialog(window, stock_view.selected_series())),
        ("merchant", MerchantDialog(window, every[0])),
        ("event", EventDialog(window, event)),
        ("estimate", EstimateDialog(window, event, every)),
        ("plan_books", PlannedBooksDialog(window, line)),
        ("plan_books_checked_out", PlannedBooksDialog(window, _checked_out_line(plan_view))),
        ("release_plan", ReleasePlanDialog(window, plan_view.table.model.rows(), line)),
        ("void_registration", VoidRegistrationDialog(
            window, stock_view.selected_series(), stock_view.batches_table.model.rows()[0])),
        ("checkout", CheckoutDialog(window, event, line, "张伟")),
        ("extra", ExtraBooksDialog(window, event, line.brand, "张伟")),
        ("print_after", PrintAfterCheckoutDialog(window, line.brand)),
        ("labels", LabelOptionsDialog(window, ctx.settings.labels)),
        ("reverse", ReverseBookDialog(window)),
        ("settings", BusinessSettingsDialog(window, ctx)),
        ("preview", PreviewDialog(window, pdf, "requisition", ctx.settings)),
    ]
    for name, dialog in shown:
        dialog.show()
        grab(dialog, out / f"dialog_{name}.png")
        dialog.close()
    questions(window, out)
    trust_screens(window, out)


def _checked_out_line(plan_view):
    """A plan line of a merchant that already signed for books."""
    return next(row for row in plan_view.table.model.rows() if row.issued_books)


def questions(window: MainWindow, out: Path) -> None:
    """The confirmations before registering stock and taking a book back."""
    from PySide6.QtWidgets import QMessageBox

    from app.domain.numbers import NumberRange
    from app.services.core import books
    from app.services.events import events
    from ui.checkout.checkout_dialogs import take_back_question
    from ui.stock.stock_dialogs import registration_question

    series = window.pages[0].selected_series()
    book = books.find_book(window.ctx.actor, "BJ0000017")
    refund = events.find_event(window.ctx.actor, book.event_code).deposit_per_book
    for name, text in (
            ("register", registration_question(series, [NumberRange(1_000_001, 9_000_000)])),
            ("take_back", take_back_question(book, refund))):
        box = QMessageBox(QMessageBox.Icon.Question, "?", text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, window)
        box.show()
        grab(box, out / f"confirm_{name}.png")
        box.close()


def trust_screens(window: MainWindow, out: Path) -> None:
    """Login, first administrator, users, audit details, verify result, restore, damaged file."""
    from PySide6.QtWidgets import QMessageBox

    from app.services.admin import audit, data_safety
    from ui.admin.audit_view import AuditView, chain_report_text
    from ui.admin.login_dialog import ChangePasswordDialog, FirstAdminDialog, LoginDialog
    from ui.admin.safety_menu import RestoreDialog
    from ui.admin.users_view import NewUserDialog

    ctx = window.ctx
    audit_page = next(i for i, page in enumerate(window.pages) if isinstance(page, AuditView))
    window.pages[audit_page].table.select_where(lambda e: e.action == "checkout.issue")
    window.show_area(audit_page)
    grab(window, out / "6_AuditView_details.png")
    login = LoginDialog(window, "clerk", window.info.label)
    login.show_message(_wrong_login())
    for _n in range(2):
        data_safety.backup_now(ctx.actor)
    report = audit.verify_chain(ctx.actor)
    broken = type(report)(False, 41, report.head_hash, 42, i18n._(
        "Record {seq} was changed after it was written.").format(seq=42))
    shown: list[tuple[str, QWidget]] = [
        ("login", login), ("first_admin", FirstAdminDialog(window, window.info.label)),
        ("change_password", ChangePasswordDialog(window, ctx)),
        ("new_user", NewUserDialog(window)),
        ("restore", RestoreDialog(window, data_safety.list_backups(ctx.actor))),
        ("verify_ok", QMessageBox(QMessageBox.Icon.Information, "?",
                                  chain_report_text(report), QMessageBox.StandardButton.Ok,
                                  window)),
        ("verify_broken", QMessageBox(QMessageBox.Icon.Critical, "?",
                                      chain_report_text(broken),
                                      QMessageBox.StandardButton.Ok, window)),
    ]
    shown.append(("damaged", _damaged_box(window)))
    for name, dialog in shown:
        dialog.show()
        grab(dialog, out / f"trust_{name}.png")
        dialog.close()
    menu = window.menuBar().actions()[2].menu()
    menu.popup(window.mapToGlobal(window.rect().topLeft()))
    grab(menu, out / "trust_safety_menu.png")
    menu.close()


def _damaged_box(window: MainWindow) -> QWidget:
    from app.db.backup import damaged_error
    from ui.startup import damaged_box

    path = Path(window.info.label)
    return damaged_box(window, damaged_error(path, ["file is not a database"]),
                       i18n._("Quit"))[0]


def _wrong_login() -> str:
    from app.services.admin import users

    return users.attempt_login("clerk", "wrong password").message


if __name__ == "__main__":
    main()
