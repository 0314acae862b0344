"""Requisition planning (R2.1): estimates → books, in number order, contiguous where possible."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.planning import (
    FreeBook,
    NotEnoughStock,
    assign,
    books_needed,
    contiguous_runs,
)

SIZE = 50


def book(slot: int) -> FreeBook:
    """The book in position `slot` (0-based) of a 50-per-book series."""
    return FreeBook(f"b{slot}", slot * SIZE + 1, (slot + 1) * SIZE)


def stock(*slots: int) -> list[FreeBook]:
    return [book(s) for s in slots]


@pytest.mark.parametrize(("estimate", "books"), [
    (0, 1), (1, 1), (49, 1), (50, 1), (51, 2), (100, 2), (120, 3), (40, 1), (150, 3), (151, 4),
])
def test_books_needed_is_estimate_over_book_size_rounded_up_at_least_one(estimate, books):
    """R2.1: books = ceil(estimate / slips per book), at least 1 (120/50 → 3, 0 → 1)."""
    assert books_needed(estimate, SIZE) == books


def test_books_needed_refuses_impossible_input():
    """R2.1: a negative estimate or an empty book is a programming error."""
    with pytest.raises(ValueError):
        books_needed(-1, SIZE)
    with pytest.raises(ValueError):
        books_needed(10, 0)


def test_worked_example_plan():
    """R2.1, worked example: 安信地板 120 → books 1–3, 马可波罗瓷砖 40 → book 4."""
    plan = assign([("安信地板", 3), ("马可波罗瓷砖", 1)], stock(*range(20)))
    assert [(b.first, b.last) for b in plan["安信地板"]] == [(1, 50), (51, 100), (101, 150)]
    assert [(b.first, b.last) for b in plan["马可波罗瓷砖"]] == [(151, 200)]


def test_a_merchant_gets_the_lowest_contiguous_run_long_enough():
    """R2.1: contiguous where stock allows — a hole in stock is skipped, not split across."""
    free = stock(0, 2, 3, 4, 7)          # runs: [0], [2,3,4], [7]
    plan = assign([("A", 2), ("B", 1), ("C", 2)], free)
    assert plan["A"] == stock(2, 3)
    assert plan["B"] == stock(0)
    assert plan["C"] == stock(4, 7)      # no run of 2 left: lowest books, split


def test_not_enough_stock_says_how_many_are_missing():
    """R2.1: planning more books than stock holds is refused with the shortfall."""
    with pytest.raises(NotEnoughStock) as err:
        assign([("A", 3), ("B", 2)], stock(0, 1, 2, 3))
    assert err.value.short == 1


def test_contiguous_runs_split_on_holes():
    """R2.1: runs are books that follow each other without a gap in numbers."""
    assert contiguous_runs(stock(0, 1, 3, 5, 6)) == [stock(0, 1), stock(3), stock(5, 6)]
    assert contiguous_runs([]) == []


slots = st.sets(st.integers(0, 60), max_size=40)
needs_st = st.lists(st.integers(1, 8), max_size=8)


@given(slots, needs_st, st.randoms(use_true_random=False))
def test_assign_meets_every_need_from_free_books_contiguous_where_possible(free_slots, counts,
                                                                           rnd):
    """R2.1: every need met exactly, no book twice, only free books, in number order,
    one contiguous run whenever the remaining stock has a run long enough."""
    free = stock(*free_slots)
    rnd.shuffle(free)                                   # the caller's order must not matter
    needs = [(f"m{i}", n) for i, n in enumerate(counts)]
    if sum(counts) > len(free):
        with pytest.raises(NotEnoughStock) as err:
            assign(needs, free)
        assert err.value.short == sum(counts) - len(free)
        return
    plan = assign(needs, free)
    remaining = sorted(free, key=lambda b: b.first)
    handed_out: list[FreeBook] = []
    for key, count in needs:
        got = plan[key]
        assert len(got) == count
        assert all(b in remaining for b in got)         # free, and not given to anyone before
        assert got == sorted(got, key=lambda b: b.first)
        runs = contiguous_runs(remaining)
        fitting = [r for r in runs if len(r) >= count]
        if fitting:
            assert got == fitting[0][:count]            # lowest run that fits, one piece
        else:
            assert got == remaining[:count]             # lowest books, split over runs
        handed_out += got
        remaining = [b for b in remaining if b not in got]
    assert len({b.id for b in handed_out}) == len(handed_out)
    assert set(plan) == {k for k, _ in needs}
