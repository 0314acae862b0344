"""Base of every table: a QAbstractTableModel over a list of service records.

Each subclass declares its `Columns` enum and `headers` once (Electrum's contact_list), says
how a record shows in each column, and which columns are numbers (right-aligned, sorted by
value). Views put a QSortFilterProxyModel in front (see ui.widgets.RecordTable).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import IntEnum
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from app.domain.money import Money, format_money
from app.i18n import _

T = TypeVar("T")
SORT_ROLE = Qt.ItemDataRole.UserRole
RECORD_ROLE = Qt.ItemDataRole.UserRole + 1
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
Index = QModelIndex | QPersistentModelIndex


def show_value(value: Any) -> str:
    """How a plain value shows in a cell."""
    if value is None:
        return ""
    if isinstance(value, Money):
        return format_money(value)
    if isinstance(value, dt.datetime):
        return local_time(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def sort_value(value: Any) -> Any:
    """What a column sorts by: numbers by value, text by text."""
    if isinstance(value, Money):
        return value.fen
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return float(value)
    return show_value(value)


def local_time(utc: dt.datetime) -> str:
    """A naive-UTC timestamp in local time, to the minute."""
    aware = utc if utc.tzinfo else utc.replace(tzinfo=dt.UTC)
    return aware.astimezone().strftime("%Y-%m-%d %H:%M")


class RecordTableModel(QAbstractTableModel, Generic[T]):
    """Rows are records; subclasses say what each column shows."""

    Columns: ClassVar[type[IntEnum]]
    headers: ClassVar[dict[Any, str]]
    """Column → English header marked with N_ (translated when shown)."""
    number_columns: ClassVar[frozenset[Any]] = frozenset()
    """Columns aligned right (counts, money)."""
    widths: ClassVar[dict[Any, int]] = {}
    """Column → initial width in characters."""
    stretch_column: ClassVar[Any] = None
    """The column that takes the spare width (None: the last one)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[T] = []

    def value(self, record: T, column: Any) -> Any:
        """The raw value of a column (Money, int, date, text)."""
        raise NotImplementedError

    def set_rows(self, rows: list[T]) -> None:
        """Replace all rows."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[T]:
        """The records shown."""
        return list(self._rows)

    def record(self, row: int) -> T:
        """The record of a source row."""
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Qt override."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Qt override."""
        return 0 if parent.isValid() else len(self.Columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Qt override."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        record = self._rows[index.row()]
        column = self.Columns(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return show_value(self.value(record, column))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(RIGHT if column in self.number_columns else LEFT)
        if role == SORT_ROLE:
            return sort_value(self.value(record, column))
        if role == RECORD_ROLE:
            return record
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Qt override."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.Columns):
            return None
        column = self.Columns(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return _(self.headers[column])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(RIGHT if column in self.number_columns else LEFT)
        return None
