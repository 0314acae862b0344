"""Void slips sealed in batches (R3.6): seal number, date, who, which slips; a sealed slip
cannot change again."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.db.models import Event, Merchant, MerchantReturn, SealBatch, Series, Slip
from app.domain.numbers import NumberRange, format_ranges, ranges_from_numbers
from app.domain.returns import CLOSED, VOID
from app.errors import Conflict, NotFound
from app.i18n import _
from app.services.core.actor import Actor
from app.services.core.base import audit, query, require_text, service
from app.services.events.events import event_row
from app.services.returns.slips import (
    entered_slips,
    fmt_of,
    numbers_text,
    parse_slip_numbers,
    series_longest_prefix_first,
    series_of_text,
    short,
    state_label,
)


@dataclass(frozen=True)
class SealInfo:
    """One seal batch, for its label."""

    id: str
    seal_no: str
    event_id: str
    event_code: str
    event_name: str
    count: int
    ranges: str
    """The sealed slips as ranges, e.g. ``BJ0000010–0000012, BJ0000155``."""
    by_brand: tuple[tuple[str, int, str], ...]
    """(brand, count, ranges) per merchant."""
    sealed_by: str
    sealed_at: dt.datetime
    """UTC."""
    note: str


def _closed_merchants(event: Event) -> set[str]:
    return {m for (m,) in MerchantReturn.select(MerchantReturn.merchant).where(
        (MerchantReturn.event == event) & (MerchantReturn.state == CLOSED)).tuples()}


@query("seals.unsealed")
def unsealed_voids(actor: Actor, event_id: str) -> list[str]:
    """Void slips of the event not sealed yet (from closed returns), as formatted numbers."""
    event = event_row(event_id)
    rows = _unsealed(event)
    series = {s.id: fmt_of(s) for s in Series.select()}
    return [series[r.series_id].format(r.number) for r in rows]


def _unsealed(event: Event) -> list[Slip]:
    closed = _closed_merchants(event)
    rows = Slip.select().where((Slip.event == event) & (Slip.state == VOID)
                               & Slip.seal.is_null()).order_by(Slip.series, Slip.number)
    return [r for r in rows if r.merchant_id in closed]


@service("seals.seal")
def seal_voids(actor: Actor, event_id: str, seal_no: str, numbers: str | None = None,
               note: str = "") -> SealInfo:
    """Seal void slips into a batch: the typed ones, or every unsealed void of the event when
    `numbers` is empty (R3.6).

    Raises:
        InputError: no seal number. Conflict: seal number used, nothing to seal, a slip not
            void or already sealed, or its merchant's return still open.
    """
    event = event_row(event_id)
    seal = require_text(seal_no, _("Seal number"), 40)
    text = require_text(note, _("Note"), 500, allow_empty=True)
    if SealBatch.select().where(SealBatch.seal_no == seal).exists():
        raise Conflict(_("Seal number {no} is already used.").format(no=seal))
    typed = numbers_text(numbers) if numbers not in (None, "") and not (
        isinstance(numbers, str) and not numbers.strip()) else ""
    rows = _typed(event, typed) if typed else _unsealed(event)
    if not rows:
        raise Conflict(_("Event {code} has no void slips waiting to be sealed.").format(
            code=event.code))
    batch = SealBatch.create(seal_no=seal, event=event, slip_count=len(rows),
                             sealed_by=actor.username, note=text)
    ids = [r.id for r in rows]
    for start in range(0, len(ids), 500):
        updated = Slip.update(seal=batch).where(Slip.id.in_(ids[start:start + 500])
                                                & Slip.seal.is_null()).execute()
        if updated != len(ids[start:start + 500]):
            raise Conflict(_("Some of these slips were sealed meanwhile; nothing was sealed."))
    info = seal_info(batch)
    audit("seals.seal", "seal_batch", batch.id, event=event.id,
          after={"seal_no": seal, "count": len(rows), "slips": info.ranges})
    return info


def _typed(event: Event, numbers: str) -> list[Slip]:
    out: list[Slip] = []
    closed = _closed_merchants(event)
    series, wanted = _numbers_of_event(event, numbers)
    rows = entered_slips(series, wanted)
    fmt = fmt_of(series)
    for n in wanted:
        row = rows[n]
        if row.state != VOID:
            raise Conflict(_("{number} is {state}, not void: only void slips are sealed.")
                           .format(number=fmt.format(n), state=state_label(row.state)))
        if row.seal_id:
            raise Conflict(_("{number} is already sealed under seal {seal}.").format(
                number=fmt.format(n), seal=SealBatch.get_by_id(row.seal_id).seal_no))
        if row.merchant_id not in closed:
            raise Conflict(_("The return of {brand} is still open; close it before sealing its "
                             "void slips.").format(
                brand=Merchant.get_by_id(row.merchant_id).brand))
        out.append(row)
    return out


def _numbers_of_event(event: Event, numbers: str) -> tuple[Series, list[int]]:
    """Typed numbers that must lie in books issued for this event (any merchant)."""
    from app.db.models import Book
    from app.services.returns.slips import books_covering

    held = {b for (b,) in Book.select(Book.series).where(Book.event == event).distinct()
            .tuples()}
    series = series_of_text(numbers, [s for s in series_longest_prefix_first() if s.id in held])
    wanted = parse_slip_numbers(numbers, series)
    books = books_covering(series, wanted)
    foreign = [n for n in wanted if n not in books or books[n].event_id != event.id]
    if foreign:
        raise Conflict(_("{numbers}: not issued for {code}.").format(
            numbers=short(foreign, fmt_of(series)), code=event.code))
    return series, wanted


def seal_info(batch: SealBatch) -> SealInfo:
    """The SealInfo of a batch."""
    event = Event.get_by_id(batch.event_id)
    rows = list(Slip.select().where(Slip.seal == batch).order_by(Slip.series, Slip.number))
    formats = {s.id: fmt_of(s) for s in Series.select()}
    brands = dict(Merchant.select(Merchant.id, Merchant.brand).tuples())
    all_ranges = _ranges_text(rows, formats)
    per: dict[str, list[Slip]] = {}
    for row in rows:
        per.setdefault(row.merchant_id, []).append(row)
    by_brand = tuple(sorted((brands[m], len(slips), _ranges_text(slips, formats))
                            for m, slips in per.items()))
    return SealInfo(batch.id, batch.seal_no, event.id, event.code, event.name,
                    batch.slip_count, all_ranges, by_brand, batch.sealed_by, batch.sealed_at,
                    batch.note)


def _ranges_text(rows: list[Slip], formats: dict) -> str:
    parts = []
    for series_id in sorted({r.series_id for r in rows}):
        ranges: list[NumberRange] = ranges_from_numbers(
            r.number for r in rows if r.series_id == series_id)
        parts.append(format_ranges(ranges, formats[series_id]))
    return ", ".join(parts)


@query("seals.list")
def list_seals(actor: Actor, event_id: str) -> list[SealInfo]:
    """The event's seal batches, oldest first."""
    event = event_row(event_id)
    return [seal_info(b) for b in SealBatch.select().where(SealBatch.event == event)
            .order_by(SealBatch.sealed_at)]


@query("seals.get")
def get_seal(actor: Actor, seal: str) -> SealInfo:
    """A seal batch by its id or its seal number.

    Raises:
        NotFound: no such seal.
    """
    wanted = str(seal).strip()
    row = SealBatch.get_or_none((SealBatch.id == wanted) | (SealBatch.seal_no == wanted))
    if row is None:
        raise NotFound(_("There is no seal {seal}.").format(seal=wanted[:40]))
    return seal_info(row)
