"""Table models of the after-event area: reconciliation, chase list, deposits, seals, archive bag.

Each is a RecordTableModel over the plain records the services return (Electrum's Columns
enum); colours only repeat what a column already says in words (overdue, missing, total).
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from app.i18n import N_, _
from app.services.returns.archive import BagLine
from app.services.returns.chase import ChaseItem
from app.services.returns.deposits import DepositStatus
from app.services.returns.reconciliation import Reconciliation, ReconLine
from app.services.returns.seals import SealInfo
from app.services.returns.slips import state_label
from ui.common.table_model import RecordTableModel

Index = QModelIndex | QPersistentModelIndex
WARN_BACKGROUND = "#fde2e1"
WARN_TEXT = "#b71c1c"
DONE_TEXT = "#6d6d6d"
TOTAL_ID = ""
"""merchant_id of the reconciliation's total line."""

RETURN_STATE_LABELS = {"not_started": N_("Not started"), "open": N_("Being checked"),
                       "closed": N_("Closed")}


def return_state_label(state: str) -> str:
    """Translated state of a merchant's return check."""
    return _(RETURN_STATE_LABELS[state]) if state in RETURN_STATE_LABELS else state


def recon_rows(recon: Reconciliation) -> list[ReconLine]:
    """The merchants' lines followed by the total line."""
    return [*recon.lines, ReconLine(TOTAL_ID, _("Total"), "", recon.total, "")]


def deposit_state(status: DepositStatus) -> str:
    """Held (and why), ready to close out, or closed out — in words."""
    if status.closed_out:
        return _("Closed out")
    if status.blocker:
        return _("Held: {why}").format(why=status.blocker)
    return _("Ready to close out")


def chase_state(item: ChaseItem) -> str:
    """Being chased, overdue, or written off — in words."""
    if item.overdue:
        return _("Missing, overdue")
    return state_label(item.state)


class ReconciliationTableModel(RecordTableModel[ReconLine]):
    """Per merchant: issued, used, unused, void, missing, written off, not entered (R3.2)."""

    class Columns(IntEnum):
        BRAND = 0
        MANAGER = 1
        ISSUED = 2
        USED = 3
        UNUSED = 4
        VOID = 5
        MISSING = 6
        WRITTEN_OFF = 7
        NOT_ENTERED = 8
        RETURN = 9

    headers = {Columns.BRAND: N_("Brand"), Columns.MANAGER: N_("Category manager"),
               Columns.ISSUED: N_("Issued"), Columns.USED: N_("Used"),
               Columns.UNUSED: N_("Unused"), Columns.VOID: N_("Void"),
               Columns.MISSING: N_("Missing"), Columns.WRITTEN_OFF: N_("Written off"),
               Columns.NOT_ENTERED: N_("Not entered"), Columns.RETURN: N_("Return check")}
    number_columns = frozenset({Columns.ISSUED, Columns.USED, Columns.UNUSED, Columns.VOID,
                                Columns.MISSING, Columns.WRITTEN_OFF, Columns.NOT_ENTERED})
    stretch_column = Columns.RETURN
    widths = {Columns.BRAND: 18, Columns.MANAGER: 8, Columns.ISSUED: 7, Columns.USED: 7,
              Columns.UNUSED: 7, Columns.VOID: 7, Columns.MISSING: 7, Columns.WRITTEN_OFF: 7,
              Columns.NOT_ENTERED: 7, Columns.RETURN: 8}

    def value(self, record: ReconLine, column: Any) -> Any:
        """The cell value."""
        c, n = self.Columns, record.counts
        return {c.BRAND: record.brand, c.MANAGER: record.category_manager, c.ISSUED: n.issued,
                c.USED: n.used, c.UNUSED: n.unused, c.VOID: n.void, c.MISSING: n.missing,
                c.WRITTEN_OFF: n.written_off, c.NOT_ENTERED: n.not_entered,
                c.RETURN: return_state_label(record.return_state)}[column]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Qt override: the total line in bold; slips still missing or not entered in red."""
        if not index.isValid() or not 0 <= index.row() < self.rowCount():
            return None
        record = self.record(index.row())
        if role == Qt.ItemDataRole.FontRole and record.merchant_id == TOTAL_ID:
            bold = QFont()
            bold.setBold(True)
            return bold
        if role == Qt.ItemDataRole.ForegroundRole and index.column() in (
                self.Columns.MISSING, self.Columns.NOT_ENTERED) and self.value(
                record, self.Columns(index.column())):
            return QBrush(QColor(WARN_TEXT))
        return super().data(index, role)


class ChaseTableModel(RecordTableModel[ChaseItem]):
    """Missing slips on the chase list (R3.3); overdue rows are shaded."""

    class Columns(IntEnum):
        NUMBER = 0
        BRAND = 1
        MANAGER = 2
        DUE = 3
        STATE = 4

    headers = {Columns.NUMBER: N_("Slip number"), Columns.BRAND: N_("Brand"),
               Columns.MANAGER: N_("Category manager"), Columns.DUE: N_("Due date"),
               Columns.STATE: N_("State")}
    stretch_column = Columns.BRAND
    widths = {Columns.NUMBER: 11, Columns.BRAND: 16, Columns.MANAGER: 10, Columns.DUE: 11,
              Columns.STATE: 10}

    def value(self, record: ChaseItem, column: Any) -> Any:
        """The cell value."""
        c = self.Columns
        return {c.NUMBER: record.number, c.BRAND: record.brand, c.MANAGER: record.manager,
                c.DUE: record.due, c.STATE: chase_state(record)}[column]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Qt override: overdue rows shaded red, written-off ones greyed."""
        if not index.isValid() or not 0 <= index.row() < self.rowCount():
            return None
        record = self.record(index.row())
        if role == Qt.ItemDataRole.BackgroundRole and record.overdue:
            return QBrush(QColor(WARN_BACKGROUND))
        if role == Qt.ItemDataRole.ForegroundRole:
            if record.overdue:
                return QBrush(QColor(WARN_TEXT))
            if record.state != "missing":
                return QBrush(QColor(DONE_TEXT))
        return super().data(index, role)


