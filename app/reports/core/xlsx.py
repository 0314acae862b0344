"""Excel (xlsx) exports of the requisition table and the stock report.

Each sheet has a few title lines, then one bold header row; panes are frozen below the header
and the header repeats on printed pages. Money cells hold exact `Decimal` yuan (from integer fen)
with a ``¥#,##0.00`` number format, so Excel sums them without float drift in our code.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from app.domain.money import Money
from app.i18n import _
from app.reports.checkout.requisition import (
    event_dates,
    line_books,
    line_ranges,
    requisition_headers,
    requisition_title,
    totals,
)
from app.reports.core.layout import FormHeader, form_header
from app.reports.stock.stock_pdf import (
    gap_headers,
    range_headers,
    series_heading,
    stock_title,
    total_rows,
)
from app.services.checkout.plan import PlanLine
from app.services.events.events import EventInfo
from app.services.stock.report import SeriesStock, state_label

MONEY_FORMAT = '"¥"#,##0.00'
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E6E6E6")


def money_cell(amount: Money) -> Decimal:
    """The exact yuan value of an amount for a spreadsheet cell."""
    return amount.as_decimal()


def title_lines(ws: Worksheet, header: FormHeader, lines: Sequence[str]) -> None:
    """Write the title block and a blank line above the header row."""
    ws.append([header.title])
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    ws.append([header.organization])
    for line in lines:
        ws.append([line])
    ws.append([_("Printed {date}").format(date=header.printed_on.isoformat())])
    ws.append([])


def header_row(ws: Worksheet, headers: Sequence[str], widths: Sequence[int]) -> int:
    """Append the bold header row, freeze panes below it; return its row number."""
    ws.append(list(headers))
    row = ws.max_row
    for col, width in enumerate(widths, start=1):
        cell = ws.cell(row=row, column=col)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = f"A{row + 1}"  # not ws.cell(): that would move append() down
    ws.print_title_rows = f"{row}:{row}"
    return row


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
    wb.save(path)
    return path


def _stock_sheet(ws: Worksheet, header: FormHeader, headers: list[str], widths: list[int],
                 rows: list[list[Any]]) -> None:
    title_lines(ws, header, [])
    header_row(ws, headers, widths)
    for row in rows:
        ws.append(row)


def _stock_rows(items: Sequence[SeriesStock]) -> tuple[list[list[Any]], ...]:
    ranges = [[series_heading(i), state_label(r.state), r.first, r.last, r.books, r.slips,
               r.event_code, r.brand] for i in items for r in i.ranges]
    sums = [[series_heading(i), label, books, slips] for i in items
            for label, books, slips in total_rows(i)]
    gaps = [[series_heading(i), g.first, g.last, g.slips, g.reason] for i in items
            for g in i.gaps]
    return ranges, sums, gaps


def write_stock_xlsx(items: Sequence[SeriesStock], path: Path) -> Path:
    """Write the stock report as a workbook with sheets Ranges, Totals and Gaps."""
    wb = Workbook()
    header = form_header(stock_title())
    ranges, sums, gaps = _stock_rows(items)
    series = _("Series")
    sheets = [
        (_("Ranges"), [series, *range_headers()], [18, 10, 14, 14, 8, 10, 14, 18], ranges),
        (_("Totals"), [series, _("State"), _("Books"), _("Slips")], [18, 12, 10, 12], sums),
        (_("Gaps"), [series, *gap_headers()], [18, 14, 14, 10, 50], gaps),
    ]
    for index, (title, headers, widths, rows) in enumerate(sheets):
        ws = wb.active if index == 0 else wb.create_sheet()
        ws.title = title[:31]
        _stock_sheet(ws, header, headers, widths, rows)
    wb.save(path)
    return path
