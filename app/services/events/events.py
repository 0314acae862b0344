"""Events (活动场次) and merchants' estimated order counts."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass

from peewee import fn

from app.db.models import (
    Book,
    Checkout,
    Estimate,
    Event,
    EventArchive,
    EventManager,
    Fine,
    Merchant,
)
from app.domain.money import Money
from app.errors import Conflict, InputError, NotFound
from app.i18n import N_, _
from app.services.core.actor import Actor
from app.services.core.base import audit, query, require_text, service
from app.services.core.policy import policy_amount, read_settings

KINDS = {"expo": N_("Home expo (装大)"), "special": N_("Brand special (专场)"),
         "store": N_("Store event (卖场)")}
KIND_ALIASES = {"装大": "expo", "专场": "special", "卖场": "store"}
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,39}$")
MAX_ESTIMATE = 100_000


def kind_label(kind: str) -> str:
    """Translated name of an event kind."""
    return _(KINDS.get(kind, kind))


@dataclass(frozen=True)
class EventInfo:
    """An event as screens and reports see it."""

    id: str
    code: str
    name: str
    kind: str
    venue: str
    start_date: dt.date
    end_date: dt.date
    managers: tuple[str, ...]
    deposit_per_book: Money
    fine_per_slip: Money


@dataclass(frozen=True)
class EstimateInfo:
    """One merchant's estimated orders for an event."""

    id: str
    event_id: str
    merchant_id: str
    brand: str
    category: str
    category_manager: str
    estimate: int


def _info(row: Event) -> EventInfo:
    managers = tuple(m.name for m in row.managers.order_by(EventManager.seq))
    return EventInfo(row.id, row.code, row.name, row.kind, row.venue, row.start_date,
                     row.end_date, managers, Money(row.deposit_per_book_fen),
                     Money(row.fine_per_slip_fen))


def event_row(event_id: str) -> Event:
    """The Event row, or NotFound."""
    row = Event.get_or_none(Event.id == event_id)
    if row is None:
        raise NotFound(_("The event does not exist."))
    return row


def is_archived(event: Event | str) -> bool:
    """True once the event (row or id) is archived (R3.7)."""
    return EventArchive.select().where(EventArchive.event == event).exists()


def refuse_if_archived(event: Event) -> None:
    """Raises Conflict when `event` is archived: nothing of it changes any more (R3.7)."""
    if is_archived(event):
        raise Conflict(_("Event {code} is archived; it can no longer change.").format(
            code=event.code))


