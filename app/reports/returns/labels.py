"""Seal labels (R3.6) and the archive-bag label (R3.7), with Code 128 barcodes.

* A seal label carries the seal number as its barcode, the event code, the slip count, the
  sealed ranges, the date and who sealed. It comes as a label-printer label (default 60 × 40 mm,
  like the book labels; a range list too long for one label continues on further labels marked
  1/2, 2/2, each with the barcode) or as an A4 page that also lists the slips per brand.
* The archive-bag label is an A4 page: the event code as barcode, the event name and dates, and
  per brand the slip count and the start–end ranges of its books, with the total.

Barcodes use `labels.barcode_for` (0.33 mm module when it fits, 10-module quiet zones).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.colors import white
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Spacer

from app.errors import InputError
from app.i18n import _
from app.reports.core.fonts import register_cjk_font
from app.reports.core.label_kit import QUIET_MODULES, barcode_for, draw_text, label_canvas
from app.reports.core.layout import (
    build_pdf,
    chunk_ranges,
    count,
    event_dates,
    field_table,
    form_header,
    grid_table,
    local_time,
    para,
)
from app.reports.returns.after_event import head
from app.reports.returns.sources import ArchiveForm
from app.services.returns.seals import SealInfo

RANGE_SIZE = 7.0
"""Font size of the range lines on a single seal label."""
RANGES_PER_ROW = 8
"""Ranges per table row on the A4 labels; more continue on the next row."""
BRAND_WIDTHS = [12 * mm, 58 * mm, 22 * mm, 88 * mm]
A4_BAR_HEIGHT = 18 * mm
A4_MODULE = 0.5 * mm


def seal_label_title() -> str:
    """The seal label's name."""
    return _("Void slip seal label")


def archive_label_title() -> str:
    """The archive-bag label's name."""
    return _("Archive bag label")


def sealed_on(seal: SealInfo) -> str:
    """Local date of sealing."""
    return local_time(seal.sealed_at).date().isoformat()


def wrap_ranges(ranges: str, font: str, size: float, width: float) -> list[str]:
    """``A, B, C`` broken into lines of at most `width` points, never inside a range."""
    lines: list[str] = []
    line = ""
    for part in (p.strip() for p in ranges.split(",")):
        if not part:
            continue
        candidate = f"{line}, {part}" if line else part
        if line and stringWidth(candidate + ",", font, size) > width:
            lines.append(line + ",")
            candidate = part
        line = candidate
    return lines + [line] if line else lines


def _seal_layout(height: float) -> tuple[float, float]:
    """(barcode height, space left for range lines) on a label of `height` points."""
    bar_height = max(7 * mm, min(14 * mm, height * 0.24))
    used = 2.5 * mm + 4.5 * mm + bar_height + 4 * mm + 4 * mm + 2 * mm
    return bar_height, height - used