class DepositTableModel(RecordTableModel[DepositStatus]):
    """Each merchant's deposit: held, fines, refund or shortfall, closed out (R3.5)."""

    class Columns(IntEnum):
        BRAND = 0
        DEPOSIT = 1
        FINES = 2
        REFUND = 3
        SHORTFALL = 4
        STATE = 5
        RECEIPT = 6
        CLOSED_AT = 7

    headers = {Columns.BRAND: N_("Brand"), Columns.DEPOSIT: N_("Deposit held"),
               Columns.FINES: N_("Fines"), Columns.REFUND: N_("Refund due"),
               Columns.SHORTFALL: N_("Shortfall owed"), Columns.STATE: N_("State"),
               Columns.RECEIPT: N_("Receipt no."), Columns.CLOSED_AT: N_("Closed out at")}
    number_columns = frozenset({Columns.DEPOSIT, Columns.FINES, Columns.REFUND,
                                Columns.SHORTFALL})
    stretch_column = Columns.STATE
    widths = {Columns.BRAND: 14, Columns.DEPOSIT: 10, Columns.FINES: 10, Columns.REFUND: 10,
              Columns.SHORTFALL: 10, Columns.STATE: 18, Columns.RECEIPT: 15,
              Columns.CLOSED_AT: 15}

    def value(self, record: DepositStatus, column: Any) -> Any:
        """The cell value."""
        c = self.Columns
        final = not record.blocker  # while held, refund and shortfall are not known yet
        return {c.BRAND: record.brand, c.DEPOSIT: record.deposit, c.FINES: record.fines,
                c.REFUND: record.refund if final else None,
                c.SHORTFALL: record.shortfall if final else None,
                c.STATE: deposit_state(record), c.RECEIPT: record.receipt_no,
                c.CLOSED_AT: record.closed_at}[column]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Qt override: a shortfall in red."""
        if (role == Qt.ItemDataRole.ForegroundRole and index.isValid()
                and index.column() == self.Columns.SHORTFALL
                and 0 <= index.row() < self.rowCount()
                and self.record(index.row()).shortfall.fen
                and not self.record(index.row()).blocker):
            return QBrush(QColor(WARN_TEXT))
        return super().data(index, role)


class SealTableModel(RecordTableModel[SealInfo]):
    """The event's seal batches of void slips (R3.6)."""

    class Columns(IntEnum):
        SEAL_NO = 0
        COUNT = 1
        RANGES = 2
        SEALED_BY = 3
        SEALED_AT = 4
        NOTE = 5

    headers = {Columns.SEAL_NO: N_("Seal number"), Columns.COUNT: N_("Slips"),
               Columns.RANGES: N_("Slip numbers"), Columns.SEALED_BY: N_("Sealed by"),
               Columns.SEALED_AT: N_("Sealed at"), Columns.NOTE: N_("Note")}
    number_columns = frozenset({Columns.COUNT})
    stretch_column = Columns.RANGES
    widths = {Columns.SEAL_NO: 12, Columns.COUNT: 5, Columns.RANGES: 28, Columns.SEALED_BY: 8,
              Columns.SEALED_AT: 15, Columns.NOTE: 12}

    def value(self, record: SealInfo, column: Any) -> Any:
        """The cell value."""
        c = self.Columns
        return {c.SEAL_NO: record.seal_no, c.COUNT: record.count, c.RANGES: record.ranges,
                c.SEALED_BY: record.sealed_by, c.SEALED_AT: record.sealed_at,
                c.NOTE: record.note}[column]


class BagLineTableModel(RecordTableModel[BagLine]):
    """What the archive-bag label lists: per brand its slips and book ranges (R3.7)."""

    class Columns(IntEnum):
        BRAND = 0
        SLIPS = 1
        RANGES = 2

    headers = {Columns.BRAND: N_("Brand"), Columns.SLIPS: N_("Slips"),
               Columns.RANGES: N_("Book ranges")}
    number_columns = frozenset({Columns.SLIPS})
    stretch_column = Columns.RANGES
    widths = {Columns.BRAND: 16, Columns.SLIPS: 7, Columns.RANGES: 30}

    def value(self, record: BagLine, column: Any) -> Any:
        """The cell value."""
        c = self.Columns
        return {c.BRAND: record.brand, c.SLIPS: record.slips, c.RANGES: record.ranges}[column]
