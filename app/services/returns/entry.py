"""The return check after an event (R3.1): book by book, slips marked by state, undoable until
the merchant's return is closed.

A clerk opens a book by scanning its label (or any slip number in it), marks the exceptions as
lists and ranges (``1207, 1210-1212``) and then "all remaining" of the book. Each marking is one
`ReturnStep` holding the states it replaced, so the last steps can be undone. A slip that belongs
to another merchant or event, lies outside every issued book, or was already entered is refused
whole: nothing changes.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from peewee import fn

from app.db.models import (
    Book,
    Event,
    Merchant,
    MerchantReturn,
    ReturnStep,
    Series,
    Slip,
    utcnow,
)
from app.domain.numbers import (
    NumberRange,
    SeriesFormat,
    format_ranges,
    ranges_from_numbers,
)
from app.domain.returns import (
    CLOSED,
    MISSING,
    NOT_ENTERED,
    OPEN,
    RETURN_STATES,
    Counts,
    counts_from_states,
)
from app.errors import Conflict, InputError
from app.i18n import _
from app.services.core.actor import Actor
from app.services.core.base import (
    audit,
    concurrent_change,
    current_actor,
    query,
    service,
)
from app.services.core.books import BookInfo, book_info, locate_book
from app.services.events.events import event_row
from app.services.returns.slips import (
    CHUNK,
    existing_slips,
    fmt_of,
    merchant_counts,
    merchant_row,
    refuse_foreign,
    require_open,
    resolve_numbers,
    return_row,
    short,
    state_label,
)

CHASE_DAYS = 7
"""Default time the category manager has to recover a missing slip."""


@dataclass(frozen=True)
class BookReturn:
    """A book opened in the return check, with the state of each of its slips."""

    book: BookInfo
    event_id: str
    merchant_id: str
    brand: str
    first_no: int
    states: tuple[str, ...]
    """State of each slip in number order (``not_entered`` for none yet)."""
    counts: Counts
    """This book's line."""
    merchant_counts: Counts
    """The merchant's line for the event (R3.2), live while entering."""
    return_state: str
    """``open`` (or not started) / ``closed``."""
    can_undo: bool


@dataclass(frozen=True)
class StepInfo:
    """One entry of a return check."""

    id: str
    seq: int
    action: str
    state: str
    numbers: str
    """The slips it marked, as ranges."""
    count: int
    by: str
    at: dt.datetime
    undone: bool


def _record_step(ret: MerchantReturn, action: str, state: str, series: Series,
                 changes: list[tuple[int, str | None]]) -> ReturnStep:
    last = (ReturnStep.select(fn.MAX(ReturnStep.seq))
            .where(ReturnStep.merchant_return == ret).scalar() or 0)
    return ReturnStep.create(merchant_return=ret, seq=last + 1, action=action, state=state,
                             series=series, changes=json.dumps(changes),
                             by=current_actor().username)


_SLIP_FIELDS = [Slip.id, Slip.series, Slip.number, Slip.book, Slip.event, Slip.merchant,
                Slip.state, Slip.recovered, Slip.chase_manager, Slip.customer_name,
                Slip.customer_phone, Slip.updated_by, Slip.updated_at]


def _insert_slips(event: Event, merchant: Merchant, series: Series, numbers: list[int],
                  books: dict[int, Book], state: str) -> None:
    """Insert the Slip rows (as tuples: building a dict per row was a sixth of a return's
    time), in chunks below SQLite's variable limit."""
    from app.domain.ids import new_id

    by, now = current_actor().username, utcnow()
    rows = [(new_id(), series.id, n, books[n].id, event.id, merchant.id, state, False, "", "",
             "", by, now) for n in numbers]
    for start in range(0, len(rows), 1000):
        Slip.insert_many(rows[start:start + 1000], fields=_SLIP_FIELDS).execute()


def _check_state(state: str) -> str:
    if state not in RETURN_STATES:
        raise InputError(_("A returned slip is used, unused, void or missing."))
    return state


# ------------------------------------------------------------------ services


@query("returns.open_book")
def open_book(actor: Actor, event_id: str, code: str, merchant_id: str | None = None
              ) -> BookReturn:
    """The book a scanned label or slip number belongs to, with its slips' states.

    Raises:
        InputError: unreadable code. NotFound: no such book or event.
        Conflict: the book is not issued for this event, or (when `merchant_id` is given)
            belongs to another merchant.
    """
    event = event_row(event_id)
    book = locate_book(code)
    if book.state != "issued" or book.event_id != event.id:
        info = book_info(book)
        raise Conflict(_("Book {code} was not issued for {event}{where}.").format(
            code=info.code, event=event.code,
            where=_(" (it is with {brand} for {other})").format(
                brand=info.brand, other=info.event_code) if info.event_code else ""))
    if merchant_id and book.merchant_id != merchant_id:
        info = book_info(book)
        raise Conflict(_("Book {code} belongs to {brand}, not to the merchant being checked."
                         ).format(code=info.code, brand=info.brand))
    return book_return(event, book)


