"""用户 (administrators only): the users with role, active and locked; add, change role,
enable or disable, unlock, reset a password."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from app.i18n import N_, _
from app.services.admin import users
from app.services.admin.users import UserInfo
from app.services.core.permissions import ROLES, allowed, role_label
from ui.admin.login_dialog import MessageDialog, password_edit
from ui.common.area import AreaView
from ui.common.context import UiContext
from ui.common.table_model import RecordTableModel, local_time
from ui.common.widgets import RecordTable, button, button_row, confirm


class UserTableModel(RecordTableModel[UserInfo]):
    """Users by name."""

    class Columns(IntEnum):
        USERNAME = 0
        NAME = 1
        ROLE = 2
        ACTIVE = 3
        LOCKED = 4

    headers = {Columns.USERNAME: N_("User name"), Columns.NAME: N_("Full name"),
               Columns.ROLE: N_("Role"), Columns.ACTIVE: N_("Active"),
               Columns.LOCKED: N_("Locked until")}
    widths = {Columns.USERNAME: 14, Columns.NAME: 16, Columns.ROLE: 12, Columns.ACTIVE: 6,
              Columns.LOCKED: 16}

    def value(self, record: UserInfo, column: Any) -> Any:
        """The cell value."""
        if column == self.Columns.ROLE:
            return role_label(record.role)
        if column == self.Columns.LOCKED:
            return local_time(record.locked_until) if record.locked_until else ""
        keys = ("username", "display_name", "role", "active")
        return getattr(record, keys[int(column)])


def role_items() -> list[tuple[str, str]]:
    """(translated label, role) of every role."""
    return [(role_label(role), role) for role in ROLES]


class NewUserDialog(MessageDialog):
    """User name, name, role and a first password (twice)."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent, _("New user"))
        self.username = QLineEdit(self)
        self.display_name = QLineEdit(self)
        self.role = QComboBox(self)
        for label, role in role_items():
            self.role.addItem(label, role)
        self.password = password_edit(self)
        self.repeat = password_edit(self)
        rows = ((_("User name"), self.username), (_("Full name"), self.display_name),
                (_("Role"), self.role), (_("Password"), self.password),
                (_("Repeat password"), self.repeat))
        for label, widget in rows:
            self.form.insertRow(self.form.rowCount() - 1, label, widget)
        self.password.setPlaceholderText(_("at least {n} characters").format(
            n=users.MIN_PASSWORD))
        self.username.setFocus()

    def passwords_match(self) -> bool:
        """True when both password fields agree (else says so)."""
        if self.password.text() != self.repeat.text():
            self.show_message(_("The two passwords differ."))
            return False
        return True

    def values(self) -> dict[str, str]:
        """Keyword arguments of users.create_user."""
        return {"username": self.username.text().strip(), "role": str(self.role.currentData()),
                "password": self.password.text(), "display_name": self.display_name.text()}


class ResetPasswordDialog(MessageDialog):
    """A new password for a user who forgot theirs."""

    def __init__(self, parent: QWidget | None, user: UserInfo) -> None:
        super().__init__(parent, _("Reset password of {user}").format(user=user.username))
        self.password = password_edit(self)
        self.repeat = password_edit(self)
        self.form.insertRow(0, _("New password"), self.password)
        self.form.insertRow(1, _("Repeat password"), self.repeat)
        self.password.setPlaceholderText(_("at least {n} characters").format(
            n=users.MIN_PASSWORD))
        self.password.setFocus()


class UsersView(AreaView):
    """The user list and the administrator's actions on it."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.table = RecordTable(UserTableModel(self), self,
                                 filter_placeholder=_("Filter by user name, name, role…"))
        self.add_button = button(_("New user…"), self.add_user, "Ctrl+N")
        self.role_button = button(_("Change role…"), self.change_role)
        self.active_button = button(_("Disable"), self.toggle_active)
        self.unlock_button = button(_("Unlock"), self.unlock)
        self.reset_button = button(_("Reset password…"), self.reset_password)
        layout = QVBoxLayout(self)
        layout.addLayout(button_row(self.add_button, self.role_button, self.active_button,
                                    self.unlock_button, self.reset_button))
        layout.addWidget(self.table)
        self.setFocusProxy(self.table.filter_edit)
        self.table.activated.connect(lambda _u: self.change_role())
        self.table.selection_changed.connect(self._enable)
        self.reload()

    def _enable(self) -> None:
        user = self.table.selected()
        for btn in (self.role_button, self.active_button, self.reset_button):
            btn.setEnabled(user is not None)
        self.unlock_button.setEnabled(user is not None and (
            user.locked_until is not None or user.failed_logins > 0))
        self.active_button.setText(_("Enable") if user and not user.active else _("Disable"))

    def reload(self) -> None:
        """Fetch the users again (nothing for a role that may not list them)."""
        rows: list[UserInfo] = []
        if allowed(self.ctx.actor.role, "users.list"):
            rows = self.ctx.ops.query(self, users.list_users).value or []
        self.table.set_rows(rows, keep=lambda u: u.id)
        self._enable()

    def add_user(self) -> None:
        """Ask for and add a user."""
        dialog = NewUserDialog(self)
        dialog.set_submit(lambda: self._create(dialog))
        dialog.exec()

    def _create(self, dialog: NewUserDialog) -> bool:
        if not dialog.passwords_match():
            return False
        result = self.ctx.ops.run(dialog, users.create_user, **dialog.values())
        if result.ok and result.value is not None:
            new_id = result.value.id
            self.table.select_where(lambda u: u.id == new_id)
        return result.ok

    def _not_self(self, user: UserInfo) -> bool:
        """False (and says why) when `user` is the one logged in."""
        if user.username != self.ctx.actor.username:
            return True
        QMessageBox.information(self, _("Users"), _(
            "Your own role and account are changed by another administrator, so that nobody "
            "locks themselves out by mistake."))
        return False

    def change_role(self) -> None:
        """Give the selected user another role."""
        user = self.table.selected()
        if user is None or not self._not_self(user):
            return
        items = role_items()
        labels = [label for label, _role in items]
        current = [role for _label, role in items].index(user.role) if user.role in ROLES else 0
        label, ok = QInputDialog.getItem(self, _("Change role"), _("Role of {user}:").format(
            user=user.username), labels, current, False)
        if ok and label in labels:
            role = items[labels.index(label)][1]
            if role != user.role:
                self.ctx.ops.run(self, users.update_user, user.id, role=role)

    def toggle_active(self) -> None:
        """Disable the selected user (after asking), or enable it again."""
        user = self.table.selected()
        if user is None or not self._not_self(user):
            return
        if user.active and not confirm(self, _("Disable user"), _(
                "Disable {user}? They can no longer log in; what they did stays on record.")
                .format(user=user.username)):
            return
        self.ctx.ops.run(self, users.update_user, user.id, active=not user.active)

    def unlock(self) -> None:
        """Lift the lock-out of the selected user."""
        user = self.table.selected()
        if user is not None:
            self.ctx.ops.run(self, users.update_user, user.id, unlock=True)

    def reset_password(self) -> None:
        """Set a new password for the selected user."""
        user = self.table.selected()
        if user is None:
            return
        dialog = ResetPasswordDialog(self, user)
        dialog.set_submit(lambda: self._reset(dialog, user))
        dialog.exec()

    def _reset(self, dialog: ResetPasswordDialog, user: UserInfo) -> bool:
        if dialog.password.text() != dialog.repeat.text():
            dialog.show_message(_("The two passwords differ."))
            return False
        return self.ctx.ops.run(dialog, users.reset_password, user.id,
                                dialog.password.text()).ok
