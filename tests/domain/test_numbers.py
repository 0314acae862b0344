"""Slip numbers and ranges: parsing what clerks and scanners type, formatting, range arithmetic."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.numbers import (
    NumberRange,
    SeriesFormat,
    first_number,
    format_ranges,
    merge_ranges,
    parse_number,
    parse_ranges,
    ranges_from_numbers,
    validate_digits,
    validate_prefix,
)
from app.errors import InputError

BJ = SeriesFormat("BJ", 7)


def R(first: int, last: int | None = None) -> NumberRange:  # noqa: N802 - reads like a literal
    return NumberRange(first, first if last is None else last)


# --- single numbers ------------------------------------------------------------------------


@pytest.mark.parametrize("token", ["BJ0001207", "1207", "0001207", "bj0001207",
                                   "ＢＪ０００１２０７", "１２０７", " 1207 "])
def test_slip_number_is_typed_with_or_without_its_series_prefix(token):
    """R3.1: ``BJ0001207`` and ``1207`` mean the same slip of series BJ."""
    assert parse_number(token, BJ) == 1207


@pytest.mark.parametrize(("token", "named"), [
    ("SH0001207", "SH0001207"),   # another series' prefix
    ("BJ001207", "BJ001207"),     # 6 digits after the prefix
    ("BJ00012070", "BJ00012070"),  # 8 digits after the prefix
    ("12345678", "12345678"),     # more digits than the series has
    ("BJ0000000", "BJ0000000"),   # numbers start at 1
    ("0", "'0'"),
    ("12a4", "12A4"),
    ("abc", "ABC"),
    ("BJ", "BJ"),
    ("1207.0", "1207.0"),
])
def test_bad_slip_number_is_refused_naming_the_token(token, named):
    """R3.1: a number that is not of the series is refused and the message says which."""
    with pytest.raises(InputError) as err:
        parse_number(token, BJ)
    assert named in err.value.message


def test_largest_number_of_the_series_is_accepted():
    """R1.1: the series holds numbers 1 … 10^digits − 1."""
    assert parse_number("9999999", BJ) == BJ.max_number == 9_999_999


# --- lists and ranges ----------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("BJ0001207", [R(1207)]),
    ("1207", [R(1207)]),
    ("1207, 1210-1212", [R(1207), R(1210, 1212)]),
    ("BJ0001210-BJ0001212", [R(1210, 1212)]),
    ("BJ0001210–0001212", [R(1210, 1212)]),        # the printed short form, en dash
    ("1207，1210－1212", [R(1207), R(1210, 1212)]),  # full-width comma and hyphen
    ("1207、1210-1212", [R(1207), R(1210, 1212)]),
    ("1207；1210-1212", [R(1207), R(1210, 1212)]),
    ("1207 1210 - 1212", [R(1207), R(1210, 1212)]),
    ("１２０７,１２１０～１２１２", [R(1207), R(1210, 1212)]),
    ("1210~1212", [R(1210, 1212)]),
    ("1210—1212", [R(1210, 1212)]),
    ("1210至1212", [R(1210, 1212)]),
    ("1210-1210", [R(1210)]),
    ("1212, 1207", [R(1212), R(1207)]),              # typed order is kept
    ("\n1207,\t1208\n", [R(1207), R(1208)]),
])
def test_numbers_are_typed_as_lists_and_ranges(text, expected):
    """R3.1: exceptions are typed as lists and ranges (``1207, 1210-1212``)."""
    assert parse_ranges(text, BJ) == expected


@pytest.mark.parametrize(("text", "named"), [
    ("1207, SH0001210", "SH0001210"),
    ("1207, BJ001210", "BJ001210"),
    ("0", "'0'"),
    ("1212-1210", "1212-1210"),
    ("1207, 12x4", "12X4"),
    ("12-", "12-"),
    ("-12", "-12"),
    ("--", "--"),
    ("1-2-3", "1-2-3"),
    ("1207, 1207", "BJ0001207"),
    ("1200-1210, 1205", "BJ0001205"),
    ("1200-1210, 1205-1220", "BJ0001205–0001210"),
    ("1, 2, 3, 2", "BJ0000002"),
])
def test_bad_list_is_refused_naming_the_bad_token(text, named):
    """R3.1: a typo in a list is refused whole, naming the offending token or duplicate."""
    with pytest.raises(InputError) as err:
        parse_ranges(text, BJ)
    assert named in err.value.message


@pytest.mark.parametrize("text", ["", "   ", ",", "、 ，"])
def test_empty_list_is_refused(text):
    """R3.1: an empty list is an error, not 'no exceptions'."""
    with pytest.raises(InputError):
        parse_ranges(text, BJ)


# --- formatting ----------------------------------------------------------------------------


def test_numbers_and_ranges_are_formatted_with_prefix_and_padding():
    """R2.4, R3.7: printed ranges read ``BJ0000001–0000050``; labels carry the book code."""
    assert BJ.format(1207) == "BJ0001207"
    assert BJ.format_range(R(1, 50)) == "BJ0000001–0000050"
    assert BJ.format_range(R(1, 50), short=False) == "BJ0000001–BJ0000050"
    assert BJ.format_range(R(17)) == "BJ0000017"
    assert BJ.book_code(R(1, 50)) == "BJ0000001-0000050"
    assert format_ranges([R(1207), R(1210, 1212)], BJ) == "BJ0001207, BJ0001210–0001212"
    assert format_ranges([], BJ) == ""
    assert SeriesFormat("A", 3).format(5) == "A005"


# --- range arithmetic ----------------------------------------------------------------------


def test_number_range_refuses_to_run_backwards():
    """R1.4: a book is a contiguous run; first ≤ last."""
    with pytest.raises(InputError):
        NumberRange(10, 9)


def test_number_range_arithmetic():
    """R1.2: overlap detection is exact at the edges."""
    book = R(1, 50)
    assert len(book) == 50
    assert 1 in book and 50 in book and 51 not in book and 0 not in book
    assert "1" not in book
    assert book.overlaps(R(50, 60)) and not book.overlaps(R(51, 60))
    assert book.intersection(R(40, 60)) == R(40, 50)
    assert book.intersection(R(51, 60)) is None
    assert list(R(3, 5)) == [3, 4, 5]


def test_merge_ranges_joins_overlapping_and_adjacent_runs():
    """R3.7: the archive label lists each brand's books as merged start–end ranges."""
    assert merge_ranges([R(51, 100), R(1, 50), R(151, 200)]) == [R(1, 100), R(151, 200)]
    assert merge_ranges([R(1, 10), R(3, 5)]) == [R(1, 10)]
    assert merge_ranges([R(1, 10), R(5, 20)]) == [R(1, 20)]
    assert merge_ranges([]) == []
    assert ranges_from_numbers([7, 1, 3, 2, 2]) == [R(1, 3), R(7)]


