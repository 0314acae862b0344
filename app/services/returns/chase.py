"""Missing slips: the chase list per category manager, recovery and write-off with fines
(R3.3–R3.4)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.db.models import (
    DepositCloseOut,
    Event,
    Fine,
    Merchant,
    Series,
    Slip,
    utcnow,
)
from app.domain.money import Money
from app.domain.numbers import format_ranges, ranges_from_numbers
from app.domain.returns import CLOSED, MISSING, RECOVERED_STATES, WRITTEN_OFF
from app.errors import Conflict, InputError
from app.i18n import _
from app.services.core.actor import Actor
from app.services.core.base import audit, query, require_text, service
from app.services.events.events import event_row, is_archived, parse_date
from app.services.returns.slips import (
    entered_slips,
    fmt_of,
    merchant_row,
    resolve_numbers,
    return_row,
    short,
    state_label,
)


@dataclass(frozen=True)
class ChaseItem:
    """One missing slip on the chase list (追回清单)."""

    slip_id: str
    number: str
    event_id: str
    event_code: str
    merchant_id: str
    brand: str
    manager: str
    due: dt.date | None
    overdue: bool
    state: str
    """``missing`` (being chased) or ``written_off``."""


@dataclass(frozen=True)
class MerchantFines:
    """A merchant's fines for one event (R3.4)."""

    event_id: str
    merchant_id: str
    slips: tuple[str, ...]
    """The written-off slip numbers."""
    per_slip: Money
    total: Money


def _slips_in_state(event: Event, merchant: Merchant, text: str, states: tuple[str, ...],
                    series_id: str | None, verb: str) -> tuple[Series, list[Slip]]:
    """The typed slips, each of which must be in one of `states`.

    Raises:
        Conflict: a slip not entered, or in another state (named, with its state).
    """
    series, numbers, _books = resolve_numbers(event, merchant, text, series_id)
    rows = entered_slips(series, numbers)
    fmt = fmt_of(series)
    wrong = [rows[n] for n in numbers if rows[n].state not in states]
    if wrong:
        raise Conflict(_("{numbers} cannot be {verb}: {first} is {state}.").format(
            numbers=short((r.number for r in wrong), fmt), verb=verb,
            first=fmt.format(wrong[0].number), state=state_label(wrong[0].state)))
    return series, [rows[n] for n in numbers]


def _require_closed_return(event: Event, merchant: Merchant) -> None:
    if is_archived(event):
        raise Conflict(_("Event {code} is archived; its slips cannot change.").format(
            code=event.code))
    ret = return_row(event, merchant)
    if ret is None or ret.state != CLOSED:
        raise Conflict(_("Close the return of {brand} first; until then correct slips in the "
                         "return check.").format(brand=merchant.brand))


def _not_closed_out(event: Event, merchant: Merchant) -> None:
    if DepositCloseOut.select().where((DepositCloseOut.event == event)
                                      & (DepositCloseOut.merchant == merchant)
                                      & DepositCloseOut.reversed_at.is_null()).exists():
        raise Conflict(_("The deposit of {brand} for {code} is already closed out.").format(
            brand=merchant.brand, code=event.code))


@query("chase.list")
def chase_list(actor: Actor, event_id: str | None = None, manager: str | None = None,
               include_written_off: bool = False) -> list[ChaseItem]:
    """Missing slips being chased (R3.3), by manager, due date and number."""
    states = (MISSING, WRITTEN_OFF) if include_written_off else (MISSING,)
    rows = Slip.select().where(Slip.state.in_(states))
    if event_id:
        rows = rows.where(Slip.event == event_row(event_id))
    if manager:
        rows = rows.where(Slip.chase_manager == manager)
    events = {e.id: e.code for e in Event.select(Event.id, Event.code)}
    brands = dict(Merchant.select(Merchant.id, Merchant.brand).tuples())
    series = {s.id: fmt_of(s) for s in Series.select()}
    today = dt.date.today()
    items = [ChaseItem(r.id, series[r.series_id].format(r.number), r.event_id,
                       events[r.event_id], r.merchant_id, brands[r.merchant_id],
                       r.chase_manager, r.chase_due,
                       r.state == MISSING and r.chase_due is not None and r.chase_due < today,
                       r.state)
             for r in rows]
    return sorted(items, key=lambda i: (i.manager, i.event_code, i.brand, i.number))


@service("chase.assign")
def assign_chase(actor: Actor, event_id: str, merchant_id: str, numbers: str, manager: str,
                 due: object) -> int:
    """Name the category manager chasing missing slips and the date they are due (R3.3).

    Raises:
        InputError: empty manager or bad date. Conflict: a slip that is not missing.
    """
    event, merchant = event_row(event_id), merchant_row(merchant_id)
    name = require_text(manager, _("Category manager"), 50)
    due_date = parse_date(due, _("Due date"))
    series, rows = _slips_in_state(event, merchant, numbers, (MISSING,), None, _("chased"))
    ids = [r.id for r in rows]
    Slip.update(chase_manager=name, chase_due=due_date, updated_by=actor.username,
                updated_at=utcnow()).where(Slip.id.in_(ids)).execute()
    audit("chase.assign", "slip", ids[0], event=event.id, merchant=merchant.id,
          before={"manager": rows[0].chase_manager, "due": rows[0].chase_due},
          after={"slips": _ranges(series, rows), "manager": name, "due": due_date})
    return len(rows)


