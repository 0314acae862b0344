"""The two sheets of the merchant workbook (商家 merchants, 预估 estimates): their columns, the
Chinese and English headers accepted for each, and reading a workbook into rows of text with
every problem noted (sheet, row, column)."""

from __future__ import annotations

import datetime as dt
import os
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import Cell
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from app.errors import AppError, ImportRejected, InputError
from app.i18n import _

MAX_ROWS = 20_000
"""Rows a sheet may have; a bigger file is refused rather than read for minutes."""
TEXT = "@"
"""Excel's text number format: keeps leading zeros of phone numbers and codes."""
Problem = tuple[str, int, str, str]
"""(sheet, row, column, what is wrong)"""
MAX_LISTED = 20
"""Problems spelled out in the rejection message; the rest are counted."""


@dataclass(frozen=True)
class Column:
    """One column of an import sheet."""

    key: str
    zh: str
    en: str
    required: bool = False
    width: int = 14
    text: bool = True
    """Written as a text cell (keeps leading zeros), not a number."""
    aliases: tuple[str, ...] = ()

    @property
    def header(self) -> str:
        """``品牌* Brand``: the header the template writes."""
        return f"{self.zh}{'*' if self.required else ''} {self.en}"

    def names(self) -> set[str]:
        """Every accepted (normalised) header text."""
        return {norm(n) for n in (self.zh, self.en, self.header, *self.aliases)}


@dataclass(frozen=True)
class SheetSpec:
    """An import sheet: its name and columns."""

    name: str
    aliases: tuple[str, ...]
    columns: tuple[Column, ...]


MERCHANTS = SheetSpec("商家", ("merchants", "merchant", "商家信息"), (
    Column("brand", "品牌", "Brand", True, 20, aliases=("品牌名称", "商家")),
    Column("company", "公司", "Company", width=32, aliases=("公司名称",)),
    Column("category", "品类", "Category", width=10),
    Column("category_manager", "类目经理", "Category manager", width=14),
    Column("contact", "联系人", "Contact", width=12),
    Column("phone", "电话", "Phone", width=16, aliases=("联系电话", "手机")),
    Column("commission_percent", "佣金比例%", "Commission %", width=16,
           aliases=("佣金", "commission percent", "commission rate", "commission")),
))
ESTIMATES = SheetSpec("预估", ("estimates", "estimate", "预估单量"), (
    Column("event_code", "活动编号", "Event code", True, 16, aliases=("活动", "event")),
    Column("brand", "品牌", "Brand", True, 20, aliases=("品牌名称", "商家")),
    Column("estimate", "预估单量", "Estimated orders", True, 18, text=False,
           aliases=("预估", "estimate", "orders")),
))
HELP_SHEET = "说明"


def norm(text: str) -> str:
    """Header text compared loosely: width, case, '*', '%', brackets and spaces ignored."""
    text = unicodedata.normalize("NFKC", text).lower()
    for ch in "*%()[]:":
        text = text.replace(ch, " ")
    return " ".join(text.split())


def file_path(path: object) -> Path:
    """A file path from text or a path object.

    Raises:
        InputError: anything else.
    """
    if not isinstance(path, str | os.PathLike) or not str(path).strip():
        raise InputError(_("Choose an Excel file (.xlsx)."))
    return Path(path)


# ---------------------------------------------------------------- cells and headers

def _number_text(value: float | int | Decimal, percent: bool) -> str:
    """A numeric cell as the clerk sees it (15 significant digits, as Excel shows), no float
    arithmetic: 120.0 → ``120``, 2.5 → ``2.5``, 0.025 in a % cell → ``2.5``."""
    number = Decimal(format(value, ".15g")) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        return str(value)
    if percent:
        number *= 100
    if number == number.to_integral_value():
        return str(int(number))
    return f"{number.normalize():f}"


def cell_text(cell: Cell, key: str = "") -> str:
    """Any cell's value as trimmed text."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, int | float | Decimal):
        percent = key == "commission_percent" and "%" in str(cell.number_format or "")
        return _number_text(value, percent)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value).strip()


def _header_key(text: str, spec: SheetSpec) -> str | None:
    """The column a header names: the whole text, else its first word, else the rest."""
    text = norm(text)
    first, _sep, rest = text.partition(" ")
    for candidate in (text, first, rest):
        for column in spec.columns:
            if candidate and candidate in column.names():
                return column.key
    return None


# ---------------------------------------------------------------- reading a sheet

@dataclass(frozen=True)
class Row:
    number: int
    values: dict[str, str]


@dataclass
class Sheet:
    title: str
    headers: dict[str, str] = field(default_factory=dict)
    """Column key → header text as written in the file."""
    rows: list[Row] = field(default_factory=list)

    def problem(self, row: Row, key: str, reason: str) -> Problem:
        """A problem in `row`, named by the column's header as the file has it."""
        return (self.title, row.number, self.headers.get(key, key), reason)