def book_return(event: Event, book: Book) -> BookReturn:
    """The BookReturn of an issued book."""
    merchant = Merchant.get_by_id(book.merchant_id)
    size = book.last_no - book.first_no + 1
    states = [NOT_ENTERED] * size
    found: dict[str, int] = {}
    for number, state in (Slip.select(Slip.number, Slip.state)
                          .where((Slip.series == book.series_id)
                                 & (Slip.number.between(book.first_no, book.last_no))).tuples()):
        states[number - book.first_no] = state
        found[state] = found.get(state, 0) + 1
    ret = return_row(event, merchant)
    can_undo = ret is not None and ret.state == OPEN and ReturnStep.select().where(
        (ReturnStep.merchant_return == ret) & ReturnStep.undone_at.is_null()).exists()
    return BookReturn(book_info(book), event.id, merchant.id, merchant.brand, book.first_no,
                      tuple(states), counts_from_states(size, found),
                      merchant_counts(event.id, merchant.id),
                      ret.state if ret else OPEN, can_undo)


@service("returns.mark")
def mark_slips(actor: Actor, event_id: str, merchant_id: str, numbers: str, state: str,
               series_id: str | None = None) -> int:
    """Record typed or scanned slips (``1207, 1210-1212``) as used/unused/void/missing (R3.1);
    returns how many were marked.

    Raises:
        InputError: bad numbers or state. Conflict: a slip of another merchant or event, in no
            issued book, or already entered; or the return is closed. Nothing is changed then.
    """
    state = _check_state(state)
    event, merchant = event_row(event_id), merchant_row(merchant_id)
    ret = require_open(event, merchant)
    series, wanted, books = resolve_numbers(event, merchant, numbers, series_id)
    entered = existing_slips(series, wanted)
    if entered:
        fmt = fmt_of(series)
        first = entered[min(entered)]
        raise Conflict(_("{numbers} already entered (e.g. {first} as {state}); undo it first "
                         "to change it. Nothing was changed.").format(
            numbers=short(entered, fmt), first=fmt.format(first.number),
            state=state_label(first.state)))
    _insert_slips(event, merchant, series, wanted, books, state)
    step = _record_step(ret, "mark", state, series, [(n, None) for n in wanted])
    audit("returns.mark", "merchant_return", ret.id, event=event.id, merchant=merchant.id,
          after={"step": step.seq, "state": state,
                 "slips": format_ranges(ranges_from_numbers(wanted), fmt_of(series))})
    return len(wanted)


@service("returns.remaining")
def mark_remaining(actor: Actor, event_id: str, merchant_id: str, book_code: str,
                   state: str) -> int:
    """Mark every slip of the book not entered yet as `state` (e.g. "all remaining unused");
    returns how many.

    Raises:
        Conflict: the book is not this merchant's for this event, every slip of it is entered
            already, or the return is closed.
    """
    state = _check_state(state)
    event, merchant = event_row(event_id), merchant_row(merchant_id)
    ret = require_open(event, merchant)
    book = locate_book(book_code)
    series = Series.get_by_id(book.series_id)
    refuse_foreign(event, merchant, series, [book.first_no], {book.first_no: book})
    taken = {n for (n,) in Slip.select(Slip.number).where(
        (Slip.series == series) & Slip.number.between(book.first_no, book.last_no)).tuples()}
    rest = [n for n in range(book.first_no, book.last_no + 1) if n not in taken]
    if not rest:
        raise Conflict(_("Every slip of book {code} is already entered; nothing was changed.")
                       .format(code=book_info(book, series).code))
    _insert_slips(event, merchant, series, rest, dict.fromkeys(rest, book), state)
    step = _record_step(ret, "remaining", state, series, [(n, None) for n in rest])
    audit("returns.remaining", "merchant_return", ret.id, event=event.id, merchant=merchant.id,
          after={"step": step.seq, "state": state, "book": book_info(book, series).code,
                 "count": len(rest)})
    return len(rest)


