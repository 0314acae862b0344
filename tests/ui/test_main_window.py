"""Main window, start-up, business settings, language, and the translation of every UI text."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QFileDialog

from app import i18n
from app.domain.money import Money
from app.services.admin import settings
from app.services.core import session
from app.services.events import events
from app.services.stock import registration as stock
from tests.conftest import TEST_PASSWORD
from tests.ui.helpers import drive, press_ok
from ui import main as ui_main
from ui.admin.login_dialog import FirstAdminDialog, LoginDialog
from ui.admin.settings_dialog import BusinessSettingsDialog
from ui.common.settings import LabelPrefs, UiSettings
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, ctx, db, tmp_path):
    info = session.SessionInfo("sqlite:///" + str(tmp_path / "test.sqlite3"),
                               str(tmp_path / "test.sqlite3"), True)
    win = MainWindow(ctx, info)
    qtbot.addWidget(win)
    return win


def test_navigation_lists_every_area_and_switches_pages(window):
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert titles == ["Series & stock", "Merchants", "Events", "Requisition plan",
                      "Book checkout", "Return check", "After the event", "Audit trail",
                      "Users"]
    window.show_area(3)
    assert window.stack.currentWidget() is window.pages[3]
    assert window.windowTitle().endswith("test.sqlite3")


def test_business_settings_dialog_saves_policy_values(qtbot, window, actor, monkeypatch):
    def fill(dialog: BusinessSettingsDialog) -> None:
        assert dialog.deposit.text() == "200.00"
        dialog.organization.setText("上海家博会组委会")
        dialog.deposit.setText("300")
        press_ok(dialog)

    drive(monkeypatch, BusinessSettingsDialog, fill)
    window.edit_settings()
    saved = settings.get_settings(actor)
    assert (saved.organization, saved.deposit_per_book) == ("上海家博会组委会", Money(30000))


def test_choosing_a_language_is_remembered_for_the_next_start(window, messages):
    window.choose_language("en")
    assert window.ctx.settings.language == "en"
    assert "next time" in messages.texts[0]


def test_opening_another_database_reloads_the_views(window, actor, tmp_path, monkeypatch):
    window.show()
    other = tmp_path / "other.sqlite3"
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(other), "")))
    drive(monkeypatch, FirstAdminDialog, _create_tester)  # the new database has no users yet
    window.open_database()
    assert window.info.label == str(other)
    assert str(other) in window.windowTitle()
    stock.create_series(window.ctx.actor, "ZZ", 5, 10)
    window.ctx.bridge.data_changed.emit()
    assert [s.prefix for s in window.pages[0].series_table.model.rows()] == ["ZZ"]


def test_geometry_is_saved_on_close(window):
    window.close()
    assert not window.ctx.settings.geometry.isEmpty()


def test_ui_settings_round_trip(tmp_path):
    prefs = UiSettings(str(tmp_path / "x.ini"))
    assert prefs.language == "zh_CN" and not prefs.has_language
    prefs.labels = LabelPrefs("single", 2, 5, 3)
    prefs.language = "xx"
    again = UiSettings(str(tmp_path / "x.ini"))
    assert again.labels == LabelPrefs("single", 2, 5, 3)
    assert again.language == "zh_CN"


def test_parse_args():
    args = ui_main.parse_args(["--db", "x.sqlite3", "--demo", "--lang", "en"])
    assert (args.db, args.demo, args.lang) == ("x.sqlite3", True, "en")
    assert ui_main.parse_args([]).db is None


def _create_tester(dialog: FirstAdminDialog) -> None:
    for edit, text in ((dialog.username, "tester"), (dialog.password, TEST_PASSWORD),
                       (dialog.repeat, TEST_PASSWORD)):
        edit.setText(text)
    press_ok(dialog)


def test_start_with_demo_opens_the_database_and_shows_the_window(qtbot, qapp, tmp_path,
                                                                 monkeypatch, messages):
    monkeypatch.setattr(ui_main, "UiSettings", lambda: UiSettings(str(tmp_path / "ui.ini")))
    drive(monkeypatch, LoginDialog, lambda d: (d.password.setText("orderbook"), press_ok(d)))
    args = ui_main.parse_args(["--db", str(tmp_path / "demo.sqlite3"), "--demo",
                               "--lang", "zh_CN"])
    try:
        window = ui_main.start(args, qapp)
        qtbot.addWidget(window)
        assert i18n.language() == "zh_CN"
        assert window.nav.item(0).text() == "号段与库存"
        assert [e.code for e in events.list_events(window.ctx.actor)] == ["2026-SH-01"]
        assert window.pages[4].checkouts_table.model.rowCount() == 2
    finally:
        session.close_session()


def test_start_reports_a_database_that_cannot_be_opened(qapp, tmp_path, monkeypatch, messages):
    monkeypatch.setattr(ui_main, "UiSettings", lambda: UiSettings(str(tmp_path / "ui.ini")))
    args = ui_main.parse_args(["--db", "mysql://nowhere/x"])
    assert ui_main.start(args, qapp) is None
    assert "mysql://" in messages.texts[0]


def test_qt_translator_loads_chinese_buttons(qapp):
    translator = ui_main.install_qt_translator(qapp, "zh_CN")
    try:
        assert translator is not None
        assert translator.translate("QPlatformTheme", "Cancel") == "取消"
    finally:
        if translator is not None:
            QApplication.removeTranslator(translator)
    assert ui_main.install_qt_translator(qapp, "en") is None


def test_hidden_areas_reload_when_shown_again(window, actor):
    """One save reloads only the area on screen; the others catch up when shown."""
    window.show()
    window.show_area(0)
    stock.create_series(actor, "BJ", 7, 50)
    window.ctx.bridge.data_changed.emit()
    stock_view, plan_view = window.pages[0], window.pages[3]
    assert [s.prefix for s in stock_view.series_table.model.rows()] == ["BJ"]
    assert plan_view.stale
    assert plan_view.series_combo.count() == 0
    window.show_area(3)
    assert not plan_view.stale
    assert plan_view.series_combo.count() == 1


def test_a_file_that_is_no_database_is_refused_and_the_old_one_stays(window, actor, tmp_path,
                                                                    messages):
    bad = tmp_path / "notes.sqlite3"
    bad.write_text("not a database")
    stock.create_series(actor, "BJ", 7, 50)
    assert not window.switch_database(str(bad))
    assert "is damaged" in messages.texts[0]
    assert [s.prefix for s in stock.list_series(actor)] == ["BJ"]
    assert window.windowTitle().endswith("test.sqlite3")