def _find_sheet(wb: Workbook, spec: SheetSpec) -> Worksheet | None:
    names = {norm(n) for n in (spec.name, *spec.aliases)}
    return next((ws for ws in wb.worksheets if norm(ws.title) in names), None)


def _map_header(cells: Sequence[Cell], spec: SheetSpec, sheet: Sheet,
                problems: list[Problem]) -> dict[int, str]:
    positions: dict[int, str] = {}
    row = cells[0].row
    for idx, cell in enumerate(cells):
        text = cell_text(cell)
        key = _header_key(text, spec) if text else None
        if key in sheet.headers:
            problems.append((sheet.title, row, text, _("This column appears twice.")))
        elif key:
            positions[idx], sheet.headers[key] = key, text
    for column in spec.columns:
        if column.required and column.key not in sheet.headers:
            problems.append((sheet.title, row, column.header, _(
                "Header row not recognised: there is no column 「{header}」 (the header may be "
                "in Chinese or English).").format(header=column.header)))
    return positions


def _value(cell: Cell, key: str, sheet: Sheet, problems: list[Problem]) -> str:
    """A data cell's text; a formula is a problem, never imported (it could be a crafted one,
    and what it shows depends on the program that last saved the file)."""
    if cell.data_type == "f":
        problems.append((sheet.title, cell.row, sheet.headers.get(key, key), _(
            "This cell holds a formula ({formula}); type the value itself: formulas are not "
            "imported.").format(formula=str(cell.value)[:40])))
        return ""
    return cell_text(cell, key)


def read_sheet(ws: Worksheet, spec: SheetSpec, problems: list[Problem]) -> Sheet:
    """Header (first non-blank row) and non-blank data rows of a sheet."""
    sheet, positions = Sheet(ws.title), None
    if ws.max_row > MAX_ROWS:
        problems.append((ws.title, MAX_ROWS + 1, "", _(
            "A sheet can hold at most {n} rows; split the file.").format(n=MAX_ROWS)))
        return sheet
    for cells in ws.iter_rows():
        if positions is None:
            if any(cell_text(c) for c in cells):
                positions = _map_header(cells, spec, sheet, problems)
            continue
        values = {key: _value(cells[i], key, sheet, problems) for i, key in positions.items()}
        if any(values.values()):
            sheet.rows.append(Row(cells[0].row, values))
    return sheet


def open_workbook(path: Path) -> Workbook:
    """The workbook as saved: text, numbers, and formulas as formulas (they are refused).

    Raises:
        AppError: the file is missing or unreadable. InputError: not an .xlsx workbook.
    """
    try:
        with path.open("rb") as fh:
            return openpyxl.load_workbook(fh, data_only=False)
    except OSError as exc:
        raise AppError(_("'{name}' cannot be read: {reason}").format(
            name=path.name, reason=exc.strerror or exc)) from exc
    except Exception as exc:  # zip, XML or openpyxl errors: all mean "not a usable workbook"
        if path.suffix.lower() == ".xls":
            raise InputError(_("'{name}' is in the old .xls format; save it as .xlsx in Excel "
                               "or WPS and import that file.").format(name=path.name)) from exc
        raise InputError(_("'{name}' is not an Excel workbook (.xlsx) or is damaged; nothing "
                           "was imported.").format(name=path.name)) from exc


def rejection(problems: list[Problem]) -> ImportRejected:
    """The refusal of a whole file, naming the first problems and counting the rest."""
    lines = [_("Nothing was imported. Problems found: {n}. Fix them in the file and import "
               "again.").format(n=len(problems))]
    for sheet, row, column, reason in problems[:MAX_LISTED]:
        if column:
            lines.append(_("「{sheet}」 row {row}, column 「{column}」: {reason}").format(
                sheet=sheet, row=row, column=column, reason=reason))
        else:
            lines.append(_("「{sheet}」 row {row}: {reason}").format(
                sheet=sheet, row=row, reason=reason))
    if len(problems) > MAX_LISTED:
        lines.append(_("… and {n} more problems.").format(n=len(problems) - MAX_LISTED))
    return ImportRejected("\n".join(lines), list(problems))


def read_workbook(path: Path) -> tuple[Sheet, Sheet]:
    """The merchant and estimate sheets (empty when absent), headers checked.

    Raises:
        AppError, InputError: no usable workbook, neither sheet, no rows.
        ImportRejected: a header row is not recognised.
    """
    wb = open_workbook(path)
    sheets = [(ws, spec) for spec in (MERCHANTS, ESTIMATES) if (ws := _find_sheet(wb, spec))]
    if not sheets:
        raise InputError(_("The workbook has neither a 「商家」 nor a 「预估」 sheet."))
    problems: list[Problem] = []
    read = {spec.name: read_sheet(ws, spec, problems) for ws, spec in sheets}
    if problems:
        raise rejection(problems)
    m_sheet, e_sheet = read.get(MERCHANTS.name, Sheet("")), read.get(ESTIMATES.name, Sheet(""))
    if not m_sheet.rows and not e_sheet.rows:
        raise InputError(_("The workbook has no merchant or estimate rows to import."))
    return m_sheet, e_sheet
