"""Finding books by code or slip number, and describing a merchant's books."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.db.models import Book, Event, Merchant, Series
from app.domain.numbers import (
    NumberRange,
    SeriesFormat,
    format_ranges,
    merge_ranges,
    normalize_text,
)
from app.errors import InputError, NotFound
from app.i18n import N_, _
from app.services.core.actor import Actor
from app.services.core.base import query

STATE_LABELS = {  # a book's state (R1, R2); slips have their own (domain.returns)
    "in_stock": N_("In stock"),
    "planned": N_("Planned"),
    "issued": N_("Issued"),
}


def state_label(state: str) -> str:
    """The translated name of a book state."""
    return _(STATE_LABELS.get(state, state))


_DIGITS = re.compile(r"[0-9]+")
_DASHES = re.compile(r"\s*[-–—~〜～‐−]\s*")


@dataclass(frozen=True)
class BookInfo:
    """One order book."""

    id: str
    series_id: str
    code: str
    """Barcode content and label text, ``BJ0000001-0000050``."""
    first: str
    last: str
    slips: int
    state: str
    event_code: str
    brand: str


def book_info(row: Book, series: Series | None = None) -> BookInfo:
    """BookInfo from a row (pass the series to save a query)."""
    series = series or row.series
    fmt = SeriesFormat(series.prefix, series.digits)
    rng = NumberRange(row.first_no, row.last_no)
    event = Event.get_by_id(row.event_id).code if row.event_id else ""
    brand = Merchant.get_by_id(row.merchant_id).brand if row.merchant_id else ""
    return BookInfo(row.id, series.id, fmt.book_code(rng), fmt.format(rng.first),
                    fmt.format(rng.last), len(rng), row.state, event, brand)


def describe_ranges(rows: list[Book], series_by_id: dict[str, Series]) -> str:
    """Merged ranges of some books, e.g. ``BJ0000001–0000150``, grouped by series."""
    parts: list[str] = []
    for series_id in sorted({r.series_id for r in rows}):
        s = series_by_id[series_id]
        ranges = merge_ranges(NumberRange(r.first_no, r.last_no) for r in rows
                              if r.series_id == series_id)
        parts.append(format_ranges(ranges, SeriesFormat(s.prefix, s.digits)))
    return ", ".join(parts)


def locate_book(text: str) -> Book:
    """The book a scanned/typed code or slip number belongs to.

    Accepts a book code ``BJ0000001-0000050`` (also written ``BJ0000001-BJ0000050`` or with
    another dash) or one full slip number ``BJ0000017``.

    Raises:
        InputError: not a code or number. NotFound: no registered book holds it.
    """
    raw = _DASHES.sub("-", normalize_text(text))
    for series in Series.select():
        if not raw.startswith(series.prefix):
            continue
        fmt = SeriesFormat(series.prefix, series.digits)
        body = raw[len(series.prefix):]
        first_txt, _sep, last_txt = body.partition("-")
        last_txt = last_txt.removeprefix(series.prefix)
        if not _DIGITS.fullmatch(first_txt) or len(first_txt) != fmt.digits or (
                last_txt and (not _DIGITS.fullmatch(last_txt) or len(last_txt) != fmt.digits)):
            continue
        number = int(first_txt)
        row = (Book.select().where((Book.series == series) & (Book.first_no <= number))
               .order_by(Book.first_no.desc()).first())
        if row is None or row.last_no < number or (
                last_txt and (row.first_no != number or row.last_no != int(last_txt))):
            raise NotFound(_("No registered book has the code or number '{text}'.").format(
                text=raw[:40]))
        return row
    raise InputError(_("'{text}' is not a book code or slip number (e.g. BJ0000001-0000050 or "
                       "BJ0000017).").format(text=raw[:40]))


@query("books.find")
def find_book(actor: Actor, text: str) -> BookInfo:
    """The book for a scanned label or a slip number.

    Raises:
        InputError: unreadable code. NotFound: no such book.
    """
    return book_info(locate_book(text))


@query("books.list_event")
def list_event_books(actor: Actor, event_id: str, merchant_id: str | None = None
                     ) -> list[BookInfo]:
    """An event's planned and issued books (optionally one merchant's), in number order.

    Raises:
        NotFound: no such event.
    """
    if not Event.select().where(Event.id == event_id).exists():
        raise NotFound(_("The event does not exist."))
    rows = Book.select().where(Book.event == event_id)
    if merchant_id:
        rows = rows.where(Book.merchant == merchant_id)
    series = {s.id: s for s in Series.select()}
    event_code = Event.get_by_id(event_id).code
    brands = dict(Merchant.select(Merchant.id, Merchant.brand).tuples())
    out = []
    for row in rows.order_by(Book.series, Book.first_no):
        s = series[row.series_id]
        fmt = SeriesFormat(s.prefix, s.digits)
        rng = NumberRange(row.first_no, row.last_no)
        out.append(BookInfo(row.id, s.id, fmt.book_code(rng), fmt.format(rng.first),
                            fmt.format(rng.last), len(rng), row.state, event_code,
                            brands.get(row.merchant_id, "")))
    return out
