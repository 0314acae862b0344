"""The merchant workbook template (商家 / 预估): saved merchants pre-filled and, for an event, its
estimates, with a help sheet; a clerk fills it in and imports it with `excel_io`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from app.i18n import _
from app.reports.core.xlsx import save_workbook
from app.services.core.actor import Actor
from app.services.core.base import query
from app.services.events.events import MAX_ESTIMATE, get_event, list_estimates
from app.services.events.excel_sheets import (
    ESTIMATES,
    HELP_SHEET,
    MAX_ROWS,
    MERCHANTS,
    TEXT,
    SheetSpec,
    file_path,
)
from app.services.events.merchants import MerchantInfo, list_merchants


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
    path = file_path(path)
    merchants = list_merchants(actor)
    estimates = _estimate_values(actor, event_id, merchants) if event_id else []
    wb = Workbook()
    _fill_sheet(wb.active, MERCHANTS, (_merchant_values(m) for m in merchants))
    est_ws = wb.create_sheet()
    _fill_sheet(est_ws, ESTIMATES, estimates)
    _estimate_validation(est_ws)
    _add_help(wb)
    return save_workbook(wb, path)
