"""What every Excel (xlsx) export shares.

Each sheet has a few title lines, then one bold header row; panes are frozen below the header
and the header repeats on printed pages. Money cells hold exact `Decimal` yuan (from integer fen)
with a ``¥#,##0.00`` number format, so Excel sums them without float drift in our code.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from app.domain.money import Money
from app.i18n import _
from app.reports.core.layout import FormHeader

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
