"""Book labels (R2.4): one Code 128 barcode per book, encoding its book code.

Two formats:

* A4 label sheets with a configurable grid (default 3 × 8 labels of 70 × 36 mm, 4.5 mm top and
  bottom margin) and a first position, so a half-used sheet can go through the printer again;
* single labels, one per page (default 60 × 40 mm), for a label printer.

Barcodes are reportlab vector bars with a quiet zone of 10 modules on each side. The module
(narrowest bar) is 0.33 mm whenever the label is wide enough. A book code like
``BJ0000001-0000050`` is 189 modules, 69 mm with its quiet zones at 0.33 mm, which does not fit
a 60 mm label-printer label; there the module falls back to 0.254 mm (10 mil: exactly 2 dots of
a 203 dpi thermal printer, 3 dots at 300 dpi), 53 mm in all. Narrower than that is refused.
Print at "actual size / no scaling" (the PDFs ask viewers to, via /PrintScaling /None).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.errors import InputError
from app.i18n import _
from app.reports.core.label_kit import barcode_for, draw_text, label_canvas
from app.services.core.books import BookInfo


@dataclass(frozen=True)
class LabelSheet:
    """An A4 label sheet: grid and margins in millimetres."""

    columns: int = 3
    rows: int = 8
    margin_top: float = 4.5
    margin_bottom: float = 4.5
    margin_left: float = 0.0
    margin_right: float = 0.0
    gap_x: float = 0.0
    gap_y: float = 0.0

    @property
    def positions(self) -> int:
        """Labels per sheet."""
        return self.columns * self.rows

    def label_size(self) -> tuple[float, float]:
        """Width and height of one label in points."""
        width = (A4[0] - (self.margin_left + self.margin_right
                          + self.gap_x * (self.columns - 1)) * mm) / self.columns
        height = (A4[1] - (self.margin_top + self.margin_bottom
                           + self.gap_y * (self.rows - 1)) * mm) / self.rows
        return width, height

    def origin(self, position: int) -> tuple[float, float]:
        """Bottom-left corner (points) of the label at 1-based `position`, row by row."""
        row, col = divmod(position - 1, self.columns)
        width, height = self.label_size()
        x = self.margin_left * mm + col * (width + self.gap_x * mm)
        top = A4[1] - self.margin_top * mm - row * (height + self.gap_y * mm)
        return x, top - height


def check_sheet(sheet: LabelSheet, first_position: int) -> None:
    """Refuse an impossible grid or start position.

    Raises:
        InputError: columns/rows out of 1–10 / 1–40, negative margins, no room, bad position.
    """
    if not (1 <= sheet.columns <= 10 and 1 <= sheet.rows <= 40):
        raise InputError(_("A label sheet has 1–10 columns and 1–40 rows."))
    margins = (sheet.margin_top, sheet.margin_bottom, sheet.margin_left, sheet.margin_right,
               sheet.gap_x, sheet.gap_y)
    if any(m < 0 for m in margins):
        raise InputError(_("Label margins and gaps cannot be negative."))
    width, height = sheet.label_size()
    if width < 30 * mm or height < 25 * mm:
        raise InputError(_("The labels would be smaller than 30 × 25 mm; use fewer columns or "
                           "rows, or smaller margins."))
    if not 1 <= first_position <= sheet.positions:
        raise InputError(_("The first label position must be between 1 and {n}.").format(
            n=sheet.positions))


def draw_label(canvas: Canvas, book: BookInfo, x: float, y: float, width: float,
               height: float) -> None:
    """One label with its bottom-left corner at (x, y): owner line, barcode, code, range."""
    pad = 2.5 * mm
    inner = width - 2 * pad
    top = y + height
    if book.brand:
        draw_text(canvas, book.brand, x + pad, top - 5.5 * mm, 10, inner * 0.62)
        draw_text(canvas, book.event_code, x + pad + inner * 0.64, top - 5.5 * mm, 8.5,
              inner * 0.36, "right")
    bars = barcode_for(book.code, width)
    bar_bottom = y + 10.5 * mm
    bars.barHeight = max(6 * mm, min(18 * mm, top - 7.5 * mm - bar_bottom))
    bars.drawOn(canvas, x + (width - bars.width) / 2, bar_bottom)
    draw_text(canvas, book.code, x + pad, y + 6.5 * mm, 9.5, inner, "center")
    slips = _("{n} slips").format(n=book.slips)
    draw_text(canvas, f"{book.first} – {book.last}  {slips}", x + pad, y + 2.5 * mm, 7.5, inner,
          "center")


def _require_books(books: Sequence[BookInfo]) -> None:
    if not books:
        raise InputError(_("There are no books to print labels for."))


def sheet_positions(count: int, sheet: LabelSheet, first_position: int
                    ) -> Iterable[tuple[int, int]]:
    """(page index, position) for `count` labels, the first at `first_position`."""
    index = first_position - 1
    for _n in range(count):
        yield divmod(index, sheet.positions)[0], index % sheet.positions + 1
        index += 1


def write_label_sheet_pdf(books: Sequence[BookInfo], path: Path, sheet: LabelSheet | None = None,
                          first_position: int = 1) -> Path:
    """Write A4 label sheets, one label per book, starting at `first_position` (1-based,
    row by row) on the first sheet.

    Raises:
        InputError: no books, a bad grid or position, or labels too narrow for the barcode.
    """
    sheet = sheet or LabelSheet()
    check_sheet(sheet, first_position)
    _require_books(books)
    width, height = sheet.label_size()
    canvas = label_canvas(path, A4, _("Book labels"))
    page = 0
    for book, (sheet_no, position) in zip(books, sheet_positions(len(books), sheet,
                                                                 first_position), strict=True):
        if sheet_no != page:
            canvas.showPage()
            page = sheet_no
        draw_label(canvas, book, *sheet.origin(position), width, height)
    canvas.save()
    return path


def write_single_labels_pdf(books: Sequence[BookInfo], path: Path, width_mm: float = 60,
                            height_mm: float = 40) -> Path:
    """Write one label per page of `width_mm` × `height_mm` (label printer).

    Raises:
        InputError: no books, a label smaller than 40 × 25 mm or too narrow for the barcode.
    """
    _require_books(books)
    if width_mm < 40 or height_mm < 25:
        raise InputError(_("A single label must be at least 40 × 25 mm."))
    size = (width_mm * mm, height_mm * mm)
    canvas = label_canvas(path, size, _("Book labels"))
    for book in books:
        draw_label(canvas, book, 0, 0, *size)
        canvas.showPage()
    canvas.save()
    return path
