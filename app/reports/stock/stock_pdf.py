"""The stock report (R1.3) as PDF: per series, ranges by state, totals, gaps and reasons."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from app.i18n import _
from app.reports.core.layout import build_pdf, count, form_header, grid_table, para
from app.services.core.books import STATE_LABELS, state_label
from app.services.stock.report import SeriesStock

RANGE_WIDTHS = [20 * mm, 30 * mm, 30 * mm, 16 * mm, 20 * mm, 28 * mm, 36 * mm]
TOTAL_WIDTHS = [40 * mm, 30 * mm, 30 * mm]
GAP_WIDTHS = [30 * mm, 30 * mm, 20 * mm, 100 * mm]


def stock_title() -> str:
    """The report's name."""
    return _("Blank order book stock report")


def range_headers() -> list[str]:
    """Columns of the ranges table (PDF and xlsx)."""
    return [_("State"), _("First number"), _("Last number"), _("Books"), _("Slips"),
            _("Event"), _("Brand")]


def gap_headers() -> list[str]:
    """Columns of the gaps table (PDF and xlsx)."""
    return [_("First number"), _("Last number"), _("Slips"), _("Reason")]


def series_heading(item: SeriesStock) -> str:
    """``BJ · 北京订单本``."""
    return " · ".join(p for p in (item.series.prefix, item.series.name) if p)


def series_summary(item: SeriesStock) -> str:
    """Digits, book size and the last registered number of a series."""
    s = item.series
    last = s.format.format(s.last_number) if s.last_number else "—"
    return _("{digits} digits, {size} slips per book, registered up to {last}").format(
        digits=s.digits, size=s.book_size, last=last)


def total_rows(item: SeriesStock) -> list[tuple[str, int, int]]:
    """(state label, books, slips) per state, then the series total."""
    order = {state: n for n, state in enumerate(STATE_LABELS)}
    states = sorted(item.totals, key=lambda state: (order.get(state, len(order)), state))
    rows = [(state_label(state), *item.totals[state]) for state in states]
    rows.append((_("Total"), sum(r[1] for r in rows), sum(r[2] for r in rows)))
    return rows


def _ranges_table(item: SeriesStock) -> Flowable:
    head = [para(h, "cell_head") for h in range_headers()]
    rows: list[list[Any]] = [head]
    for r in item.ranges:
        rows.append([para(state_label(r.state), "cell"), para(r.first, "cell_code"),
                     para(r.last, "cell_code"), para(count(r.books), "cell_right"),
                     para(count(r.slips), "cell_right"), para(r.event_code, "cell_code"),
                     para(r.brand, "cell")])
    return grid_table(rows, RANGE_WIDTHS)


def _totals_table(item: SeriesStock) -> Flowable:
    head = [para(h, "cell_head") for h in (_("State"), _("Books"), _("Slips"))]
    rows = [[para(label, "cell"), para(count(books), "cell_right"),
             para(count(slips), "cell_right")]
            for label, books, slips in total_rows(item)]
    return grid_table([head, *rows], TOTAL_WIDTHS, total_row=True)


def _gaps_block(item: SeriesStock) -> Flowable:
    if not item.gaps:
        return para(_("No gaps: the series is registered without holes."), "body")
    head = [para(h, "cell_head") for h in gap_headers()]
    rows = [[para(g.first, "cell_code"), para(g.last, "cell_code"),
             para(count(g.slips), "cell_right"),
             para(g.reason or _("(no reason recorded)"), "cell")] for g in item.gaps]
    return grid_table([head, *rows], GAP_WIDTHS)


def series_story(item: SeriesStock) -> list[Flowable]:
    """One series: heading, totals, gaps, then every range by state."""
    return [
        KeepTogether([para(_("Series {name}").format(name=series_heading(item)), "heading"),
                      para(series_summary(item), "small"), Spacer(1, 2 * mm),
                      para(_("Totals"), "heading"), _totals_table(item)]),
        KeepTogether([para(_("Gaps in the numbering"), "heading"), _gaps_block(item)]),
        para(_("Ranges by state"), "heading"), _ranges_table(item),
    ]


def write_stock_pdf(items: Sequence[SeriesStock], path: Path) -> Path:
    """Write the stock report (from `stock_report`) to `path` (A4 portrait)."""
    story: list[Flowable] = [para(stock_title(), "title")]
    if not items:
        story.append(para(_("No number series are set up yet."), "body"))
    for item in items:
        story += series_story(item)
    return build_pdf(path, story, form_header(stock_title()))