number_sets = st.sets(st.integers(1, 400), max_size=120)


@given(number_sets)
def test_numbers_to_ranges_to_numbers_is_the_sorted_set(numbers):
    """R3.1: compressing numbers into ranges loses and invents nothing."""
    ranges = ranges_from_numbers(numbers)
    assert [n for r in ranges for n in r] == sorted(numbers)
    assert all(b.first > a.last + 1 for a, b in zip(ranges, ranges[1:], strict=False))


@given(st.lists(st.tuples(st.integers(1, 300), st.integers(0, 30)), max_size=40))
def test_merge_ranges_covers_exactly_the_union(pairs):
    """R3.7: merged ranges are sorted, disjoint, non-adjacent and cover the same numbers."""
    ranges = [NumberRange(a, a + n) for a, n in pairs]
    merged = merge_ranges(ranges)
    assert {n for r in merged for n in r} == {n for r in ranges for n in r}
    assert all(b.first > a.last + 1 for a, b in zip(merged, merged[1:], strict=False))


@given(number_sets.filter(bool), st.booleans())
def test_formatted_ranges_parse_back(numbers, shuffle_prefix):
    """R3.1: what the report prints, a clerk can type back."""
    ranges = ranges_from_numbers(numbers)
    text = format_ranges(ranges, BJ)
    if shuffle_prefix:
        text = text.replace("BJ", "")
    assert parse_ranges(text, BJ) == ranges


# --- series definitions --------------------------------------------------------------------


def test_series_prefix_and_digits_are_validated():
    """R1.1: a series is 1–6 letters plus 3–12 fixed digits."""
    assert validate_prefix(" bj ") == "BJ"
    assert validate_prefix("ＳＨ") == "SH"
    for bad in ["", "B1", "TOOLONG", "京", "B J"]:
        with pytest.raises(InputError):
            validate_prefix(bad)
    assert validate_digits(7) == 7
    for bad in [2, 13, True, "7", 7.0]:
        with pytest.raises(InputError):
            validate_digits(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(("typed", "first"), [
    ("BJ0000017, 0000088", "BJ0000017"), ("bj0000201－0000210、215", "BJ0000201"),
    ("BJ0000201到0000210", "BJ0000201"), ("BJ0000201〜0000210", "BJ0000201"),
    (" １２０７ ", "1207"), ("BJ0000001-0000050", "BJ0000001"), ("", ""), (" , ", ""),
])
def test_first_number_is_read_as_the_range_parser_reads_it(typed, first):
    """R3.1: the command line finds the merchant from the first number typed."""
    assert first_number(typed) == first
