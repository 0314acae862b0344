"""One slip number's whole history, from its registration to the archive: which batch registered
it (or skipped it in a gap, R1.3), which book holds it, each checkout and take-back of that book
(R2.2), every return-check entry and undo (R3.1), the chase and recovery (R3.3), write-off,
fine and reversal (R3.4), the seal (R3.6) and the event's archive (R3.7).

Read-only; the lines come from the records each step keeps (and, for chase assignments and
recoveries, from their audit records), in time order.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from app.db.models import (
    AuditLog,
    Book,
    Checkout,
    Event,
    EventArchive,
    Fine,
    IssueReversal,
    Merchant,
    MerchantReturn,
    ReturnStep,
    SealBatch,
    Series,
    Slip,
    StockBatch,
)
from app.domain.money import Money, format_money
from app.domain.numbers import NumberRange, SeriesFormat, normalize_text, parse_number, parse_ranges
from app.domain.returns import MISSING, WRITTEN_OFF
from app.errors import AppError, InputError
from app.i18n import _
from app.services.core.actor import Actor
from app.services.core.base import query
from app.services.core.books import state_label as book_state_label
from app.services.returns.slip_details import SlipInfo, slip_info
from app.services.returns.slips import series_longest_prefix_first, state_label


@dataclass(frozen=True)
class HistoryLine:
    """One thing that happened to the slip."""

    kind: str
    """What kind of thing, for scripts: registered, skipped, registration_voided, issued,
    taken_back, entered, entry_undone, return_closed, chase_assigned, recovered, written_off,
    write_off_reversed, details, sealed, archived."""
    at: dt.datetime | None
    """When (UTC)."""
    what: str
    """What happened, in the user's language."""
    by: str
    """Who did it (user name; for a checkout, the clerk)."""


@dataclass(frozen=True)
class SlipHistory:
    """Where a slip number stands and how it got there."""

    number: str
    """The full slip number, e.g. ``BJ0000088``."""
    state: str
    """not_registered / in_stock / planned / issued (no return entered yet) / used / unused /
    void / missing / written_off."""
    state_label: str
    book: str
    """The code of the book holding it (empty when no registered book does)."""
    event_code: str
    brand: str
    details: SlipInfo | None
    """The entered slip with its customer details (None before the return check)."""
    lines: tuple[HistoryLine, ...]


def _series_and_number(text: str) -> tuple[Series, int]:
    typed = normalize_text(text)
    for series in series_longest_prefix_first():
        if typed.startswith(series.prefix):
            return series, parse_number(typed, SeriesFormat(series.prefix, series.digits))
    raise InputError(_("Type the full slip number with its prefix, e.g. BJ0000017."))


def _registration(series: Series, n: int, fmt: SeriesFormat) -> list[HistoryLine]:
    lines = []
    holding = StockBatch.select().where(
        (StockBatch.series == series)
        & (((StockBatch.first_no <= n) & (StockBatch.last_no >= n))
           | ((StockBatch.gap_first <= n) & (StockBatch.gap_last >= n))))
    for batch in holding.order_by(StockBatch.registered_at):
        span = fmt.format_range(NumberRange(batch.first_no, batch.last_no))
        if batch.first_no <= n <= batch.last_no:
            lines.append(HistoryLine("registered", batch.registered_at, _(
                "Registered as blank stock in {range}.").format(range=span),
                batch.registered_by))
        else:
            lines.append(HistoryLine("skipped", batch.registered_at, _(
                "Skipped in a gap when {range} was registered: {reason}").format(
                range=span, reason=batch.gap_reason or ""), batch.registered_by))
        if batch.voided_at is not None:
            lines.append(HistoryLine("registration_voided", batch.voided_at, _(
                "Registration voided: {reason}").format(reason=batch.void_reason or ""),
                batch.voided_by or ""))
    return lines


def _issue(checkout: Checkout) -> HistoryLine:
    return HistoryLine("issued", checkout.signed_at, _(
        "Issued to {brand} for event {code} (receipt {receipt}, signed by {signer}).").format(
        brand=Merchant.get_by_id(checkout.merchant_id).brand,
        code=Event.get_by_id(checkout.event_id).code, receipt=checkout.receipt_no,
        signer=checkout.signed_by), checkout.clerk)


def _checkouts(book: Book) -> list[HistoryLine]:
    lines = []
    for reversal in IssueReversal.select().where(IssueReversal.book == book):
        lines.append(_issue(Checkout.get_by_id(reversal.checkout_id)))
        lines.append(HistoryLine("taken_back", reversal.at, _(
            "Book taken back to stock: {reason}").format(reason=reversal.reason), reversal.by))
    if book.checkout_id:
        lines.append(_issue(Checkout.get_by_id(book.checkout_id)))
    return lines


def _steps(event_id: str, merchant_id: str, series_id: str, number: int,
           was_missing: bool) -> list[HistoryLine]:
    """Return-check entries of the number (undone ones too: undoing a first entry deletes its
    slip row, not the step), and the return's close."""
    ret = MerchantReturn.get_or_none((MerchantReturn.event == event_id)
                                     & (MerchantReturn.merchant == merchant_id))
    if ret is None:
        return []
    lines = []
    for step in ReturnStep.select().where((ReturnStep.merchant_return == ret)
                                          & (ReturnStep.series == series_id)):
        if not any(n == number for n, _prev in json.loads(step.changes)):
            continue
        how = _("all remaining of the book") if step.action == "remaining" else _("typed")
        lines.append(HistoryLine("entered", step.at, _(
            "Return check: entered as {state} ({how}).").format(
            state=state_label(step.state), how=how), step.by))
        if step.undone_at is not None:
            lines.append(HistoryLine("entry_undone", step.undone_at, _("That entry was undone."),
                                     step.undone_by or ""))
    if ret.closed_at is not None:
        lines.append(_closed(ret, was_missing))
    return lines


