"""审计 (finance and administrators): the audit trail, newest first, with filters and the
before/after of the chosen record; verifying the hash chain."""

from __future__ import annotations

import datetime as dt
import json
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.i18n import N_, _
from app.services.admin import audit, users
from app.services.admin.audit import AuditEntry, ChainReport
from app.services.core.permissions import allowed
from app.services.events import events, merchants
from ui.common.area import AreaView
from ui.common.context import UiContext
from ui.common.table_model import RecordTableModel, local_time
from ui.common.widgets import IdComboBox, RecordTable, button, info_label

LIMIT = 1000
DEFAULT_DAYS = 30
ACTIONS = {
    "checkout.issue": N_("Books checked out"), "checkout.extra": N_("Extra books checked out"),
    "checkout.reverse_book": N_("Book taken back"), "estimate.set": N_("Estimate set"),
    "estimate.remove": N_("Estimate removed"), "event.create": N_("Event created"),
    "event.update": N_("Event changed"), "excel.import": N_("Excel import"),
    "merchant.create": N_("Merchant added"), "merchant.update": N_("Merchant changed"),
    "plan.build": N_("Plan built"), "plan.release": N_("Plan released"),
    "plan.set_books": N_("Planned books changed"), "safety.restore": N_("Backup restored"),
    "safety.set_keep": N_("Backups to keep changed"), "series.create": N_("Series created"),
    "settings.update": N_("Settings changed"), "stock.register": N_("Stock registered"),
    "stock.void_registration": N_("Registration voided"),
    "user.change_password": N_("Password changed"), "user.create": N_("User added"),
    "user.login": N_("Logged in"), "user.login_failed": N_("Login failed"),
    "user.login_refused": N_("Login refused (locked out)"),
    "user.reset_password": N_("Password reset"),
    "user.setup_admin": N_("First administrator created"), "user.update": N_("User changed")}
"""Audit action → what it shows as (unknown actions show their code)."""
ENTITIES = {
    "book": N_("Order book"), "checkout": N_("Checkout"), "database": N_("Database"),
    "estimate": N_("Estimate"), "event": N_("Event"), "merchant": N_("Merchant"),
    "series": N_("Series"), "settings": N_("Settings"), "stock_batch": N_("Stock registration"),
    "user": N_("User"), "workbook": N_("Excel workbook")}
"""Audit entity → what kind of record it is, in words."""


class AuditTableModel(RecordTableModel[AuditEntry]):
    """Audit records as list_audit gives them (newest first); event and merchant by name."""

    class Columns(IntEnum):
        SEQ = 0
        AT = 1
        USER = 2
        ACTION = 3
        ENTITY = 4
        ENTITY_ID = 5
        EVENT = 6
        MERCHANT = 7

    headers = {Columns.SEQ: N_("Record no."), Columns.AT: N_("Time"), Columns.USER: N_("User"),
               Columns.ACTION: N_("Action"), Columns.ENTITY: N_("Record type"),
               Columns.ENTITY_ID: N_("Record id"), Columns.EVENT: N_("Event"),
               Columns.MERCHANT: N_("Merchant")}
    number_columns = frozenset({Columns.SEQ})
    widths = {Columns.SEQ: 6, Columns.AT: 14, Columns.USER: 10, Columns.ACTION: 18,
              Columns.ENTITY: 14, Columns.ENTITY_ID: 10, Columns.EVENT: 12,
              Columns.MERCHANT: 14}
    stretch_column = Columns.MERCHANT

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.event_names: dict[str, str] = {}
        self.merchant_names: dict[str, str] = {}

    def value(self, record: AuditEntry, column: Any) -> Any:
        """The cell value."""
        if column == self.Columns.AT:
            return local_time(record.at)
        if column == self.Columns.ACTION:
            return _(ACTIONS[record.action]) if record.action in ACTIONS else record.action
        if column == self.Columns.ENTITY:
            return _(ENTITIES[record.entity]) if record.entity in ENTITIES else record.entity
        if column == self.Columns.EVENT:
            return self.event_names.get(record.event or "", record.event or "")
        if column == self.Columns.MERCHANT:
            return self.merchant_names.get(record.merchant or "", record.merchant or "")
        keys = ("seq", "at", "actor", "action", "entity", "entity_id")
        return getattr(record, keys[int(column)])


