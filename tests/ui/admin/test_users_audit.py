"""What each role sees, the users screen, the audit viewer and verifying the audit chain."""

from __future__ import annotations

import json

import pytest
from PySide6.QtWidgets import QInputDialog

from app.db.models import database
from app.services.admin import audit, users
from app.services.core import session
from app.services.core.actor import Actor
from app.services.core.permissions import role_label
from app.services.events import merchants
from tests.conftest import TEST_PASSWORD, add_user
from tests.ui.helpers import drive, press_ok, wait_idle
from ui.admin.audit_view import AuditTableModel, AuditView, pretty_json
from ui.admin.login_dialog import LoginDialog
from ui.admin.users_view import NewUserDialog, ResetPasswordDialog, UsersView
from ui.common.context import make_context
from ui.main_window import MainWindow, areas

AREA_TITLES = [title for title, _factory, _service in areas()]
AUDIT_AREA, USERS_AREA = AREA_TITLES.index("Audit trail"), AREA_TITLES.index("Users")


def _window(qtbot, actor: Actor, ui_settings, tmp_path) -> MainWindow:
    path = str(tmp_path / "test.sqlite3")
    win = MainWindow(make_context(ui_settings, actor),
                     session.SessionInfo("sqlite:///" + path, path, True))
    qtbot.addWidget(win)
    return win


def _shown_areas(window: MainWindow) -> list[str]:
    return [window.nav.item(i).text() for i in range(window.nav.count())
            if not window.nav.item(i).isHidden()]


def test_a_clerk_does_not_see_users_audit_or_restore(qtbot, db, ui_settings, tmp_path,
                                                     messages):
    clerk = add_user("li", "clerk")
    window = _window(qtbot, clerk, ui_settings, tmp_path)
    assert "Users" not in _shown_areas(window) and "Audit trail" not in _shown_areas(window)
    actions = window.safety.actions
    assert not actions["safety.restore"].isVisible() and not actions["audit.verify"].isVisible()
    assert not actions["safety.set_keep"].isVisible()
    assert actions["safety.check"].isVisible() and actions["safety.backup_now"].isVisible()
    assert not window.settings_action.isVisible()
    assert "li (Order clerk)" in window.windowTitle()
    window.show_area(USERS_AREA)  # its shortcut does nothing either
    assert window.stack.currentIndex() != USERS_AREA
    assert not messages.shown  # no refusal boxes from hidden areas


def test_an_admin_sees_everything(qtbot, db, actor, ui_settings, tmp_path, messages):
    window = _window(qtbot, actor, ui_settings, tmp_path)
    assert _shown_areas(window)[-2:] == ["Audit trail", "Users"]
    assert all(action.isVisible() for action in window.safety.actions.values())
    assert window.settings_action.isVisible()


def test_finance_sees_the_audit_trail_but_not_users(qtbot, db, ui_settings, tmp_path):
    window = _window(qtbot, add_user("zhang", "finance"), ui_settings, tmp_path)
    assert "Audit trail" in _shown_areas(window) and "Users" not in _shown_areas(window)
    assert window.safety.actions["audit.verify"].isVisible()


def test_switching_user_applies_the_new_role(qtbot, db, actor, ui_settings, tmp_path,
                                            monkeypatch, messages):
    add_user("li", "clerk")
    window = _window(qtbot, actor, ui_settings, tmp_path)
    window.show()
    window.show_area(USERS_AREA)

    def fill(dialog: LoginDialog) -> None:
        dialog.username.setText("li")
        dialog.password.setText(TEST_PASSWORD)
        press_ok(dialog)

    drive(monkeypatch, LoginDialog, fill)
    assert window.log_out()
    assert window.ctx.actor == Actor("li", "clerk")
    assert "Users" not in _shown_areas(window)
    assert window.stack.currentIndex() == 0 and window.isVisible()
    assert ui_settings.last_user == "li"


def test_cancelled_login_after_log_out_closes_the_window(qtbot, db, actor, ui_settings,
                                                        tmp_path, monkeypatch):
    window = _window(qtbot, actor, ui_settings, tmp_path)
    window.show()
    drive(monkeypatch, LoginDialog, lambda dialog: dialog.reject())
    assert not window.log_out()
    assert not window.isVisible()


def test_users_screen_adds_a_user_and_changes_its_role(qtbot, ctx, actor, monkeypatch,
                                                       messages):
    view = UsersView(ctx)
    qtbot.addWidget(view)

    def fill(dialog: NewUserDialog) -> None:
        dialog.username.setText("wang")
        dialog.display_name.setText("王芳")
        dialog.role.setCurrentIndex(dialog.role.findData("manager"))
        dialog.password.setText("password-1")
        dialog.repeat.setText("password-1")
        press_ok(dialog)

    drive(monkeypatch, NewUserDialog, fill)
    view.add_user()
    wang = next(u for u in users.list_users(actor) if u.username == "wang")
    assert (wang.role, wang.display_name, wang.active) == ("manager", "王芳", True)
    assert view.table.selected().username == "wang"
    model = view.table.model
    assert model.value(view.table.selected(), model.Columns.ROLE) == "Category manager"
    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(
        lambda *a, **k: (role_label("finance"), True)))
    view.change_role()
    assert next(u for u in users.list_users(actor) if u.username == "wang").role == "finance"


