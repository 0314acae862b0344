"""Excel exports of the reconciliation table (R3.2) and the chase list (R3.3).

Counts are integer cells and due dates real date cells, so Excel can sum, sort and filter them;
the layout (title lines, bold frozen header row) follows `xlsx.py`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from app.i18n import _
from app.reports.core.layout import event_dates, form_header
from app.reports.core.xlsx import BOLD, header_row, save_workbook, title_lines
from app.reports.returns.after_event import (
    audit_anchor,
    chase_scope,
    chase_title,
    count_values,
    days_overdue,
    manager_label,
    reconciliation_headers,
    reconciliation_title,
    return_state_label,
)
from app.reports.returns.sources import ChaseForm, ReconciliationForm

DATE_FORMAT = "yyyy-mm-dd"


def _bold_last_row(ws: Worksheet) -> None:
    for cell in ws[ws.max_row]:
        cell.font = BOLD


def _reconciliation_rows(form: ReconciliationForm) -> list[list[Any]]:
    rows: list[list[Any]] = [
        [no, line.brand, line.category_manager, *count_values(line.counts),
         return_state_label(line.return_state)]
        for no, line in enumerate(form.table.lines, start=1)]
    rows.append(["", _("Total: {n} merchants").format(n=len(form.table.lines)), "",
                 *count_values(form.table.total), ""])
    return rows


def write_reconciliation_xlsx(form: ReconciliationForm, path: Path) -> Path:
    """Write the reconciliation table as a workbook; the audit anchor is in the title lines."""
    wb = Workbook()
    ws = wb.active
    ws.title = form.event.code[:31]
    info = [f"{form.event.code} {form.event.name}",
            f"{event_dates(form.event)} {form.event.venue}".strip(),
            f"{_('Event state')}: {form.status.label}", audit_anchor(form.table.audit_head)]
    title_lines(ws, form_header(reconciliation_title()), info)
    header_row(ws, reconciliation_headers(), [6, 20, 12, 9, 9, 9, 9, 9, 12, 9, 12])
    for row in _reconciliation_rows(form):
        ws.append(row)
    _bold_last_row(ws)
    return save_workbook(wb, path)


def chase_headers_xlsx() -> list[str]:
    """Columns of the chase list export (the manager is a column, for filtering)."""
    return [_("Category manager"), _("No."), _("Slip number"), _("Event"), _("Brand"),
            _("Due date"), _("Days overdue")]


def _chase_rows(form: ChaseForm) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for section in form.sections:
        for no, item in enumerate(section.items, start=1):
            rows.append([manager_label(section.manager), no, item.number, item.event_code,
                         item.brand, item.due, days_overdue(item)])
    return rows


def write_chase_xlsx(form: ChaseForm, path: Path) -> Path:
    """Write the chase list as one sheet sorted by manager (a filter per column)."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("Chase list")[:31]
    title_lines(ws, form_header(chase_title()), [chase_scope(form)])
    head = header_row(ws, chase_headers_xlsx(), [14, 6, 14, 14, 20, 12, 10])
    for row in _chase_rows(form):
        ws.append(row)
    for (cell,) in ws.iter_rows(min_row=head + 1, min_col=6, max_col=6):
        cell.number_format = DATE_FORMAT
    ws.auto_filter.ref = f"A{head}:G{max(ws.max_row, head)}"
    return save_workbook(wb, path)
