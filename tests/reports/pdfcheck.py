"""Reading produced PDFs back: text, page sizes, fonts, drawn bars and decoded barcodes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
import zxingcpp

MM = 72 / 25.4
"""Points per millimetre."""
SCAN_DPI = 203
"""~200 dpi, the resolution of common thermal label printers (see test_labels for why not 200)."""


def page_texts(path: Path) -> list[str]:
    """The text of every page."""
    doc = pdfium.PdfDocument(str(path))
    try:
        return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()


def page_sizes_mm(path: Path) -> list[tuple[float, float]]:
    """(width, height) of every page in millimetres."""
    doc = pdfium.PdfDocument(str(path))
    try:
        return [(w / MM, h / MM) for w, h in (doc[i].get_size() for i in range(len(doc)))]
    finally:
        doc.close()


def pdf_fonts(path: Path) -> list[dict[str, str]]:
    """Rows of `pdffonts` (poppler): name, type, emb, sub."""
    if not shutil.which("pdffonts"):  # Windows without poppler; Linux CI installs it
        if os.name == "nt":
            pytest.skip("pdffonts (poppler) is not installed")
        raise AssertionError("poppler-utils (pdffonts) is needed for this test")
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    rows = []
    for line in out.stdout.splitlines()[2:]:
        parts = line.split()
        emb, sub = parts[-5], parts[-4]
        rows.append({"name": parts[0], "type": " ".join(parts[1:-6]), "emb": emb, "sub": sub})
    return rows


@dataclass(frozen=True)
class Scanned:
    """A decoded barcode and where its centre is, in mm from the page's top-left corner."""

    text: str
    x_mm: float
    y_mm: float


def scan_page(path: Path, index: int = 0, dpi: int = SCAN_DPI) -> list[Scanned]:
    """Render one page at `dpi` and decode every Code 128 on it."""
    doc = pdfium.PdfDocument(str(path))
    try:
        image = doc[index].render(scale=dpi / 72).to_pil()
    finally:
        doc.close()
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.Code128)
    px_per_mm = dpi / 25.4
    out = []
    for code in found:
        pos = code.position
        xs = [pos.top_left.x, pos.top_right.x, pos.bottom_left.x, pos.bottom_right.x]
        ys = [pos.top_left.y, pos.top_right.y, pos.bottom_left.y, pos.bottom_right.y]
        out.append(Scanned(code.text, sum(xs) / 4 / px_per_mm, sum(ys) / 4 / px_per_mm))
    return out


def bar_rects_mm(path: Path, index: int = 0) -> list[tuple[float, float, float, float]]:
    """(left, bottom, right, top) in mm of every filled path on a page (the barcode bars)."""
    doc = pdfium.PdfDocument(str(path))
    try:
        page = doc[index]
        rects = [tuple(v / MM for v in obj.get_bounds())
                 for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH])]
    finally:
        doc.close()
    return rects  # type: ignore[return-value]


def squeeze(text: str) -> str:
    """Text without whitespace, for matching across line breaks."""
    return re.sub(r"\s+", "", text)
