"""Dialogs after the event: close out a deposit, or reverse a close-out (R3.5); seal void slips
(R3.6); archive the event (R3.7). The chase dialogs are in `chase_dialogs`.

Every dialog here is a `ScannerSafeDialog`: Enter only moves to the next field; OK needs a
click or Ctrl+Enter, so a barcode scanner's Enter never pays, fines or seals anything.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from app.domain.numbers import (
    SeriesFormat,
    format_ranges,
    merge_ranges,
    normalize_text,
    parse_ranges,
    ranges_from_numbers,
)
from app.errors import InputError
from app.i18n import _
from app.services.returns.deposits import DepositStatus
from ui.common.scanner_safe import ScannerSafeDialog
from ui.common.table_model import local_time
from ui.common.widgets import big_label, info_label, payment_combo, value_label

WAITING_LINES = 3


def outcome_text(status: DepositStatus) -> str:
    """What the close-out pays back or claims, in words."""
    if status.shortfall.fen:
        return _("Shortfall owed by the merchant: {amount} (carried to settlement)").format(
            amount=status.shortfall)
    return _("Refund to the merchant: {amount}").format(amount=status.refund)


def close_out_button_text(status: DepositStatus) -> str:
    """The OK button of the close-out: what pressing it pays back or claims."""
    if status.shortfall.fen:
        return _("Close out: shortfall {amount}").format(amount=status.shortfall)
    return _("Close out: refund {amount}").format(amount=status.refund)


class CloseOutDialog(ScannerSafeDialog):
    """Close out a merchant's deposit: refund = deposit − fines, or a shortfall (R3.5)."""

    def __init__(self, parent: QWidget | None, status: DepositStatus, receiver: str = "") -> None:
        super().__init__(parent, _("Close out deposit: {brand}").format(brand=status.brand))
        self.status = status
        self.outcome = big_label(outcome_text(status))
        self.payment = payment_combo(self)
        self.received_by = QLineEdit(receiver, self)
        self.receipt = QLineEdit(self)
        self.receipt.setPlaceholderText(_("Blank: numbered automatically"))
        self.form.addRow(_("Event"), value_label(f"{status.event_code}  {status.event_name}"))
        self.form.addRow(_("Merchant"), value_label(status.brand))
        self.form.addRow(_("Deposit held"), value_label(str(status.deposit)))
        self.form.addRow(_("Fines"), value_label(str(status.fines)))
        self.form.addRow("", self.outcome)
        self.form.addRow(_("Refund method"), self.payment)
        self.form.addRow(_("Received by"), self.received_by)
        self.form.addRow(_("Receipt no."), self.receipt)
        if status.blocker:
            self.form.addRow(info_label(_("Not possible yet: {why}.").format(
                why=status.blocker)))
        self.set_ok_text(close_out_button_text(status))
        self.refuse_codes(self.received_by, _("Received by"))
        self.refuse_codes(self.receipt, _("Receipt no."))
        self.received_by.setFocus()
        self.received_by.selectAll()

    def values(self) -> tuple[str, str, str]:
        """(payment method code, received by, receipt number or '')."""
        return (str(self.payment.currentData()), self.received_by.text().strip(),
                self.receipt.text().strip())


class ReverseCloseOutDialog(ScannerSafeDialog):
    """Take back a close-out made by mistake, with a reason: the refund counts as held again
    and the deposit can be closed out anew (R3.5)."""

    def __init__(self, parent: QWidget | None, status: DepositStatus) -> None:
        super().__init__(parent, _("Reverse close-out: {brand}").format(brand=status.brand))
        self.status = status
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText(_("e.g. closed out before a fine was charged"))
        when = local_time(status.closed_at) if status.closed_at else ""
        self.form.addRow(_("Event"), value_label(f"{status.event_code}  {status.event_name}"))
        self.form.addRow(_("Merchant"), value_label(status.brand))
        self.form.addRow(_("Receipt no."), value_label(status.receipt_no))
        self.form.addRow(_("Closed out"), value_label(f"{when}  {status.closed_by}".strip()))
        self.form.addRow("", big_label(outcome_text(status)))
        self.form.addRow(info_label(reverse_effect_text(status)))
        self.form.addRow(_("Reason"), self.reason)
        self.set_ok_text(_("Reverse close-out"))
        self.reason.setFocus()

    def values(self) -> str:
        """The reason."""
        return self.reason.text().strip()


def reverse_effect_text(status: DepositStatus) -> str:
    """What reversing the close-out does, in words."""
    if status.shortfall.fen:
        money = _("The shortfall of {amount} is no longer carried to settlement.").format(
            amount=status.shortfall)
    elif status.refund.fen:
        money = _("The refund of {amount} counts as held again: take the money back from the "
                  "merchant.").format(amount=status.refund)
    else:
        money = ""
    return " ".join(part for part in (_(
        "Receipt {receipt} stays on record, marked reversed.").format(
        receipt=status.receipt_no), money, _("Afterwards the deposit can be closed out "
                                            "again.")) if part)


