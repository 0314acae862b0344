"""Small shared widgets: a filterable record table, event/series pickers, a submit dialog."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import format_money
from app.domain.payments import PAYMENT_METHODS, payment_label
from app.i18n import _
from ui.common.table_model import SORT_ROLE, RecordTableModel

CHAR_WIDTH_MIN = 4
_MNEMONIC = re.compile(r"\s*[(（]&.[)）]")
"""A translated button's shortcut, e.g. the (&Y) of 是(&Y)."""
DIALOG_MIN_WIDTH = 440


class RecordTable(QWidget):
    """A filter line above a sortable table of records."""

    activated = Signal(object)
    """A record was double-clicked or Enter was pressed on it."""
    selection_changed = Signal()

    def __init__(self, model: RecordTableModel, parent: QWidget | None = None, *,
                 filter_placeholder: str = "", with_filter: bool = True) -> None:
        super().__init__(parent)
        self.model = model
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText(filter_placeholder or _("Filter…"))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.filter_edit.returnPressed.connect(self._go_to_first)
        self.filter_edit.setVisible(with_filter)
        self.view = QTableView(self)
        self._setup_view()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.view)

    def _setup_view(self) -> None:
        view = self.view
        view.setModel(self.proxy)
        view.setSortingEnabled(True)
        view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        view.verticalHeader().setVisible(False)
        view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
        self._size_columns()
        # Enter or double-click (editable cells open their editor instead)
        view.activated.connect(lambda _index: self._emit_activated())
        view.selectionModel().selectionChanged.connect(lambda *_a: self.selection_changed.emit())

    def _size_columns(self) -> None:
        """Widths from the model's hints and the header texts (never by scanning rows)."""
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        bold = QFont(header.font())
        bold.setBold(True)
        header_metrics = QFontMetrics(bold)
        char = self.view.fontMetrics().horizontalAdvance("0")
        for column in self.model.Columns:
            title = str(self.model.headerData(int(column), Qt.Orientation.Horizontal) or "")
            hint = max(self.model.widths.get(column, 0), CHAR_WIDTH_MIN) * char + 16
            self.view.setColumnWidth(int(column),
                                     max(hint, header_metrics.horizontalAdvance(title) + 20))
        stretch = self.model.stretch_column
        header.setStretchLastSection(stretch is None)
        if stretch is not None:
            header.setSectionResizeMode(int(stretch), QHeaderView.ResizeMode.Stretch)

    def _go_to_first(self) -> None:
        """Enter in the filter: select the first match and move into the table."""
        if self.proxy.rowCount():
            self.select_where(lambda _r: True)
            self.view.setFocus()

    def _emit_activated(self) -> None:
        record = self.selected()
        if record is not None:
            self.activated.emit(record)

    def set_rows(self, rows: list[Any], keep: Callable[[Any], Any] | None = None) -> None:
        """Show `rows`; if `keep` gives a key, the row with the selected key stays selected."""
        old = self.selected()
        self.model.set_rows(rows)
        if keep is not None and old is not None:
            self.select_where(lambda r: keep(r) == keep(old))

    def selected(self) -> Any | None:
        """The selected record, or None."""
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.record(self.proxy.mapToSource(rows[0]).row())

    def select_where(self, predicate: Callable[[Any], bool]) -> bool:
        """Select the first shown record matching `predicate`."""
        for row in range(self.proxy.rowCount()):
            source = self.proxy.mapToSource(self.proxy.index(row, 0))
            if predicate(self.model.record(source.row())):
                self.view.selectionModel().select(
                    self.proxy.index(row, 0),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows)
                self.view.setCurrentIndex(self.proxy.index(row, 0))
                return True
        return False


