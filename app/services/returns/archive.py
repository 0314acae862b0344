"""Where an event stands after checkout, and its archive (R3.7): an event is archived only
when no slip is unresolved; the archive-bag label lists each brand's slips and book ranges."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.db.models import Book, Checkout, Event, EventArchive, Merchant, MerchantReturn, Series
from app.domain.returns import ARCHIVED, CLOSED, EVENT_STATE_LABELS, Counts, event_state
from app.errors import Conflict
from app.i18n import _
from app.services.core.actor import Actor
from app.services.core.base import audit, query, require_text, service
from app.services.core.books import describe_ranges
from app.services.events.events import event_row, is_archived
from app.services.returns.deposits import awaiting_close_out
from app.services.returns.reconciliation import build
from app.services.returns.seals import _unsealed


@dataclass(frozen=True)
class EventStatus:
    """The event's stage and what keeps it from the next one."""

    event_id: str
    state: str
    """planning / checked_out / returning / reconciled / archived."""
    label: str
    totals: Counts
    blockers: tuple[str, ...]
    """Why the event cannot move on (to reconciled, then archived); empty when it can."""
    archived_by: str
    archived_at: dt.datetime | None


@dataclass(frozen=True)
class BagLine:
    """One brand on the archive-bag label."""

    brand: str
    slips: int
    ranges: str
    """Start–end ranges of every book the brand had, e.g. ``BJ0000001–0000150``."""


@dataclass(frozen=True)
class ArchiveBag:
    """What the archive-bag label prints (R3.7)."""

    event_id: str
    event_code: str
    event_name: str
    lines: tuple[BagLine, ...]
    total_slips: int
    archived: bool


def status(event: Event) -> EventStatus:
    """The EventStatus of `event`."""
    recon = build(event)
    archive = EventArchive.get_or_none(EventArchive.event == event)
    checked_out = Checkout.select().where(Checkout.event == event).exists()
    returns = list(MerchantReturn.select().where(MerchantReturn.event == event))
    closed = {r.merchant_id for r in returns if r.state == CLOSED}
    waiting = [line for line in recon.lines if line.counts.issued and line.merchant_id
               not in closed]
    state = event_state(checked_out=checked_out, returns_started=bool(returns),
                        all_closed=not waiting, missing=recon.total.missing,
                        archived=archive is not None)
    blockers = [] if state == ARCHIVED else _blockers(event, recon.total, waiting, checked_out)
    return EventStatus(event.id, state, _(EVENT_STATE_LABELS[state]), recon.total,
                       tuple(blockers), archive.by if archive else "",
                       archive.at if archive else None)


def _blockers(event: Event, total: Counts, waiting: list, checked_out: bool) -> list[str]:
    if not checked_out:
        return [_("No books are checked out yet.")]
    out = []
    if waiting:
        out.append(_("Returns not closed: {brands}.").format(
            brands=", ".join(line.brand for line in waiting[:5])
            + (_(" and {n} more").format(n=len(waiting) - 5) if len(waiting) > 5 else "")))
    if total.not_entered:
        out.append(_("{n} slips not entered in the return check.").format(n=total.not_entered))
    if total.missing:
        out.append(_("{n} slips missing (on the chase list).").format(n=total.missing))
    planned = _planned_not_issued(event)
    if planned:
        out.append(_("{n} books planned but never issued ({brands}); release them to stock.")
                   .format(n=sum(planned.values()), brands=", ".join(sorted(planned))))
    unsealed = len(_unsealed(event))
    if unsealed:
        out.append(_("{n} void slips not sealed.").format(n=unsealed))
    held = awaiting_close_out(event)
    if held:
        out.append(_("Deposits not closed out: {brands}.").format(
            brands=", ".join(held[:5]) + (_(" and {n} more").format(n=len(held) - 5)
                                          if len(held) > 5 else "")))
    return out


def _planned_not_issued(event: Event) -> dict[str, int]:
    """Books still reserved for the event's merchants (never checked out), per brand."""
    from peewee import fn

    return {brand: int(n) for brand, n in Book.select(Merchant.brand, fn.COUNT(Book.id))
            .join(Merchant, on=(Book.merchant == Merchant.id))
            .where((Book.event == event) & (Book.state == "planned"))
            .group_by(Merchant.brand).tuples()}


@query("events.status")
def event_status(actor: Actor, event_id: str) -> EventStatus:
    """Where the event stands and what blocks the next step."""
    return status(event_row(event_id))


@service("events.archive")
def archive_event(actor: Actor, event_id: str, note: str = "") -> EventStatus:
    """Archive the event once no slip is unresolved: every return closed, nothing missing,
    every void sealed, every deposit closed out, no book left reserved (R3.7).

    Raises:
        Conflict: something is unresolved (each blocker named), or already archived.
    """
    event = event_row(event_id)
    text = require_text(note, _("Note"), 500, allow_empty=True)
    now = status(event)
    if now.state == ARCHIVED:
        raise Conflict(_("Event {code} is already archived.").format(code=event.code))
    if now.blockers:
        raise Conflict(_("Event {code} cannot be archived yet:\n{why}").format(
            code=event.code, why="\n".join("• " + b for b in now.blockers)))
    row = EventArchive.create(event=event, by=actor.username, note=text)
    audit("events.archive", "event", event.id, event=event.id,
          after={"archived_at": row.at, "slips": now.totals.issued, "note": text})
    return status(event)


@query("events.archive_bag")
def archive_bag(actor: Actor, event_id: str) -> ArchiveBag:
    """The archive-bag label: per brand the slip count and the ranges of its books (R3.7)."""
    event = event_row(event_id)
    series_by_id = {s.id: s for s in Series.select()}
    brands = dict(Merchant.select(Merchant.id, Merchant.brand).tuples())
    per: dict[str, list[Book]] = {}
    for book in Book.select().where((Book.event == event) & (Book.state == "issued")):
        per.setdefault(book.merchant_id, []).append(book)
    lines = [BagLine(brands[merchant_id], sum(b.last_no - b.first_no + 1 for b in books),
                     describe_ranges(books, series_by_id)) for merchant_id, books in per.items()]
    lines.sort(key=lambda line: line.brand)
    return ArchiveBag(event.id, event.code, event.name, tuple(lines),
                      sum(line.slips for line in lines),
                      is_archived(event))
