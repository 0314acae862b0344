"""Slip numbers, number ranges and their parsing (R1.1–R1.4, R3.1).

A series is a prefix plus a fixed number of digits (``BJ`` + 7 → ``BJ0001201``). Inside a series a
slip is an int; `NumberRange` is an inclusive run of ints. Clerks type numbers as
``BJ0001207``, ``1207``, lists and ranges ``1207, 1210-1212``; anything else is an `InputError`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from app.errors import InputError
from app.i18n import _

PREFIX_RE = re.compile(r"^[A-Z]{1,6}$")
MIN_DIGITS, MAX_DIGITS = 3, 12


@dataclass(frozen=True)
class SeriesFormat:
    """How a series writes its numbers."""

    prefix: str
    """Upper-case letters printed before the digits, e.g. ``BJ``."""
    digits: int
    """Fixed count of digits, zero-padded."""

    @property
    def max_number(self) -> int:
        """The largest number the digits can hold."""
        return 10**self.digits - 1

    def format(self, number: int) -> str:
        """``BJ0001207`` for 1207."""
        return f"{self.prefix}{number:0{self.digits}d}"

    def format_range(self, rng: NumberRange, short: bool = True) -> str:
        """``BJ0000001–0000050`` (short) or ``BJ0000001–BJ0000050``; one number alone if single."""
        first = self.format(rng.first)
        if rng.first == rng.last:
            return first
        last = f"{rng.last:0{self.digits}d}" if short else self.format(rng.last)
        return f"{first}–{last}"

    def book_code(self, rng: NumberRange) -> str:
        """The code printed as a book's barcode: its full range, ``BJ0000001-0000050``."""
        return f"{self.format(rng.first)}-{rng.last:0{self.digits}d}"


@dataclass(frozen=True, order=True)
class NumberRange:
    """An inclusive run of slip numbers within one series."""

    first: int
    """First number of the run."""
    last: int
    """Last number of the run (>= first)."""

    def __post_init__(self) -> None:
        if self.first > self.last:
            raise InputError(_("A range must not run backwards ({first} > {last}).").format(
                first=self.first, last=self.last))

    def __len__(self) -> int:
        return self.last - self.first + 1

    def __contains__(self, number: object) -> bool:
        return isinstance(number, int) and self.first <= number <= self.last

    def __iter__(self) -> Iterator[int]:
        return iter(range(self.first, self.last + 1))

    def overlaps(self, other: NumberRange) -> bool:
        """True when the two runs share a number."""
        return self.first <= other.last and other.first <= self.last

    def intersection(self, other: NumberRange) -> NumberRange | None:
        """The shared run, or None."""
        if not self.overlaps(other):
            return None
        return NumberRange(max(self.first, other.first), min(self.last, other.last))


def merge_ranges(ranges: Iterable[NumberRange]) -> list[NumberRange]:
    """Sort and join overlapping or adjacent ranges."""
    out: list[NumberRange] = []
    for rng in sorted(ranges):
        if out and rng.first <= out[-1].last + 1:
            if rng.last > out[-1].last:
                out[-1] = NumberRange(out[-1].first, rng.last)
        else:
            out.append(rng)
    return out


def ranges_from_numbers(numbers: Iterable[int]) -> list[NumberRange]:
    """Compress numbers into sorted runs: 1,2,3,7 → [1–3, 7–7]."""
    return merge_ranges(NumberRange(n, n) for n in numbers)


_SEPARATORS = re.compile(r"[,;、\s]+")
_DASHES = re.compile(r"\s*[-–—~〜～至到]\s*")
_TOKEN = re.compile(r"^([A-Z]*)([0-9]+)$")  # ASCII digits only, after NFKC


def normalize_text(text: str) -> str:
    """NFKC (full-width digits and commas become ASCII), upper case, trimmed."""
    return unicodedata.normalize("NFKC", str(text)).upper().strip()


