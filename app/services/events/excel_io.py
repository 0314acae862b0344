"""Excel import and export of merchants and estimated orders (商家 / 预估 workbooks).

`export_template` writes a workbook a clerk fills in (existing merchants and, for an event, its
estimates pre-filled); `import_workbook` reads it back whole or not at all: every row is checked
first, and a single bad row refuses the file with every problem named (sheet, row, column).
"""

from __future__ import annotations

import datetime as dt
import os
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import cast

import openpyxl
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from peewee import fn

from app.db.models import Estimate, Event, Merchant
from app.errors import AppError, ImportRejected, InputError
from app.i18n import _
from app.services.core.actor import Actor
from app.services.core.base import audit, query, require_text, service
from app.services.events.events import MAX_ESTIMATE, get_event, list_estimates, parse_estimate
from app.services.events.merchants import (
    FIELDS,
    MerchantInfo,
    clean_merchant_fields,
    list_merchants,
)

MAX_LISTED = 20
"""Problems spelled out in the rejection message; the rest are counted."""
MAX_ROWS = 20_000
"""Rows a sheet may have; a bigger file is refused rather than read for minutes."""
TEXT = "@"
Problem = tuple[str, int, str, str]


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
        return {_norm(n) for n in (self.zh, self.en, self.header, *self.aliases)}


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


@dataclass(frozen=True)
class ImportSummary:
    """What an import changed."""

    merchants_created: int
    merchants_updated: int
    merchants_unchanged: int
    estimates_set: int
    """Estimates added or changed."""
    estimates_unchanged: int
    estimates_skipped: int
    """Estimate rows left blank (the merchant is not put on the event)."""


# ---------------------------------------------------------------- cells and headers

def _norm(text: str) -> str:
    """Header text compared loosely: width, case, '*', '%', brackets and spaces ignored."""
    text = unicodedata.normalize("NFKC", text).lower()
    for ch in "*%()[]:":
        text = text.replace(ch, " ")
    return " ".join(text.split())


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


def _cell_text(cell: Cell, key: str = "") -> str:
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
    norm = _norm(text)
    first, _sep, rest = norm.partition(" ")
    for candidate in (norm, first, rest):
        for column in spec.columns:
            if candidate and candidate in column.names():
                return column.key
    return None


# ---------------------------------------------------------------- reading a sheet

@dataclass(frozen=True)
class _Row:
    number: int
    values: dict[str, str]


@dataclass
class _Sheet:
    title: str
    headers: dict[str, str] = field(default_factory=dict)
    """Column key → header text as written in the file."""
    rows: list[_Row] = field(default_factory=list)

    def problem(self, row: _Row, key: str, reason: str) -> Problem:
        """A problem in `row`, named by the column's header as the file has it."""
        return (self.title, row.number, self.headers.get(key, key), reason)


def _find_sheet(wb: Workbook, spec: SheetSpec) -> Worksheet | None:
    names = {_norm(n) for n in (spec.name, *spec.aliases)}
    return next((ws for ws in wb.worksheets if _norm(ws.title) in names), None)


def _map_header(cells: Sequence[Cell], spec: SheetSpec, sheet: _Sheet,
                problems: list[Problem]) -> dict[int, str]:
    positions: dict[int, str] = {}
    row = cells[0].row
    for idx, cell in enumerate(cells):
        text = _cell_text(cell)
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


def _read_sheet(ws: Worksheet, spec: SheetSpec, problems: list[Problem]) -> _Sheet:
    """Header (first non-blank row) and non-blank data rows of a sheet."""
    sheet, positions = _Sheet(ws.title), None
    if ws.max_row > MAX_ROWS:
        problems.append((ws.title, MAX_ROWS + 1, "", _(
            "A sheet can hold at most {n} rows; split the file.").format(n=MAX_ROWS)))
        return sheet
    for cells in ws.iter_rows():
        if positions is None:
            if any(_cell_text(c) for c in cells):
                positions = _map_header(cells, spec, sheet, problems)
            continue
        values = {key: _cell_text(cells[i], key) for i, key in positions.items()}
        if any(values.values()):
            sheet.rows.append(_Row(cells[0].row, values))
    return sheet


def _open_workbook(path: Path) -> Workbook:
    """The workbook's values (cached results for formulas).

    Raises:
        AppError: the file is missing or unreadable. InputError: not an .xlsx workbook.
    """
    try:
        with path.open("rb") as fh:
            return openpyxl.load_workbook(fh, data_only=True)
    except OSError as exc:
        raise AppError(_("'{name}' cannot be read: {reason}").format(
            name=path.name, reason=exc.strerror or exc)) from exc
    except Exception as exc:  # zip, XML or openpyxl errors: all mean "not a usable workbook"
        if path.suffix.lower() == ".xls":
            raise InputError(_("'{name}' is in the old .xls format; save it as .xlsx in Excel "
                               "or WPS and import that file.").format(name=path.name)) from exc
        raise InputError(_("'{name}' is not an Excel workbook (.xlsx) or is damaged; nothing "
                           "was imported.").format(name=path.name)) from exc


