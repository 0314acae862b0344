"""Shared page layout for the PDF forms: styles, running header/footer, tables.

Every page carries the organization name and the form title at the top, and the print date and
"第 x 页 / 共 y 页" at the bottom. Page totals need a second pass, so pages are kept until the
document is saved (`_NumberedCanvas`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)

from app.i18n import _
from app.reports.core.fonts import register_cjk_font
from app.services.core.policy import read_settings

HEADER_GREY = colors.HexColor("#E6E6E6")
TOTAL_GREY = colors.HexColor("#F2F2F2")


@dataclass(frozen=True)
class FormHeader:
    """What every page of a form shows besides its content."""

    title: str
    """The form's name, e.g. 商家订单领用表."""
    organization: str
    """The organizer's name from the settings."""
    printed_on: dt.date
    """Local date of printing."""
    anchor: str = ""
    """A line centred in every page's footer (the audit anchor), or none."""


def form_header(title: str) -> FormHeader:
    """Header for a form printed today by the organization in the settings."""
    return FormHeader(title, read_settings().organization, dt.date.today())


def local_time(utc: dt.datetime) -> dt.datetime:
    """A stored (naive UTC) timestamp in the computer's local time."""
    aware = utc if utc.tzinfo else utc.replace(tzinfo=dt.UTC)
    return aware.astimezone()


@cache
def styles() -> dict[str, ParagraphStyle]:
    """Paragraph styles, all in the CJK font."""
    font = register_cjk_font()
    base = ParagraphStyle("body", fontName=font, fontSize=10, leading=14, wordWrap="CJK")
    return {
        "body": base,
        "title": ParagraphStyle("title", base, fontSize=18, leading=24, alignment=TA_CENTER,
                                spaceAfter=2 * mm),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=10.5, leading=15,
                                   alignment=TA_CENTER, spaceAfter=3 * mm),
        "heading": ParagraphStyle("heading", base, fontSize=12.5, leading=17,
                                  spaceBefore=4 * mm, spaceAfter=2 * mm),
        "cell": ParagraphStyle("cell", base, fontSize=8.5, leading=11),
        "cell_code": ParagraphStyle("cell_code", base, fontSize=8.5, leading=11,
                                    wordWrap=None),
        "cell_right": ParagraphStyle("cell_right", base, fontSize=8.5, leading=11,
                                     alignment=TA_RIGHT),
        "cell_head": ParagraphStyle("cell_head", base, fontSize=8.5, leading=11,
                                    alignment=TA_CENTER),
        "small": ParagraphStyle("small", base, fontSize=8, leading=11),
    }


def para(text: object, style: str = "body") -> Paragraph:
    """A paragraph of plain (escaped) text."""
    return Paragraph(escape(str(text)), styles()[style])


def count(number: int) -> str:
    """A count with thousands separators: ``10,000``."""
    return f"{number:,}"


