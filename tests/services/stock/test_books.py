"""Finding a book by its scanned label or by a slip number in it (R2.4, R3.1)."""

from __future__ import annotations

import pytest

from app.errors import InputError, NotFound
from app.services.checkout import checkouts as checkout
from app.services.checkout import plan
from app.services.core import books
from app.services.stock import registration as stock


@pytest.mark.parametrize("text", [
    "BJ0000001-0000050",        # the barcode label
    "BJ0000001–0000050",        # as printed in reports (en dash)
    "bj0000001-0000050",
    "ＢＪ００００００１－０００００５０",
    "BJ0000017",                # a slip in the book
    "BJ0000001",
    "BJ0000050",
    " BJ0000033 ",
])
def test_find_book_by_code_or_slip_number(stocked, actor, text):
    """R3.1: a scanner reads book labels and slip numbers; both find the book."""
    info = books.find_book(actor, text)
    assert (info.code, info.first, info.last, info.slips, info.state) == (
        "BJ0000001-0000050", "BJ0000001", "BJ0000050", 50, "in_stock")
    assert (info.series_id, info.event_code, info.brand) == (stocked.id, "", "")


def test_found_book_shows_its_merchant_and_event(example, actor):
    """R2.2: once issued, a book's lookup says with whom and for which event."""
    plan.build_plan(actor, example.event_id)
    checkout.checkout_merchant(actor, example.event_id, example.anxin, "张伟", "cash")
    info = books.find_book(actor, "BJ0000149")
    assert (info.code, info.state, info.event_code, info.brand) == (
        "BJ0000101-0000150", "issued", "2026-SH-01", "安信地板")
    assert books.find_book(actor, "BJ0000151").state == "planned"


@pytest.mark.parametrize("text", [
    "BJ0000001-0000049",        # not a book's exact range
    "BJ0000002-0000051",
    "BJ0001001",                # past the registered stock
    "BJ0002001-0002050",
])
def test_unregistered_code_or_number_is_not_found(stocked, actor, text):
    """R1.1: only registered numbers exist."""
    with pytest.raises(NotFound):
        books.find_book(actor, text)


@pytest.mark.parametrize("text", ["", "hello", "1207", "SH0000001", "BJ17", "BJ0000001-50",
                                  "BJ0000001-BJ0000050x"])
def test_unreadable_code_is_refused(stocked, actor, text):
    """R3.1: a misread scan is an input error, not a silent miss."""
    with pytest.raises(InputError):
        books.find_book(actor, text)


def test_slip_in_a_gap_is_not_found(stocked, actor):
    """R1.3: numbers in a registration gap belong to no book."""
    stock.register_range(actor, stocked.id, "2001-2050", gap_reason="skipped")
    with pytest.raises(NotFound):
        books.find_book(actor, "BJ0001500")
    assert books.find_book(actor, "BJ0002001").code == "BJ0002001-0002050"


def test_series_whose_prefix_starts_another_are_told_apart(stocked, actor):
    """R1.1: series B and BJ do not capture each other's numbers."""
    stock.create_series(actor, "B", 9, 25)
    stock.register_next_books(actor, stock.find_series(actor, "B").id, 1)
    assert books.find_book(actor, "B000000007").code == "B000000001-000000025"
    assert books.find_book(actor, "BJ0000007").code == "BJ0000001-0000050"