def _seal_pages(seal: SealInfo, width: float, height: float) -> list[list[str]]:
    """The range lines of each label; at least one label."""
    font = register_cjk_font()
    _bar, room = _seal_layout(height)
    per_label = max(1, int(room // (RANGE_SIZE * 1.2)))
    lines = wrap_ranges(seal.ranges, font, RANGE_SIZE, width - 5 * mm)
    return [lines[i:i + per_label] for i in range(0, len(lines), per_label)] or [[]]


def draw_seal_label(canvas: Canvas, seal: SealInfo, lines: Sequence[str], part: str,
                    width: float, height: float) -> None:
    """One seal label filling the page: title and event, barcode, seal number, count, date
    and who sealed, then `lines` of ranges; `part` (``1/2``) marks continued labels."""
    pad, inner = 2.5 * mm, width - 5 * mm
    top = height - 2.5 * mm - 3 * mm
    title = " ".join(t for t in (_("Void slips sealed"), part) if t)
    draw_text(canvas, title, pad, top, 8.5, inner * 0.6)
    draw_text(canvas, seal.event_code, pad + inner * 0.6, top, 8.5, inner * 0.4, "right")
    bar_height, _room = _seal_layout(height)
    bars = barcode_for(seal.seal_no, width)
    bars.barHeight = bar_height
    bar_bottom = top - 1.5 * mm - bar_height
    bars.drawOn(canvas, (width - bars.width) / 2, bar_bottom)
    y = bar_bottom - 3.5 * mm
    draw_text(canvas, seal.seal_no, pad, y, 9.5, inner, "center")
    y -= 4 * mm
    facts = _("{n} slips · {date} · sealed by {who}").format(
        n=seal.count, date=sealed_on(seal), who=seal.sealed_by)
    draw_text(canvas, facts, pad, y, 7.5, inner, "center")
    y -= 1.5 * mm
    canvas.setLineWidth(0.3)
    canvas.line(pad, y, width - pad, y)
    canvas.setFont(register_cjk_font(), RANGE_SIZE)
    for line in lines:
        y -= RANGE_SIZE * 1.2
        canvas.drawString(pad, y, line)


def write_seal_label_pdf(seal: SealInfo, path: Path, width_mm: float = 60,
                         height_mm: float = 40) -> Path:
    """Write the seal label for a label printer; long range lists continue on more labels.

    Raises:
        InputError: a label smaller than 50 × 35 mm, or too narrow for the barcode.
    """
    if width_mm < 50 or height_mm < 35:
        raise InputError(_("A seal label must be at least 50 × 35 mm."))
    width, height = width_mm * mm, height_mm * mm
    pages = _seal_pages(seal, width, height)
    canvas = label_canvas(path, (width, height), f"{seal_label_title()} {seal.seal_no}")
    for number, lines in enumerate(pages, start=1):
        part = f"{number}/{len(pages)}" if len(pages) > 1 else ""
        draw_seal_label(canvas, seal, lines, part, width, height)
        canvas.showPage()
    canvas.save()
    return path


def big_barcode(code: str, width: float) -> Code128:
    """A Code 128 flowable, centred, for the A4 labels: a 0.5 mm module when it fits (easy to
    scan on a bag from a distance), else the label module."""
    quiet = QUIET_MODULES * A4_MODULE
    bars = Code128(code, barWidth=A4_MODULE, quiet=1, lquiet=quiet, rquiet=quiet)
    if bars.width > width:
        bars = barcode_for(code, width)
    bars.barHeight = A4_BAR_HEIGHT
    bars.hAlign = "CENTER"
    return bars


def _range_rows(no: int | str, name: str, slips: int, ranges: str) -> list[list[Any]]:
    """A brand's row; ranges beyond RANGES_PER_ROW continue on rows of their own."""
    first, *more = chunk_ranges(ranges, RANGES_PER_ROW)
    row = [para(no, "cell_right"), para(name, "cell"), para(count(slips), "cell_right"),
           para(first, "cell_code")]
    return [row] + [["", "", "", para(piece, "cell_code")] for piece in more]


def brand_table(lines: Sequence[tuple[str, int, str]], total: int) -> Flowable:
    """Brand, slips, ranges per line, then the total; continuation rows keep their brand's
    block visually together (inner rules blanked)."""
    rows: list[list[Any]] = [[head(h) for h in (_("No."), _("Brand"), _("Slips"),
                                                 _("Number ranges"))]]
    continued: list[int] = []
    for no, (brand, slips, ranges) in enumerate(lines, start=1):
        block = _range_rows(no, brand, slips, ranges)
        continued += range(len(rows) + 1, len(rows) + len(block))
        rows += block
    rows.append(["", para(_("Total: {n} merchants").format(n=len(lines)), "cell"),
                 para(count(total), "cell_right"), ""])
    table = grid_table(rows, BRAND_WIDTHS, total_row=True)
    table.setStyle([("VALIGN", (0, 1), (-1, -2), "TOP")]
                   + [("LINEABOVE", (0, r), (2, r), 0.6, white) for r in continued])
    return table


def _code_line(text: str) -> Flowable:
    return para(text, "title")


def seal_a4_story(seal: SealInfo) -> list[Flowable]:
    """The seal on an A4 page: barcode, facts, slips per brand."""
    pairs = [(_("Seal number"), seal.seal_no), (_("Event"), f"{seal.event_code} "
                                                  f"{seal.event_name}"),
             (_("Slips"), count(seal.count)), (_("Sealed on"), sealed_on(seal)),
             (_("Sealed by"), seal.sealed_by), (_("Note"), seal.note or "—")]
    return [para(seal_label_title(), "title"), big_barcode(seal.seal_no, 180 * mm),
            _code_line(seal.seal_no), Spacer(1, 2 * mm),
            field_table(pairs, [24 * mm, 66 * mm, 24 * mm, 66 * mm]),
            para(_("Void slips by brand"), "heading"),
            brand_table(seal.by_brand, seal.count)]


def write_seal_a4_pdf(seal: SealInfo, path: Path) -> Path:
    """Write the seal label as one A4 page (more if many brands)."""
    header = form_header(f"{seal_label_title()} · {seal.seal_no}")
    return build_pdf(path, seal_a4_story(seal), header)


def _archived_text(form: ArchiveForm) -> str:
    status = form.status
    if status.archived_at is None:
        return _("Not archived yet")
    return _("{date}, by {who}").format(date=local_time(status.archived_at).date().isoformat(),
                                        who=status.archived_by)


def archive_story(form: ArchiveForm) -> list[Flowable]:
    """Event code as barcode, event facts, and per brand the slips and ranges of its books."""
    event, bag = form.event, form.bag
    pairs = [(_("Event code"), event.code), (_("Event name"), event.name),
             (_("Dates"), event_dates(event)), (_("Venue"), event.venue),
             (_("Slips"), count(bag.total_slips)), (_("Archived on"), _archived_text(form))]
    lines = [(line.brand, line.slips, line.ranges) for line in bag.lines]
    return [para(archive_label_title(), "title"), big_barcode(event.code, 180 * mm),
            _code_line(event.code), para(event.name, "subtitle"),
            field_table(pairs, [22 * mm, 68 * mm, 22 * mm, 68 * mm]),
            para(_("Order slips by brand"), "heading"), brand_table(lines, bag.total_slips)]


def write_archive_label_pdf(form: ArchiveForm, path: Path) -> Path:
    """Write the archive-bag label (A4 portrait)."""
    header = form_header(f"{archive_label_title()} · {form.event.code}")
    return build_pdf(path, archive_story(form), header)
