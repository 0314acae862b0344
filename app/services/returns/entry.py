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
import re
from collections.abc import Iterable
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
    parse_ranges,
    ranges_from_numbers,
)
from app.domain.returns import (
    CLOSED,
    MISSING,
    NOT_ENTERED,
    OPEN,
    RETURN_STATES,
    STATE_LABELS,
    Counts,
    counts_from_states,
)
from app.errors import Conflict, InputError, NotFound
from app.i18n import _
from app.services.core.actor import Actor
from app.services.core.base import (
    audit,
    concurrent_change,
    current_actor,
    query,
    require_text,
    service,
)
from app.services.core.books import BookInfo, book_info, locate_book
from app.services.events.events import event_row, is_archived

CHASE_DAYS = 7
"""Default time the category manager has to recover a missing slip."""
MAX_SLIPS_PER_STEP = 100_000
"""A larger marking is a typo (a range over millions of numbers), refused before any work."""
_CHUNK = 500
_LINE_BREAKS = re.compile(r"[\t\r\n\v\f\u2028\u2029]+")


def state_label(state: str) -> str:
    """Translated name of a slip state."""
    return _(STATE_LABELS.get(state, state)) if state != NOT_ENTERED else _("Not entered")


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


# ------------------------------------------------------------------ shared helpers


def fmt_of(series: Series) -> SeriesFormat:
    """The number format of a series."""
    return SeriesFormat(series.prefix, series.digits)


def merchant_row(merchant_id: str) -> Merchant:
    """The Merchant row, or NotFound."""
    row = Merchant.get_or_none(Merchant.id == merchant_id)
    if row is None:
        raise NotFound(_("The merchant does not exist."))
    return row


def issued_books(event_id: str, merchant_id: str | None = None) -> list[Book]:
    """Books issued for an event (to one merchant), in number order."""
    rows = Book.select().where((Book.event == event_id) & (Book.state == "issued"))
    if merchant_id:
        rows = rows.where(Book.merchant == merchant_id)
    return list(rows.order_by(Book.series, Book.first_no))


def return_row(event: Event, merchant: Merchant, *, create: bool = False) -> MerchantReturn | None:
    """The merchant's return for the event; created open when `create` and none exists."""
    row = MerchantReturn.get_or_none((MerchantReturn.event == event)
                                     & (MerchantReturn.merchant == merchant))
    if row is None and create:
        row = MerchantReturn.create(event=event, merchant=merchant,
                                    opened_by=current_actor().username)
    return row


def require_open(event: Event, merchant: Merchant) -> MerchantReturn:
    """The merchant's open return (started now if needed).

    Raises:
        Conflict: the return is closed, or the event is archived.
    """
    if is_archived(event):
        raise Conflict(_("Event {code} is archived; its slips cannot change.").format(
            code=event.code))
    row = return_row(event, merchant, create=True)
    assert row is not None
    if row.state == CLOSED:
        raise Conflict(_("The return of {brand} for {code} is closed; use the chase list for "
                         "missing slips.").format(brand=merchant.brand, code=event.code))
    return row


def merchant_counts(event_id: str, merchant_id: str) -> Counts:
    """The merchant's reconciliation line for the event (R3.2)."""
    issued = sum(b.last_no - b.first_no + 1 for b in issued_books(event_id, merchant_id))
    states = dict(Slip.select(Slip.state, fn.COUNT(Slip.id))
                  .where((Slip.event == event_id) & (Slip.merchant == merchant_id))
                  .group_by(Slip.state).tuples())
    return counts_from_states(issued, states)


def resolve_numbers(event: Event, merchant: Merchant, text: str, series_id: str | None
                    ) -> tuple[Series, list[int], dict[int, Book]]:
    """Parse typed/scanned numbers and check each lies in a book issued to this merchant for
    this event.

    Raises:
        InputError: unreadable numbers, or too many. Conflict: a number of another merchant or
            event, or of no issued book (all such numbers are named).
    """
    text = numbers_text(text)
    series = _pick_series(merchant, event, text, series_id)
    numbers = parse_slip_numbers(text, series)
    books = _books_covering(series, numbers)
    _refuse_foreign(event, merchant, series, numbers, books)
    return series, numbers, books


def numbers_text(value: object) -> str:
    """Typed, scanned or pasted slip numbers as text (tabs and line breaks of a column pasted
    from Excel count as separators).

    Raises:
        InputError: empty, or not text.
    """
    if not isinstance(value, str):
        raise InputError(_("Type slip numbers, e.g. 1207, 1210-1212."))
    return require_text(_LINE_BREAKS.sub(" ", value), _("Slip numbers"), 200_000)


def series_longest_prefix_first() -> list[Series]:
    """All series, the longest prefix first, so ``BJ0000003`` is read in series BJ even when a
    series B exists."""
    return sorted(Series.select(), key=lambda s: (-len(s.prefix), s.prefix))


