"""The main window: navigation between the areas, and the menus. Nothing else."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from app.i18n import LANGUAGES, _
from app.services.admin import users
from app.services.core import session
from app.services.core.actor import Actor
from app.services.core.permissions import allowed, role_label
from app.services.core.session import SessionInfo
from ui.admin.audit_view import AuditView
from ui.admin.login_dialog import ChangePasswordDialog, log_in
from ui.admin.safety_menu import SafetyActions
from ui.admin.settings_dialog import BusinessSettingsDialog
from ui.admin.users_view import UsersView
from ui.checkout.checkout_view import CheckoutView
from ui.checkout.plan_view import PlanView
from ui.common.area import AreaView
from ui.common.context import UiContext
from ui.common.ops import show_error
from ui.events.events_view import EventsView
from ui.events.merchants_view import MerchantsView
from ui.returns.after_event_view import AfterEventView
from ui.returns.returns_view import ReturnsView
from ui.startup import open_database, warn_if_network
from ui.stock.stock_view import StockView

VERSION = "0.1.0"
AreaFactory = Callable[[UiContext, QWidget], AreaView]


def areas() -> list[tuple[str, AreaFactory, str]]:
    """The areas in navigation order: title, how to build it, and the service a role must be
    allowed to call to see it."""
    return [(_("Series & stock"), StockView, "stock.list_series"),
            (_("Merchants"), MerchantsView, "merchants.list"),
            (_("Events"), EventsView, "events.list"),
            (_("Requisition plan"), PlanView, "plan.view"),
            (_("Book checkout"), CheckoutView, "checkout.list"),
            (_("Return check"), ReturnsView, "returns.open_book"),
            (_("After the event"), AfterEventView, "returns.reconciliation"),
            (_("Audit trail"), AuditView, "audit.list"),
            (_("Users"), UsersView, "users.list")]


log = logging.getLogger(__name__)

class MainWindow(QMainWindow):
    """Left navigation, one stacked page per area, File/Settings/Data safety/Help menus; only
    what the logged-in user's role may use is shown."""

    def __init__(self, ctx: UiContext, info: SessionInfo) -> None:
        super().__init__()
        self.ctx = ctx
        self.info = info
        self.nav = QListWidget(self)
        self.stack = QStackedWidget(self)
        self.pages: list[AreaView] = []
        self.area_permissions: list[str] = []
        self.area_shortcuts: list[QAction] = []
        self.safety = SafetyActions(self, ctx)
        self.safety.restored.connect(self.log_out)
        self._build_areas()
        self._build_menus()
        self.apply_role()
        self.resize(1280, 800)
        if not ctx.settings.geometry.isEmpty():
            self.restoreGeometry(ctx.settings.geometry)

    def _build_areas(self) -> None:
        self.nav.setFixedWidth(150)
        self.nav.setIconSize(QSize(0, 0))
        self.nav.setSpacing(2)
        self.nav.setStyleSheet("QListWidget::item { padding: 8px 10px; }")
        for number, (title, factory, permission) in enumerate(areas(), start=1):
            page = factory(self.ctx, self.stack)
            page.lazy = True
            self.pages.append(page)
            self.area_permissions.append(permission)
            self.stack.addWidget(page)
            self.nav.addItem(title)
            self.nav.item(number - 1).setToolTip(f"Ctrl+{number}")
            shortcut = QAction(self)
            shortcut.setShortcut(QKeySequence(f"Ctrl+{number}"))
            shortcut.triggered.connect(lambda _c=False, row=number - 1: self.show_area(row))
            self.addAction(shortcut)
            self.area_shortcuts.append(shortcut)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.nav.setCurrentRow(0)
        central = QWidget(self)
        layout = QHBoxLayout(central)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

    def show_area(self, row: int) -> None:
        """Switch to area `row` (0-based), unless the user's role does not see it."""
        if self.nav.item(row).isHidden():
            return
        self.nav.setCurrentRow(row)
        self.stack.currentWidget().setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(_("&File"))
        self._action(file_menu, _("&Open database…"), self.open_database,
                     QKeySequence.StandardKey.Open)
        self._action(file_menu, _("&Log out / switch user…"), self.log_out)
        file_menu.addSeparator()
        self._action(file_menu, _("E&xit"), self.close, QKeySequence.StandardKey.Quit)
        settings_menu = bar.addMenu(_("&Settings"))
        self.settings_action = self._action(
            settings_menu, _("&Organization and policy values…"), self.edit_settings)
        self._action(settings_menu, _("&Change my password…"), self.change_password)
        language_menu = settings_menu.addMenu(_("&Language"))
        group = QActionGroup(self)
        for code, name in LANGUAGES.items():
            action = self._action(language_menu, name, lambda c=code: self.choose_language(c))
            action.setCheckable(True)
            action.setChecked(code == self.ctx.settings.language)
            group.addAction(action)
        self.safety.fill_menu(bar.addMenu(_("&Data safety")))
        help_menu = bar.addMenu(_("&Help"))
        self._action(help_menu, _("&About"), self.about)

    def _action(self, menu: object, text: str, slot: Callable[[], object],
                shortcut: QKeySequence | QKeySequence.StandardKey | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)  # type: ignore[attr-defined]
        return action

    def apply_role(self) -> None:
        """Show the areas and menu actions the user's role may use; the user in the title."""
        role = self.ctx.actor.role
        for row, permission in enumerate(self.area_permissions):
            shown = allowed(role, permission)
            self.nav.item(row).setHidden(not shown)
            self.area_shortcuts[row].setEnabled(shown)
        current = self.nav.currentItem()
        if current is None or current.isHidden():
            visible = [r for r in range(self.nav.count()) if not self.nav.item(r).isHidden()]
            self.nav.setCurrentRow(visible[0] if visible else -1)
        self.settings_action.setVisible(allowed(role, "settings.update"))
        self.safety.apply_role(role, self.info.is_file)
        self._show_title()

    def _show_title(self) -> None:
        actor = self.ctx.actor
        self.setWindowTitle(_("OrderBook Desk — {user} ({role}) — {database}").format(
            user=actor.username, role=role_label(actor.role), database=self.info.label))

    def enter_as(self, actor: Actor) -> None:
        """`actor` logged in: act for them, show what their role may use, reload every view."""
        self.ctx.switch_actor(actor)
        self.apply_role()
        self.ctx.bridge.database_changed.emit()
        self.ctx.bridge.data_changed.emit()

    def log_out(self) -> bool:
        """Log out and let the next user log in; cancelling the login closes the window."""
        self.ctx.ops.wait_for_workers()
        self._end_session()
        visible = self.isVisible()
        self.hide()
        actor = log_in(self, self.ctx.settings, database=self.info.label)
        if actor is None:
            self.close()
            return False
        self.enter_as(actor)
        if visible:
            self.show()
        return True

    def _end_session(self) -> None:
        """The user leaves: their login session can no longer be used."""
        try:
            users.logout(self.ctx.actor)
        except Exception:  # noqa: BLE001 - the database may be gone; the session dies with us
            log.warning("could not end the login session", exc_info=True)

    def change_password(self) -> None:
        """The logged-in user changes their password."""
        ChangePasswordDialog(self, self.ctx).exec()

    def open_database(self) -> None:
        """Switch to another database file."""
        path, _chosen = QFileDialog.getOpenFileName(
            self, _("Open database"), self.info.label if self.info.is_file else "",
            _("Database (*.sqlite3 *.sqlite *.db);;All files (*)"))
        if path:
            self.switch_database(path)

    def switch_database(self, target: str) -> bool:
        """Open `target` and log in to it; on failure or cancel stay with the current database
        and user."""
        self.ctx.ops.wait_for_workers()
        self.safety.wait()
        info = open_database(self, target, _("Cancel"))
        actor = log_in(self, self.ctx.settings, database=info.label) if info else None
        if info is None or actor is None:
            self._reopen_current()
            return False
        self.info = info
        self.enter_as(actor)
        warn_if_network(self)
        self.safety.start_backups()
        return True

    def _reopen_current(self) -> None:
        try:
            session.open_session(self.info.url)
        except Exception as exc:  # reported; the views show what they can
            show_error(self, exc)

    def edit_settings(self) -> None:
        """Edit the organization name and default policy values."""
        BusinessSettingsDialog(self, self.ctx).exec()

    def choose_language(self, code: str) -> None:
        """Remember the language; it applies from the next start."""
        self.ctx.settings.language = code
        QMessageBox.information(self, _("Language"), _(
            "The language changes the next time OrderBook Desk starts."))

    def about(self) -> None:
        """Version and database location."""
        QMessageBox.about(self, _("About OrderBook Desk"), _(
            "OrderBook Desk {version}\nPre-numbered order books for trade-fair organizers.\n\n"
            "Database: {database}\nUser: {user}").format(
            version=VERSION, database=self.info.label, user=self.ctx.actor.username))

    def closeEvent(self, event: QCloseEvent) -> None:
        """Qt override: finish background work, remember the window geometry."""
        self.ctx.ops.wait_for_workers()
        self.safety.stop()
        self._end_session()
        self.ctx.settings.geometry = self.saveGeometry()
        self.ctx.settings.sync()
        super().closeEvent(event)
