"""Logging in, the first administrator, changing one's password, and the start-up flow."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from app.services.admin import users
from app.services.core import session
from app.services.core.actor import Actor
from tests.conftest import TEST_PASSWORD
from tests.ui.helpers import drive, press_ok
from ui import main as ui_main
from ui.admin.login_dialog import ChangePasswordDialog, FirstAdminDialog, LoginDialog, log_in
from ui.common.settings import UiSettings


@pytest.fixture
def empty_db(qapp, tmp_path):
    """A migrated database file without any user."""
    info = session.open_session(str(tmp_path / "empty.sqlite3"))
    yield info
    session.close_session()


def test_login_with_the_right_password_gives_the_actor(qtbot, db, messages):
    dialog = LoginDialog(None, "tester")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.focusWidget() in (dialog.password, None)
    dialog.password.setText(TEST_PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)  # Enter logs in
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.actor == Actor("tester", "admin")
    assert not messages.shown


def test_a_wrong_password_shows_the_service_message_in_the_dialog(qtbot, db, messages):
    dialog = LoginDialog(None, "tester")
    qtbot.addWidget(dialog)
    dialog.password.setText("not the password")
    press_ok(dialog)
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.actor is None
    assert dialog.message.text() == "Wrong user name or password."
    assert not dialog.message.isHidden()
    assert dialog.password.text() == ""
    assert not messages.shown  # no second box


def test_wrong_passwords_hold_the_next_try_but_never_lock_out(qtbot, db, messages,
                                                             monkeypatch):
    """Issue 9: after wrong passwords in a row the Log in button waits (the service says how
    long); then the right password gets in."""
    monkeypatch.setattr(users, "backoff", lambda failures: 0.3 if failures >= 2 else 0.0)
    dialog = LoginDialog(None, "tester")
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    for _n in range(2):
        dialog.password.setText("wrong password")
        press_ok(dialog)
    assert not ok.isEnabled() and "Wait 1 seconds before the next try." in dialog.message.text()
    qtbot.waitUntil(ok.isEnabled, timeout=3000)
    dialog.password.setText(TEST_PASSWORD)
    press_ok(dialog)
    assert dialog.actor == Actor("tester", "admin") and dialog.actor.session


def test_log_in_prefills_the_remembered_user_and_remembers_the_new_one(db, ui_settings,
                                                                      monkeypatch):
    ui_settings.last_user = "tester"

    def fill(dialog: LoginDialog) -> None:
        assert dialog.username.text() == "tester"
        dialog.password.setText(TEST_PASSWORD)
        press_ok(dialog)

    drive(monkeypatch, LoginDialog, fill)
    assert log_in(None, ui_settings) == Actor("tester", "admin")
    assert ui_settings.last_user == "tester"


def test_cancelled_login_gives_no_actor(db, ui_settings, monkeypatch):
    drive(monkeypatch, LoginDialog, lambda dialog: dialog.reject())
    assert log_in(None, ui_settings) is None


def test_empty_database_asks_for_the_first_administrator(empty_db, ui_settings, monkeypatch,
                                                         messages):
    seen: list[str] = []

    def fill(dialog: FirstAdminDialog) -> None:
        dialog.username.setText("boss")
        dialog.display_name.setText("张伟")
        dialog.password.setText("secret-123")
        dialog.repeat.setText("secret-12")
        press_ok(dialog)
        seen.append(dialog.message.text())
        dialog.repeat.setText("secret-123")
        press_ok(dialog)

    opened = drive(monkeypatch, FirstAdminDialog, fill)
    actor = log_in(None, ui_settings)
    assert len(opened) == 1
    assert seen == ["The two passwords differ."]
    assert actor == Actor("boss", "admin")
    assert users.login("boss", "secret-123") == actor
    assert ui_settings.last_user == "boss"


def test_first_administrator_refusal_stays_in_the_dialog(empty_db, qtbot, messages):
    dialog = FirstAdminDialog(None)
    qtbot.addWidget(dialog)
    dialog.username.setText("boss")
    dialog.password.setText("short")
    dialog.repeat.setText("short")
    press_ok(dialog)
    assert dialog.actor is None
    assert dialog.message.text() == "A password has at least 8 characters."


def test_change_my_password(qtbot, ctx, messages):
    dialog = ChangePasswordDialog(None, ctx)
    qtbot.addWidget(dialog)
    dialog.current.setText("wrong password")
    dialog.new.setText("new-password-1")
    dialog.repeat.setText("new-password-2")
    press_ok(dialog)
    assert dialog.message.text() == "The two new passwords differ."
    dialog.repeat.setText("new-password-1")
    press_ok(dialog)
    assert messages.texts == ["The current password is wrong."]
    dialog.current.setText(TEST_PASSWORD)
    press_ok(dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert users.login("tester", "new-password-1") == Actor("tester", "admin")


def test_start_with_demo_on_an_empty_database_prefills_admin(qtbot, qapp, tmp_path,
                                                            monkeypatch, messages):
    monkeypatch.setattr(ui_main, "UiSettings", lambda: UiSettings(str(tmp_path / "ui.ini")))
    prefilled: list[str] = []

    def fill(dialog: LoginDialog) -> None:
        prefilled.append(dialog.username.text())
        dialog.password.setText("orderbook")
        press_ok(dialog)

    drive(monkeypatch, LoginDialog, fill)
    args = ui_main.parse_args(["--db", str(tmp_path / "demo.sqlite3"), "--demo", "--lang", "en"])
    try:
        window = ui_main.start(args, qapp)
        qtbot.addWidget(window)
        assert prefilled == ["admin"]
        assert window.ctx.actor == Actor("admin", "admin")
        assert "admin (Administrator)" in window.windowTitle()
        window.safety.stop()
    finally:
        session.close_session()


def test_start_ends_when_the_login_is_cancelled(qapp, tmp_path, monkeypatch, messages):
    monkeypatch.setattr(ui_main, "UiSettings", lambda: UiSettings(str(tmp_path / "ui.ini")))
    drive(monkeypatch, FirstAdminDialog, lambda dialog: dialog.reject())
    args = ui_main.parse_args(["--db", str(tmp_path / "new.sqlite3")])
    try:
        assert ui_main.start(args, qapp) is None
    finally:
        session.close_session()
