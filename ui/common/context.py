"""What every view needs: who is working, the operation helper, the UI preferences."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from app.services.core import permissions
from app.services.core.actor import Actor
from ui.common.ops import Bridge, Ops
from ui.common.settings import UiSettings


@dataclass
class UiContext:
    """Handed to each area so none of them reaches for a global window."""

    ops: Ops
    settings: UiSettings

    @property
    def bridge(self) -> Bridge:
        """The signal hub views listen to."""
        return self.ops.bridge

    @property
    def actor(self) -> Actor:
        """The logged-in user (from the login dialog); services check its role."""
        return self.ops.actor

    def switch_actor(self, actor: Actor) -> None:
        """Another user logged in: every later service call acts for them."""
        self.ops.actor = actor

    def allows(self, service_name: str) -> bool:
        """True when the logged-in role may call the service (the service still checks)."""
        return permissions.allowed(self.actor.role, service_name)

    def guard(self, widgets: dict[QWidget, str]) -> None:
        """Hide each widget whose service the logged-in role may not call, now and after a
        change of user or database."""

        def apply() -> None:
            for widget, service_name in widgets.items():
                widget.setHidden(not self.allows(service_name))

        apply()
        self.bridge.data_changed.connect(apply)
        self.bridge.database_changed.connect(apply)


def make_context(settings: UiSettings, actor: Actor) -> UiContext:
    """A context for the logged-in `actor`, with a fresh bridge."""
    return UiContext(Ops(actor, Bridge()), settings)