def pretty_json(text: str | None) -> str:
    """Stored JSON indented for reading (the text as stored if it is not JSON)."""
    if not text:
        return "—"
    try:
        return json.dumps(json.loads(text), ensure_ascii=False, indent=2, sort_keys=True)
    except ValueError:
        return text


def entry_details(entry: AuditEntry, model: AuditTableModel) -> str:
    """What the details pane shows for one record."""
    columns = AuditTableModel.Columns
    head = _("Record {seq} · {time} · {user}").format(
        seq=entry.seq, time=local_time(entry.at), user=entry.actor)
    what = (f"{model.value(entry, columns.ACTION)} ({entry.action}) · "
            f"{entry.entity} {entry.entity_id}").rstrip()
    lines = [head, what]
    if entry.event:
        lines.append(_("Event: {name}").format(name=model.value(entry, columns.EVENT)))
    if entry.merchant:
        lines.append(_("Merchant: {name}").format(name=model.value(entry, columns.MERCHANT)))
    lines += ["", _("Before:"), pretty_json(entry.before), "", _("After:"),
              pretty_json(entry.after)]
    return "\n".join(lines)


def date_edit(parent: QWidget, value: dt.date) -> QDateEdit:
    """A calendar date field."""
    edit = QDateEdit(QDate(value.year, value.month, value.day), parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


class AuditView(AreaView):
    """Filters above the record list; the chosen record's before/after below."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.model = AuditTableModel(self)
        self.table = RecordTable(self.model, self, with_filter=False)
        self.details = QPlainTextEdit(self)
        self.details.setReadOnly(True)
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.count_label = info_label(wrap=False)
        self._build_filters()
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(self.filters)
        layout.addWidget(self.count_label)
        layout.addWidget(splitter, 1)
        self.setFocusProxy(self.text_edit)
        self.table.selection_changed.connect(self._show_details)
        self.reload()

    def _build_filters(self) -> None:
        today = dt.date.today()
        self.user_combo = QComboBox(self)
        self.user_combo.setEditable(True)
        self.user_combo.setMinimumContentsLength(10)
        self.since_check = QCheckBox(_("From"), self)
        self.since_edit = date_edit(self, today - dt.timedelta(days=DEFAULT_DAYS))
        self.until_check = QCheckBox(_("To"), self)
        self.until_edit = date_edit(self, today)
        self.event_combo = IdComboBox(self)
        self.merchant_combo = IdComboBox(self)
        self.text_edit = QLineEdit(self)
        self.text_edit.setPlaceholderText(_("Book or slip number, name, any text…"))
        self.text_edit.setClearButtonEnabled(True)
        self.search_button = button(_("Search"), self.reload)
        self.verify_button = button(_("Verify audit trail"), self.verify)
        first, second = QHBoxLayout(), QHBoxLayout()
        for label, field, stretch in ((_("User"), self.user_combo, 1),
                                      (_("Event"), self.event_combo, 2),
                                      (_("Merchant"), self.merchant_combo, 2)):
            first.addWidget(QLabel(label))
            first.addWidget(field, stretch)
        for widget in (self.since_check, self.since_edit, self.until_check, self.until_edit,
                       QLabel(_("Text"))):
            second.addWidget(widget)
        second.addWidget(self.text_edit, 1)
        second.addWidget(self.search_button)
        second.addWidget(self.verify_button)
        self.filters = QVBoxLayout()
        self.filters.addLayout(first)
        self.filters.addLayout(second)
        self.text_edit.returnPressed.connect(self.reload)
        self.user_combo.lineEdit().returnPressed.connect(self.reload)
        self.user_combo.activated.connect(lambda _i: self.reload())
        for check in (self.since_check, self.until_check):
            check.toggled.connect(lambda _on: self.reload())
        for edit in (self.since_edit, self.until_edit):
            edit.dateChanged.connect(lambda _d: self._date_changed())
        for combo in (self.event_combo, self.merchant_combo):
            combo.activated.connect(lambda _i: self.reload())

    def _date_changed(self) -> None:
        if self.since_check.isChecked() or self.until_check.isChecked():
            self.reload()

    def filters_now(self) -> dict[str, Any]:
        """Keyword arguments of audit.list_audit from the filter fields."""
        return {"user": self.user_combo.currentText().strip(),
                "since": self.since_edit.date().toPython() if self.since_check.isChecked()
                else None,
                "until": self.until_edit.date().toPython() if self.until_check.isChecked()
                else None,
                "event_id": self.event_combo.current_id() or "",
                "merchant_id": self.merchant_combo.current_id() or "",
                "text": self.text_edit.text().strip(), "limit": LIMIT}

    def reload(self) -> None:
        """Fetch the records matching the filters (nothing for a role that may not)."""
        if not allowed(self.ctx.actor.role, "audit.list"):
            self.table.set_rows([])
            return
        self._load_choices()
        rows = self.ctx.ops.query(self, audit.list_audit, **self.filters_now()).value or []
        self.table.set_rows(rows, keep=lambda e: e.seq)
        text = _("{n} records, newest first.").format(n=f"{len(rows):,}")
        if len(rows) >= LIMIT:
            text = _("The newest {n} records are shown; narrow the filters to see older ones."
                     ).format(n=f"{LIMIT:,}")
        self.count_label.setText(text)
        self._show_details()

    def _load_choices(self) -> None:
        query = self.ctx.ops.query
        event_list = query(self, events.list_events).value or []
        merchant_list = query(self, merchants.list_merchants).value or []
        self.model.event_names = {e.id: e.code for e in event_list}
        self.model.merchant_names = {m.id: m.brand for m in merchant_list}
        self.event_combo.set_items([(_("All events"), "")] + [
            (f"{e.code} {e.name}", e.id) for e in event_list])
        self.merchant_combo.set_items([(_("All merchants"), "")] + [
            (m.brand, m.id) for m in merchant_list])
        names = [""] + self._user_names()
        typed = self.user_combo.currentText()
        if [self.user_combo.itemText(i) for i in range(self.user_combo.count())] != names:
            self.user_combo.blockSignals(True)
            self.user_combo.clear()
            self.user_combo.addItems(names)
            self.user_combo.setCurrentText(typed)
            self.user_combo.blockSignals(False)

    def _user_names(self) -> list[str]:
        if not allowed(self.ctx.actor.role, "users.list"):
            return [self.ctx.actor.username]
        return [u.username for u in self.ctx.ops.query(self, users.list_users).value or []]

    def _show_details(self) -> None:
        entry = self.table.selected()
        self.details.setPlainText(entry_details(entry, self.model) if entry else "")

    def verify(self) -> None:
        """Check the hash chain (see `verify_audit_trail`)."""
        verify_audit_trail(self, self.ctx)


def verify_audit_trail(parent: QWidget | None, ctx: UiContext) -> None:
    """Recompute the audit chain in the background and show the outcome."""
    ctx.ops.run_in_background(parent, _("Verifying the audit trail…"), audit.verify_chain,
                              writes=False, on_success=lambda r: show_chain_report(parent, r))


def chain_report_text(report: ChainReport) -> str:
    """The outcome in words: records and head hash, or the first broken record and why."""
    if report.ok:
        return _("The audit trail is intact.\n\nRecords checked: {n}\nHash of the newest "
                 "record: {hash}").format(n=f"{report.records:,}", hash=report.head_hash)
    return _("The audit trail is broken at record {seq}.\n\n{reason}\n\nRecords before it "
             "that verify: {n}. Records from {seq} on cannot be trusted; keep the file and "
             "ask for help.").format(seq=report.broken_seq, reason=report.message,
                                     n=f"{report.records:,}")


def show_chain_report(parent: QWidget | None, report: ChainReport) -> None:
    """A box with the verification outcome (text selectable, to copy the hash)."""
    icon = QMessageBox.Icon.Information if report.ok else QMessageBox.Icon.Critical
    box = QMessageBox(icon, _("Verify audit trail"), chain_report_text(report),
                      QMessageBox.StandardButton.Ok, parent)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.exec()
    box.deleteLater()
