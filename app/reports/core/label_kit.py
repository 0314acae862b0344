"""Drawing labels: Code 128 barcodes that fit the label and scan at 100 dpi, text fitted into a
width, a canvas that asks for printing at actual size. Book labels (checkout), seal and
archive-bag labels (returns) use it."""

from __future__ import annotations

import math
from pathlib import Path

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from app.errors import InputError
from app.i18n import _
from app.reports.core.fonts import register_cjk_font
from app.reports.core.layout import form_header

BAR_WIDTHS_MM = (0.33, 0.254)
"""Module widths tried in order; the first that fits the label is used."""
QUIET_MODULES = 10



MAX_MM = 1000.0
"""No label, sheet margin or gap is larger than a metre; a bigger number is a typo."""


def millimetres(value: object, name: str) -> float:
    """A label size, margin or gap in millimetres, from a number.

    Raises:
        InputError: not a number, not finite (NaN, infinity), negative or over a metre.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(_("{name} must be a number of millimetres.").format(name=name))
    number = float(value)
    if not math.isfinite(number) or not 0 <= number <= MAX_MM:
        raise InputError(_("{name} must be between 0 and {max} mm.").format(
            name=name, max=int(MAX_MM)))
    return number


def barcode_for(code: str, label_width: float) -> Code128:
    """Code 128 of `code` with the widest module from BAR_WIDTHS_MM that fits `label_width`.

    Raises:
        InputError: the code does not fit even at the narrowest module.
    """
    for module in BAR_WIDTHS_MM:
        quiet = QUIET_MODULES * module * mm
        bars = Code128(code, barWidth=module * mm, quiet=1, lquiet=quiet, rquiet=quiet)
        if bars.width <= label_width:
            return bars
    raise InputError(_("The barcode of {code} needs a label at least {width} mm wide.").format(
        code=code, width=math.ceil(bars.width / mm)))


def fit_text(text: str, font: str, size: float, width: float) -> tuple[str, float]:
    """Shrink (down to 6 pt), then shorten with …, until `text` fits `width`."""
    while size > 6 and stringWidth(text, font, size) > width:
        size -= 0.5
    while len(text) > 1 and stringWidth(text, font, size) > width:
        text = text[:-2] + "…"
    return text, size


def draw_text(canvas: Canvas, text: str, x: float, y: float, size: float, width: float,
              align: str = "left") -> None:
    """`text` in the CJK font at (x, y), fitted into `width` (see `fit_text`)."""
    font = register_cjk_font()
    fitted, fitted_size = fit_text(text, font, size, width)
    canvas.setFont(font, fitted_size)
    if align == "center":
        canvas.drawCentredString(x + width / 2, y, fitted)
    elif align == "right":
        canvas.drawRightString(x + width, y, fitted)
    else:
        canvas.drawString(x, y, fitted)


def label_canvas(path: Path, pagesize: tuple[float, float], title: str) -> Canvas:
    """A canvas for labels: CJK font, document title and author, "print at actual size"."""
    header = form_header(title)
    canvas = Canvas(str(path), pagesize=pagesize, initialFontName=register_cjk_font())
    canvas.setTitle(title)
    canvas.setAuthor(header.organization)
    canvas.setCreator("OrderBook Desk")
    canvas.setViewerPreference("PrintScaling", "None")
    return canvas
