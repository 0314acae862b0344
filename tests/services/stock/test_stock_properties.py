"""Blank stock under any sequence of registrations (R1.1–R1.4), explored with hypothesis."""

from __future__ import annotations

import itertools
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.db.models import Book, StockBatch
from app.domain.numbers import NumberRange, merge_ranges
from app.errors import AppError
from app.services.stock import registration as stock
from app.services.stock import report as stock_report
from tests.services.conftest import row_counts

SIZE = 10
_prefixes = ("".join(p) for n in range(1, 4) for p in itertools.product(string.ascii_uppercase,
                                                                         repeat=n))

next_op = st.tuples(st.just("next"), st.integers(1, 3))
range_op = st.tuples(st.just("range"), st.integers(0, 12), st.integers(1, 3),
                     st.sampled_from([0, 0, 0, 5]), st.sampled_from([0, 0, 0, 3]),
                     st.sampled_from(["", "HQ skipped"]))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(next_op, range_op), min_size=1, max_size=8))
def test_stock_stays_continuous_exclusive_and_whole(db, actor, ops):
    """R1.1–R1.4: whatever is registered or refused, numbers exist once, books are whole,
    a refused registration writes nothing, and every hole in the series has its reason."""
    series = stock.create_series(actor, next(_prefixes), 4, SIZE)
    for op in ops:
        before = row_counts()
        last = stock.find_series(actor, series.prefix).last_number
        try:
            if op[0] == "next":
                reg = stock.register_next_books(actor, series.id, op[1])
                assert int(reg.first[len(series.prefix):]) == last + 1          # R1.1
            else:
                _kind, slot, books, shift, extra, reason = op
                first, count = slot * SIZE + 1 + shift, books * SIZE + extra
                stock.register_range(actor, series.id, f"{first}-{first + count - 1}",
                                     gap_reason=reason)
        except AppError:
            assert row_counts() == before
        _check_invariants(actor, series.id)


def _check_invariants(actor, series_id: str) -> None:
    books = [NumberRange(b.first_no, b.last_no) for b in
             Book.select().where(Book.series == series_id).order_by(Book.first_no)]
    assert all(len(b) == SIZE for b in books)                                  # R1.4
    assert all(a.last < b.first for a, b in zip(books, books[1:], strict=False))  # R1.1
    batches = merge_ranges(NumberRange(b.first_no, b.last_no) for b in
                           StockBatch.select().where(StockBatch.series == series_id))
    assert merge_ranges(books) == batches
    (report,) = stock_report.stock_report(actor, series_id)
    assert all(gap.reason for gap in report.gaps)                              # R1.3
    holes = sum(gap.slips for gap in report.gaps)
    top = batches[-1].last if batches else 0
    assert holes + sum(len(b) for b in books) == top
