"""Chase dialogs (R3.3, R3.4): assign missing slips to a category manager, recover them, write
them off with a fine, reinstate a write-off.

They list one merchant's slips as check boxes (Space ticks one), ticked as chosen in the chase
list, so the count — and the fine it costs — is always exact. Each is a `ScannerSafeDialog`:
Enter only moves to the next field; OK needs a click or Ctrl+Enter.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QWidget,
)

from app.domain.money import Money
from app.domain.returns import RECOVERED_STATES
from app.i18n import _
from app.services.returns.slips import state_label
from ui.common.scanner_safe import ScannerSafeDialog
from ui.common.widgets import big_label, value_label

DEFAULT_DUE_DAYS = 7
LIST_MIN_HEIGHT = 120
MANAGER_CHARS = 12


class SlipChoiceDialog(ScannerSafeDialog):
    """One merchant's slips as check boxes; subclasses add their own fields."""

    def __init__(self, parent: QWidget | None, title: str, brand: str, numbers: list[str],
                 chosen: set[str]) -> None:
        super().__init__(parent, title)
        self.slips = QListWidget(self)
        self.slips.setMinimumHeight(LIST_MIN_HEIGHT)
        for number in numbers:
            item = QListWidgetItem(number, self.slips)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if number in chosen
                               else Qt.CheckState.Unchecked)
        self.count = value_label()
        self.form.addRow(_("Merchant"), value_label(brand))
        self.form.addRow(_("Slip numbers"), self.slips)
        self.form.addRow("", self.count)
        self.slips.itemChanged.connect(lambda _item: self._changed())
        self.slips.setCurrentRow(0)

    def chosen(self) -> list[str]:
        """The ticked slip numbers, in list order."""
        items = (self.slips.item(row) for row in range(self.slips.count()))
        return [i.text() for i in items if i.checkState() == Qt.CheckState.Checked]

    def numbers(self) -> str:
        """The ticked slips as the services read them (``BJ0000017, BJ0000149``)."""
        return ", ".join(self.chosen())

    def _changed(self) -> None:
        self.count.setText(_("{n} slips ticked (Space ticks or unticks one)").format(
            n=len(self.chosen())))


class AssignChaseDialog(SlipChoiceDialog):
    """Name the category manager chasing missing slips, and when they are due (R3.3)."""

    def __init__(self, parent: QWidget | None, brand: str, numbers: list[str],
                 chosen: set[str], managers: list[str], current: str = "") -> None:
        super().__init__(parent, _("Chase missing slips: {brand}").format(brand=brand), brand,
                         numbers, chosen)
        self.manager = QComboBox(self)
        self.manager.setEditable(True)
        self.manager.setMinimumContentsLength(MANAGER_CHARS)
        self.manager.addItems(managers)
        self.manager.setCurrentText(current or (managers[0] if managers else ""))
        self.due = QDateEdit(self)
        self.due.setCalendarPopup(True)
        self.due.setDisplayFormat("yyyy-MM-dd")
        self.due.setDate(QDate.currentDate().addDays(DEFAULT_DUE_DAYS))
        self.form.addRow(_("Category manager"), self.manager)
        self.form.addRow(_("Due date"), self.due)
        line = self.manager.lineEdit()
        if line is not None:
            self.refuse_codes(line, _("Category manager"))
        self._changed()
        self.manager.setFocus()

    def values(self) -> tuple[str, str, dt.date]:
        """(slip numbers, manager, due date)."""
        return self.numbers(), self.manager.currentText().strip(), self.due.date().toPython()


class RecoverDialog(SlipChoiceDialog):
    """Missing slips found again, classified like any returned slip (R3.3)."""

    def __init__(self, parent: QWidget | None, brand: str, numbers: list[str],
                 chosen: set[str]) -> None:
        super().__init__(parent, _("Recovered slips: {brand}").format(brand=brand), brand,
                         numbers, chosen)
        self.state = QComboBox(self)
        for state in RECOVERED_STATES:
            self.state.addItem(state_label(state), state)
        self.form.addRow(_("Came back as"), self.state)
        self._changed()
        self.state.setFocus()

    def values(self) -> tuple[str, str]:
        """(slip numbers, state code: used / unused / void)."""
        return self.numbers(), str(self.state.currentData())


class _ReasonDialog(SlipChoiceDialog):
    """Slips, a reason, and the fine it makes (per slip × ticked slips)."""

    def __init__(self, parent: QWidget | None, title: str, brand: str, numbers: list[str],
                 chosen: set[str], per_slip: Money, fines_now: Money) -> None:
        super().__init__(parent, title, brand, numbers, chosen)
        self.per_slip, self.fines_now = per_slip, fines_now
        self.fine = big_label()
        self.after = value_label()
        self.reason = QLineEdit(self)
        self.form.addRow(_("Reason"), self.reason)
        self.form.addRow(self.fine_title(), self.fine)
        self.form.addRow(_("Fines of the merchant"), self.after)
        self._changed()
        self.reason.setFocus()

    def fine_title(self) -> str:
        """The label of the fine row."""
        raise NotImplementedError

    def change(self) -> Money:
        """How much the merchant's fines change."""
        raise NotImplementedError

    def _changed(self) -> None:
        super()._changed()
        count = len(self.chosen())
        self.fine.setText(f"{count} × {self.per_slip} = {self.per_slip * count}")
        self.after.setText(_("{now} now, {after} afterwards").format(
            now=self.fines_now, after=self.fines_now + self.change()))

    def values(self) -> tuple[str, str]:
        """(slip numbers, reason)."""
        return self.numbers(), self.reason.text().strip()


class WriteOffDialog(_ReasonDialog):
    """Write off missing slips that cannot be recovered; each is fined (R3.4)."""

    def __init__(self, parent: QWidget | None, brand: str, numbers: list[str],
                 chosen: set[str], per_slip: Money, fines_now: Money) -> None:
        super().__init__(parent, _("Write off missing slips: {brand}").format(brand=brand),
                         brand, numbers, chosen, per_slip, fines_now)
        self.reason.setPlaceholderText(_("e.g. lost by the merchant, cannot be recovered"))

    def fine_title(self) -> str:
        """The label of the fine row."""
        return _("Fine")

    def change(self) -> Money:
        """Fines grow by the fine of each ticked slip."""
        return self.per_slip * len(self.chosen())


class ReverseWriteOffDialog(_ReasonDialog):
    """Take back a write-off made by mistake: the slips are missing again, fines reversed."""

    def __init__(self, parent: QWidget | None, brand: str, numbers: list[str],
                 chosen: set[str], per_slip: Money, fines_now: Money) -> None:
        super().__init__(parent, _("Reverse a write-off: {brand}").format(brand=brand),
                         brand, numbers, chosen, per_slip, fines_now)
        self.reason.setPlaceholderText(_("e.g. written off by mistake"))

    def fine_title(self) -> str:
        """The label of the fine row."""
        return _("Fine taken back")

    def change(self) -> Money:
        """Fines shrink by the fine of each ticked slip."""
        return -(self.per_slip * len(self.chosen()))