def parse_date(value: object, label: str) -> dt.date:
    """A date from a date object or ``YYYY-MM-DD`` text.

    Raises:
        InputError: anything else.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputError(_("{field}: '{value}' is not a date (YYYY-MM-DD).").format(
            field=label, value=str(value)[:30])) from None


def parse_kind(kind: str) -> str:
    """An event kind code from its code or Chinese name.

    Raises:
        InputError: unknown kind.
    """
    text = str(kind).strip()
    code = KIND_ALIASES.get(text, text)
    if code not in KINDS:
        raise InputError(_("Event kind must be 装大, 专场 or 卖场."))
    return code


def parse_estimate(value: object) -> int:
    """A merchant's estimated order count: a whole number 0…100,000.

    Raises:
        InputError: negative, fractional, non-numeric or huge.
    """
    text = str(value).strip()
    if isinstance(value, bool) or not re.fullmatch(r"\d{1,9}", text):
        raise InputError(_("Estimated orders must be a whole number of 0 or more, not '{value}'.")
                         .format(value=text[:30]))
    number = int(text)
    if number > MAX_ESTIMATE:
        raise InputError(_("Estimated orders cannot exceed {n}.").format(n=MAX_ESTIMATE))
    return number


def _clean_event(code: str, name: str, kind: str, venue: str, start_date: object,
                 end_date: object, managers: list[str] | tuple[str, ...]) -> dict:
    code = str(code).strip()
    if not CODE_RE.match(code):
        raise InputError(_("An event code is 1–40 letters, digits, '-' or '_', e.g. 2026-SH-01."))
    start, end = parse_date(start_date, _("Start date")), parse_date(end_date, _("End date"))
    if end < start:
        raise InputError(_("The event ends before it starts."))
    if isinstance(managers, str) or not isinstance(managers, list | tuple):
        raise InputError(_("Give the category managers as a list of names."))
    names = [require_text(m, _("Category manager"), 50) for m in managers]
    if len(set(names)) != len(names):
        raise InputError(_("A category manager is listed twice."))
    return dict(code=code, name=require_text(name, _("Event name"), 200), kind=parse_kind(kind),
                venue=require_text(venue, _("Venue"), 200, allow_empty=True),
                start_date=start, end_date=end, managers=names)


def _set_managers(row: Event, names: list[str]) -> None:
    EventManager.delete().where(EventManager.event == row).execute()
    for seq, name in enumerate(names):
        EventManager.create(event=row, name=name, seq=seq)


@service("events.create")
def create_event(actor: Actor, code: str, name: str, kind: str, start_date: object,
                 end_date: object, venue: str = "", managers: list[str] | None = None,
                 deposit_per_book: str | Money | None = None,
                 fine_per_slip: str | Money | None = None) -> EventInfo:
    """Create an event; policy values default to the settings (¥200 deposit, ¥100 fine).

    Raises:
        InputError: a bad field. Conflict: the code exists.
    """
    values = _clean_event(code, name, kind, venue, start_date, end_date, managers or [])
    settings = read_settings()
    deposit = settings.deposit_per_book if deposit_per_book is None else policy_amount(
        deposit_per_book, _("Deposit"))
    fine = settings.fine_per_slip if fine_per_slip is None else policy_amount(
        fine_per_slip, _("Fine"))
    if Event.select().where(Event.code == values["code"]).exists():
        raise Conflict(_("Event {code} already exists.").format(code=values["code"]))
    names = values.pop("managers")
    row = Event.create(**values, deposit_per_book_fen=deposit.fen, fine_per_slip_fen=fine.fen)
    _set_managers(row, names)
    info = _info(row)
    audit("event.create", "event", row.id, after=asdict(info), event=row.id)
    return info


@service("events.update")
def update_event(actor: Actor, event_id: str, code: str, name: str, kind: str,
                 start_date: object, end_date: object, venue: str = "",
                 managers: list[str] | None = None, deposit_per_book: str | Money | None = None,
                 fine_per_slip: str | Money | None = None) -> EventInfo:
    """Change an event. The deposit cannot change once books were issued with it, the fine
    once a slip was fined; an archived event does not change at all.

    Raises:
        NotFound, InputError, Conflict.
    """
    row = event_row(event_id)
    refuse_if_archived(row)
    before = _info(row)
    values = _clean_event(code, name, kind, venue, start_date, end_date, managers or [])
    if Event.select().where((Event.code == values["code"]) & (Event.id != row.id)).exists():
        raise Conflict(_("Event {code} already exists.").format(code=values["code"]))
    deposit = before.deposit_per_book if deposit_per_book is None else policy_amount(
        deposit_per_book, _("Deposit"))
    fine = before.fine_per_slip if fine_per_slip is None else policy_amount(
        fine_per_slip, _("Fine"))
    issued = Book.select().where((Book.event == row) & (Book.state == "issued")).exists()
    if issued and deposit != before.deposit_per_book:
        raise Conflict(_("Books were already issued with a deposit of {amount}; the deposit "
                         "per book can no longer change.").format(amount=before.deposit_per_book))
    if fine != before.fine_per_slip and Fine.select().where(Fine.event == row).exists():
        raise Conflict(_("Slips were already fined {amount} each; the fine per slip can no "
                         "longer change.").format(amount=before.fine_per_slip))
    names = values.pop("managers")
    Event.update(**values, deposit_per_book_fen=deposit.fen, fine_per_slip_fen=fine.fen).where(
        Event.id == row.id).execute()
    _set_managers(row, names)
    after = _info(event_row(row.id))
    audit("event.update", "event", row.id, before=asdict(before), after=asdict(after),
          event=row.id)
    return after


@query("events.list")
def list_events(actor: Actor) -> list[EventInfo]:
    """All events, newest first."""
    return [_info(r) for r in Event.select().order_by(Event.start_date.desc(), Event.code)]


@query("events.get")
def get_event(actor: Actor, event_id: str) -> EventInfo:
    """One event.

    Raises:
        NotFound: no such event.
    """
    return _info(event_row(event_id))


@query("events.find")
def find_event(actor: Actor, code: str) -> EventInfo:
    """The event with this code.

    Raises:
        NotFound: no such event.
    """
    row = Event.get_or_none(Event.code == str(code).strip())
    if row is None:
        raise NotFound(_("There is no event {code}.").format(code=str(code)[:40]))
    return _info(row)


def _estimate_info(row: Estimate) -> EstimateInfo:
    m = row.merchant
    return EstimateInfo(row.id, row.event_id, m.id, m.brand, m.category, m.category_manager,
                        row.estimate)


@service("events.set_estimate")
def set_estimate(actor: Actor, event_id: str, merchant_id: str, estimate: object
                 ) -> EstimateInfo:
    """Set a merchant's estimated orders for an event (adds the merchant to it).

    Raises:
        InputError: negative, non-numeric or huge estimate. NotFound: event or merchant.
    """
    row = event_row(event_id)
    refuse_if_archived(row)
    merchant = Merchant.get_or_none(Merchant.id == merchant_id)
    if merchant is None:
        raise NotFound(_("The merchant does not exist."))
    number = parse_estimate(estimate)
    existing = Estimate.get_or_none((Estimate.event == row) & (Estimate.merchant == merchant))
    before = existing.estimate if existing else None
    if existing:
        Estimate.update(estimate=number).where(Estimate.id == existing.id).execute()
        est_id = existing.id
    else:
        seq = (Estimate.select(fn.MAX(Estimate.seq)).where(Estimate.event == row).scalar()
               or 0) + 1
        est_id = Estimate.create(event=row, merchant=merchant, estimate=number, seq=seq).id
    audit("estimate.set", "estimate", est_id, before={"estimate": before},
          after={"estimate": number, "brand": merchant.brand}, event=row.id, merchant=merchant.id)
    return _estimate_info(Estimate.get_by_id(est_id))


@service("events.remove_merchant")
def remove_merchant_from_event(actor: Actor, event_id: str, merchant_id: str) -> int:
    """Take a merchant off an event's list; books reserved for it go back to stock.
    Returns the number of books released.

    Raises:
        NotFound: not on the list.
        Conflict: it has signed for books at this event (its record must stay).
    """
    row = event_row(event_id)
    refuse_if_archived(row)
    est = Estimate.get_or_none((Estimate.event == row) & (Estimate.merchant == merchant_id))
    if est is None:
        raise NotFound(_("The merchant is not on this event's list."))
    if Checkout.select().where((Checkout.event == row) & (Checkout.merchant == merchant_id)
                               ).exists():
        raise Conflict(_("This merchant has signed for books at this event, so it stays on the "
                         "list; take back books issued by mistake instead."))
    released = Book.update(state="in_stock", event=None, merchant=None).where(
        (Book.event == row) & (Book.merchant == merchant_id) & (Book.state == "planned")
    ).execute()
    Estimate.delete().where(Estimate.id == est.id).execute()
    audit("estimate.remove", "estimate", est.id, before={"estimate": est.estimate},
          after={"books_released": released}, event=row.id, merchant=merchant_id)
    return released


@query("events.estimates")
def list_estimates(actor: Actor, event_id: str) -> list[EstimateInfo]:
    """The event's merchants and estimates, in the order they were added."""
    row = event_row(event_id)
    rows = (Estimate.select(Estimate, Merchant).join(Merchant)
            .where(Estimate.event == row).order_by(Estimate.seq, Merchant.brand))
    return [_estimate_info(r) for r in rows]
