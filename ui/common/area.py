"""Base of the main window's areas: reload on `data_changed`, lazily when not on screen."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QWidget

from ui.common.context import UiContext


class AreaView(QWidget):
    """An area of the main window. Subclasses implement `reload()`.

    Standalone (as in tests) an area reloads at once on every change. Inside the main window
    (`lazy` set), a hidden area only notes that it is stale and reloads when shown again, so one
    save does not query every screen.
    """

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.lazy = False
        self.stale = False
        ctx.bridge.data_changed.connect(self._data_changed)

    def reload(self) -> None:
        """Fetch what the area shows again."""
        raise NotImplementedError

    def _data_changed(self) -> None:
        if self.lazy and not self.isVisible():
            self.stale = True
            return
        self.stale = False
        self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        """Qt override: catch up with changes made while hidden."""
        super().showEvent(event)
        if self.stale:
            self.stale = False
            self.reload()
