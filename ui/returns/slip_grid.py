"""The slips of one open book as a grid of coloured cells, and the legend with the book's counts.

Each cell shows the slip's short number (``17`` for BJ0000017), filled with the colour of its
state (R3.1). Void slips are also struck through and missing ones bold, so the states stay
apart for a clerk who does not tell red from green. Cells changed by the last action carry a
dot in their corner. Typing while the grid has the focus goes to the scan line (a scanner never
loses characters to the grid).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QKeyEvent, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from app.domain.numbers import SeriesFormat
from app.domain.returns import MISSING, NOT_ENTERED, UNUSED, USED, VOID, WRITTEN_OFF, Counts
from app.services.returns.slips import state_label

COLUMNS = 10
STATE_ROLE = Qt.ItemDataRole.UserRole
NUMBER_ROLE = Qt.ItemDataRole.UserRole + 1
RECENT_ROLE = Qt.ItemDataRole.UserRole + 2
STATE_COLOURS: dict[str, tuple[str, str]] = {
    NOT_ENTERED: ("#ffffff", "#555555"),
    USED: ("#74c476", "#0b2e0d"),
    UNUSED: ("#8cc4f0", "#0a2a45"),
    VOID: ("#b5b5b5", "#262626"),
    MISSING: ("#e0524b", "#ffffff"),
    WRITTEN_OFF: ("#b39ddb", "#24124a"),
}
"""State → (fill, text) colour of a cell, a legend swatch and a state button."""
LEGEND_ORDER = (USED, UNUSED, VOID, MISSING, WRITTEN_OFF, NOT_ENTERED)
Index = QModelIndex | QPersistentModelIndex


def slip_font(base: QFont, state: str) -> QFont:
    """The cell font of a state: void struck through, missing bold."""
    font = QFont(base)
    font.setStrikeOut(state == VOID)
    font.setBold(state in (MISSING, USED, UNUSED, WRITTEN_OFF))
    return font


class SlipGridModel(QAbstractTableModel):
    """One book's slips, row by row, `COLUMNS` to a row."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.first_no = 0
        self.states: tuple[str, ...] = ()
        self.recent: frozenset[int] = frozenset()
        self.fmt = SeriesFormat("", 1)

    def set_book(self, first_no: int, states: Sequence[str], fmt: SeriesFormat) -> None:
        """Show a book; slips whose state changed since the same book was last shown are
        marked recent."""
        same = first_no == self.first_no and len(states) == len(self.states)
        recent = {i for i, s in enumerate(states) if same and s != self.states[i]}
        self.beginResetModel()
        self.first_no, self.states, self.fmt = first_no, tuple(states), fmt
        self.recent = frozenset(recent)
        self.endResetModel()

    def clear(self) -> None:
        """Show no book."""
        self.beginResetModel()
        self.first_no, self.states, self.recent = 0, (), frozenset()
        self.endResetModel()

    def slot(self, index: Index) -> int | None:
        """Position of the slip in the book (0-based), or None for an empty cell."""
        if not index.isValid():
            return None
        pos = index.row() * COLUMNS + index.column()
        return pos if 0 <= pos < len(self.states) else None

    def index_of(self, number: int) -> QModelIndex:
        """The cell of a slip number (invalid when not in the book)."""
        pos = number - self.first_no
        if not 0 <= pos < len(self.states):
            return QModelIndex()
        return self.index(pos // COLUMNS, pos % COLUMNS)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Qt override."""
        return 0 if parent.isValid() else -(-len(self.states) // COLUMNS)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Qt override."""
        return 0 if parent.isValid() or not self.states else COLUMNS

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Qt override: empty cells after the last slip cannot be chosen."""
        if self.slot(index) is None:
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Qt override."""
        pos = self.slot(index)
        if pos is None:
            return None
        number, state = self.first_no + pos, self.states[pos]
        if role == Qt.ItemDataRole.DisplayRole:
            return str(number)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{self.fmt.format(number)} — {state_label(state)}"
        if role == Qt.ItemDataRole.BackgroundRole:
            return QColor(STATE_COLOURS[state][0])
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(STATE_COLOURS[state][1])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        return {STATE_ROLE: state, NUMBER_ROLE: self.fmt.format(number),
                RECENT_ROLE: pos in self.recent}.get(role)


class SlipCellDelegate(QStyledItemDelegate):
    """Paints a cell as a filled, rounded box; the chosen one with a thick frame."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        """Qt override."""
        state = index.data(STATE_ROLE)
        if state is None:
            return
        fill, text = STATE_COLOURS[state]
        rect = option.rect.adjusted(2, 2, -2, -2)  # type: ignore[attr-defined]
        chosen = bool(option.state & QStyle.StateFlag.State_Selected)  # type: ignore[attr-defined]
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(QColor(fill))
        painter.setPen(QPen(QColor("#111111"), 3) if chosen else QPen(QColor("#8a8a8a"), 1))
        painter.drawRoundedRect(rect, 4, 4)
        if index.data(RECENT_ROLE):
            painter.setBrush(QColor("#111111"))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawEllipse(QRect(rect.right() - 9, rect.top() + 4, 6, 6))
        painter.setFont(slip_font(option.font, state))  # type: ignore[attr-defined]
        painter.setPen(QColor(text))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, index.data())
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        """Qt override: room for seven digits."""
        metrics = option.fontMetrics  # type: ignore[attr-defined]
        return QSize(metrics.horizontalAdvance("0000000") + 16, metrics.height() + 18)


class SlipGrid(QTableView):
    """The grid view: cells stretch to fill the space; Enter or double click activates."""

    typed = Signal(str)
    """Printable text typed while the grid had the focus (meant for the scan line)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid_model = SlipGridModel(self)
        self.setModel(self.grid_model)
        self.setItemDelegate(SlipCellDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setShowGrid(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.setFont(font)
        for header in (self.horizontalHeader(), self.verticalHeader()):
            header.setVisible(False)
            header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
            header.setMinimumSectionSize(self.fontMetrics().height() + 14)
        self.setMinimumHeight(5 * (self.fontMetrics().height() + 14) + 4)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Qt override: printable keys go to the scan line, the others move as usual."""
        plain = not event.modifiers() & (Qt.KeyboardModifier.ControlModifier
                                         | Qt.KeyboardModifier.AltModifier)
        if plain and event.text() and event.text().isprintable():
            self.typed.emit(event.text())
            return
        super().keyPressEvent(event)

    def chosen_slip(self) -> tuple[str, str] | None:
        """(full number, state) of the current cell, or None."""
        index = self.currentIndex()
        if self.grid_model.slot(index) is None:
            return None
        return index.data(NUMBER_ROLE), index.data(STATE_ROLE)

    def choose(self, number: int) -> bool:
        """Make the slip `number` the current cell; False when it is not in the book."""
        index = self.grid_model.index_of(number)
        if index.isValid():
            self.setCurrentIndex(index)
        return index.isValid()


def swatch(state: str, size: int = 14) -> QLabel:
    """A small box in the colour of a state."""
    fill, _text = STATE_COLOURS[state]
    box = QLabel()
    box.setFixedSize(size, size)
    box.setStyleSheet(f"background: {fill}; border: 1px solid #8a8a8a; border-radius: 2px;")
    return box


class StateLegend(QWidget):
    """Each colour with its state name and how many slips of the book are in it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counts: dict[str, QLabel] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for state in LEGEND_ORDER:
            layout.addWidget(swatch(state))
            label = QLabel(self)
            self.counts[state] = label
            layout.addWidget(label)
            layout.addSpacing(10)
        layout.addStretch(1)
        self.set_counts(None)

    def set_counts(self, counts: Counts | None) -> None:
        """Show the book's counts (None: names only)."""
        values = {USED: counts.used, UNUSED: counts.unused, VOID: counts.void,
                  MISSING: counts.missing, WRITTEN_OFF: counts.written_off,
                  NOT_ENTERED: counts.not_entered} if counts else {}
        for state, label in self.counts.items():
            number = values.get(state)
            label.setText(state_label(state) + ("" if number is None else f" {number}"))
