"""Excel import of merchants and estimated orders (商家 / 预估 workbooks).

`import_workbook` reads a workbook (the template of `excel_template`, or the company's own with
Chinese or English headers) whole or not at all: every row is checked first, and a single bad
row refuses the file with every problem named (sheet, row, column).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import cast

from peewee import fn

from app.db.models import Estimate, Event, Merchant
from app.errors import InputError
from app.i18n import _
from app.services.core.actor import Actor
from app.services.core.base import audit, require_text, service
from app.services.events.events import parse_estimate
from app.services.events.excel_sheets import (
    Problem,
    Row,
    Sheet,
    file_path,
    read_workbook,
    rejection,
)
from app.services.events.merchants import (
    FIELDS,
    clean_merchant_fields,
)


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

    def describe(self) -> str:
        """The outcome as a sentence for the clerk."""
        return _("Merchants added: {created}, changed: {updated}, unchanged: {unchanged}.\n"
                 "Estimates set: {set}, unchanged: {same}, left blank: {skipped}.").format(
            created=self.merchants_created, updated=self.merchants_updated,
            unchanged=self.merchants_unchanged, set=self.estimates_set,
            same=self.estimates_unchanged, skipped=self.estimates_skipped)


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


def _plan_merchant(row: Row, existing: Merchant | None) -> _MerchantPlan:
    given = {k: v for k, v in row.values.items() if v}
    if existing is None:
        return _MerchantPlan(given["brand"], clean_merchant_fields(given), None)
    cleaned = clean_merchant_fields({**_current_fields(existing), **given})
    changed = {k: v for k, v in cleaned.items() if getattr(existing, k) != v}
    return _MerchantPlan(existing.brand, changed, existing)


def _check_merchants(sheet: Sheet, existing: dict[str, Merchant],
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


def _estimate_cells(sheet: Sheet, row: Row, events: dict[str, Event], brands: set[str]
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


def _check_estimates(sheet: Sheet, events: dict[str, Event], brands: set[str],
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


@dataclass(frozen=True)
class _Plan:
    merchants: list[_MerchantPlan]
    estimates: list[_EstimatePlan]
    skipped: int
    existing: dict[str, Merchant]


def _plan_import(m_sheet: Sheet, e_sheet: Sheet) -> _Plan:
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
        raise rejection(problems)
    return _Plan(merchant_plans, estimate_plans, skipped, existing)


@service("excel.import")
def import_workbook(actor: Actor, path: str | Path) -> ImportSummary:
    """Import merchants (sheet 商家) and estimates (sheet 预估) from an .xlsx file, all or nothing.

    Raises:
        ImportRejected: a header or row is bad (every problem listed; nothing saved).
        InputError: not an .xlsx workbook, or it has neither sheet or no rows.
        AppError: the file cannot be read.
    """
    path = file_path(path)
    plan = _plan_import(*read_workbook(path))
    ids, (created, updated, unchanged) = _apply_merchants(plan.merchants, plan.existing)
    changed = _apply_estimates(plan.estimates, ids)
    summary = ImportSummary(created, updated, unchanged, changed,
                            len(plan.estimates) - changed, plan.skipped)
    audit("excel.import", "workbook", path.name[:64], after={"file": path.name,
                                                               **asdict(summary)})
    return summary
