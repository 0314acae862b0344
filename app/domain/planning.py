"""Requisition planning (R2.1): estimates → books, assigned in number order, contiguous.

Pure: takes free books and needs, returns the assignment. The service reads and writes the rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class FreeBook:
    """A book available for planning."""

    id: str
    first: int
    last: int


def books_needed(estimate: int, book_size: int) -> int:
    """ceil(estimate / slips per book), at least 1 (R2.1)."""
    if estimate < 0 or book_size < 1:
        raise ValueError("estimate >= 0 and book_size >= 1")
    return max(1, math.ceil(estimate / book_size))


def contiguous_runs(books: list[FreeBook]) -> list[list[FreeBook]]:
    """Split number-ordered books into runs where each starts right after the previous."""
    runs: list[list[FreeBook]] = []
    for book in books:
        if runs and runs[-1][-1].last + 1 == book.first:
            runs[-1].append(book)
        else:
            runs.append([book])
    return runs


class NotEnoughStock(Exception):
    """Fewer free books than needed; `short` says how many are missing."""

    def __init__(self, short: int) -> None:
        super().__init__(short)
        self.short = short


def assign(needs: list[tuple[str, int]], free: list[FreeBook]) -> dict[str, list[FreeBook]]:
    """Assign books to each (key, count) in order.

    Books go out in number order; a merchant gets one contiguous run when some run of free books
    is long enough (the lowest such run), otherwise the lowest books, split over runs.

    Raises:
        NotEnoughStock: the needs add up to more books than are free.
    """
    total = sum(n for _, n in needs)
    if total > len(free):
        raise NotEnoughStock(total - len(free))
    runs = contiguous_runs(sorted(free, key=lambda b: b.first))
    out: dict[str, list[FreeBook]] = {}
    for key, count in needs:
        out[key] = _take(runs, count)
    return out


def _take(runs: list[list[FreeBook]], count: int) -> list[FreeBook]:
    for idx, run in enumerate(runs):
        if len(run) >= count:
            taken, runs[idx] = run[:count], run[count:]
            if not runs[idx]:
                del runs[idx]
            return taken
    taken: list[FreeBook] = []
    while len(taken) < count:
        need = count - len(taken)
        taken += runs[0][:need]
        runs[0] = runs[0][need:]
        if not runs[0]:
            del runs[0]
    return taken