def _formats(numbers: list[str]) -> dict[SeriesFormat, list[int]]:
    """Formatted slip numbers (``BJ0000010``) grouped by their series format."""
    out: dict[SeriesFormat, list[int]] = {}
    for number in numbers:
        prefix = number.rstrip("0123456789")
        fmt = SeriesFormat(prefix, len(number) - len(prefix))
        out.setdefault(fmt, []).append(int(number[len(prefix):]))
    return out


def seal_summary(unsealed: list[str], typed: str) -> tuple[int | None, str]:
    """(count, ranges) of what sealing would take: every slip in `unsealed`, or the `typed`
    numbers read in the series of the waiting slips (count None when they cannot be read; the
    service then says why)."""
    groups = _formats(unsealed)
    if not typed.strip():
        parts = [format_ranges(ranges_from_numbers(n), fmt) for fmt, n in groups.items()]
        return len(unsealed), ", ".join(parts)
    text = normalize_text(typed)
    fmts = sorted(groups, key=lambda f: -len(f.prefix))
    picked = [f for f in fmts if text.startswith(f.prefix)] or (fmts if len(fmts) == 1 else [])
    try:
        ranges = parse_ranges(text, picked[0]) if picked else None
    except InputError:
        ranges = None
    if not ranges:
        return None, text
    return sum(len(r) for r in ranges), format_ranges(merge_ranges(ranges), picked[0])


class SealDialog(ScannerSafeDialog):
    """Seal void slips into a batch: every unsealed one, or those typed (R3.6)."""

    def __init__(self, parent: QWidget | None, event_label: str, unsealed: list[str]) -> None:
        super().__init__(parent, _("Seal void slips"))
        self.unsealed = unsealed
        self.seal_no = QLineEdit(self)
        self.seal_no.setPlaceholderText(_("The number on the seal, e.g. F-2026-001"))
        self.numbers = QLineEdit(self)
        self.numbers.setPlaceholderText(_("Blank: all {n} unsealed void slips").format(
            n=len(unsealed)))
        self.note = QLineEdit(self)
        waiting = QPlainTextEdit(", ".join(unsealed) if unsealed else _("none"), self)
        waiting.setReadOnly(True)
        waiting.setTabChangesFocus(True)
        waiting.setFixedHeight(waiting.fontMetrics().lineSpacing() * WAITING_LINES + 12)
        self.form.addRow(_("Event"), value_label(event_label))
        self.form.addRow(_("Waiting to be sealed"), waiting)
        self.form.addRow(_("Seal number"), self.seal_no)
        self.form.addRow(_("Only these slips"), self.numbers)
        self.form.addRow(_("Note"), self.note)
        self.set_ok_text(_("Seal slips…"))
        self.seal_no.setFocus()

    def values(self) -> tuple[str, str, str]:
        """(seal number, slip numbers or '' for all, note)."""
        return (self.seal_no.text().strip(), self.numbers.text().strip(),
                self.note.text().strip())

    def ready(self) -> bool:
        """False (with the problem shown) while the seal number is blank."""
        if self.seal_no.text().strip():
            return True
        self.show_problem(_("Type or scan the number on the seal first."), self.seal_no)
        return False

    def question(self) -> str:
        """The confirmation before sealing: how many slips, which, under which seal."""
        seal_no, typed, _note = self.values()
        count, ranges = seal_summary(self.unsealed, typed)
        if count is None:
            return _("Seal the slips typed under seal {seal}?\n\n{ranges}\n\nSealed slips "
                     "can never change.").format(seal=seal_no, ranges=ranges)
        text = _("Seal {n} void slips under seal {seal}?\n\n{ranges}").format(
            n=count, seal=seal_no, ranges=ranges)
        if not typed:
            text += "\n\n" + _("These are all the void slips waiting to be sealed.")
        return text + "\n\n" + _("Sealed slips can never change.")


class ArchiveDialog(ScannerSafeDialog):
    """Confirm archiving the event, with a note."""

    def __init__(self, parent: QWidget | None, event_label: str, slips: int) -> None:
        super().__init__(parent, _("Archive event"))
        self.note = QLineEdit(self)
        self.note.setPlaceholderText(_("e.g. where the archive bag is kept"))
        self.form.addRow(_("Event"), value_label(event_label))
        self.form.addRow(_("Slips"), value_label(f"{slips:,}"))
        self.form.addRow(info_label(_("Every slip is accounted for. After archiving, no slip "
                                      "of this event can change.")))
        self.form.addRow(_("Note"), self.note)
        self.set_ok_text(_("Archive"))
        self.note.setFocus()

    def values(self) -> str:
        """The note."""
        return self.note.text().strip()