def _closed(ret: MerchantReturn, was_missing: bool) -> HistoryLine:
    closing = AuditLog.select().where((AuditLog.action == "returns.close")
                                      & (AuditLog.entity_id == ret.id)).order_by(
        AuditLog.seq.desc()).first()
    manager = json.loads(closing.after or "{}").get("chase_manager") if closing else None
    what = (_("The merchant's return was closed; the slip went on the chase list of "
              "{manager}.").format(manager=manager) if was_missing and manager
            else _("The merchant's return was closed."))
    return HistoryLine("return_closed", ret.closed_at, what, ret.closed_by or "")


def _mentions(record: AuditLog, slip: Slip, fmt: SeriesFormat) -> bool:
    try:
        text = json.loads(record.after or "{}").get("slips", "")
        return any(slip.number in r for r in parse_ranges(text, fmt))
    except (AppError, ValueError, AttributeError):
        return False


def _chase(slip: Slip, fmt: SeriesFormat) -> list[HistoryLine]:
    lines = []
    records = AuditLog.select().where(
        (AuditLog.event == slip.event_id) & (AuditLog.merchant == slip.merchant_id)
        & AuditLog.action.in_(["chase.assign", "chase.recover"]))
    for record in records.order_by(AuditLog.seq):
        if not _mentions(record, slip, fmt):
            continue
        after = json.loads(record.after or "{}")
        if record.action == "chase.assign":
            kind, what = "chase_assigned", _("Chase: assigned to {manager}, due {due}.").format(
                manager=after.get("manager", ""), due=after.get("due") or "-")
        else:
            kind, what = "recovered", _("Recovered as {state}.").format(
                state=state_label(after.get("state", "")))
        lines.append(HistoryLine(kind, record.at, what, record.actor))
    return lines


def _fines(slip: Slip) -> list[HistoryLine]:
    lines = []
    for fine in Fine.select().where(Fine.slip == slip):
        amount = Money(fine.amount_fen)
        kind, what = (("written_off", _("Written off and fined {amount}: {reason}"))
                      if fine.amount_fen > 0 else
                      ("write_off_reversed", _("Write-off reversed ({amount}): {reason}")))
        lines.append(HistoryLine(kind, fine.at, what.format(amount=format_money(amount),
                                                            reason=fine.reason), fine.by))
    return lines


def _details(slip: Slip) -> list[HistoryLine]:
    lines = []
    for record in AuditLog.select().where((AuditLog.action == "returns.slip_details")
                                          & (AuditLog.entity_id == slip.id)).order_by(
            AuditLog.seq):
        after = json.loads(record.after or "{}")
        deal, deposit = after.get("deal_fen"), after.get("deposit_fen")
        lines.append(HistoryLine("details", record.at, _(
            "Customer details: {customer} {phone}, deal {deal}, deposit {deposit}.").format(
            customer=after.get("customer") or "-", phone=after.get("phone") or "-",
            deal=format_money(Money(deal)) if deal is not None else "-",
            deposit=format_money(Money(deposit)) if deposit is not None else "-"),
            record.actor))
    return lines


def _closing(slip: Slip) -> list[HistoryLine]:
    lines = []
    if slip.seal_id:
        seal = SealBatch.get_by_id(slip.seal_id)
        lines.append(HistoryLine("sealed", seal.sealed_at, _(
            "Sealed in seal batch {seal}.").format(seal=seal.seal_no), seal.sealed_by))
    archive = EventArchive.get_or_none(EventArchive.event == slip.event_id)
    if archive is not None:
        lines.append(HistoryLine("archived", archive.at, _("The event was archived."),
                                 archive.by))
    return lines


def _when(line: HistoryLine) -> dt.datetime:
    return line.at or dt.datetime.min


@query("returns.slip_history")
def slip_history(actor: Actor, number: str) -> SlipHistory:
    """Everything recorded about one slip number, oldest first.

    Raises:
        InputError: not a full slip number of a known series.
    """
    if not isinstance(number, str):
        raise InputError(_("Type the full slip number with its prefix, e.g. BJ0000017."))
    series, n = _series_and_number(number)
    fmt = SeriesFormat(series.prefix, series.digits)
    lines = _registration(series, n, fmt)
    book = Book.get_or_none((Book.series == series) & (Book.first_no <= n) & (Book.last_no >= n))
    slip = Slip.get_or_none((Slip.series == series) & (Slip.number == n))
    state, code, event, brand = "not_registered", "", "", ""
    if book is not None:
        lines += _checkouts(book)
        state = book.state
        code = fmt.book_code(NumberRange(book.first_no, book.last_no))
        event = Event.get_by_id(book.event_id).code if book.event_id else ""
        brand = Merchant.get_by_id(book.merchant_id).brand if book.merchant_id else ""
        if book.event_id and book.merchant_id and slip is None:
            lines += _steps(book.event_id, book.merchant_id, series.id, n, False)
    label = book_state_label(state) if state != "not_registered" else _("Not registered")
    if slip is not None:
        was_missing = slip.recovered or slip.state in (MISSING, WRITTEN_OFF)
        lines += (_steps(slip.event_id, slip.merchant_id, series.id, n, was_missing)
                  + _chase(slip, fmt) + _fines(slip) + _details(slip) + _closing(slip))
        state, label = slip.state, state_label(slip.state)
    return SlipHistory(fmt.format(n), state, label, code, event, brand,
                       slip_info(slip) if slip is not None else None,
                       tuple(sorted(lines, key=_when)))
