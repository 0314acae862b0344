"""Which slips a typed or scanned text names, and where a merchant's return stands: shared by
return entry (R3.1), chase and recovery (R3.3, R3.4), seals (R3.6) and slip details.

Numbers are read in the series of the merchant's books (the longest prefix first, so ``B`` does
not swallow ``BJ``); a number of another merchant or event, or of no issued book, is refused and
named.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from peewee import fn

from app.db.models import Book, Event, Merchant, MerchantReturn, Series, Slip
from app.domain.numbers import SeriesFormat, format_ranges, parse_ranges, ranges_from_numbers
from app.domain.returns import CLOSED, NOT_ENTERED, STATE_LABELS, Counts, counts_from_states
from app.errors import Conflict, InputError, NotFound
from app.i18n import _
from app.services.core.base import current_actor, require_text
from app.services.events.events import is_archived

MAX_SLIPS_PER_STEP = 100_000
"""A larger marking is a typo (a range over millions of numbers), refused before any work."""
CHUNK = 500
"""Numbers per IN (...) query: below every driver's variable limit."""
_LINE_BREAKS = re.compile(r"[\t\r\n\v\f\u2028\u2029]+")


def state_label(state: str) -> str:
    """Translated name of a slip state."""
    return _(STATE_LABELS.get(state, state)) if state != NOT_ENTERED else _("Not entered")


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
    books = books_covering(series, numbers)
    refuse_foreign(event, merchant, series, numbers, books)
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
            numbers=short(absent, fmt_of(series))))
    return rows


def books_covering(series: Series, numbers: list[int]) -> dict[int, Book]:
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


def refuse_foreign(event: Event, merchant: Merchant, series: Series, numbers: list[int],
                   books: dict[int, Book]) -> None:
    """Refuse numbers outside this merchant's issued books for this event.

    Raises:
        Conflict: numbers of no issued book, or of another merchant or event (named).
    """
    fmt = fmt_of(series)
    nowhere = [n for n in numbers if n not in books or books[n].state != "issued"]
    if nowhere:
        raise Conflict(_("{numbers}: not in any book issued for an event.").format(
            numbers=short(nowhere, fmt)))
    foreign = [n for n in numbers if books[n].event_id != event.id
               or books[n].merchant_id != merchant.id]
    if foreign:
        book = books[foreign[0]]
        owner = Merchant.get_by_id(book.merchant_id).brand
        code = Event.get_by_id(book.event_id).code
        raise Conflict(_("{numbers} belong to {brand} at {code}, not to {mine} at {event}; "
                         "nothing was changed.").format(
            numbers=short(foreign, fmt), brand=owner, code=code, mine=merchant.brand,
            event=event.code))


def short(numbers: Iterable[int], fmt: SeriesFormat, limit: int = 5) -> str:
    """At most `limit` ranges of `numbers` for a message, then "and more"."""
    ranges = ranges_from_numbers(numbers)
    text = format_ranges(ranges[:limit], fmt)
    return text + (_(" and more") if len(ranges) > limit else "")


def existing_slips(series: Series, numbers: list[int]) -> dict[int, Slip]:
    """The Slip rows among `numbers`."""
    out: dict[int, Slip] = {}
    for start in range(0, len(numbers), CHUNK):
        chunk = numbers[start:start + CHUNK]
        for row in Slip.select().where((Slip.series == series) & Slip.number.in_(chunk)):
            out[row.number] = row
    return out