# ---------------------------------------------------------------- checking rows

@dataclass(frozen=True)
class _MerchantPlan:
    brand: str
    values: dict
    """Create: all cleaned fields. Update: only the changed ones. Unchanged: empty."""
    existing: Merchant | None


def _field_reason(key: str, value: str) -> str | None:
    """Why one merchant cell is bad (the merchant rules of `clean_merchant_fields`), or None."""
    try:
        clean_merchant_fields({"brand": "-", key: value})
    except InputError as exc:
        return exc.message
    return None


def _current_fields(row: Merchant) -> dict[str, str]:
    """A saved merchant's fields as `clean_merchant_fields` takes them."""
    fields = {k: getattr(row, k) for k in FIELDS if k != "commission_percent"}
    return {**fields, "commission_percent": str(Decimal(row.commission_bp) / 100)}


def _plan_merchant(row: _Row, existing: Merchant | None) -> _MerchantPlan:
    given = {k: v for k, v in row.values.items() if v}
    if existing is None:
        return _MerchantPlan(given["brand"], clean_merchant_fields(given), None)
    cleaned = clean_merchant_fields({**_current_fields(existing), **given})
    changed = {k: v for k, v in cleaned.items() if getattr(existing, k) != v}
    return _MerchantPlan(existing.brand, changed, existing)


def _check_merchants(sheet: _Sheet, existing: dict[str, Merchant],
                     problems: list[Problem]) -> list[_MerchantPlan]:
    plans: list[_MerchantPlan] = []
    seen: dict[str, int] = {}
    for row in sheet.rows:
        bad = [sheet.problem(row, key, reason) for key, value in row.values.items()
               if (value or key == "brand") and (reason := _field_reason(key, value))]
        brand = row.values.get("brand", "")
        if brand in seen and not bad:
            bad.append(sheet.problem(row, "brand", _(
                "Brand '{brand}' is already on row {row} of this sheet.").format(
                brand=brand, row=seen[brand])))
        seen.setdefault(brand, row.number)
        problems += bad
        if not bad:
            plans.append(_plan_merchant(row, existing.get(brand)))
    return plans


@dataclass(frozen=True)
class _EstimatePlan:
    event: Event
    brand: str
    estimate: int


def _estimate_cells(sheet: _Sheet, row: _Row, events: dict[str, Event], brands: set[str]
                    ) -> list[Problem]:
    """Problems of one estimate row; a blank estimate is not one (the row is skipped)."""
    checks: list[tuple[str, Callable[[str], object]]] = [
        ("event_code", lambda v: require_text(v, _("Event code"), 40)),
        ("brand", lambda v: require_text(v, _("Brand"), 100))]
    if row.values["estimate"]:
        checks.append(("estimate", parse_estimate))
    bad = []
    for key, check in checks:
        try:
            check(row.values[key])
        except InputError as exc:
            bad.append(sheet.problem(row, key, exc.message))
    code, brand = row.values["event_code"], row.values["brand"]
    if code and code not in events:
        bad.append(sheet.problem(row, "event_code", _("There is no event {code}.").format(
            code=code[:40])))
    if brand and brand not in brands:
        bad.append(sheet.problem(row, "brand", _(
            "There is no merchant '{brand}', neither in the 「商家」 sheet nor saved.").format(
            brand=brand[:100])))
    return bad


def _check_estimates(sheet: _Sheet, events: dict[str, Event], brands: set[str],
                     problems: list[Problem]) -> tuple[list[_EstimatePlan], int]:
    """Plans for the filled-in estimate rows, and how many rows were left blank."""
    plans: list[_EstimatePlan] = []
    seen: dict[tuple[str, str], int] = {}
    skipped = 0
    for row in sheet.rows:
        bad = _estimate_cells(sheet, row, events, brands)
        code, brand, estimate = (row.values[k] for k in ("event_code", "brand", "estimate"))
        if not estimate:
            skipped += not bad
        elif (code, brand) in seen and not bad:
            bad.append(sheet.problem(row, "brand", _(
                "Event {code} and brand '{brand}' are already on row {row} of this sheet.")
                .format(code=code, brand=brand, row=seen[(code, brand)])))
        else:
            seen.setdefault((code, brand), row.number)
        problems += bad
        if estimate and not bad:
            plans.append(_EstimatePlan(events[code], brand, parse_estimate(estimate)))
    return plans, skipped


def _rejection(problems: list[Problem]) -> ImportRejected:
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


# ---------------------------------------------------------------- writing

