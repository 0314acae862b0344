"""Printing for people (aligned tables and fields, Chinese-width aware, money as ¥1,234.50,
times in local time) and for scripts (`to_jsonable`: the JSON that ``--json`` prints)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.domain.money import Money, format_money
from app.i18n import _


def out(text: str = "") -> None:
    """A line on standard output (windowed builds have none)."""
    if sys.stdout is not None:
        sys.stdout.write(text + "\n")


def to_jsonable(value: Any) -> Any:
    """Plain JSON values: money as a decimal string of yuan ("600.00"), rates as decimal strings
    ("0.03"), dates as ISO text, times as ISO UTC ("2026-03-14T09:30:00Z"), records as objects
    with their field names."""
    if isinstance(value, Money):
        return f"{value.as_decimal():.2f}"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dt.datetime):
        utc = value if value.tzinfo is None else value.astimezone(dt.UTC).replace(tzinfo=None)
        return utc.isoformat(timespec="seconds") + "Z"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, Path | Decimal):
        return str(value)
    return value


def cell(value: Any) -> str:
    """A value as people read it: ¥1,234.50, local time, yes/no, '-' for nothing."""
    if value is None or value == "":
        return "-"
    if isinstance(value, Money):
        return format_money(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return aware.astimezone().strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "、".join(cell(v) for v in value) or "-"
    return str(value)


def width(text: str) -> int:
    """Columns `text` takes in a terminal (Chinese characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, columns: int) -> str:
    """`text` filled with spaces to `columns` terminal columns."""
    return text + " " * max(0, columns - width(text))


Column = tuple[str, Callable[[Any], Any]]


def table(rows: Iterable[Any], columns: Sequence[Column], empty: str = "") -> None:
    """Rows under a header line, columns aligned (Chinese text too)."""
    texts = [[cell(get(row)) for _h, get in columns] for row in rows]
    if not texts:
        out(empty or _("(nothing)"))
        return
    headers = [h for h, _get in columns]
    widths = [max(width(t) for t in [h, *(r[i] for r in texts)]) for i, h in enumerate(headers)]
    for line in [headers, *texts]:
        out("  ".join(pad(t, w) for t, w in zip(line, widths, strict=True)).rstrip())


def fields(pairs: Sequence[tuple[str, Any]]) -> None:
    """``label  value`` lines, labels aligned."""
    widest = max((width(label) for label, _v in pairs), default=0)
    for label, value in pairs:
        out(f"{pad(label, widest)}  {cell(value)}")