def chunk_ranges(text: str, per_chunk: int) -> list[str]:
    """Split ``"A–B, C–D, …"`` into pieces of at most `per_chunk` ranges (at least one piece),
    so a very long list becomes several table rows instead of one row taller than a page."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    pieces = [", ".join(parts[i:i + per_chunk]) for i in range(0, len(parts), per_chunk)]
    return pieces or [""]


def page_label(page: int, pages: int) -> str:
    """``第 1 页 / 共 3 页``."""
    return _("Page {page} of {pages}").format(page=page, pages=pages)


class _NumberedCanvas(Canvas):
    """A canvas that draws the running header/footer once the page count is known."""

    def __init__(self, header: FormHeader, *args: Any, **kwargs: Any) -> None:
        kwargs["initialFontName"] = register_cjk_font()
        super().__init__(*args, **kwargs)
        self._header = header
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 - reportlab API
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._decorate(number, total)
            super().showPage()
        super().save()

    def _decorate(self, page: int, pages: int) -> None:
        width, height = self._pagesize
        edge = 10 * mm
        self.saveState()
        self.setFont(register_cjk_font(), 8.5)
        self.setFillColor(colors.black)
        self.drawString(edge, height - 8 * mm, self._header.organization)
        self.drawRightString(width - edge, height - 8 * mm, self._header.title)
        self.setLineWidth(0.4)
        self.line(edge, height - 9.5 * mm, width - edge, height - 9.5 * mm)
        printed = _("Printed {date}").format(date=self._header.printed_on.isoformat())
        self.drawString(edge, 6 * mm, printed)
        self.drawRightString(width - edge, 6 * mm, page_label(page, pages))
        if self._header.anchor:
            self.setFont(register_cjk_font(), 6.5)
            self.drawCentredString(width / 2, 6 * mm, self._header.anchor)
        self.restoreState()


def build_pdf(path: Path, story: Sequence[Flowable], header: FormHeader,
              pagesize: tuple[float, float] = A4, margin: float = 15 * mm) -> Path:
    """Lay out `story` on pages of `pagesize` with the running header/footer; return `path`."""
    doc = BaseDocTemplate(
        str(path), pagesize=pagesize, leftMargin=margin, rightMargin=margin,
        topMargin=margin, bottomMargin=margin, title=header.title,
        author=header.organization, creator="OrderBook Desk")
    frame = Frame(margin, margin, doc.width, doc.height, leftPadding=0, rightPadding=0,
                  topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate("page", [frame])])
    doc.build(list(story), canvasmaker=lambda *a, **kw: _NumberedCanvas(header, *a, **kw))
    return path


def ruled_commands(grid: bool = True) -> list[tuple[Any, ...]]:
    """Table style commands: CJK font for every cell (also empty ones), optional grid."""
    commands: list[tuple[Any, ...]] = [
        ("FONTNAME", (0, 0), (-1, -1), register_cjk_font()),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    if grid:
        commands.append(("GRID", (0, 0), (-1, -1), 0.5, colors.black))
    return commands


def grid_table(rows: list[list[Any]], widths: Sequence[float], *, total_row: bool = False,
               header_rows: int = 1) -> Table:
    """A ruled table whose header row repeats on every page (and an optional totals row)."""
    table = Table(rows, colWidths=list(widths), repeatRows=header_rows, hAlign="LEFT")
    commands = ruled_commands() + [
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header_rows:
        commands.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_GREY))
    if total_row:
        commands.append(("BACKGROUND", (0, -1), (-1, -1), TOTAL_GREY))
    table.setStyle(TableStyle(commands))
    return table


def field_table(pairs: list[tuple[str, Any]], widths: Sequence[float]) -> Table:
    """Label/value pairs, `len(widths) // 2` per row, labels shaded; a last value that is
    alone in its row spans the rest of the row."""
    per_row = len(widths) // 2
    rows: list[list[Any]] = []
    for start in range(0, len(pairs), per_row):
        row: list[Any] = []
        for label, value in pairs[start:start + per_row]:
            row += [para(label, "cell"), value if isinstance(value, Flowable)
                    else para(value, "cell")]
        rows.append(row + [""] * (len(widths) - len(row)))
    table = Table(rows, colWidths=list(widths), hAlign="LEFT")
    commands = ruled_commands()
    commands += [("BACKGROUND", (col, 0), (col, -1), HEADER_GREY)
                 for col in range(0, len(widths), 2)]
    filled = 2 * (len(pairs) % per_row)
    if filled:
        commands += [("SPAN", (filled - 1, -1), (-1, -1)),
                     ("BACKGROUND", (filled, -1), (-1, -1), colors.white)]
    table.setStyle(TableStyle(commands))
    return table


class Dated(Protocol):
    """Anything with a first and last day (an event)."""

    @property
    def start_date(self) -> dt.date: ...

    @property
    def end_date(self) -> dt.date: ...


def event_dates(event: Dated) -> str:
    """``2026-03-14 – 2026-03-15`` (one date for a one-day event)."""
    if event.start_date == event.end_date:
        return event.start_date.isoformat()
    return f"{event.start_date.isoformat()} – {event.end_date.isoformat()}"


def signature_block(lines: list[tuple[str, str]], width: float) -> Table:
    """Rows of "label ________ date ________" lines to sign on."""
    blank = "_" * 30
    rows = [[para(label, "body"), para(blank, "body"), para(date_label, "body"),
             para("_" * 20, "body")] for label, date_label in lines]
    table = Table(rows, colWidths=[width * 0.22, width * 0.4, width * 0.1, width * 0.28],
                  rowHeights=[14 * mm] * len(rows), hAlign="LEFT")
    table.setStyle(TableStyle(ruled_commands(grid=False) + [("VALIGN", (0, 0), (-1, -1),
                                                             "BOTTOM")]))
    return table
