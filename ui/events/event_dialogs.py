"""Dialogs of the events area: an event's fields, and a merchant's estimate for an event."""

from __future__ import annotations

import datetime as dt
import re

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QDateEdit, QLineEdit, QSpinBox, QWidget

from app.i18n import _
from app.services.events.events import KINDS, MAX_ESTIMATE, EventInfo, kind_label
from app.services.events.merchants import MerchantInfo
from ui.common.widgets import IdComboBox, SubmitDialog, info_label, money_text, value_label

MANAGER_SPLIT = re.compile(r"[,，、;；\s]+")


def split_names(text: str) -> list[str]:
    """'王芳, 李娜' or '王芳、李娜' → ['王芳', '李娜']."""
    return [name for name in MANAGER_SPLIT.split(text.strip()) if name]


def date_edit(parent: QWidget, value: dt.date) -> QDateEdit:
    """A date field with a calendar popup, shown as YYYY-MM-DD."""
    edit = QDateEdit(QDate(value.year, value.month, value.day), parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def to_date(edit: QDateEdit) -> dt.date:
    """The date of a QDateEdit."""
    d = edit.date()
    return dt.date(d.year(), d.month(), d.day())


class EventDialog(SubmitDialog):
    """Code, name, kind, venue, dates, category managers and policy values of an event."""

    def __init__(self, parent: QWidget | None, event: EventInfo | None = None) -> None:
        super().__init__(parent, _("Edit event") if event else _("New event"))
        self.event_info = event
        today = dt.date.today()
        self.code = QLineEdit(self)
        self.code.setPlaceholderText(_("e.g. 2026-SH-01"))
        self.name = QLineEdit(self)
        self.kind = QComboBox(self)
        for code in KINDS:
            self.kind.addItem(kind_label(code), code)
        self.venue = QLineEdit(self)
        self.start = date_edit(self, today)
        self.end = date_edit(self, today)
        self.managers = QLineEdit(self)
        self.managers.setPlaceholderText(_("Names separated by commas, e.g. 王芳, 李娜"))
        self.deposit = QLineEdit(self)
        self.fine = QLineEdit(self)
        self.deposit.setPlaceholderText(_("Blank: the default from Settings"))
        self.fine.setPlaceholderText(_("Blank: the default from Settings"))
        for label, widget in ((_("Event code"), self.code), (_("Event name"), self.name),
                              (_("Kind"), self.kind), (_("Venue"), self.venue),
                              (_("Start date"), self.start), (_("End date"), self.end),
                              (_("Category managers"), self.managers),
                              (_("Deposit per book (¥)"), self.deposit),
                              (_("Fine per missing slip (¥)"), self.fine)):
            self.form.addRow(label, widget)
        self.start.dateChanged.connect(self._keep_end_after_start)
        if event:
            self._fill(event)
        self.code.setFocus()

    def _keep_end_after_start(self, start: QDate) -> None:
        if self.end.date() < start:
            self.end.setDate(start)

    def _fill(self, event: EventInfo) -> None:
        self.code.setText(event.code)
        self.name.setText(event.name)
        self.kind.setCurrentIndex(max(0, self.kind.findData(event.kind)))
        self.venue.setText(event.venue)
        self.start.setDate(QDate(event.start_date.year, event.start_date.month,
                                 event.start_date.day))
        self.end.setDate(QDate(event.end_date.year, event.end_date.month, event.end_date.day))
        self.managers.setText(", ".join(event.managers))
        self.deposit.setText(money_text(event.deposit_per_book))
        self.fine.setText(money_text(event.fine_per_slip))

    def values(self) -> dict[str, object]:
        """Keyword arguments for events.create_event / update_event."""
        return dict(code=self.code.text().strip(), name=self.name.text().strip(),
                    kind=self.kind.currentData(), start_date=to_date(self.start),
                    end_date=to_date(self.end), venue=self.venue.text().strip(),
                    managers=split_names(self.managers.text()),
                    deposit_per_book=self.deposit.text().strip() or None,
                    fine_per_slip=self.fine.text().strip() or None)


class EstimateDialog(SubmitDialog):
    """Put a merchant on an event with its estimated orders, or change the estimate."""

    def __init__(self, parent: QWidget | None, event: EventInfo,
                 choices: list[MerchantInfo] | None = None, brand: str = "",
                 estimate: int = 0) -> None:
        super().__init__(parent, _("Estimated orders: {code}").format(code=event.code))
        self.merchant = IdComboBox(self)
        self.merchant.setEditable(bool(choices))
        self.merchant.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.merchant.setMinimumContentsLength(24)
        if choices:
            self.merchant.set_items([(f"{m.brand}  ({m.category})" if m.category else m.brand,
                                      m.id) for m in choices], keep=False)
            self.merchant.completer().setFilterMode(Qt.MatchFlag.MatchContains)
            self.merchant.completer().setCompletionMode(
                QCompleter.CompletionMode.PopupCompletion)
            self.form.addRow(_("Merchant"), self.merchant)
        else:
            self.form.addRow(_("Merchant"), value_label(brand))
        self.estimate = QSpinBox(self)
        self.estimate.setRange(0, MAX_ESTIMATE)
        self.estimate.setGroupSeparatorShown(True)
        self.estimate.setValue(estimate)
        self.form.addRow(_("Estimated orders"), self.estimate)
        self.form.addRow(info_label(_("Books are planned from this: estimate ÷ slips per book, "
                                      "rounded up, at least one.")))
        (self.merchant if choices else self.estimate).setFocus()
        self.estimate.selectAll()

    def merchant_id(self) -> str | None:
        """The merchant chosen (None when editing a fixed merchant or nothing matches)."""
        if not self.merchant.isEditable():
            return None
        index = self.merchant.findText(self.merchant.currentText())
        return str(self.merchant.itemData(index)) if index >= 0 else None
