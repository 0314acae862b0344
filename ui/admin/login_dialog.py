"""Logging in: the first administrator of an empty database, the login, changing one's password.

The login and the first administrator are called before anyone is logged in, so they use the
anonymous services (`users.attempt_login`, `users.setup_admin`) directly and show the service's
own words inside the dialog; a wrong password never opens a second box.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QWidget

from app.errors import AppError
from app.i18n import _
from app.services.admin import users
from app.services.core.actor import Actor
from ui.common.context import UiContext
from ui.common.ops import busy_cursor, show_error
from ui.common.settings import UiSettings
from ui.common.widgets import SubmitDialog, info_label

ERROR_STYLE = "color: #b00020;"


def password_edit(parent: QWidget) -> QLineEdit:
    """A line edit that hides what is typed."""
    edit = QLineEdit(parent)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def error_label() -> QLabel:
    """A red, wrapped label for a refusal, hidden until there is one."""
    label = info_label()
    label.setStyleSheet(ERROR_STYLE)
    label.setVisible(False)
    return label


class MessageDialog(SubmitDialog):
    """A submit dialog that shows refusals in a red line under the form."""

    def __init__(self, parent: QWidget | None, title: str) -> None:
        super().__init__(parent, title)
        self.message = error_label()
        self.form.addRow(self.message)

    def show_message(self, text: str) -> None:
        """Show a refusal in the dialog."""
        self.message.setText(text)
        self.message.setVisible(bool(text))


class LoginDialog(MessageDialog):
    """User name and password; Enter logs in; `actor` is set when it worked."""

    def __init__(self, parent: QWidget | None, username: str = "", database: str = "") -> None:
        super().__init__(parent, _("Log in — OrderBook Desk"))
        self.actor: Actor | None = None
        if database:
            self.form.insertRow(0, info_label(_("Database: {database}").format(
                database=database)))
        self.username = QLineEdit(username, self)
        self.password = password_edit(self)
        self.form.insertRow(self.form.rowCount() - 1, _("User name"), self.username)
        self.form.insertRow(self.form.rowCount() - 1, _("Password"), self.password)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Log in"))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setDefault(True)
        self.set_submit(self._log_in)
        (self.password if username else self.username).setFocus()

    def _log_in(self) -> bool:
        try:
            with busy_cursor():
                result = users.attempt_login(self.username.text().strip(), self.password.text())
        except AppError as exc:
            self.show_message(exc.message)
            return False
        except Exception as exc:  # a bug: logged and reported, the dialog stays
            show_error(self, exc)
            return False
        if result.actor is None:
            self.show_message(result.message)
            self.password.clear()
            self.password.setFocus()
            if result.wait:
                self._hold(result.wait, result.message)
            return False
        self.actor = result.actor
        return True

    def _hold(self, seconds: float, message: str) -> None:
        """After wrong passwords in a row: no next try until the wait is over."""
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(False)
        self.show_message(message + " " + _("Wait {n} seconds before the next try.").format(
            n=max(1, round(seconds))))
        QTimer.singleShot(int(seconds * 1000), lambda: ok.setEnabled(True))


class FirstAdminDialog(MessageDialog):
    """Creates the first administrator of an empty database."""

    def __init__(self, parent: QWidget | None, database: str = "") -> None:
        super().__init__(parent, _("Create the first administrator"))
        self.actor: Actor | None = None
        intro = _("This database has no users yet. Create the administrator who will add the "
                  "other users and give them their roles.")
        if database:
            intro += "\n" + _("Database: {database}").format(database=database)
        self.form.insertRow(0, info_label(intro))
        self.username = QLineEdit(self)
        self.display_name = QLineEdit(self)
        self.password = password_edit(self)
        self.repeat = password_edit(self)
        rows = ((_("User name"), self.username), (_("Full name"), self.display_name),
                (_("Password"), self.password), (_("Repeat password"), self.repeat))
        for label, edit in rows:
            self.form.insertRow(self.form.rowCount() - 1, label, edit)
        self.username.setPlaceholderText(_("e.g. admin (letters and digits, used to log in)"))
        self.display_name.setPlaceholderText(_("e.g. 张伟 (shown in the list of users)"))
        self.password.setPlaceholderText(_("at least {n} characters").format(
            n=users.MIN_PASSWORD))
        self.set_submit(self._create)
        self.username.setFocus()

    def _create(self) -> bool:
        if self.password.text() != self.repeat.text():
            self.show_message(_("The two passwords differ."))
            return False
        try:
            with busy_cursor():
                self.actor = users.setup_admin(self.username.text().strip(),
                                               self.password.text(), self.display_name.text())
        except AppError as exc:
            self.show_message(exc.message)
            return False
        except Exception as exc:  # a bug: logged and reported, the dialog stays
            show_error(self, exc)
            return False
        return True


class ChangePasswordDialog(MessageDialog):
    """The acting user changes their own password."""

    def __init__(self, parent: QWidget | None, ctx: UiContext) -> None:
        super().__init__(parent, _("Change my password"))
        self.ctx = ctx
        self.current = password_edit(self)
        self.new = password_edit(self)
        self.repeat = password_edit(self)
        rows = ((_("Current password"), self.current), (_("New password"), self.new),
                (_("Repeat new password"), self.repeat))
        for label, edit in rows:
            self.form.insertRow(self.form.rowCount() - 1, label, edit)
        self.new.setPlaceholderText(_("at least {n} characters").format(n=users.MIN_PASSWORD))
        self.set_submit(self._change)
        self.current.setFocus()

    def _change(self) -> bool:
        if self.new.text() != self.repeat.text():
            self.show_message(_("The two new passwords differ."))
            return False
        return self.ctx.ops.run(self, users.change_password, self.current.text(),
                                self.new.text()).ok


def has_users(parent: QWidget | None) -> bool | None:
    """Whether the open database has users; None (reported) when it cannot be asked."""
    try:
        return users.has_users()
    except Exception as exc:  # reported; the caller gives up
        show_error(parent, exc)
        return None


def log_in(parent: QWidget | None, settings: UiSettings, username: str = "",
           database: str = "") -> Actor | None:
    """The first-administrator dialog on an empty database, else the login dialog (user name
    `username` or the one remembered). None when cancelled or the database cannot be asked."""
    present = has_users(parent)
    if present is None:
        return None
    dialog: LoginDialog | FirstAdminDialog
    if present:
        dialog = LoginDialog(parent, username or settings.last_user, database)
    else:
        dialog = FirstAdminDialog(parent, database)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.actor is None:
        return None
    settings.last_user = dialog.actor.username
    return dialog.actor
