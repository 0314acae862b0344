"""Number series and blank stock (R1.1–R1.4)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from peewee import fn

from app.db.models import Book, Series, StockBatch, database
from app.domain.numbers import (
    NumberRange,
    SeriesFormat,
    parse_ranges,
    validate_digits,
    validate_prefix,
)
from app.errors import Conflict, InputError, NotFound
from app.i18n import _
from app.services.core.actor import Actor
from app.services.core.base import audit, current_actor, query, require_text, service

MAX_BOOK_SIZE = 1000
MAX_SLIPS_PER_REGISTRATION = 1_000_000  # a large printing batch; more is a typo
INSERT_CHUNK = 500


@dataclass(frozen=True)
class SeriesInfo:
    """A number series as the screens and reports see it."""

    id: str
    prefix: str
    digits: int
    book_size: int
    name: str
    last_number: int
    """Highest registered number (0 if none yet)."""

    @property
    def format(self) -> SeriesFormat:
        """Formatting rules of this series."""
        return SeriesFormat(self.prefix, self.digits)


@dataclass(frozen=True)
class Registration:
    """The outcome of one stock registration."""

    batch_id: str
    series_prefix: str
    first: str
    last: str
    books: int
    slips: int
    gap: str | None


def _series_row(series_id: str) -> Series:
    row = Series.get_or_none(Series.id == series_id)
    if row is None:
        raise NotFound(_("The number series does not exist."))
    return row


def live_batches() -> object:
    """Condition for registrations that stand (not voided)."""
    return StockBatch.voided_at.is_null()


def _last_number(series: Series) -> int:
    return StockBatch.select(fn.MAX(StockBatch.last_no)).where(
        (StockBatch.series == series) & live_batches()).scalar() or 0


def _info(row: Series) -> SeriesInfo:
    return SeriesInfo(row.id, row.prefix, row.digits, row.book_size, row.name, _last_number(row))


def series_format(series_id: str) -> SeriesFormat:
    """The SeriesFormat of a series id."""
    row = _series_row(series_id)
    return SeriesFormat(row.prefix, row.digits)


@service("stock.create_series")
def create_series(actor: Actor, prefix: str, digits: int = 7, book_size: int = 50,
                  name: str = "") -> SeriesInfo:
    """Create a number series: prefix + fixed digits, slips per book.

    Raises:
        InputError: bad prefix, digits outside 3–12, book size outside 1–1000.
        Conflict: the prefix is taken.
    """
    prefix = validate_prefix(prefix)
    digits = validate_digits(digits)
    if not isinstance(book_size, int) or isinstance(book_size, bool) or not (
            1 <= book_size <= MAX_BOOK_SIZE):
        raise InputError(_("Slips per book must be between 1 and {n}.").format(n=MAX_BOOK_SIZE))
    name = require_text(name, _("Name"), 100, allow_empty=True)
    if Series.select().where(Series.prefix == prefix).exists():
        raise Conflict(_("Series {prefix} already exists.").format(prefix=prefix))
    row = Series.create(prefix=prefix, digits=digits, book_size=book_size, name=name)
    audit("series.create", "series", row.id,
          after={"prefix": prefix, "digits": digits, "book_size": book_size, "name": name})
    return _info(row)


@query("stock.list_series")
def list_series(actor: Actor) -> list[SeriesInfo]:
    """All series, by prefix."""
    return [_info(r) for r in Series.select().order_by(Series.prefix)]


@query("stock.find_series")
def find_series(actor: Actor, prefix: str) -> SeriesInfo:
    """The series with this prefix.

    Raises:
        NotFound: no such series.
    """
    row = Series.get_or_none(Series.prefix == str(prefix).strip().upper())
    if row is None:
        raise NotFound(_("There is no series {prefix}.").format(prefix=str(prefix)[:10]))
    return _info(row)


def _check_count(books: object) -> int:
    if not isinstance(books, int) or isinstance(books, bool):
        raise InputError(_("The number of books must be a whole number."))
    if books < 1:
        raise InputError(_("Register at least one book."))
    return books


@service("stock.register_next")
def register_next_books(actor: Actor, series_id: str, books: int) -> Registration:
    """Register the next `books` books, continuing from the series' last number (R1.1).

    Raises:
        InputError: count below 1, over a million slips, or past the series' largest number.
    """
    row = _series_row(series_id)
    books = _check_count(books)
    first = _last_number(row) + 1
    return _register(row, NumberRange(first, first + books * row.book_size - 1), None)


@service("stock.register_range")
def register_range(actor: Actor, series_id: str, numbers: str, gap_reason: str = ""
                   ) -> Registration:
    """Register an explicit range such as ``BJ0001001-BJ0002000`` (R1.1–R1.4).

    Raises:
        InputError: malformed range, not whole books (R1.4), a gap without reason (R1.3).
        Conflict: overlaps registered numbers, which the message names (R1.2).
    """
    row = _series_row(series_id)
    fmt = SeriesFormat(row.prefix, row.digits)
    ranges = parse_ranges(numbers, fmt)
    if len(ranges) != 1:
        raise InputError(_("Register one range at a time, e.g. {example}.").format(
            example=f"{fmt.format(1001)}-{fmt.format(2000)}"))
    return _register(row, ranges[0], gap_reason)


def _register(row: Series, rng: NumberRange, gap_reason: str | None) -> Registration:
    fmt = SeriesFormat(row.prefix, row.digits)
    if rng.last > fmt.max_number:
        raise InputError(_("Series {prefix} ends at {last}; this registration would pass it.")
                         .format(prefix=row.prefix, last=fmt.format(fmt.max_number)))
    if len(rng) % row.book_size:
        raise InputError(_("{count} numbers are not whole books of {size} (R1.4).").format(
            count=len(rng), size=row.book_size))
    if len(rng) > MAX_SLIPS_PER_REGISTRATION:
        raise InputError(_("{count} slips at once is more than the {n} allowed in one "
                           "registration; check for a typo, or register in parts.").format(
                               count=f"{len(rng):,}", n=f"{MAX_SLIPS_PER_REGISTRATION:,}"))
    _refuse_overlap(row, rng, fmt)
    last = _last_number(row)
    gap = NumberRange(last + 1, rng.first - 1) if rng.first > last + 1 else None
    reason = None
    if gap is not None:
        reason = require_text(gap_reason, _("Gap reason"), 500, allow_empty=True)
        if not reason:
            raise InputError(_("This leaves numbers {gap} unregistered; give a reason for the "
                               "gap (R1.3).").format(gap=fmt.format_range(gap)))
    batch = StockBatch.create(
        series=row, first_no=rng.first, last_no=rng.last, registered_by=current_actor().username,
        gap_first=gap.first if gap else None, gap_last=gap.last if gap else None,
        gap_reason=reason)
    _insert_books(row, batch, rng)
    result = Registration(batch.id, row.prefix, fmt.format(rng.first), fmt.format(rng.last),
                          len(rng) // row.book_size, len(rng),
                          fmt.format_range(gap) if gap else None)
    audit("stock.register", "stock_batch", batch.id, after=result)
    return result


def _refuse_overlap(row: Series, rng: NumberRange, fmt: SeriesFormat) -> None:
    clashes = (StockBatch.select(StockBatch.first_no, StockBatch.last_no)
               .where((StockBatch.series == row) & (StockBatch.first_no <= rng.last)
                      & (StockBatch.last_no >= rng.first) & live_batches())
               .order_by(StockBatch.first_no).limit(20))
    overlaps = [rng.intersection(NumberRange(b.first_no, b.last_no)) for b in clashes]
    if overlaps:
        named = ", ".join(fmt.format_range(o) for o in overlaps if o)
        raise Conflict(_("Numbers {numbers} are already registered (R1.2); nothing was "
                         "registered.").format(numbers=named))


def _insert_books(row: Series, batch: StockBatch, rng: NumberRange) -> None:
    from app.domain.ids import new_id

    starts = range(rng.first, rng.last + 1, row.book_size)
    rows = ((new_id(), row.id, batch.id, s, s + row.book_size - 1, "in_stock") for s in starts)
    fields = [Book.id, Book.series, Book.batch, Book.first_no, Book.last_no, Book.state]
    with database.atomic():
        while chunk := list(itertools.islice(rows, INSERT_CHUNK)):
            Book.insert_many(chunk, fields=fields).execute()
