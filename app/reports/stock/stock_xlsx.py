"""The stock report (R1) as an Excel workbook: sheets Ranges, Totals and Gaps."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from app.i18n import _
from app.reports.core.layout import FormHeader, form_header
from app.reports.core.xlsx import header_row, save_workbook, title_lines
from app.reports.stock.stock_pdf import (
    gap_headers,
    range_headers,
    series_heading,
    stock_title,
    total_rows,
)
from app.services.core.books import state_label
from app.services.stock.report import SeriesStock


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
    return save_workbook(wb, path)