@service("returns.undo")
def undo_last(actor: Actor, event_id: str, merchant_id: str) -> StepInfo:
    """Undo the merchant's last return step still in force.

    Raises:
        Conflict: nothing to undo, the return is closed, or a slip of the step carries
            customer details (undo would lose them).
    """
    event, merchant = event_row(event_id), merchant_row(merchant_id)
    ret = require_open(event, merchant)
    step = (ReturnStep.select().where((ReturnStep.merchant_return == ret)
                                      & ReturnStep.undone_at.is_null())
            .order_by(ReturnStep.seq.desc()).first())
    if step is None:
        raise Conflict(_("There is nothing to undo for {brand}.").format(brand=merchant.brand))
    changes = [(int(n), prev) for n, prev in json.loads(step.changes)]
    numbers = [n for n, _prev in changes]
    current = existing_slips(step.series, numbers)
    if len(current) != len(numbers) or any(
            current[n].state != step.state or current[n].seal_id for n in numbers):
        raise concurrent_change()
    detailed = [n for n, prev in changes if prev is None and _has_details(current[n])]
    if detailed:
        raise Conflict(_("{numbers} carry customer details; clear them first, then undo (undo "
                         "would lose them).").format(numbers=short(detailed, fmt_of(step.series))))
    fresh = [current[n].id for n, prev in changes if prev is None]
    for start in range(0, len(fresh), CHUNK):
        Slip.delete().where(Slip.id.in_(fresh[start:start + CHUNK])).execute()
    for n, prev in changes:
        if prev is not None:
            Slip.update(state=prev, updated_by=actor.username, updated_at=utcnow()).where(
                Slip.id == current[n].id).execute()
    ReturnStep.update(undone_by=actor.username, undone_at=utcnow()).where(
        ReturnStep.id == step.id).execute()
    info = _step_info(step.__class__.get_by_id(step.id))
    audit("returns.undo", "merchant_return", ret.id, event=event.id, merchant=merchant.id,
          before={"step": step.seq, "state": step.state, "slips": info.numbers})
    return info


@service("returns.close")
def close_return(actor: Actor, event_id: str, merchant_id: str) -> Counts:
    """Close the merchant's return once every issued slip has a state; missing slips go on the
    chase list (R3.3) with the merchant's category manager and a due date.

    Raises:
        Conflict: slips not entered yet, nothing issued, or already closed.
    """
    event, merchant = event_row(event_id), merchant_row(merchant_id)
    ret = require_open(event, merchant)
    counts = merchant_counts(event.id, merchant.id)
    if counts.issued == 0:
        raise Conflict(_("{brand} has no books issued for {code}.").format(
            brand=merchant.brand, code=event.code))
    if counts.not_entered:
        raise Conflict(_("{n} slips of {brand} are not entered yet; the return cannot be closed."
                         ).format(n=counts.not_entered, brand=merchant.brand))
    manager = merchant.category_manager or _first_manager(event)
    due = dt.date.today() + dt.timedelta(days=CHASE_DAYS)
    Slip.update(chase_manager=manager, chase_due=due).where(
        (Slip.event == event) & (Slip.merchant == merchant) & (Slip.state == MISSING)
        & (Slip.chase_manager == "")).execute()
    updated = MerchantReturn.update(state=CLOSED, closed_by=actor.username, closed_at=utcnow()
                                    ).where((MerchantReturn.id == ret.id)
                                            & (MerchantReturn.state == OPEN)).execute()
    if updated != 1:
        raise concurrent_change()
    audit("returns.close", "merchant_return", ret.id, event=event.id, merchant=merchant.id,
          after={"counts": counts.as_tuple(), "chase_manager": manager,
                 "chase_due": due if counts.missing else None})
    return counts


def _has_details(slip: Slip) -> bool:
    return bool(slip.customer_name or slip.customer_phone or slip.deal_fen is not None
                or slip.customer_deposit_fen is not None)


def _first_manager(event: Event) -> str:
    from app.db.models import EventManager

    row = EventManager.select().where(EventManager.event == event).order_by(
        EventManager.seq).first()
    return row.name if row else ""


def _step_info(step: ReturnStep, fmt: SeriesFormat | None = None) -> StepInfo:
    numbers = [int(n) for n, _prev in json.loads(step.changes)]
    fmt = fmt or fmt_of(Series.get_by_id(step.series_id))
    return StepInfo(step.id, step.seq, step.action, step.state,
                    format_ranges(ranges_from_numbers(numbers), fmt), len(numbers), step.by,
                    step.at, step.undone_at is not None)


@query("returns.steps")
def list_steps(actor: Actor, event_id: str, merchant_id: str) -> list[StepInfo]:
    """The merchant's return steps, newest first (undone ones included, marked)."""
    event, merchant = event_row(event_id), merchant_row(merchant_id)
    ret = return_row(event, merchant)
    if ret is None:
        return []
    formats = {s.id: fmt_of(s) for s in Series.select()}
    return [_step_info(s, formats[s.series_id]) for s in ReturnStep.select().where(
        ReturnStep.merchant_return == ret).order_by(ReturnStep.seq.desc())]


@query("returns.merchant_counts")
def get_merchant_counts(actor: Actor, event_id: str, merchant_id: str) -> Counts:
    """The merchant's live reconciliation line (R3.2)."""
    event_row(event_id)
    merchant_row(merchant_id)
    return merchant_counts(event_id, merchant_id)


def number_range(book: Book) -> NumberRange:
    """The book's slips as a range."""
    return NumberRange(book.first_no, book.last_no)
