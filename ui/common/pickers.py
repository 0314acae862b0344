"""Combo boxes that list events and number series from the services."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.services.events import events
from app.services.stock import registration as stock
from ui.common.ops import Ops
from ui.common.widgets import IdComboBox

MIN_CHARS = 36


class EventComboBox(IdComboBox):
    """Events, newest first, as 'code  name'."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumContentsLength(MIN_CHARS)

    def reload(self, ops: Ops, keep: bool = True) -> None:
        """Fetch the events again."""
        result = ops.query(self, events.list_events)
        rows = result.value or []
        self.set_items([(f"{e.code}  {e.name}", e.id) for e in rows], keep)


class SeriesComboBox(IdComboBox):
    """Number series as 'prefix  name'."""

    def reload(self, ops: Ops, keep: bool = True) -> int:
        """Fetch the series again; returns how many there are."""
        result = ops.query(self, stock.list_series)
        rows = result.value or []
        self.set_items([(f"{s.prefix}  {s.name}".strip(), s.id) for s in rows], keep)
        return len(rows)
