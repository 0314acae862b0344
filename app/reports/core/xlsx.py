"""What every Excel (xlsx) export shares.

Every workbook is saved through `save_workbook`, which writes any text that a spreadsheet would
run as a formula (``=…``, ``+…``, ``-…``, ``@…``, or starting with a tab or carriage return) as
plain text: a brand imported as ``=HYPERLINK(…)`` comes back as those characters, never as a live
formula. `csv_text` does the same for CSV files.

Each sheet has a few title lines, then one bold header row; panes are frozen below the header
and the header repeats on printed pages. Money cells hold exact `Decimal` yuan (from integer fen)
with a ``¥#,##0.00`` number format, so Excel sums them without float drift in our code.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from app.domain.money import Money
from app.errors import AppError
from app.i18n import _
from app.reports.core.layout import FormHeader

FORMULA_MARKS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet may read as the start of a formula (OWASP's list for CSV injection)."""
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


def looks_like_formula(text: str) -> bool:
    """True for text a spreadsheet could run as a formula."""
    return text.startswith(FORMULA_MARKS)


def text_only(wb: Workbook) -> int:
    """Turn every text cell that is or looks like a formula into plain text (shown as typed,
    never evaluated); returns how many cells were changed."""
    changed = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and (cell.data_type == "f"
                                                    or looks_like_formula(cell.value)):
                    cell.data_type = "s"
                    cell.quotePrefix = True
                    changed += 1
    return changed


def save_workbook(wb: Workbook, path: Path) -> Path:
    """Save `wb` to `path` with every text cell as text (`text_only`).

    Raises:
        AppError: the file cannot be written (the reason is named).
    """
    text_only(wb)
    try:
        wb.save(path)
    except OSError as exc:
        raise AppError(_("'{name}' cannot be written: {reason}").format(
            name=Path(path).name, reason=exc.strerror or exc)) from exc
    return Path(path)


def csv_text(value: object) -> str:
    """A value for a CSV cell that spreadsheets opening the file will not run as a formula
    (a leading ``'`` marks formula-like text as text, as OWASP recommends)."""
    text = "" if value is None else str(value)
    return "'" + text if looks_like_formula(text) else text
