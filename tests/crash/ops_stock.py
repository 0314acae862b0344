"""Crash operation: registering 100,000 slips (2,000 books of 50) in one registration."""

from __future__ import annotations

import json

from app.db.models import AuditLog, Book, Series, StockBatch
from app.services.stock import registration as stock
from tests.crash.harness import ACTOR, Outcome, assert_unchanged_except, operation

PREFIX = "KX"
BOOK_SIZE = 50
PRIOR_BOOKS = 20
"""Registered in setup: must survive every kill untouched."""
BOOKS = 2000
SLIPS = BOOKS * BOOK_SIZE


def setup(db_url: str) -> None:
    series = stock.create_series(ACTOR, PREFIX, 7, BOOK_SIZE, "crash test")
    stock.register_next_books(ACTOR, series.id, PRIOR_BOOKS)


def run(db_url: str) -> None:
    series = stock.find_series(ACTOR, PREFIX)
    result = stock.register_next_books(ACTOR, series.id, BOOKS)
    assert result.slips == SLIPS


def check(db_url: str, completed: bool | None, outcome: Outcome) -> None:
    label = outcome.label
    series = Series.get(Series.prefix == PREFIX)
    batches = list(StockBatch.select().where(StockBatch.series == series)
                   .order_by(StockBatch.first_no))
    prior_end = PRIOR_BOOKS * BOOK_SIZE
    assert (batches[0].first_no, batches[0].last_no) == (1, prior_end), label
    assert len(batches) in (1, 2), f"{label}: {len(batches)} registrations"
    present = len(batches) - 1
    outcome.assert_units(present, total=1)

    books = list(Book.select(Book.first_no, Book.last_no, Book.state, Book.batch)
                 .where(Book.series == series).order_by(Book.first_no).tuples())
    assert len(books) == PRIOR_BOOKS + present * BOOKS, (
        f"{label}: {len(books)} books, expected {PRIOR_BOOKS} or {PRIOR_BOOKS + BOOKS}")
    for i, (first, last, state, batch) in enumerate(books):
        assert (first, last) == (i * BOOK_SIZE + 1, (i + 1) * BOOK_SIZE), f"{label}: book {i}"
        assert state == "in_stock", f"{label}: book {first} is {state}"
        assert batch == batches[0 if i < PRIOR_BOOKS else 1].id, f"{label}: book {first} batch"
    if present:
        new = batches[1]
        assert (new.first_no, new.last_no) == (prior_end + 1, prior_end + SLIPS), label
        assert new.voided_at is None and new.gap_first is None, label

    registered = list(AuditLog.select().where(AuditLog.action == "stock.register")
                      .order_by(AuditLog.seq))
    assert len(registered) == 1 + present, f"{label}: {len(registered)} register records"
    if present:
        assert registered[-1].entity_id == batches[1].id, label
        assert json.loads(registered[-1].after)["slips"] == SLIPS, label
    assert AuditLog.select().count() == outcome.baseline["AuditLog"] + present, label
    counts = {m.__name__: m.select().count() for m in (StockBatch, Book, AuditLog)}
    assert counts == {"StockBatch": outcome.baseline["StockBatch"] + present,
                      "Book": outcome.baseline["Book"] + present * BOOKS,
                      "AuditLog": outcome.baseline["AuditLog"] + present}, label
    assert_unchanged_except(outcome, {"StockBatch", "Book", "AuditLog", "AuditHead"})


operation("stock.register_100k_slips", setup, run, check)