def _apply_merchants(plans: list[_MerchantPlan], existing: dict[str, Merchant]
                     ) -> tuple[dict[str, str], tuple[int, int, int]]:
    """Create and update merchants; returns brand → id and (created, updated, unchanged)."""
    ids = {brand: m.id for brand, m in existing.items()}
    created = updated = 0
    for plan in plans:
        if plan.existing is None:
            row = Merchant.create(**plan.values)
            ids[plan.brand], created = row.id, created + 1
            audit("merchant.create", "merchant", row.id, after=plan.values, merchant=row.id)
        elif plan.values:
            Merchant.update(**plan.values).where(Merchant.id == plan.existing.id).execute()
            before = {k: getattr(plan.existing, k) for k in plan.values}
            audit("merchant.update", "merchant", plan.existing.id, before=before,
                  after=plan.values, merchant=plan.existing.id)
            updated += 1
    return ids, (created, updated, len(plans) - created - updated)


def _set_estimate(plan: _EstimatePlan, merchant_id: str,
                  current: dict[tuple[str, str], tuple[str, int]], seqs: dict[str, int]) -> bool:
    """Add or change one estimate (audited); False when it already had this value."""
    key = (plan.event.id, merchant_id)
    est_id, before = current.get(key, ("", None))
    if before == plan.estimate:
        return False
    if est_id:
        Estimate.update(estimate=plan.estimate).where(Estimate.id == est_id).execute()
    else:
        est_id = Estimate.create(event=plan.event.id, merchant=merchant_id,
                                 estimate=plan.estimate, seq=seqs[plan.event.id]).id
        seqs[plan.event.id] += 1
    current[key] = (est_id, plan.estimate)
    audit("estimate.set", "estimate", est_id, before={"estimate": before},
          after={"estimate": plan.estimate, "brand": plan.brand}, event=plan.event.id,
          merchant=merchant_id)
    return True


def _apply_estimates(plans: list[_EstimatePlan], merchant_ids: dict[str, str]) -> int:
    """Set the planned estimates; returns how many were added or changed."""
    events = {p.event.id for p in plans}
    rows = cast(Iterable[tuple[str, str, str, int]], Estimate.select(
        Estimate.id, Estimate.event, Estimate.merchant, Estimate.estimate).where(
        Estimate.event.in_(events)).tuples())
    current = {(ev, m): (est_id, number) for est_id, ev, m, number in rows}
    seqs = {ev: (Estimate.select(fn.MAX(Estimate.seq)).where(Estimate.event == ev).scalar()
                 or 0) + 1 for ev in events}
    return sum(_set_estimate(p, merchant_ids[p.brand], current, seqs) for p in plans)


def _read_workbook(path: Path) -> tuple[_Sheet, _Sheet]:
    """The merchant and estimate sheets (empty when absent), headers checked.

    Raises:
        AppError, InputError: no usable workbook, neither sheet, no rows.
        ImportRejected: a header row is not recognised.
    """
    wb = _open_workbook(path)
    sheets = [(ws, spec) for spec in (MERCHANTS, ESTIMATES) if (ws := _find_sheet(wb, spec))]
    if not sheets:
        raise InputError(_("The workbook has neither a 「商家」 nor a 「预估」 sheet."))
    problems: list[Problem] = []
    read = {spec.name: _read_sheet(ws, spec, problems) for ws, spec in sheets}
    if problems:
        raise _rejection(problems)
    m_sheet, e_sheet = read.get(MERCHANTS.name, _Sheet("")), read.get(ESTIMATES.name, _Sheet(""))
    if not m_sheet.rows and not e_sheet.rows:
        raise InputError(_("The workbook has no merchant or estimate rows to import."))
    return m_sheet, e_sheet


@dataclass(frozen=True)
class _Plan:
    merchants: list[_MerchantPlan]
    estimates: list[_EstimatePlan]
    skipped: int
    existing: dict[str, Merchant]


def _plan_import(m_sheet: _Sheet, e_sheet: _Sheet) -> _Plan:
    """Every row checked against the saved data, before anything is written.

    Raises:
        ImportRejected: any row is bad; lists every problem.
    """
    problems: list[Problem] = []
    existing = {m.brand: m for m in Merchant.select()}
    merchant_plans = _check_merchants(m_sheet, existing, problems)
    brands = set(existing) | {r.values.get("brand", "") for r in m_sheet.rows}
    events = {e.code: e for e in Event.select()}
    estimate_plans, skipped = _check_estimates(e_sheet, events, brands, problems)
    if problems:
        raise _rejection(problems)
    return _Plan(merchant_plans, estimate_plans, skipped, existing)


def _file_path(path: object) -> Path:
    """A file path from text or a path object.

    Raises:
        InputError: anything else.
    """
    if not isinstance(path, str | os.PathLike) or not str(path).strip():
        raise InputError(_("Choose an Excel file (.xlsx)."))
    return Path(path)


