"""Stock report (R1.3): per series, number ranges by state, and unregistered gaps."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.db.models import Book, Event, Merchant, Series, StockBatch
from app.domain.numbers import NumberRange, SeriesFormat
from app.errors import NotFound
from app.i18n import _
from app.services.core.actor import Actor
from app.services.core.base import query
from app.services.stock.registration import SeriesInfo, _info, live_batches


@dataclass(frozen=True)
class StateRange:
    """A run of consecutive books in one state (and, once out, with one merchant)."""

    state: str
    first: str
    last: str
    books: int
    slips: int
    event_code: str = ""
    brand: str = ""


@dataclass(frozen=True)
class Gap:
    """Numbers skipped inside a series, with the reason given when the skip was registered."""

    first: str
    last: str
    slips: int
    reason: str


@dataclass(frozen=True)
class SeriesStock:
    """One series in the stock report."""

    series: SeriesInfo
    ranges: list[StateRange]
    gaps: list[Gap]
    totals: dict[str, tuple[int, int]] = field(default_factory=dict)
    """state → (books, slips)."""


@query("stock.report")
def stock_report(actor: Actor, series_id: str | None = None) -> list[SeriesStock]:
    """The stock report for one series or all of them."""
    rows = Series.select().order_by(Series.prefix)
    if series_id is not None:
        rows = rows.where(Series.id == series_id)
        if not rows.exists():
            raise NotFound(_("The number series does not exist."))
    return [_series_stock(row) for row in rows]


def _series_stock(row: Series) -> SeriesStock:
    fmt = SeriesFormat(row.prefix, row.digits)
    events = dict(Event.select(Event.id, Event.code).tuples())
    brands = dict(Merchant.select(Merchant.id, Merchant.brand).tuples())
    books = (Book.select(Book.first_no, Book.last_no, Book.state, Book.event, Book.merchant)
             .where(Book.series == row).order_by(Book.first_no).tuples().iterator())
    ranges: list[StateRange] = []
    totals: dict[str, tuple[int, int]] = {}
    run: list = []
    for first, last, state, event_id, merchant_id in books:
        key = (state, event_id, merchant_id)
        if run and run[0] == key and run[2] + 1 == first:
            run[2] = last
            run[3] += 1
        else:
            if run:
                ranges.append(_state_range(run, fmt, events, brands))
            run = [key, first, last, 1]
        b, s = totals.get(state, (0, 0))
        totals[state] = (b + 1, s + last - first + 1)
    if run:
        ranges.append(_state_range(run, fmt, events, brands))
    return SeriesStock(_info(row), ranges, _gaps(row, fmt), totals)


def _state_range(run: list, fmt: SeriesFormat, events: dict, brands: dict) -> StateRange:
    (state, event_id, merchant_id), first, last, count = run
    return StateRange(state, fmt.format(first), fmt.format(last), count, last - first + 1,
                      events.get(event_id, ""), brands.get(merchant_id, ""))


def _gaps(row: Series, fmt: SeriesFormat) -> list[Gap]:
    gaps: list[Gap] = []
    previous_last = 0
    batches = list(StockBatch.select().where((StockBatch.series == row) & live_batches())
                   .order_by(StockBatch.first_no))
    for batch in batches:
        if batch.first_no > previous_last + 1:
            hole = NumberRange(previous_last + 1, batch.first_no - 1)
            gaps.append(Gap(fmt.format(hole.first), fmt.format(hole.last), len(hole),
                            _gap_reason(hole, batches)))
        previous_last = max(previous_last, batch.last_no)
    return gaps


def _gap_reason(hole: NumberRange, batches: list[StockBatch]) -> str:
    """The reason recorded for the skip this hole is (what is left of), even when later
    registrations filled part of it (R1.3)."""
    for batch in batches:
        if batch.gap_first is not None and batch.gap_first <= hole.first \
                and hole.last <= batch.gap_last:
            return batch.gap_reason or ""
    return ""