def test_users_screen_disables_unlocks_and_resets(qtbot, ctx, actor, monkeypatch, messages):
    add_user("li", "clerk")
    for _n in range(5):
        users.attempt_login("li", "wrong password")
    view = UsersView(ctx)
    qtbot.addWidget(view)
    view.table.select_where(lambda u: u.username == "li")
    assert view.unlock_button.isEnabled()
    view.unlock()
    assert users.login("li", TEST_PASSWORD) == Actor("li", "clerk")

    def fill(dialog: ResetPasswordDialog) -> None:
        dialog.password.setText("fresh-password")
        dialog.repeat.setText("fresh-password")
        press_ok(dialog)

    drive(monkeypatch, ResetPasswordDialog, fill)
    view.reset_password()
    assert users.login("li", "fresh-password") == Actor("li", "clerk")
    view.toggle_active()  # messages answers Yes to "Disable li?"
    assert not next(u for u in users.list_users(actor) if u.username == "li").active
    assert view.active_button.text() == "Enable"


def test_an_administrator_does_not_demote_or_disable_themselves(qtbot, ctx, actor, messages):
    add_user("boss2", "admin")
    view = UsersView(ctx)
    qtbot.addWidget(view)
    view.table.select_where(lambda u: u.username == "tester")
    view.toggle_active()
    view.change_role()
    me = next(u for u in users.list_users(actor) if u.username == "tester")
    assert (me.role, me.active) == ("admin", True)
    assert len(messages.texts) == 2 and "another administrator" in messages.texts[0]


@pytest.fixture
def trail(db, actor):
    """Writes by tester and by the clerk li."""
    li = add_user("li", "clerk")
    merchants.create_merchant(actor, "安信地板", "安信伟光", "地板", "王芳", "张伟", "138", "3")
    merchants.create_merchant(li, "马可波罗瓷砖", "唯美陶瓷", "瓷砖", "王芳", "李明", "139", "3")
    return li


def test_audit_viewer_filters_by_user_and_text(qtbot, ctx, trail):
    view = AuditView(ctx)
    qtbot.addWidget(view)
    assert view.table.model.rowCount() == 4  # the two users' set-up and two merchants
    records = view.table.model.rows()
    assert records[0].seq > records[1].seq  # newest first
    view.user_combo.setCurrentText("li")
    view.reload()
    assert [e.actor for e in view.table.model.rows()] == ["li"]
    view.user_combo.setCurrentText("")
    view.text_edit.setText("安信")
    view.reload()
    (entry,) = view.table.model.rows()
    assert entry.actor == "tester" and entry.action == "merchant.create"
    view.table.select_where(lambda _e: True)
    details = view.details.toPlainText()
    assert "安信地板" in details and f"Record {entry.seq}" in details
    assert '  "brand": "安信地板"' in details  # pretty-printed


def test_audit_model_passes_the_model_tester(qtbot, qtmodeltester, ctx, trail):
    model = AuditTableModel()
    model.set_rows(audit.list_audit(ctx.actor))
    qtmodeltester.check(model)


def test_pretty_json_keeps_text_that_is_not_json():
    assert pretty_json('{"b": 1, "a": "地板"}') == json.dumps(
        {"a": "地板", "b": 1}, ensure_ascii=False, indent=2)
    assert pretty_json("plain") == "plain" and pretty_json(None) == "—"


def test_verify_reports_the_intact_chain_with_its_head(qtbot, ctx, trail, messages):
    view = AuditView(ctx)
    qtbot.addWidget(view)
    view.verify_button.click()
    wait_idle(qtbot, ctx)
    text = messages.texts[-1]
    assert "The audit trail is intact." in text
    assert audit.chain_head(ctx.actor) in text and "Records checked: 4" in text


def test_verify_names_the_record_edited_behind_the_programs_back(qtbot, ctx, trail,
                                                                 messages):
    first = min(e.seq for e in audit.list_audit(ctx.actor))
    database.obj.execute_sql("DROP TRIGGER audit_log_no_update")
    database.obj.execute_sql("UPDATE audit_log SET actor = 'mallory' WHERE seq = ?", (first,))
    view = AuditView(ctx)
    qtbot.addWidget(view)
    view.verify_button.click()
    wait_idle(qtbot, ctx)
    text = messages.texts[-1]
    assert f"The audit trail is broken at record {first}." in text
    assert f"Record {first} was changed after it was written." in text
