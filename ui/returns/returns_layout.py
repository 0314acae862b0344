"""The widgets of the return-check screen and how they are laid out; the behaviour is in
ui.returns_view.ReturnsView.

Every button has a function key and never takes the focus, so the scan line keeps it: a
scanner's next code always lands there.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.domain.returns import MISSING, UNUSED, USED, VOID
from app.i18n import _
from app.services.returns.slips import state_label
from ui.common.area import AreaView
from ui.common.context import UiContext
from ui.common.pickers import EventComboBox
from ui.common.widgets import RecordTable, button, tab_chain
from ui.returns.return_panels import MerchantPanel, StepTableModel
from ui.returns.scan_input import MessageBanner, ScanLine
from ui.returns.slip_grid import STATE_COLOURS, SlipGrid, StateLegend

STATE_KEYS = {USED: "F1", UNUSED: "F2", VOID: "F3", MISSING: "F4"}
"""The function key choosing each state a slip can be marked."""
SPLIT = (600, 480)
"""Initial widths of the book side and the merchant side."""


class ReturnsLayout(AreaView):
    """The screen's widgets: event, scan line, banner, keys, slip grid, merchant and steps."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._state: str | None = None
        self.refused_text = ""
        """The text of the last refused scan (a state key does not send it again)."""
        self.event_combo = EventComboBox(self)
        self.scan = ScanLine(self)
        self.banner = MessageBanner(self)
        self.mode_label = QLabel(self)
        self.book_title = QLabel(self)
        self.grid = SlipGrid(self)
        self.legend = StateLegend(self)
        self.panel = MerchantPanel(self)
        self.steps = RecordTable(StepTableModel(self), self, with_filter=False)
        self._build()
        self.setFocusProxy(self.scan)
        tab_chain(self.scan, self.grid, self.event_combo)
        self.grid.typed.connect(self._typed_in_grid)

    # the actions the keys trigger (ReturnsView)

    def choose_state(self, state: str) -> None:
        """F1–F4."""
        raise NotImplementedError

    def mark_remaining(self, state: str) -> None:
        """F5/F6."""
        raise NotImplementedError

    def edit_details(self) -> None:
        """F7."""
        raise NotImplementedError

    def switch_merchant(self) -> None:
        """F9."""
        raise NotImplementedError

    def close_return(self) -> None:
        """F10."""
        raise NotImplementedError

    def undo(self) -> None:
        """Ctrl+Z."""
        raise NotImplementedError

    # ------------------------------------------------------------------ building

    def _build(self) -> None:
        self._make_buttons()
        self.steps.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._style_labels()
        layout = QVBoxLayout(self)
        layout.addLayout(self._top_rows())
        layout.addWidget(self.banner)
        layout.addLayout(self._key_row())
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self._book_box())
        splitter.addWidget(self._side_box())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([SPLIT[0], SPLIT[1]])
        layout.addWidget(splitter, 1)

    def _make_buttons(self) -> None:
        self.state_buttons = {state: self._state_button(state) for state in STATE_KEYS}
        self.state_group = QButtonGroup(self)
        for btn in self.state_buttons.values():
            self.state_group.addButton(btn)
        self.used_rest_button = button("F5  " + _("All remaining used"),
                                       lambda: self.mark_remaining(USED), "F5")
        self.unused_rest_button = button("F6  " + _("All remaining unused"),
                                         lambda: self.mark_remaining(UNUSED), "F6")
        self.details_button = button("F7  " + _("Customer details…"), self.edit_details, "F7")
        self.switch_button = button("F9  " + _("Switch merchant"), self.switch_merchant, "F9")
        self.close_button = button("F10  " + _("Close return…"), self.close_return, "F10")
        self.undo_button = button("Ctrl+Z  " + _("Undo"), self.undo,
                                  QKeySequence.StandardKey.Undo)
        guarded = {b: "returns.mark" for b in self.state_buttons.values()}
        guarded.update({self.used_rest_button: "returns.remaining",
                        self.unused_rest_button: "returns.remaining",
                        self.undo_button: "returns.undo", self.close_button: "returns.close",
                        self.details_button: "returns.slip_details"})
        self.ctx.guard(guarded)
        for btn in (*guarded, self.switch_button):
            btn.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def _state_button(self, state: str) -> QPushButton:
        key = STATE_KEYS[state]
        btn = button(f"{key}  {state_label(state)}", lambda: self.choose_state(state), key)
        btn.setCheckable(True)
        bold = QFont(btn.font())
        bold.setBold(True)
        btn.setMinimumWidth(QFontMetrics(bold).horizontalAdvance(btn.text()) + 34)
        fill, text = STATE_COLOURS[state]
        btn.setStyleSheet(f"QPushButton {{ padding: 5px 12px; }} QPushButton:checked {{ "
                          f"background: {fill}; color: {text}; font-weight: bold; "
                          f"border: 2px solid #111; border-radius: 3px; }}")
        return btn

    def _style_labels(self) -> None:
        big = QFont(self.book_title.font())
        big.setPointSizeF(big.pointSizeF() * 1.3)
        big.setBold(True)
        self.book_title.setFont(big)
        self.book_title.setWordWrap(True)
        self.mode_label.setFont(big)
        self.mode_label.setMinimumWidth(self.mode_label.fontMetrics().horizontalAdvance(
            _("Mark as: {state}").format(state=state_label(UNUSED))) + 40)
        self.show_mode()

    def _top_rows(self) -> QVBoxLayout:
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Event"), self))
        top.addWidget(self.event_combo, 1)
        top.addWidget(self.switch_button)
        scan_row = QHBoxLayout()
        scan_row.addWidget(QLabel(_("Scan or type"), self))
        scan_row.addWidget(self.scan, 1)
        scan_row.addWidget(self.mode_label)
        self.scan.setPlaceholderText(_("Scan a book label, or type slip numbers: 17, 10-12"))
        rows = QVBoxLayout()
        rows.addLayout(top)
        rows.addLayout(scan_row)
        return rows

    def _key_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        for btn in self.state_buttons.values():
            row.addWidget(btn)
        row.addSpacing(16)
        row.addWidget(self.used_rest_button)
        row.addWidget(self.unused_rest_button)
        row.addSpacing(16)
        row.addWidget(self.undo_button)
        row.addStretch(1)
        return row

    def _book_box(self) -> QWidget:
        box = QWidget(self)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.book_title)
        layout.addWidget(self.grid, 1)
        layout.addWidget(self.legend)
        row = QHBoxLayout()
        row.addWidget(QLabel(_("Enter or double click on a used slip: customer details."), box))
        row.addStretch(1)
        row.addWidget(self.details_button)
        layout.addLayout(row)
        return box

    def _side_box(self) -> QWidget:
        side = QWidget(self)
        merchant_box = QGroupBox(_("Merchant's return"), side)
        layout = QVBoxLayout(merchant_box)
        layout.addWidget(self.panel)
        layout.addWidget(self.close_button)
        steps_box = QGroupBox(_("Steps (newest first)"), side)
        QVBoxLayout(steps_box).addWidget(self.steps)
        layout = QVBoxLayout(side)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(merchant_box)
        layout.addWidget(steps_box, 1)
        return side

    # ------------------------------------------------------------------ feedback

    def show_mode(self) -> None:
        """Show the state the next numbers get, in its colour."""
        state = self._state
        if state is None:
            self.mode_label.setText(_("Choose F1–F4"))
            self.mode_label.setStyleSheet("QLabel { padding: 4px 10px; color: #555; }")
            return
        fill, text = STATE_COLOURS[state]
        self.mode_label.setText(_("Mark as: {state}").format(state=state_label(state)))
        self.mode_label.setStyleSheet(f"QLabel {{ padding: 4px 10px; background: {fill}; "
                                      f"color: {text}; border-radius: 4px; }}")

    def flag(self, message: str) -> None:
        """A refused scan or action: red line and banner, a beep; the text stays selected, so
        the next scan replaces it."""
        self.banner.show_message("error", message)
        self.refused_text = self.scan.text()
        self.scan.set_flagged(True)
        self.scan.selectAll()
        self.scan.setFocus()
        QApplication.beep()

    def warn(self, message: str) -> None:
        """A scan that was done but needs a look (what it opened is entered already): amber
        banner and a beep; the line is cleared for the next scan."""
        self.good(message, "warn")
        QApplication.beep()

    def good(self, message: str, kind: str = "ok") -> None:
        """A scan or action that worked: clears the line and any red flag."""
        self.banner.show_message(kind, message)
        self.scan.set_flagged(False)
        self.scan.clear()
        self.scan.setFocus()

    def _typed_in_grid(self, text: str) -> None:
        self.scan.setFocus()
        self.scan.insert(text)
