"""Number series and blank stock registration (R1.1–R1.4)."""

from __future__ import annotations

import pytest

from app.db.models import Book, StockBatch
from app.errors import Conflict, InputError, NotFound
from app.services.stock import registration as stock
from tests.services.conftest import audit_rows, last_seq, row_counts


def book_ranges(series_id: str) -> list[tuple[int, int]]:
    return [(b.first_no, b.last_no) for b in
            Book.select().where(Book.series == series_id).order_by(Book.first_no)]


def test_series_is_created_with_prefix_digits_and_book_size(db, actor):
    """R1.1: a series is a prefix plus fixed digits, with a fixed number of slips per book."""
    info = stock.create_series(actor, " bj ", 7, 50, "北京订单本")
    assert (info.prefix, info.digits, info.book_size, info.name) == ("BJ", 7, 50, "北京订单本")
    assert info.last_number == 0
    assert info.format.format(1207) == "BJ0001207"
    assert stock.find_series(actor, "bj").id == info.id
    assert [s.prefix for s in stock.list_series(actor)] == ["BJ"]


@pytest.mark.parametrize(("prefix", "digits", "book_size"), [
    ("B1", 7, 50), ("", 7, 50), ("TOOLONG", 7, 50), ("BJ", 2, 50), ("BJ", 13, 50),
    ("BJ", 7, 0), ("BJ", 7, 1001), ("BJ", 7, True), ("BJ", "7", 50), ("BJ", 7, 50.0),
])
def test_bad_series_definition_is_refused(db, actor, prefix, digits, book_size):
    """R1.1: prefix 1–6 letters, 3–12 digits, 1–1000 slips per book; nothing is created."""
    with pytest.raises(InputError):
        stock.create_series(actor, prefix, digits, book_size)
    assert stock.list_series(actor) == []


def test_series_prefix_is_unique(series, actor):
    """R1.1: numbers are exclusive, so a prefix names one series only."""
    with pytest.raises(Conflict, match="BJ"):
        stock.create_series(actor, "bj", 8, 100)


def test_unknown_series_is_not_found(db, actor):
    """R1.1: registering into a series that does not exist is refused."""
    with pytest.raises(NotFound):
        stock.register_next_books(actor, "0" * 32, 1)
    with pytest.raises(NotFound):
        stock.find_series(actor, "ZZ")


def test_register_next_continues_from_the_last_registered_number(series, actor):
    """R1.1: a new batch continues from the series' last registered number."""
    first = stock.register_next_books(actor, series.id, 2)
    second = stock.register_next_books(actor, series.id, 3)
    assert (first.first, first.last, first.books, first.slips) == ("BJ0000001", "BJ0000100", 2,
                                                                   100)
    assert (second.first, second.last, second.books) == ("BJ0000101", "BJ0000250", 3)
    assert second.gap is None
    assert book_ranges(series.id) == [(1, 50), (51, 100), (101, 150), (151, 200), (201, 250)]
    assert stock.find_series(actor, "BJ").last_number == 250
    assert all(b.state == "in_stock" for b in Book.select())


def test_register_explicit_range_makes_whole_books(series, actor):
    """R1.1, R1.4: ``BJ0000001-BJ0001000`` registers 20 books of 50."""
    reg = stock.register_range(actor, series.id, "BJ0000001-BJ0001000")
    assert (reg.first, reg.last, reg.books, reg.slips, reg.gap) == (
        "BJ0000001", "BJ0001000", 20, 1000, None)
    assert len(book_ranges(series.id)) == 20
    assert book_ranges(series.id)[-1] == (951, 1000)
    batch = StockBatch.get_by_id(reg.batch_id)
    assert batch.registered_by == actor.username


def test_register_next_after_an_explicit_range_continues_from_it(series, actor):
    """R1.1: continuity counts from the highest registered number, however it was registered."""
    stock.register_range(actor, series.id, "1001-1100", gap_reason="HQ skipped a batch")
    reg = stock.register_next_books(actor, series.id, 1)
    assert (reg.first, reg.last) == ("BJ0001101", "BJ0001150")


def test_overlapping_registration_is_refused_naming_overlap(stocked, actor):
    """R1.2: a registration that overlaps registered numbers is refused, naming the overlap,
    and nothing is written."""
    before, seq = row_counts(), last_seq()
    with pytest.raises(Conflict) as err:
        stock.register_range(actor, stocked.id, "BJ0000951-BJ0001050")
    assert "BJ0000951–0001000" in err.value.message
    assert row_counts() == before
    assert audit_rows(seq) == []