def parse_number(token: str, fmt: SeriesFormat) -> int:
    """One number: ``BJ0001207`` or ``1207`` (meaning the chosen series).

    Raises:
        InputError: wrong prefix, too many digits, zero, or not a number at all.
    """
    text = normalize_text(token)
    match = _TOKEN.match(text)
    if not match:
        raise InputError(_("'{token}' is not a slip number (e.g. {example} or 1207).").format(
            token=text[:40], example=fmt.format(1207)))
    prefix, digits = match.groups()
    if prefix and prefix != fmt.prefix:
        raise InputError(_("'{token}' does not belong to series {prefix}.").format(
            token=text[:40], prefix=fmt.prefix))
    if prefix and len(digits) != fmt.digits:
        raise InputError(_("'{token}' must have exactly {digits} digits after {prefix}.").format(
            token=text[:40], digits=fmt.digits, prefix=fmt.prefix))
    if len(digits) > fmt.digits or int(digits) > fmt.max_number:
        raise InputError(_("'{token}' has more digits than series {prefix} allows ({digits}).")
                         .format(token=text[:40], prefix=fmt.prefix, digits=fmt.digits))
    number = int(digits)
    if number == 0:
        raise InputError(_("Slip numbers start at 1; '{token}' is not one.").format(
            token=text[:40]))
    return number


def parse_ranges(text: str, fmt: SeriesFormat) -> list[NumberRange]:
    """Parse a list of numbers and ranges: ``1207, 1210-1212`` or ``BJ0001210-BJ0001212``.

    Separators: comma (also 、，；), semicolon, spaces. Range marks: - – — ~ ～ 至.
    The result keeps the typed order; duplicates are refused so a clerk notices a typo.

    Raises:
        InputError: empty input, a malformed token, a backwards range, or a number twice.
    """
    normalized = _DASHES.sub("-", normalize_text(text))
    parts = [p for p in _SEPARATORS.split(normalized) if p]
    if not parts:
        raise InputError(_("Type at least one slip number or range."))
    ranges = [_parse_part(part, fmt) for part in parts]
    # sorted, each range only has to be compared with the one reaching furthest before it
    # (comparing every pair took minutes for a pasted list of 100,000 numbers)
    reach: NumberRange | None = None
    for rng in sorted(ranges):
        if reach is not None and rng.overlaps(reach):
            dup = rng.intersection(reach)
            assert dup is not None
            raise InputError(_("{numbers} is typed twice.").format(
                numbers=fmt.format_range(dup)))
        if reach is None or rng.last > reach.last:
            reach = rng
    return ranges


def _parse_part(part: str, fmt: SeriesFormat) -> NumberRange:
    pieces = part.split("-")
    if len(pieces) == 1:
        number = parse_number(pieces[0], fmt)
        return NumberRange(number, number)
    if len(pieces) != 2 or not pieces[0] or not pieces[1]:
        raise InputError(_("'{part}' is not a range (e.g. 1210-1212).").format(part=part[:40]))
    first = parse_number(pieces[0], fmt)
    last = parse_number(pieces[1], fmt)
    if last < first:
        raise InputError(_("The range '{part}' runs backwards.").format(part=part[:40]))
    return NumberRange(first, last)


def first_number(text: str) -> str:
    """The first number typed in a list of numbers and ranges, read as `parse_ranges` reads it
    (``BJ0000201`` of ``bj0000201－0000210、215``); '' when nothing is typed."""
    normalized = _DASHES.sub("-", normalize_text(text))
    parts = [p for p in _SEPARATORS.split(normalized) if p]
    return parts[0].split("-")[0] if parts else ""


def format_ranges(ranges: Iterable[NumberRange], fmt: SeriesFormat) -> str:
    """``BJ0001207, BJ0001210–0001212``."""
    return ", ".join(fmt.format_range(r) for r in ranges)


def validate_prefix(prefix: str) -> str:
    """Normalize and check a series prefix (1–6 letters A–Z).

    Raises:
        InputError: not 1–6 Latin letters.
    """
    text = normalize_text(prefix)
    if not PREFIX_RE.match(text):
        raise InputError(_("A series prefix is 1 to 6 letters A–Z, e.g. BJ."))
    return text


def validate_digits(digits: int) -> int:
    """Check a series' digit count.

    Raises:
        InputError: outside 3–12.
    """
    if not isinstance(digits, int) or isinstance(digits, bool) or not (
            MIN_DIGITS <= digits <= MAX_DIGITS):
        raise InputError(_("A series has between {low} and {high} digits.").format(
            low=MIN_DIGITS, high=MAX_DIGITS))
    return digits