@service("excel.import")
def import_workbook(actor: Actor, path: str | Path) -> ImportSummary:
    """Import merchants (sheet 商家) and estimates (sheet 预估) from an .xlsx file, all or nothing.

    Raises:
        ImportRejected: a header or row is bad (every problem listed; nothing saved).
        InputError: not an .xlsx workbook, or it has neither sheet or no rows.
        AppError: the file cannot be read.
    """
    path = _file_path(path)
    plan = _plan_import(*_read_workbook(path))
    ids, (created, updated, unchanged) = _apply_merchants(plan.merchants, plan.existing)
    changed = _apply_estimates(plan.estimates, ids)
    summary = ImportSummary(created, updated, unchanged, changed,
                            len(plan.estimates) - changed, plan.skipped)
    audit("excel.import", "workbook", path.name[:64], after={"file": path.name,
                                                               **asdict(summary)})
    return summary


# ---------------------------------------------------------------- the template

def _fill_sheet(ws: Worksheet, spec: SheetSpec, rows: Iterable[Sequence[object]]) -> None:
    ws.title = spec.name
    fill = PatternFill("solid", fgColor="DDEBF7")
    for idx, column in enumerate(spec.columns, start=1):
        cell = ws.cell(row=1, column=idx, value=column.header)
        cell.font, cell.fill = Font(bold=True), fill
        cell.alignment = Alignment(horizontal="center")
        dim = ws.column_dimensions[get_column_letter(idx)]
        dim.width = column.width
        if column.text:
            dim.number_format = TEXT
    for values in rows:
        ws.append(list(values))
        for idx, column in enumerate(spec.columns, start=1):
            if column.text:
                ws.cell(row=ws.max_row, column=idx).number_format = TEXT
    ws.freeze_panes = "A2"


def _merchant_values(m: MerchantInfo) -> tuple[str, ...]:
    return (m.brand, m.company, m.category, m.category_manager, m.contact, m.phone,
            m.commission_percent)


def _estimate_values(actor: Actor, event_id: str, merchants: list[MerchantInfo]
                     ) -> list[tuple[object, ...]]:
    code = get_event(actor, event_id).code
    current = list_estimates(actor, event_id)
    listed = {e.brand for e in current}
    rows: list[tuple[object, ...]] = [(code, e.brand, e.estimate) for e in current]
    return rows + [(code, m.brand, None) for m in merchants if m.brand not in listed]


def _help_lines() -> list[str]:
    return [
        _("How to fill in this workbook"),
        _("Sheet 「商家」: one row per merchant. The brand is required: a brand already saved is "
          "updated, a new brand is added. A blank cell keeps the saved value."),
        _("Commission is in percent: 3 means 3 %, at most 2 decimals (e.g. 2.5)."),
        _("Sheet 「预估」: event code, brand and estimated orders (a whole number, 0 or more). "
          "A row whose estimate is blank is skipped."),
        _("The event must already exist; the brand must be in the 「商家」 sheet or saved."),
        _("Headers may be in Chinese or English and columns in any order; keep the sheet names."),
        _("If any row has a problem nothing is imported, and every problem is listed with its "
          "sheet, row and column."),
    ]


def _add_help(wb: Workbook) -> None:
    ws = wb.create_sheet(HELP_SHEET)
    for line in _help_lines():
        ws.append([line])
    ws["A1"].font = Font(bold=True)
    ws.column_dimensions["A"].width = 100


def _estimate_validation(ws: Worksheet) -> None:
    rule = DataValidation(type="whole", operator="between", formula1="0",
                          formula2=str(MAX_ESTIMATE), allow_blank=True, showErrorMessage=True)
    rule.error = _("Estimated orders must be a whole number of 0 or more.")
    ws.add_data_validation(rule)
    rule.add(f"C2:C{MAX_ROWS}")


@query("excel.template")
def export_template(actor: Actor, path: str | Path, event_id: str | None = None) -> Path:
    """Write the import template: saved merchants pre-filled and, for an event, its code with
    every merchant's current estimate (blank where none).

    Raises:
        NotFound: no such event. AppError: the file cannot be written.
    """
    path = _file_path(path)
    merchants = list_merchants(actor)
    estimates = _estimate_values(actor, event_id, merchants) if event_id else []
    wb = Workbook()
    _fill_sheet(wb.active, MERCHANTS, (_merchant_values(m) for m in merchants))
    est_ws = wb.create_sheet()
    _fill_sheet(est_ws, ESTIMATES, estimates)
    _estimate_validation(est_ws)
    _add_help(wb)
    try:
        wb.save(path)
    except OSError as exc:
        raise AppError(_("'{name}' cannot be written: {reason}").format(
            name=path.name, reason=exc.strerror or exc)) from exc
    return path