@service("chase.recover")
def recover_slips(actor: Actor, event_id: str, merchant_id: str, numbers: str,
                  state: str) -> int:
    """Missing slips found again, classified like any returned slip (R3.3).

    Raises:
        InputError: state not used/unused/void. Conflict: a slip not missing (e.g. written
            off: reverse the write-off first), or the return not closed.
    """
    if state not in RECOVERED_STATES:
        raise InputError(_("A recovered slip is used, unused or void."))
    event, merchant = event_row(event_id), merchant_row(merchant_id)
    _require_closed_return(event, merchant)
    series, rows = _slips_in_state(event, merchant, numbers, (MISSING,), None, _("recovered"))
    ids = [r.id for r in rows]
    Slip.update(state=state, recovered=True, updated_by=actor.username,
                updated_at=utcnow()).where(Slip.id.in_(ids)).execute()
    audit("chase.recover", "slip", ids[0], event=event.id, merchant=merchant.id,
          before={"state": MISSING}, after={"slips": _ranges(series, rows), "state": state})
    return len(rows)


@service("chase.write_off")
def write_off(actor: Actor, event_id: str, merchant_id: str, numbers: str,
              reason: str) -> MerchantFines:
    """Write off missing slips that cannot be recovered; each is fined the event's policy value
    (R3.4).

    Raises:
        InputError: no reason. Conflict: a slip not missing (recovered or already written
            off), the return not closed, or the deposit already closed out.
    """
    event, merchant = event_row(event_id), merchant_row(merchant_id)
    why = require_text(reason, _("Reason"), 500)
    _require_closed_return(event, merchant)
    _not_closed_out(event, merchant)
    series, rows = _slips_in_state(event, merchant, numbers, (MISSING,), None,
                                   _("written off"))
    ids = [r.id for r in rows]
    Slip.update(state=WRITTEN_OFF, write_off_reason=why, updated_by=actor.username,
                updated_at=utcnow()).where(Slip.id.in_(ids)).execute()
    Fine.insert_many([dict(id=_new_id(), event=event.id, merchant=merchant.id, slip=r.id,
                           amount_fen=event.fine_per_slip_fen, reason=why, by=actor.username,
                           at=utcnow()) for r in rows]).execute()
    audit("chase.write_off", "slip", ids[0], event=event.id, merchant=merchant.id,
          after={"slips": _ranges(series, rows), "reason": why,
                 "fine_fen": event.fine_per_slip_fen * len(rows)})
    return merchant_fines(event, merchant)


@service("chase.reverse_write_off")
def reverse_write_off(actor: Actor, event_id: str, merchant_id: str, numbers: str,
                      reason: str) -> MerchantFines:
    """Take back a write-off made by mistake (before the deposit is closed out): the slips are
    missing again and the fine each was charged is reversed by a negative fine.

    Raises:
        InputError: no reason. Conflict: a slip not written off, or the deposit closed out.
    """
    event, merchant = event_row(event_id), merchant_row(merchant_id)
    why = require_text(reason, _("Reason"), 500)
    _require_closed_return(event, merchant)
    _not_closed_out(event, merchant)
    series, rows = _slips_in_state(event, merchant, numbers, (WRITTEN_OFF,), None,
                                   _("reinstated"))
    ids = [r.id for r in rows]
    Slip.update(state=MISSING, write_off_reason=None, updated_by=actor.username,
                updated_at=utcnow()).where(Slip.id.in_(ids)).execute()
    charged = _fine_per_slip(ids)
    Fine.insert_many([dict(id=_new_id(), event=event.id, merchant=merchant.id, slip=r.id,
                           amount_fen=-charged.get(r.id, 0), reason=why, by=actor.username,
                           at=utcnow()) for r in rows]).execute()
    audit("chase.reverse_write_off", "slip", ids[0], event=event.id, merchant=merchant.id,
          before={"state": WRITTEN_OFF}, after={"slips": _ranges(series, rows),
                                                "reason": why})
    return merchant_fines(event, merchant)


def _fine_per_slip(slip_ids: list[str]) -> dict[str, int]:
    """The net fine each slip carries now (what its write-off charged, less reversals)."""
    from peewee import fn

    return {s: int(total) for s, total in Fine.select(Fine.slip, fn.SUM(Fine.amount_fen))
            .where(Fine.slip.in_(slip_ids)).group_by(Fine.slip).tuples()}


def merchant_fines(event: Event, merchant: Merchant) -> MerchantFines:
    """The merchant's current fines for the event."""
    from peewee import fn

    total = (Fine.select(fn.SUM(Fine.amount_fen)).where(
        (Fine.event == event) & (Fine.merchant == merchant)).scalar() or 0)
    rows = list(Slip.select().where((Slip.event == event) & (Slip.merchant == merchant)
                                    & (Slip.state == WRITTEN_OFF)).order_by(Slip.series,
                                                                            Slip.number))
    series = {s.id: fmt_of(s) for s in Series.select()}
    return MerchantFines(event.id, merchant.id,
                         tuple(series[r.series_id].format(r.number) for r in rows),
                         Money(event.fine_per_slip_fen), Money(int(total)))


@query("chase.fines")
def get_fines(actor: Actor, event_id: str, merchant_id: str) -> MerchantFines:
    """A merchant's fines for an event (for the fine notice)."""
    return merchant_fines(event_row(event_id), merchant_row(merchant_id))


def _ranges(series: Series, rows: list[Slip]) -> str:
    return format_ranges(ranges_from_numbers(r.number for r in rows), fmt_of(series))


def _new_id() -> str:
    from app.domain.ids import new_id

    return new_id()
