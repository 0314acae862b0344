"""Registrations of blank stock: listing them, and voiding one registered by mistake."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.db.models import Book, IssueReversal, StockBatch, utcnow
from app.domain.numbers import NumberRange, SeriesFormat
from app.errors import Conflict, NotFound
from app.i18n import _
from app.services.core.actor import Actor
from app.services.core.base import audit, current_actor, query, require_text, service
from app.services.stock.registration import _series_row


@dataclass(frozen=True)
class BatchInfo:
    """One registration of blank stock."""

    id: str
    first: str
    last: str
    books: int
    slips: int
    gap: str | None
    """Numbers skipped before this registration (R1.3), if any."""
    gap_reason: str
    registered_by: str
    registered_at: dt.datetime
    """UTC."""
    voided: bool
    void_reason: str
    can_void: bool
    """True while no book of it has ever left stock (planned, issued, or issued and taken back)."""


def _info(row: StockBatch, fmt: SeriesFormat, book_size: int) -> BatchInfo:
    rng = NumberRange(row.first_no, row.last_no)
    gap = (fmt.format_range(NumberRange(row.gap_first, row.gap_last))
           if row.gap_first is not None else None)
    voided = row.voided_at is not None
    out = Book.select().where((Book.batch == row) & (Book.state != "in_stock")).exists() or (
        IssueReversal.select().join(Book).where(Book.batch == row).exists())
    return BatchInfo(row.id, fmt.format(rng.first), fmt.format(rng.last), len(rng) // book_size,
                     len(rng), gap, row.gap_reason or "", row.registered_by, row.registered_at,
                     voided, row.void_reason or "", not voided and not out)


@query("stock.list_batches")
def list_batches(actor: Actor, series_id: str) -> list[BatchInfo]:
    """A series' registrations, newest first, voided ones included.

    Raises:
        NotFound: no such series.
    """
    series = _series_row(series_id)
    fmt = SeriesFormat(series.prefix, series.digits)
    rows = StockBatch.select().where(StockBatch.series == series).order_by(
        StockBatch.first_no.desc())
    return [_info(r, fmt, series.book_size) for r in rows]


@service("stock.void_registration")
def void_registration(actor: Actor, batch_id: str, reason: str) -> BatchInfo:
    """Void a registration made by mistake (a typo in a range): its numbers are no longer
    registered and may be registered again. The registration itself stays on record.

    Raises:
        NotFound: no such registration. InputError: no reason.
        Conflict: already voided, or a book of it is planned or issued.
    """
    why = require_text(reason, _("Reason"), 500)
    row = StockBatch.get_or_none(StockBatch.id == batch_id)
    if row is None:
        raise NotFound(_("The registration does not exist."))
    series = row.series
    fmt = SeriesFormat(series.prefix, series.digits)
    before = _info(row, fmt, series.book_size)
    if before.voided:
        raise Conflict(_("This registration is already voided."))
    if not before.can_void:
        raise Conflict(_("Books of {first}–{last} are or were planned or issued; only a "
                         "registration whose books never left stock can be voided.").format(
                             first=before.first, last=before.last))
    Book.delete().where((Book.batch == row) & (Book.state == "in_stock")).execute()
    StockBatch.update(voided_at=utcnow(), voided_by=current_actor().username,
                      void_reason=why).where(StockBatch.id == row.id).execute()
    after = _info(StockBatch.get_by_id(row.id), fmt, series.book_size)
    audit("stock.void_registration", "stock_batch", row.id, before=before, after=after)
    return after
