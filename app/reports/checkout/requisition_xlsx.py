"""The requisition table (R2.1) as an Excel workbook."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from app.i18n import _
from app.reports.checkout.requisition import (
    line_books,
    line_ranges,
    requisition_headers,
    requisition_title,
    totals,
)
from app.reports.core.layout import event_dates, form_header
from app.reports.core.xlsx import (
    BOLD,
    MONEY_FORMAT,
    header_row,
    money_cell,
    save_workbook,
    title_lines,
)
from app.services.checkout.plan import PlanLine
from app.services.events.events import EventInfo


def _requisition_rows(lines: Sequence[PlanLine]) -> list[list[Any]]:
    rows = [[no, line.brand, line.category, line.category_manager, line.estimate,
             line_books(line), line_ranges(line), money_cell(line.deposit_due)]
            for no, line in enumerate(lines, start=1)]
    total = totals(lines)
    rows.append(["", _("Total: {n} merchants").format(n=total.merchants), "", "",
                 total.estimate, total.books, "", money_cell(total.deposit)])
    return rows


def write_requisition_xlsx(event: EventInfo, lines: Sequence[PlanLine], path: Path) -> Path:
    """Write the requisition table (rows from `plan_view`) as a workbook to `path`."""
    wb = Workbook()
    ws = wb.active
    ws.title = event.code[:31]
    header = form_header(requisition_title())
    info = [f"{event.code} {event.name}", f"{event_dates(event)} {event.venue}".strip()]
    title_lines(ws, header, info)
    head_row = header_row(ws, requisition_headers(), [6, 18, 10, 12, 10, 8, 48, 14])
    for row in _requisition_rows(lines):
        ws.append(row)
    for (cell,) in ws.iter_rows(min_row=head_row + 1, min_col=8, max_col=8):
        cell.number_format = MONEY_FORMAT
    for cell in ws[ws.max_row]:
        cell.font = BOLD
    return save_workbook(wb, path)