class SubmitDialog(QDialog):
    """A form dialog whose OK runs `submit`; it closes only when that succeeded."""

    def __init__(self, parent: QWidget | None, title: str,
                 submit: Callable[[], bool] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._submit = submit
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.try_accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(DIALOG_MIN_WIDTH)

    def set_submit(self, submit: Callable[[], bool]) -> None:
        """What OK does."""
        self._submit = submit

    def try_accept(self) -> None:
        """OK pressed: close if the submit worked (it reports its own errors)."""
        if self._submit is None or self._submit():
            self.accept()


def info_label(text: str = "", wrap: bool = True) -> QLabel:
    """A selectable label for hints (wrapped) and values (one line)."""
    label = QLabel(text)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def value_label(text: str = "") -> QLabel:
    """A one-line, selectable value in a form."""
    return info_label(text, wrap=False)


def button(text: str, slot: Callable[[], Any], shortcut: str | QKeySequence | None = None,
           parent: QWidget | None = None) -> QPushButton:
    """A push button; the shortcut is shown in its tooltip."""
    btn = QPushButton(text, parent)
    btn.clicked.connect(lambda _checked=False: slot())
    if shortcut:
        seq = QKeySequence(shortcut)
        btn.setShortcut(seq)
        btn.setToolTip(seq.toString(QKeySequence.SequenceFormat.NativeText))
    return btn


def button_row(*buttons: QWidget) -> QHBoxLayout:
    """Buttons in a row, left-aligned."""
    row = QHBoxLayout()
    for btn in buttons:
        row.addWidget(btn)
    row.addStretch(1)
    return row


def tab_chain(*widgets: QWidget) -> None:
    """Tab moves through `widgets` in this order."""
    for first, second in zip(widgets, widgets[1:], strict=False):
        QWidget.setTabOrder(first, second)


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    """Ask a yes/no question; No is the default. The buttons carry no shortcut letters: a
    barcode scan typed into the box (``SY0000151`` holds a Y) must not answer Yes."""
    yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
    box = QMessageBox(QMessageBox.Icon.Question, title, text, yes | no, parent)
    box.setDefaultButton(no)
    box.setEscapeButton(no)
    for which in (yes, no):
        button = box.button(which)
        button.setText(_MNEMONIC.sub("", button.text()).replace("&", ""))
    return box.exec() == yes


class IdComboBox(QComboBox):
    """A combo of (label, id) items that keeps the chosen id across reloads."""

    id_changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.currentIndexChanged.connect(lambda _i: self.id_changed.emit(self.current_id()))

    def set_items(self, items: list[tuple[str, str]], keep: bool = True) -> None:
        """Replace the items; keep the chosen id if it is still there."""
        old = self.current_id() if keep else None
        self.blockSignals(True)
        self.clear()
        for label, item_id in items:
            self.addItem(label, item_id)
        index = self.findData(old) if old is not None else -1
        self.setCurrentIndex(index if index >= 0 else (0 if items else -1))
        self.blockSignals(False)
        if self.current_id() != old:
            self.id_changed.emit(self.current_id())

    def current_id(self) -> str | None:
        """The chosen id, or None."""
        value = self.currentData()
        return str(value) if value is not None else None

    def set_current_id(self, item_id: str | None) -> None:
        """Choose the item with this id, if present."""
        index = self.findData(item_id)
        if index >= 0:
            self.setCurrentIndex(index)


def payment_combo(parent: QWidget) -> QComboBox:
    """Payment methods, cash first."""
    combo = QComboBox(parent)
    for method in PAYMENT_METHODS:
        combo.addItem(payment_label(method), method)
    return combo


def money_text(amount: object) -> str:
    """An amount for an input field: '200.00' (no currency sign, no separators)."""
    text = format_money(amount)  # type: ignore[arg-type]
    return text.replace("¥", "").replace(",", "")


BIG_POINT_SIZE_STEP = 2


def big_label(text: str = "") -> QLabel:
    """A bold, slightly larger value (the amount that matters)."""
    label = value_label(text)
    font = QFont(label.font())
    font.setBold(True)
    font.setPointSize(font.pointSize() + BIG_POINT_SIZE_STEP)
    label.setFont(font)
    return label
