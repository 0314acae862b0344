"""Deposit close-out after the return (R3.5): held while a slip is missing; then refund =
deposit − fines, or a shortfall the merchant owes, carried to settlement (R6.6)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from app.db.models import (
    DepositCloseOut,
    DepositEntry,
    Event,
    Fine,
    Merchant,
    MerchantReturn,
    Slip,
    utcnow,
)
from app.domain.money import Money
from app.domain.payments import check_payment_method, payment_label
from app.domain.returns import CLOSED, MISSING, close_out
from app.errors import Conflict
from app.i18n import _
from app.services.core.actor import Actor
from app.services.core.base import audit, concurrent_change, query, require_text, service
from app.services.events.events import event_row, is_archived, refuse_if_archived
from app.services.returns.slips import merchant_row


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


_REFUND_KINDS = ("refunded", "refund_reversed")
"""Deposit movements of a close-out and its reversal; what is held excludes them."""


@dataclass(frozen=True)
class _Facts:
    """What the deposit statuses of an event rest on, read with one grouped query each."""

    held: dict[str, int]
    fines: dict[str, int]
    missing: dict[str, int]
    not_entered: dict[str, int]
    closed: set[str]
    close_outs: dict[str, DepositCloseOut]


def _grouped(query) -> dict[str, int]:
    return {m: int(n or 0) for m, n in query.tuples()}


def _facts(event: Event, merchant: Merchant | None = None) -> _Facts:
    """Read the facts for the event (for one merchant when given)."""
    from app.services.returns.reconciliation import issued_per_merchant

    def only(model):
        return (model.merchant == merchant) if merchant is not None else True

    held = _grouped(DepositEntry.select(DepositEntry.merchant, fn.SUM(DepositEntry.amount_fen))
                    .where((DepositEntry.event == event) & only(DepositEntry)
                           & DepositEntry.kind.not_in(_REFUND_KINDS))
                    .group_by(DepositEntry.merchant))
    fines = _grouped(Fine.select(Fine.merchant, fn.SUM(Fine.amount_fen))
                     .where((Fine.event == event) & only(Fine)).group_by(Fine.merchant))
    entered: dict[str, int] = {}
    missing: dict[str, int] = {}
    for m, state, n in (Slip.select(Slip.merchant, Slip.state, fn.COUNT(Slip.id))
                        .where((Slip.event == event) & only(Slip))
                        .group_by(Slip.merchant, Slip.state).tuples()):
        entered[m] = entered.get(m, 0) + int(n)
        if state == MISSING:
            missing[m] = int(n)
    issued = issued_per_merchant(event)
    not_entered = {m: n - entered.get(m, 0) for m, n in issued.items()}
    closed = {m for (m,) in MerchantReturn.select(MerchantReturn.merchant).where(
        (MerchantReturn.event == event) & (MerchantReturn.state == CLOSED)
        & only(MerchantReturn)).tuples()}
    close_outs = {c.merchant_id: c for c in DepositCloseOut.select().where(
        (DepositCloseOut.event == event) & DepositCloseOut.reversed_at.is_null()
        & only(DepositCloseOut))}
    return _Facts(held, fines, missing, not_entered, closed, close_outs)


def deposit_status(event: Event, merchant: Merchant, facts: _Facts | None = None
                   ) -> DepositStatus:
    """The DepositStatus of a merchant at an event."""
    facts = facts or _facts(event, merchant)
    done = facts.close_outs.get(merchant.id)
    if done is not None:
        deposit, fines = Money(done.deposit_fen), Money(done.fines_fen)
        refund, shortfall = Money(done.refund_fen), Money(done.shortfall_fen)
    else:
        deposit = Money(facts.held.get(merchant.id, 0))
        fines = Money(facts.fines.get(merchant.id, 0))
        result = close_out(deposit, fines)
        refund, shortfall = result.refund, result.shortfall
    return DepositStatus(
        event.id, event.code, event.name, merchant.id, merchant.brand, merchant.company,
        deposit, fines, facts.missing.get(merchant.id, 0), merchant.id in facts.closed,
        facts.not_entered.get(merchant.id, 0), refund, shortfall,
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
    facts = _facts(event)
    ids = _needing_close_out(facts) | set(facts.close_outs)
    rows = Merchant.select().where(Merchant.id.in_(list(ids))) if ids else []
    return sorted((deposit_status(event, m, facts) for m in rows), key=lambda s: s.brand)


def _needing_close_out(facts: _Facts) -> set[str]:
    """Merchants holding a deposit or owing fines: their deposit is closed out (refund or
    shortfall) before the event is archived, so no fine is lost even at a ¥0 deposit."""
    return ({m for m, n in facts.held.items() if n > 0}
            | {m for m, n in facts.fines.items() if n > 0})


def awaiting_close_out(event: Event) -> list[str]:
    """Brands whose deposit still waits for a close-out (an archive blocker), sorted."""
    facts = _facts(event)
    waiting = list(_needing_close_out(facts) - set(facts.close_outs))
    if not waiting:
        return []
    return sorted(b for (b,) in Merchant.select(Merchant.brand).where(
        Merchant.id.in_(waiting)).tuples())


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
    refuse_if_archived(event)
    status = deposit_status(event, merchant)
    if status.closed_out:
        raise Conflict(_("The deposit of {brand} for {code} is already closed out.").format(
            brand=merchant.brand, code=event.code))
    if status.blocker:
        raise Conflict(_("The deposit of {brand} is held: {why}.").format(
            brand=merchant.brand, why=status.blocker))
    method = check_payment_method(payment_method)
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
        (DepositCloseOut.merchant == merchant_id) & DepositCloseOut.reversed_at.is_null()
    ).scalar()
    return Money(int(total or 0))


@service("deposits.reverse_close_out")
def reverse_close_out(actor: Actor, event_id: str, merchant_id: str, reason: str
                      ) -> DepositStatus:
    """Reverse a close-out made by mistake: the refund paid is booked back as held, the
    close-out stays on record marked reversed, and the deposit can be closed out again.

    Raises:
        InputError: no reason. Conflict: not closed out, or the event is archived.
    """
    event, merchant = event_row(event_id), merchant_row(merchant_id)
    why = require_text(reason, _("Reason"), 500)
    if is_archived(event):
        raise Conflict(_("Event {code} is archived; its deposits cannot change.").format(
            code=event.code))
    done = DepositCloseOut.get_or_none((DepositCloseOut.event == event)
                                       & (DepositCloseOut.merchant == merchant)
                                       & DepositCloseOut.reversed_at.is_null())
    if done is None:
        raise Conflict(_("The deposit of {brand} for {code} is not closed out.").format(
            brand=merchant.brand, code=event.code))
    updated = DepositCloseOut.update(reversed_by=actor.username, reversed_at=utcnow(),
                                     reversal_reason=why).where(
        (DepositCloseOut.id == done.id) & DepositCloseOut.reversed_at.is_null()).execute()
    if updated != 1:
        raise concurrent_change()
    if done.refund_fen:
        DepositEntry.create(event=event, merchant=merchant, kind="refund_reversed",
                            amount_fen=done.refund_fen, note=done.receipt_no, by=actor.username)
    audit("deposits.reverse_close_out", "deposit_close_out", done.id, event=event.id,
          merchant=merchant.id,
          before={"receipt_no": done.receipt_no, "refund_fen": done.refund_fen,
                  "shortfall_fen": done.shortfall_fen},
          after={"reversed": True, "reason": why})
    return deposit_status(event, merchant)
