"""Choosing how book labels are printed: an A4 sheet of labels or single 60×40 mm labels."""

from __future__ import annotations

from PySide6.QtWidgets import QButtonGroup, QRadioButton, QSpinBox, QWidget

from app.i18n import _
from ui.common.settings import LabelPrefs
from ui.common.widgets import SubmitDialog, info_label, tab_chain

MAX_COLUMNS = 6
MAX_ROWS = 20


class LabelOptionsDialog(SubmitDialog):
    """Label layout: sheet grid and first free position, or one label per page."""

    def __init__(self, parent: QWidget | None, prefs: LabelPrefs) -> None:
        super().__init__(parent, _("Print labels"))
        self.a4_radio = QRadioButton(_("A4 label sheet"), self)
        self.single_radio = QRadioButton(_("Single labels 60 × 40 mm (label printer)"), self)
        group = QButtonGroup(self)
        group.addButton(self.a4_radio)
        group.addButton(self.single_radio)
        self.columns = self._spin(1, MAX_COLUMNS, prefs.columns)
        self.rows = self._spin(1, MAX_ROWS, prefs.rows)
        self.first_position = self._spin(1, MAX_COLUMNS * MAX_ROWS, prefs.first_position)
        self.form.addRow(self.a4_radio)
        self.form.addRow(_("Columns"), self.columns)
        self.form.addRow(_("Rows"), self.rows)
        self.form.addRow(_("Start at label no."), self.first_position)
        self.form.addRow(info_label(_("Labels are counted left to right, top to bottom; start "
                                      "further on to reuse a half-used sheet.")))
        self.form.addRow(self.single_radio)
        self.form.addRow(info_label(_("Print at actual size (no scaling) so barcodes scan.")))
        self.columns.valueChanged.connect(self._limit_position)
        self.rows.valueChanged.connect(self._limit_position)
        self.a4_radio.toggled.connect(self._enable_grid)
        (self.single_radio if prefs.mode == "single" else self.a4_radio).setChecked(True)
        self._limit_position()
        self._enable_grid()
        tab_chain(self.a4_radio, self.columns, self.rows, self.first_position,
                  self.single_radio, self.buttons)

    def _spin(self, low: int, high: int, value: int) -> QSpinBox:
        spin = QSpinBox(self)
        spin.setRange(low, high)
        spin.setValue(max(low, min(high, value)))
        return spin

    def _limit_position(self) -> None:
        self.first_position.setMaximum(self.columns.value() * self.rows.value())

    def _enable_grid(self) -> None:
        for spin in (self.columns, self.rows, self.first_position):
            spin.setEnabled(self.a4_radio.isChecked())

    def prefs(self) -> LabelPrefs:
        """The layout chosen."""
        mode = "single" if self.single_radio.isChecked() else "a4"
        return LabelPrefs(mode, self.columns.value(), self.rows.value(),
                          self.first_position.value())
