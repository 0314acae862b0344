"""Opening a database for the GUI: a damaged file offers its newest good backup, a file on a
network share is warned about once; at start and on File → Open database."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from app.errors import AppError, DatabaseDamaged
from app.i18n import _
from app.services.admin import data_safety
from app.services.core import session
from app.services.core.session import SessionInfo
from ui.common.ops import busy_cursor, show_error


def open_database(parent: QWidget | None, target: str | None, cancel_label: str
                  ) -> SessionInfo | None:
    """Open `target` (path, URL or None for the default file). A damaged file is explained and
    its newest good backup offered for restoring; `cancel_label` names the other way out
    (Quit at start). None when nothing was opened (already reported)."""
    try:
        with busy_cursor():
            return session.open_session(target)
    except DatabaseDamaged as exc:
        if not offer_restore(parent, target, exc, cancel_label):
            return None
    except AppError as exc:
        QMessageBox.critical(parent, _("Cannot open the database"), exc.message)
        return None
    except Exception as exc:  # a bug: logged and reported; nothing is opened half-way
        show_error(parent, exc)
        return None
    return _reopen(parent, target)


def _reopen(parent: QWidget | None, target: str | None) -> SessionInfo | None:
    try:
        with busy_cursor():
            return session.open_session(target)
    except Exception as exc:  # reported; the caller keeps what it had
        show_error(parent, exc)
        return None


def offer_restore(parent: QWidget | None, target: str | None, exc: DatabaseDamaged,
                  cancel_label: str) -> bool:
    """Explain the damage; restore the newest good backup it names if asked. True when it was
    restored (the restored file is open)."""
    box, restore_button = damaged_box(parent, exc, cancel_label)
    box.exec()
    if restore_button is None or box.clickedButton() is not restore_button:
        return False
    try:
        with busy_cursor():
            result = data_safety.restore_damaged(target, exc.backup)
    except Exception as error:  # a refusal or a bug: reported, nothing restored
        show_error(parent, error)
        return False
    QMessageBox.information(parent, _("Backup restored"), result.message)
    return True


def damaged_box(parent: QWidget | None, exc: DatabaseDamaged, cancel_label: str
                ) -> tuple[QMessageBox, QPushButton | None]:
    """The box explaining the damage, and its restore button (None without a good backup)."""
    box = QMessageBox(QMessageBox.Icon.Critical, _("The database file is damaged"),
                      exc.message, QMessageBox.StandardButton.NoButton, parent)
    box.setStyleSheet("QLabel#qt_msgbox_label, QLabel#qt_msgbox_informativelabel "
                      "{ min-width: 460px; }")
    restore_button = None
    if exc.backup:
        restore_button = box.addButton(_("Restore the newest good backup"),
                                       QMessageBox.ButtonRole.AcceptRole)
        box.setInformativeText(_("Restoring puts the backup in place of the damaged file; the "
                                 "damaged file is kept beside it. Everything entered after the "
                                 "backup was made has to be entered again."))
    box.addButton(cancel_label, QMessageBox.ButtonRole.RejectRole)
    return box, restore_button


def warn_if_network(parent: QWidget | None) -> None:
    """Warn once when the open SQLite file lies on a network share."""
    try:
        text = data_safety.network_warning()
    except Exception:  # a check that cannot run must not stop the app
        return
    if text:
        QMessageBox.warning(parent, _("Database on a network share"), text)
