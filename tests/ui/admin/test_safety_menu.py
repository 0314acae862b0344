"""The Data safety menu: back up now, restore (then log in again), check, backups to keep; a
damaged file at start offers its newest good backup; the automatic start backup."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QInputDialog, QMessageBox

from app.services.admin import data_safety
from app.services.core import session
from app.services.stock import registration as stock
from tests.conftest import TEST_PASSWORD
from tests.services.damaged_files import damage_header
from tests.ui.helpers import drive, press_ok, wait_idle
from ui import main as ui_main
from ui.admin.login_dialog import FirstAdminDialog, LoginDialog
from ui.admin.safety_menu import RestoreDialog, size_text
from ui.common.settings import UiSettings
from ui.main_window import MainWindow


@pytest.fixture
def window(qtbot, ctx, tmp_path):
    path = str(tmp_path / "test.sqlite3")
    win = MainWindow(ctx, session.SessionInfo("sqlite:///" + path, path, True))
    qtbot.addWidget(win)
    return win


def _log_in_as_tester(dialog: LoginDialog) -> None:
    dialog.username.setText("tester")
    dialog.password.setText(TEST_PASSWORD)
    press_ok(dialog)


def _backups(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "backups").glob("test-*.sqlite3"))


def test_back_up_now_writes_a_checked_backup(qtbot, window, tmp_path, messages):
    window.safety.back_up_now()
    wait_idle(qtbot, window.ctx)
    (made,) = _backups(tmp_path)
    assert "manual" in made.name
    assert str(made) in messages.texts[-1]


def test_restore_from_the_gui_brings_back_the_data_and_asks_to_log_in(
        qtbot, window, actor, tmp_path, monkeypatch, messages):
    stock.create_series(actor, "BJ", 7, 50)
    data_safety.backup_now(actor)
    stock.create_series(actor, "ZZ", 5, 10)
    listed: list[int] = []

    def choose(dialog: RestoreDialog) -> None:
        listed.append(dialog.table.model.rowCount())
        assert dialog.chosen() is not None  # the newest is preselected
        press_ok(dialog)

    drive(monkeypatch, RestoreDialog, choose)
    logins = drive(monkeypatch, LoginDialog, _log_in_as_tester)
    window.show()
    window.safety.restore()
    assert listed == [1]
    assert "Put the backup of" in messages.texts[0]  # confirmed (answer Yes)
    assert "Restored" in messages.texts[1]
    assert len(logins) == 1 and window.isVisible()
    assert [s.prefix for s in stock.list_series(window.ctx.actor)] == ["BJ"]
    assert [s.prefix for s in window.pages[0].series_table.model.rows()] == ["BJ"]
    assert any(p.name.startswith("test-replaced-") for p in tmp_path.iterdir())


def test_restore_is_not_done_when_not_confirmed(qtbot, window, actor, monkeypatch, messages):
    stock.create_series(actor, "BJ", 7, 50)
    data_safety.backup_now(actor)
    stock.create_series(actor, "ZZ", 5, 10)
    drive(monkeypatch, RestoreDialog, press_ok)
    messages.answer = QMessageBox.StandardButton.No
    window.safety.restore()
    assert sorted(s.prefix for s in stock.list_series(actor)) == ["BJ", "ZZ"]


def test_restore_without_backups_says_so(window, messages):
    window.safety.restore()
    assert messages.texts == ["There are no backups of this database yet."]


def test_check_database_shows_the_result(qtbot, window, messages):
    window.safety.check()
    wait_idle(qtbot, window.ctx)
    assert messages.texts == ["The database passed the full integrity check."]


def test_backups_to_keep(window, actor, monkeypatch, messages):
    monkeypatch.setattr(QInputDialog, "getInt", staticmethod(lambda *a, **k: (5, True)))
    window.safety.set_keep()
    assert data_safety.get_backup_keep(actor) == 5


def test_start_backup_runs_in_the_background(qtbot, window, actor, tmp_path):
    stock.create_series(actor, "BJ", 7, 50)
    window.safety.start_backups()
    assert window.safety.timer.isActive()
    qtbot.waitUntil(lambda: not window.safety.busy, timeout=15_000)
    (made,) = _backups(tmp_path)
    assert "start" in made.name
    window.safety.stop()
    assert not window.safety.timer.isActive()


def test_size_text():
    assert (size_text(512), size_text(2048), size_text(5 * 1024 ** 3)) == (
        "512 B", "2.0 KB", "5.0 GB")


def test_a_damaged_file_at_start_offers_its_newest_good_backup(qtbot, qapp, db, actor,
                                                               tmp_path, monkeypatch):
    stock.create_series(actor, "BJ", 7, 50)
    data_safety.backup_now(actor)
    session.close_session()
    path = tmp_path / "test.sqlite3"
    damage_header(path)
    offered: list[str] = []

    def click_restore(box: QMessageBox) -> int:
        offered.append(box.text())
        buttons = {b.text(): b for b in box.buttons()}
        if "Restore the newest good backup" in buttons:
            buttons["Restore the newest good backup"].click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", click_restore)
    monkeypatch.setattr(QMessageBox, "information", staticmethod(
        lambda _p, _t, text, *a: offered.append(text)))
    monkeypatch.setattr(ui_main, "UiSettings", lambda: UiSettings(str(tmp_path / "ui.ini")))
    drive(monkeypatch, LoginDialog, _log_in_as_tester)
    window = ui_main.start(ui_main.parse_args(["--db", str(path), "--lang", "en"]), qapp)
    assert window is not None
    qtbot.addWidget(window)
    window.safety.stop()
    assert "is damaged" in offered[0] and "Restored" in offered[1]
    assert [s.prefix for s in stock.list_series(actor)] == ["BJ"]


def test_a_damaged_file_at_start_can_be_left_alone(qapp, db, tmp_path, monkeypatch,
                                                   messages):
    session.close_session()
    damage_header(tmp_path / "test.sqlite3")
    monkeypatch.setattr(ui_main, "UiSettings", lambda: UiSettings(str(tmp_path / "ui.ini")))
    args = ui_main.parse_args(["--db", str(tmp_path / "test.sqlite3"), "--lang", "en"])
    assert ui_main.start(args, qapp) is None
    assert "is damaged" in messages.texts[0]


def test_a_database_on_a_network_share_is_warned_about_once(qtbot, qapp, db, tmp_path,
                                                            monkeypatch, messages):
    monkeypatch.setattr(data_safety, "network_warning", lambda: "Warning: network share")
    monkeypatch.setattr(ui_main, "UiSettings", lambda: UiSettings(str(tmp_path / "ui.ini")))
    drive(monkeypatch, LoginDialog, _log_in_as_tester)
    window = ui_main.start(ui_main.parse_args(["--db", str(tmp_path / "test.sqlite3")]), qapp)
    qtbot.addWidget(window)
    window.safety.stop()
    assert messages.texts == ["Warning: network share"]


def test_opening_another_database_keeps_the_current_one_when_the_login_is_cancelled(
        window, actor, tmp_path, monkeypatch, messages):
    stock.create_series(actor, "BJ", 7, 50)
    drive(monkeypatch, FirstAdminDialog, lambda dialog: dialog.reject())
    assert not window.switch_database(str(tmp_path / "other.sqlite3"))
    assert window.info.label == str(tmp_path / "test.sqlite3")
    assert [s.prefix for s in stock.list_series(actor)] == ["BJ"]
