"""The event requisition table (商家订单领用表, R2.1/R2.4) as PDF."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from app.domain.money import ZERO, Money, format_money
from app.i18n import _
from app.reports.core.layout import (
    build_pdf,
    chunk_ranges,
    count,
    event_dates,
    field_table,
    form_header,
    grid_table,
    para,
)
from app.services.checkout.plan import PlanLine
from app.services.events.events import EventInfo, kind_label

COLUMN_WIDTHS = [11 * mm, 28 * mm, 17 * mm, 17 * mm, 17 * mm, 14 * mm, 52 * mm, 24 * mm]
RANGES_PER_ROW = 12
"""Ranges printed in one table row; more continue on the next row (rows never outgrow a page)."""


def requisition_title() -> str:
    """The form's name."""
    return _("Order book requisition table")


def requisition_headers() -> list[str]:
    """Column headings, shared by the PDF and the xlsx export."""
    return [_("No."), _("Brand"), _("Category"), _("Category manager"), _("Estimate"),
            _("Books"), _("Number ranges"), _("Deposit")]


@dataclass(frozen=True)
class RequisitionTotals:
    """The totals row."""

    merchants: int
    estimate: int
    books: int
    deposit: Money


def line_books(line: PlanLine) -> int:
    """Books planned or issued to the merchant."""
    return line.planned_books + line.issued_books


def line_ranges(line: PlanLine) -> str:
    """Issued ranges, then planned ones (a merchant normally has only one kind)."""
    return ", ".join(r for r in (line.issued_ranges, line.planned_ranges) if r)


def totals(lines: Sequence[PlanLine]) -> RequisitionTotals:
    """Sum of estimates, books and deposits."""
    deposit = sum((line.deposit_due for line in lines), ZERO)
    return RequisitionTotals(len(lines), sum(line.estimate for line in lines),
                             sum(line_books(line) for line in lines), deposit)


def _event_block(event: EventInfo) -> Flowable:
    pairs = [(_("Event code"), event.code), (_("Event name"), event.name),
             (_("Kind"), kind_label(event.kind)), (_("Dates"), event_dates(event)),
             (_("Venue"), event.venue), (_("Category managers"), "、".join(event.managers)),
             (_("Deposit per book"), format_money(event.deposit_per_book))]
    return field_table(pairs, [22 * mm, 68 * mm, 22 * mm, 68 * mm])


def _rows(no: int, line: PlanLine) -> list[list[Any]]:
    """The merchant's row; ranges beyond RANGES_PER_ROW continue on rows of their own."""
    first, *more = chunk_ranges(line_ranges(line), RANGES_PER_ROW)
    row = [para(no, "cell_right"), para(line.brand, "cell"), para(line.category, "cell"),
           para(line.category_manager, "cell"), para(count(line.estimate), "cell_right"),
           para(count(line_books(line)), "cell_right"), para(first or "—", "cell_code"),
           para(format_money(line.deposit_due), "cell_right")]
    return [row] + [["", "", "", "", "", "", para(piece, "cell_code"), ""] for piece in more]


def _total_row(total: RequisitionTotals) -> list[Any]:
    label = _("Total: {n} merchants").format(n=total.merchants)
    return ["", para(label, "cell"), "", "", para(count(total.estimate), "cell_right"),
            para(count(total.books), "cell_right"), "",
            para(format_money(total.deposit), "cell_right")]


def _hide_inner_lines(continued: list[int]) -> list[tuple[Any, ...]]:
    """Blank the rule above a continuation row, except in the ranges column."""
    commands: list[tuple[Any, ...]] = []
    for row in continued:
        commands += [("LINEABOVE", (0, row), (5, row), 0.6, colors.white),
                     ("LINEABOVE", (7, row), (7, row), 0.6, colors.white)]
    return commands


def requisition_story(event: EventInfo, lines: Sequence[PlanLine]) -> list[Flowable]:
    """The flowables of the table: title, event block, merchant rows, totals."""
    rows: list[list[Any]] = [[para(h, "cell_head") for h in requisition_headers()]]
    continued: list[int] = []
    for no, line in enumerate(lines, start=1):
        block = _rows(no, line)
        continued += range(len(rows) + 1, len(rows) + len(block))
        rows += block
    rows.append(_total_row(totals(lines)))
    table = grid_table(rows, COLUMN_WIDTHS, total_row=True)
    table.setStyle([("SPAN", (1, -1), (3, -1)), ("VALIGN", (0, 1), (-1, -2), "TOP")]
                   + _hide_inner_lines(continued))
    return [para(requisition_title(), "title"), _event_block(event), Spacer(1, 4 * mm), table]


def write_requisition_pdf(event: EventInfo, lines: Sequence[PlanLine], path: Path) -> Path:
    """Write the requisition table of `event` (rows from `plan_view`) to `path` (A4 portrait)."""
    story = requisition_story(event, lines)
    header = form_header(f"{requisition_title()} · {event.code}")
    return build_pdf(path, story, header)