def test_overlap_with_several_batches_names_each_overlap(series, actor):
    """R1.2: every clashing run is named, not just the first."""
    stock.register_range(actor, series.id, "1-100")
    stock.register_range(actor, series.id, "201-300", gap_reason="HQ skipped")
    with pytest.raises(Conflict) as err:
        stock.register_range(actor, series.id, "51-250")
    assert "BJ0000051–0000100" in err.value.message
    assert "BJ0000201–0000250" in err.value.message


def test_registering_the_same_range_twice_is_refused(stocked, actor):
    """R1.1: a number exists once (exclusive)."""
    with pytest.raises(Conflict, match="BJ0000001–0001000"):
        stock.register_range(actor, stocked.id, "1-1000")
    assert Book.select().count() == 20


def test_gap_after_the_last_number_needs_a_reason(stocked, actor):
    """R1.3: a registration that leaves a gap after the last number needs a written reason;
    the message names the gap, and nothing is written without one."""
    before = row_counts()
    for reason in ["", "   "]:
        with pytest.raises(InputError) as err:
            stock.register_range(actor, stocked.id, "2001-3000", gap_reason=reason)
        assert "BJ0001001–0002000" in err.value.message
    assert row_counts() == before
    reg = stock.register_range(actor, stocked.id, "2001-3000", gap_reason="HQ skipped a batch")
    assert reg.gap == "BJ0001001–0002000"
    batch = StockBatch.get_by_id(reg.batch_id)
    assert (batch.gap_first, batch.gap_last, batch.gap_reason) == (1001, 2000,
                                                                   "HQ skipped a batch")


def test_filling_a_gap_later_needs_no_reason(series, actor):
    """R1.3: HQ prints the skipped batch after all — it fills the gap exactly."""
    stock.register_range(actor, series.id, "1-100")
    stock.register_range(actor, series.id, "201-300", gap_reason="HQ skipped")
    reg = stock.register_range(actor, series.id, "101-200")
    assert reg.gap is None
    assert len(book_ranges(series.id)) == 6


@pytest.mark.parametrize("numbers", ["1-75", "1-49", "1-1", "1-1001"])
def test_non_whole_book_registration_is_refused(series, actor, numbers):
    """R1.4: a registration is a whole number of books of the series' size."""
    before = row_counts()
    with pytest.raises(InputError, match="50"):
        stock.register_range(actor, series.id, numbers)
    assert row_counts() == before


def test_registration_past_the_series_largest_number_is_refused(db, actor):
    """R1.1: the digits bound the series; numbers past 10^digits − 1 cannot be registered."""
    small = stock.create_series(actor, "T", 3, 100)
    stock.register_next_books(actor, small.id, 9)                # 001–900
    before = row_counts()
    with pytest.raises(InputError, match="T999"):
        stock.register_next_books(actor, small.id, 1)             # would be 901–1000
    with pytest.raises(InputError):
        stock.register_range(actor, small.id, "901-1000")
    assert row_counts() == before


@pytest.mark.parametrize("books", [0, -1, 20_001, True, "3", 2.0, None])
def test_register_next_refuses_a_bad_book_count(series, actor, books):
    """R1.4: the count of books is a whole number, at least 1, at most a million slips."""
    with pytest.raises(InputError):
        stock.register_next_books(actor, series.id, books)
    assert Book.select().count() == 0


@pytest.mark.parametrize("numbers", ["1-50, 101-150", "", "abc", "SH0000001-SH0000050",
                                     "100-51"])
def test_register_range_refuses_anything_but_one_range_of_the_series(series, actor, numbers):
    """R1.1: one range of this series at a time."""
    with pytest.raises(InputError):
        stock.register_range(actor, series.id, numbers)
    assert Book.select().count() == 0


def test_each_registration_is_audited(series, actor):
    """R1.1: who registered what, and when, is on record."""
    seq = last_seq()
    reg = stock.register_next_books(actor, series.id, 2)
    (row,) = audit_rows(seq)
    assert (row.actor, row.action, row.entity, row.entity_id) == (
        actor.username, "stock.register", "stock_batch", reg.batch_id)
    assert '"BJ0000100"' in row.after and row.before is None
