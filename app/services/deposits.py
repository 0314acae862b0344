"""Deposit close-out after the return (R3.5): held while a slip is missing; then refund =
deposit − fines, or a shortfall the merchant owes, carried to settlement (R6.6)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from app.db.models import DepositCloseOut, DepositEntry, Event, Fine, Merchant, Slip
from app.domain.money import Money
from app.domain.returns import CLOSED, MISSING, close_out
from app.errors import Conflict
from app.i18n import _
from app.services.base import Actor, audit, query, require_text, service
from app.services.checkout import _check_payment, payment_label
from app.services.events import event_row
from app.services.returns import merchant_counts, merchant_row, return_row


@dataclass(frozen=True)
class DepositStatus:
    """Where a merchant's deposit for an event stands."""

    event_id: str
    event_code: str
    event_name: str
    merchant_id: str
    brand: str
    company: str
    deposit: Money
    """Held now: taken at checkout less books taken back (before any close-out)."""
    fines: Money
    missing: int
    """Slips still missing: while above 0 the deposit is held."""
    return_closed: bool
    not_entered: int
    """Issued slips without a state (extra books after the close): the deposit is held."""
    refund: Money
    shortfall: Money
    closed_out: bool
    receipt_no: str
    payment_method: str
    received_by: str
    closed_by: str
    closed_at: dt.datetime | None
    """UTC."""

    @property
    def blocker(self) -> str:
        """Why it cannot be closed out now ('' when it can, or it is done)."""
        if self.closed_out:
            return ""
        if not self.return_closed:
            return _("the return is not closed")
        if self.missing:
            return _("{n} slips still missing").format(n=self.missing)
        if self.not_entered:
            return _("{n} issued slips not entered in the return check").format(
                n=self.not_entered)
        return ""


def _held(event: Event, merchant: Merchant) -> Money:
    total = (DepositEntry.select(fn.SUM(DepositEntry.amount_fen))
             .where((DepositEntry.event == event) & (DepositEntry.merchant == merchant)
                    & (DepositEntry.kind != "refunded")).scalar())
    return Money(int(total or 0))


def _fines(event: Event, merchant: Merchant) -> Money:
    total = Fine.select(fn.SUM(Fine.amount_fen)).where(
        (Fine.event == event) & (Fine.merchant == merchant)).scalar()
    return Money(int(total or 0))


def deposit_status(event: Event, merchant: Merchant) -> DepositStatus:
    """The DepositStatus of a merchant at an event."""
    done = DepositCloseOut.get_or_none((DepositCloseOut.event == event)
                                       & (DepositCloseOut.merchant == merchant))
    deposit, fines = _held(event, merchant), _fines(event, merchant)
    missing = Slip.select().where((Slip.event == event) & (Slip.merchant == merchant)
                                  & (Slip.state == MISSING)).count()
    ret = return_row(event, merchant)
    if done is not None:
        refund, shortfall = Money(done.refund_fen), Money(done.shortfall_fen)
        deposit, fines = Money(done.deposit_fen), Money(done.fines_fen)
    else:
        result = close_out(deposit, fines)
        refund, shortfall = result.refund, result.shortfall
    return DepositStatus(
        event.id, event.code, event.name, merchant.id, merchant.brand, merchant.company,
        deposit, fines, missing, ret is not None and ret.state == CLOSED,
        merchant_counts(event.id, merchant.id).not_entered, refund, shortfall,
        done is not None, done.receipt_no if done else "", done.payment_method if done else "",
        done.received_by if done else "", done.by if done else "", done.at if done else None)


@query("deposits.status")
def get_deposit_status(actor: Actor, event_id: str, merchant_id: str) -> DepositStatus:
    """A merchant's deposit, fines and what a close-out would pay back or claim."""
    return deposit_status(event_row(event_id), merchant_row(merchant_id))


@query("deposits.list")
def list_deposit_status(actor: Actor, event_id: str) -> list[DepositStatus]:
    """Every merchant holding a deposit at the event (or whose deposit was closed out), by
    brand."""
    event = event_row(event_id)
    ids = {m for (m,) in DepositEntry.select(DepositEntry.merchant).where(
        (DepositEntry.event == event) & (DepositEntry.kind != "refunded"))
        .group_by(DepositEntry.merchant).having(fn.SUM(DepositEntry.amount_fen) > 0).tuples()}
    ids |= {m for (m,) in DepositCloseOut.select(DepositCloseOut.merchant).where(
        DepositCloseOut.event == event).tuples()}
    rows = Merchant.select().where(Merchant.id.in_(list(ids))) if ids else []
    return sorted((deposit_status(event, m) for m in rows), key=lambda s: s.brand)


@service("deposits.close_out")
def close_out_deposit(actor: Actor, event_id: str, merchant_id: str, payment_method: str,
                      received_by: str, receipt_no: str = "") -> DepositStatus:
    """Close out the merchant's deposit: refund deposit − fines, or record the shortfall the
    merchant owes (R3.5).

    Raises:
        InputError: bad payment method or receiver. Conflict: the return is not closed, a slip
            is still missing, or it is already closed out.
    """
    event, merchant = event_row(event_id), merchant_row(merchant_id)
    status = deposit_status(event, merchant)
    if status.closed_out:
        raise Conflict(_("The deposit of {brand} for {code} is already closed out.").format(
            brand=merchant.brand, code=event.code))
    if status.blocker:
        raise Conflict(_("The deposit of {brand} is held: {why}.").format(
            brand=merchant.brand, why=status.blocker))
    method = _check_payment(payment_method)
    receiver = require_text(received_by, _("Received by"), 50,
                            allow_empty=status.refund.fen == 0)
    receipt = _receipt(event, require_text(receipt_no, _("Receipt number"), 40,
                                           allow_empty=True))
    row = DepositCloseOut.create(
        event=event, merchant=merchant, deposit_fen=status.deposit.fen,
        fines_fen=status.fines.fen, refund_fen=status.refund.fen,
        shortfall_fen=status.shortfall.fen, receipt_no=receipt, payment_method=method,
        received_by=receiver, by=actor.username)
    if status.refund.fen:
        DepositEntry.create(event=event, merchant=merchant, kind="refunded",
                            amount_fen=-status.refund.fen, note=receipt, by=actor.username)
    audit("deposits.close_out", "deposit_close_out", row.id, event=event.id,
          merchant=merchant.id,
          after={"deposit_fen": status.deposit.fen, "fines_fen": status.fines.fen,
                 "refund_fen": status.refund.fen, "shortfall_fen": status.shortfall.fen,
                 "receipt_no": receipt, "payment_method": payment_label(method),
                 "received_by": receiver})
    return deposit_status(event, merchant)


def _receipt(event: Event, typed: str) -> str:
    if typed:
        if DepositCloseOut.select().where(DepositCloseOut.receipt_no == typed).exists():
            raise Conflict(_("Receipt number {no} is already used.").format(no=typed))
        return typed
    n = DepositCloseOut.select().where(DepositCloseOut.event == event).count() + 1
    while DepositCloseOut.select().where(
            DepositCloseOut.receipt_no == f"{event.code}-T{n:04d}").exists():
        n += 1
    return f"{event.code}-T{n:04d}"


def shortfall_owed(merchant_id: str) -> Money:
    """Fines not covered by deposits, over all events: offset in settlement (R6.6)."""
    total = DepositCloseOut.select(fn.SUM(DepositCloseOut.shortfall_fen)).where(
        DepositCloseOut.merchant == merchant_id).scalar()
    return Money(int(total or 0))