def _pick_series(merchant: Merchant, event: Event, text: str, series_id: str | None) -> Series:
    if series_id:
        series = Series.get_or_none(Series.id == series_id)
        if series is None:
            raise NotFound(_("The number series does not exist."))
        return series
    held = {b.series_id for b in issued_books(event.id, merchant.id)}
    everything = series_longest_prefix_first()
    return series_of_text(text, [s for s in everything if s.id in held] or everything)


def series_of_text(text: str, candidates: list[Series]) -> Series:
    """The series typed numbers belong to: the first candidate whose prefix they start with,
    or the only candidate (short numbers like ``1207``).

    Raises:
        InputError: no prefix typed and several series possible.
    """
    typed = text.strip().upper()
    for series in candidates:
        if typed.startswith(series.prefix):
            return series
    if len(candidates) == 1:
        return candidates[0]
    raise InputError(_("Type slip numbers with their series prefix, e.g. BJ0001207."))


def parse_slip_numbers(text: str, series: Series) -> list[int]:
    """The typed numbers and ranges of `series`, sorted.

    Raises:
        InputError: unreadable, or more than `MAX_SLIPS_PER_STEP` (a range typo).
    """
    ranges = parse_ranges(text, fmt_of(series))
    total = sum(len(r) for r in ranges)
    if total > MAX_SLIPS_PER_STEP:
        raise InputError(_("{n} slips at once is more than a return check can hold; check the "
                           "range.").format(n=total))
    return sorted(n for r in ranges for n in r)


def entered_slips(series: Series, numbers: list[int]) -> dict[int, Slip]:
    """The Slip rows of `numbers`, every one of which must be entered.

    Raises:
        Conflict: some are not entered in the return check yet (named).
    """
    rows = existing_slips(series, numbers)
    absent = [n for n in numbers if n not in rows]
    if absent:
        raise Conflict(_("{numbers} not entered in the return check yet.").format(
            numbers=_short(absent, fmt_of(series))))
    return rows


def _books_covering(series: Series, numbers: list[int]) -> dict[int, Book]:
    """For each number, the registered book holding it (numbers in no book are left out)."""
    if not numbers:
        return {}
    rows = list(Book.select().where((Book.series == series) & (Book.last_no >= numbers[0])
                                    & (Book.first_no <= numbers[-1])).order_by(Book.first_no))
    out: dict[int, Book] = {}
    i = 0
    for number in numbers:
        while i < len(rows) and rows[i].last_no < number:
            i += 1
        if i < len(rows) and rows[i].first_no <= number:
            out[number] = rows[i]
    return out


def _refuse_foreign(event: Event, merchant: Merchant, series: Series, numbers: list[int],
                    books: dict[int, Book]) -> None:
    fmt = fmt_of(series)
    nowhere = [n for n in numbers if n not in books or books[n].state != "issued"]
    if nowhere:
        raise Conflict(_("{numbers}: not in any book issued for an event.").format(
            numbers=_short(nowhere, fmt)))
    foreign = [n for n in numbers if books[n].event_id != event.id
               or books[n].merchant_id != merchant.id]
    if foreign:
        book = books[foreign[0]]
        owner = Merchant.get_by_id(book.merchant_id).brand
        code = Event.get_by_id(book.event_id).code
        raise Conflict(_("{numbers} belong to {brand} at {code}, not to {mine} at {event}; "
                         "nothing was changed.").format(
            numbers=_short(foreign, fmt), brand=owner, code=code, mine=merchant.brand,
            event=event.code))


def _short(numbers: Iterable[int], fmt: SeriesFormat, limit: int = 5) -> str:
    ranges = ranges_from_numbers(numbers)
    text = format_ranges(ranges[:limit], fmt)
    return text + (_(" and more") if len(ranges) > limit else "")


def existing_slips(series: Series, numbers: list[int]) -> dict[int, Slip]:
    """The Slip rows among `numbers`."""
    out: dict[int, Slip] = {}
    for start in range(0, len(numbers), _CHUNK):
        chunk = numbers[start:start + _CHUNK]
        for row in Slip.select().where((Slip.series == series) & Slip.number.in_(chunk)):
            out[row.number] = row
    return out


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
            numbers=_short(entered, fmt), first=fmt.format(first.number),
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
    _refuse_foreign(event, merchant, series, [book.first_no], {book.first_no: book})
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
                         "would lose them).").format(numbers=_short(detailed, fmt_of(step.series))))
    fresh = [current[n].id for n, prev in changes if prev is None]
    for start in range(0, len(fresh), _CHUNK):
        Slip.delete().where(Slip.id.in_(fresh[start:start + _CHUNK])).execute()
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
