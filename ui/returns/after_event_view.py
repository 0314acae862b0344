"""活动后: after the event — where it stands, reconciliation, chase and fines, deposit close-out,
void sealing and archive (R3.2–R3.7). Return entry itself is in ui.returns_view."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from app.i18n import _
from app.services.events import events
from app.services.events.events import EventInfo
from app.services.returns import archive
from ui.common.area import AreaView
from ui.common.context import UiContext
from ui.common.event_status import EventStatusWidget
from ui.common.pickers import EventComboBox
from ui.common.widgets import tab_chain
from ui.returns.after_event_panels import (
    ArchivePanel,
    DepositsPanel,
    EventPanel,
    ReconciliationPanel,
    SealsPanel,
)
from ui.returns.chase_view import ChasePanel


class AfterEventView(AreaView):
    """The chosen event's stage and blockers above five tabs (Alt+1 … Alt+5)."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.event_combo = EventComboBox(self)
        self.status = EventStatusWidget(self)
        self.tabs = QTabWidget(self)
        self.reconciliation = ReconciliationPanel(ctx, self)
        self.chase = ChasePanel(ctx, self)
        self.deposits = DepositsPanel(ctx, self)
        self.seals = SealsPanel(ctx, self)
        self.archive = ArchivePanel(ctx, self)
        self._build()
        self.setFocusProxy(self.event_combo)
        tab_chain(self.event_combo, self.tabs)
        self.event_combo.id_changed.connect(lambda _id: self.reload_event())
        self.reload()

    def panels(self) -> list[EventPanel]:
        """The tabs' panels, in tab order."""
        return [self.reconciliation, self.chase, self.deposits, self.seals, self.archive]

    def _build(self) -> None:
        titles = (_("Reconciliation"), _("Chase and fines"), _("Deposits"), _("Void sealing"),
                  _("Archive"))
        for number, (panel, title) in enumerate(zip(self.panels(), titles, strict=True), 1):
            self.tabs.addTab(panel, title)
            self.tabs.setTabToolTip(number - 1, f"Alt+{number}")
            shortcut = QShortcut(QKeySequence(f"Alt+{number}"), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda index=number - 1: self.show_tab(index))
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Event"), self))
        top.addWidget(self.event_combo, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.tabs, 1)

    def show_tab(self, index: int) -> None:
        """Bring a tab forward and put the keyboard in it."""
        self.tabs.setCurrentIndex(index)
        self.tabs.currentWidget().setFocus()

    def event_id(self) -> str | None:
        """The chosen event's id."""
        return self.event_combo.current_id()

    def reload(self) -> None:
        """Fetch the events and everything about the chosen one again."""
        self.event_combo.reload(self.ctx.ops)
        self.reload_event()

    def reload_event(self) -> None:
        """Show the chosen event's stage and every tab of it."""
        event_id = self.event_id()
        event: EventInfo | None = None
        status = None
        if event_id:
            event = self.ctx.ops.query(self, events.get_event, event_id).value
            status = self.ctx.ops.query(self, archive.event_status, event_id).value
        self.status.show_status(status)
        for panel in self.panels():
            panel.set_event(event)
