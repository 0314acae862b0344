"""Scanner-first input for the return check: the scan line, the message banner, what a scan
means, and service calls whose refusals are shown in the banner instead of a message box.

A barcode scanner types its characters and Enter into whatever has the focus. A modal message
box would take the next scan's Enter as "OK" and drop its characters, so the clerk would lose a
scan without noticing. Refusals of a scan (`attempt`) therefore come back as values and are shown
in a red banner with a beep; unexpected failures are still reported by `Ops` as everywhere else.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from app.domain.numbers import NumberRange, SeriesFormat, normalize_text, parse_ranges
from app.errors import AppError, Conflict, InputError, NotFound, PermissionDenied
from ui.common.ops import Ops

R = TypeVar("R")
REFUSALS = (InputError, NotFound, Conflict, PermissionDenied)
"""Errors that mean "this scan was refused" (shown in the banner, not a box)."""
_DASHES = re.compile(r"\s*[-–—~〜～‐−至]\s*")
_CODE = re.compile(r"([A-Z]{1,6})[0-9]+(-([A-Z]{1,6})?[0-9]+)?")


@dataclass(frozen=True)
class Outcome(Generic[R]):
    """What a service call gave: its value, the refusal, or `failed` (already reported)."""

    value: R | None = None
    error: AppError | None = None
    failed: bool = False

    @property
    def ok(self) -> bool:
        """True when the service did what it was asked."""
        return self.error is None and not self.failed


def attempt(ops: Ops, parent: QWidget | None, func: Callable[..., R], *args: Any,
            writes: bool = False) -> Outcome[R]:
    """Call a service through `ops`; a refusal is returned, not shown in a message box.

    Write services announce `data_changed` on success, as `Ops.run` does.
    """

    def call(actor: Any, *call_args: Any) -> Outcome[R]:
        try:
            return Outcome(func(actor, *call_args))
        except REFUSALS as exc:
            return Outcome(error=exc)

    result = ops.query(parent, call, *args)
    if not result.ok or result.value is None:
        return Outcome(failed=True)
    if writes and result.value.ok:
        ops.bridge.data_changed.emit()
    return result.value


@dataclass(frozen=True)
class BookFrame:
    """What the scan reader needs to know of the open book."""

    code: str
    first_no: int
    last_no: int
    fmt: SeriesFormat

    @classmethod
    def of(cls, code: str, first: str, last: str) -> BookFrame:
        """From a book's code and its first and last full numbers (``BJ0000001``)."""
        prefix = first.rstrip("0123456789")
        digits = len(first) - len(prefix)
        return cls(code, int(first[len(prefix):]), int(last[len(prefix):]),
                   SeriesFormat(prefix, digits))

    def holds(self, rng: NumberRange) -> bool:
        """True when the whole range lies in this book."""
        return self.first_no <= rng.first and rng.last <= self.last_no


class ScanKind(Enum):
    """What a scanned or typed line asks for."""

    EMPTY = "empty"
    LOOKUP = "lookup"
    """A book label or full slip number outside the open book: find its book."""
    SAME_BOOK = "same_book"
    """The open book's own label."""
    MARK = "mark"
    """Numbers, lists and ranges inside the open book."""
    OUTSIDE = "outside"
    """Short numbers not in the open book."""
    NEED_BOOK = "need_book"
    """Short numbers with no book open."""
    BAD = "bad"
    """Unreadable."""


@dataclass(frozen=True)
class Scan:
    """A read scan: its kind, the normalized text, and the ranges or the problem."""

    kind: ScanKind
    text: str
    ranges: tuple[NumberRange, ...] = field(default=())
    problem: str = ""


def read_scan(raw: str, book: BookFrame | None) -> Scan:
    """Decide what a line means (no database): a code to look up, or numbers to mark.

    A single token with a series prefix (``BJ0000017``, ``BJ0000001-0000050``) is a scan: inside
    the open book it marks those slips (the book's own label just confirms it), elsewhere it
    opens its book. Anything else is short numbers, lists and ranges, only within the open book.
    """
    text = _DASHES.sub("-", normalize_text(raw))
    if not text:
        return Scan(ScanKind.EMPTY, text)
    code = _CODE.fullmatch(text)
    if code:
        return _read_code(text, book)
    if book is None:
        return Scan(ScanKind.NEED_BOOK, text)
    try:
        ranges = tuple(parse_ranges(text, book.fmt))
    except InputError as exc:
        return Scan(ScanKind.BAD, text, problem=exc.message)
    inside = all(book.holds(r) for r in ranges)
    return Scan(ScanKind.MARK if inside else ScanKind.OUTSIDE, text, ranges)


def _read_code(text: str, book: BookFrame | None) -> Scan:
    if book is None or not text.startswith(book.fmt.prefix):
        return Scan(ScanKind.LOOKUP, text)
    try:
        ranges = tuple(parse_ranges(text, book.fmt))
    except InputError:
        return Scan(ScanKind.LOOKUP, text)
    if not all(book.holds(r) for r in ranges):
        return Scan(ScanKind.LOOKUP, text)
    whole = ranges == (NumberRange(book.first_no, book.last_no),) and "-" in text
    return Scan(ScanKind.SAME_BOOK if whole else ScanKind.MARK, text, ranges)


class ScanLine(QLineEdit):
    """The one entry line: large, no input method (a scanner's keys must not reach a Chinese
    IME), Esc clears it, Ctrl+Z is left to the window's Undo (the return step, not the text)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        self.setFont(font)
        self.set_flagged(False)

    def event(self, event: QEvent) -> bool:
        """Qt override: do not claim Ctrl+Z, so the Undo shortcut fires."""
        if (event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent)
                and event.matches(QKeySequence.StandardKey.Undo)):
            event.ignore()
            return False
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Qt override: Esc clears the line."""
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            return
        super().keyPressEvent(event)

    def set_flagged(self, flagged: bool) -> None:
        """Red while the last scan was refused."""
        self.setProperty("flagged", flagged)
        border, fill = ("#c62828", "#ffebee") if flagged else ("#5b8def", "#ffffff")
        self.setStyleSheet(f"QLineEdit {{ border: 3px solid {border}; border-radius: 4px; "
                           f"padding: 4px; background: {fill}; }}")

    def is_flagged(self) -> bool:
        """True while a refused scan is shown."""
        return bool(self.property("flagged"))


BANNER_STYLES = {
    "error": "background: #c62828; color: white; font-weight: bold;",
    "warn": "background: #ffb300; color: #1a1a1a; font-weight: bold;",
    "ok": "background: #e8f5e9; color: #1b5e20;",
    "info": "background: #eef1f5; color: #263238;",
}


class MessageBanner(QLabel):
    """One line (wrapped if long) telling what the last scan or action did."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bold = QFont(self.font())
        bold.setBold(True)
        self.setMinimumHeight(QFontMetrics(bold).height() * 2 + 14)
        self.kind = "info"
        self.show_message("info", "")

    def show_message(self, kind: str, text: str) -> None:
        """Show `text` in the style of `kind` (error, warn, ok, info)."""
        self.kind = kind
        self.setText(text)
        self.setStyleSheet(f"QLabel {{ {BANNER_STYLES[kind]} padding: 6px 10px; "
                           "border-radius: 4px; }")
