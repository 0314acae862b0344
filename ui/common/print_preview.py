"""Preview a report PDF (rendered with pypdfium2), print it at actual size, or save it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtCore import QMarginsF, QPoint, QRect, QRectF, QSizeF, Qt, QTimer
from PySide6.QtGui import (
    QCloseEvent,
    QImage,
    QKeySequence,
    QPageLayout,
    QPageSize,
    QPainter,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.errors import AppError
from app.i18n import _
from ui.common.file_names import safe_file_name
from ui.common.ops import busy_cursor, show_error
from ui.common.settings import UiSettings
from ui.common.widgets import button

SCREEN_DPI = 96
PRINT_DPI_MAX = 300
EAGER_PAGES = 2
ZOOMS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0)

SaveXlsx = Callable[[str], None]
"""Writes the same report as .xlsx to a path (runs it in the background)."""


def page_images(pdf_path: str | Path, dpi: float) -> list[QImage]:
    """Every page of a PDF rendered at `dpi`."""
    document = pdfium.PdfDocument(str(pdf_path))
    try:
        return [render_page(document[i], dpi) for i in range(len(document))]
    finally:
        document.close()


def render_page(page: pdfium.PdfPage, dpi: float) -> QImage:
    """One page → PIL image → QImage (white background)."""
    bitmap = page.render(scale=dpi / 72)
    pil = bitmap.to_pil().convert("RGBA")
    data = pil.tobytes("raw", "RGBA")
    image = QImage(data, pil.width, pil.height, pil.width * 4, QImage.Format.Format_RGBA8888)
    return image.copy()


def page_sizes(pdf_path: str | Path) -> list[tuple[float, float]]:
    """Each page's (width, height) in points."""
    document = pdfium.PdfDocument(str(pdf_path))
    try:
        return [document[i].get_size() for i in range(len(document))]
    finally:
        document.close()


def _set_page(printer: QPrinter, size: tuple[float, float]) -> None:
    width, height = size
    landscape = width > height
    page = QPageSize(QSizeF(min(width, height), max(width, height)), QPageSize.Unit.Point, "",
                     QPageSize.SizeMatchPolicy.FuzzyMatch)
    orientation = (QPageLayout.Orientation.Landscape if landscape
                   else QPageLayout.Orientation.Portrait)
    printer.setPageLayout(QPageLayout(page, orientation, QMarginsF(0, 0, 0, 0)))


def print_pdf(pdf_path: str | Path, printer: QPrinter) -> int:
    """Draw every page at actual size (no scaling) on `printer`; returns the page count."""
    sizes = page_sizes(pdf_path)
    if not sizes:
        return 0
    printer.setFullPage(True)
    _set_page(printer, sizes[0])
    dpi = min(printer.resolution(), PRINT_DPI_MAX)
    document = pdfium.PdfDocument(str(pdf_path))
    painter = QPainter()
    try:
        if not painter.begin(printer):
            raise OSError(_("The printer could not be started."))
        for number, size in enumerate(sizes):
            if number:
                _set_page(printer, size)
                printer.newPage()
            scale = printer.resolution() / 72
            target = QRectF(0, 0, size[0] * scale, size[1] * scale)
            painter.drawImage(target, render_page(document[number], dpi))
    finally:
        if painter.isActive():
            painter.end()
        document.close()
    return len(sizes)


class PreviewDialog(QDialog):
    """Shows a report's pages; Print… and Save as… (PDF, and Excel where supported)."""

    def __init__(self, parent: QWidget | None, pdf_path: str | Path, title: str,
                 settings: UiSettings, save_xlsx: SaveXlsx | None = None,
                 suggested_name: str = "report") -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Preview: {title}").format(title=title))
        self.pdf_path = Path(pdf_path)
        self._settings = settings
        self._save_xlsx = save_xlsx
        self._suggested = suggested_name
        self._zoom_index = ZOOMS.index(1.0)
        self._document = pdfium.PdfDocument(str(self.pdf_path))
        self._sizes = [self._document[i].get_size() for i in range(len(self._document))]
        self._drawn: set[int] = set()
        self.pages_label = QLabel(self)
        self.page_labels: list[QLabel] = []
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._build()
        self.render_pages()
        self.resize(900, 760)

    def _build(self) -> None:
        tools = QHBoxLayout()
        self.print_button = button(_("Print…"), self.print_document, QKeySequence.StandardKey.Print)
        self.save_button = button(_("Save as…"), self.save_as, QKeySequence.StandardKey.Save)
        zoom_out = button(_("Zoom out"), lambda: self.zoom(-1), QKeySequence.StandardKey.ZoomOut)
        zoom_in = button(_("Zoom in"), lambda: self.zoom(1), QKeySequence.StandardKey.ZoomIn)
        for widget in (self.print_button, self.save_button, zoom_out, zoom_in, self.pages_label):
            tools.addWidget(widget)
        tools.addStretch(1)
        tools.addWidget(button(_("Close"), self.close))
        self.pages = QWidget()
        self.pages_layout = QVBoxLayout(self.pages)
        self.pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidget(self.pages)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.verticalScrollBar().valueChanged.connect(lambda _v: self.draw_visible())
        self.pages.setObjectName("pages")
        self.pages.setStyleSheet("QWidget#pages { background: #808080; }")
        layout = QVBoxLayout(self)
        layout.addLayout(tools)
        layout.addWidget(self.scroll_area)
        self.print_button.setDefault(True)

    @property
    def zoom_factor(self) -> float:
        """The current zoom (1.0 = actual size on a 96-dpi screen)."""
        return ZOOMS[self._zoom_index]

    def zoom(self, step: int) -> None:
        """Zoom one step in (+1) or out (-1)."""
        self._zoom_index = max(0, min(len(ZOOMS) - 1, self._zoom_index + step))
        self.render_pages()

    def render_pages(self) -> None:
        """Lay out every page at the current zoom; draw the first ones and those in view."""
        for label in self.page_labels:
            label.deleteLater()
        self.page_labels, self._drawn = [], set()
        scale = SCREEN_DPI * self.zoom_factor / 72
        for width, height in self._sizes:
            label = QLabel(self.pages)
            label.setFixedSize(round(width * scale), round(height * scale))
            label.setStyleSheet("background: white;")
            self.pages_layout.addWidget(label)
            self.page_labels.append(label)
        for number in range(min(EAGER_PAGES, len(self._sizes))):
            self._draw(number)
        self.pages_label.setText(_("{n} page(s), {zoom}%").format(
            n=len(self._sizes), zoom=int(self.zoom_factor * 100)))
        QTimer.singleShot(0, self.draw_visible)

    def _draw(self, number: int) -> None:
        if number in self._drawn:
            return
        ratio = self.devicePixelRatioF()
        image = render_page(self._document[number], SCREEN_DPI * self.zoom_factor * ratio)
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(ratio)
        self.page_labels[number].setPixmap(pixmap)
        self._drawn.add(number)

    def draw_visible(self) -> None:
        """Draw the pages now scrolled into view (big reports are drawn as you scroll)."""
        viewport = self.scroll_area.viewport()
        area = viewport.rect().adjusted(0, -viewport.height(), 0, viewport.height())
        for number, label in enumerate(self.page_labels):
            if number not in self._drawn and QRect(label.mapTo(viewport, QPoint(0, 0)),
                                                   label.size()).intersects(area):
                self._draw(number)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Qt override: newly visible pages are drawn."""
        super().resizeEvent(event)
        QTimer.singleShot(0, self.draw_visible)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Qt override: release the PDF file."""
        self._document.close()
        super().closeEvent(event)

    def _make_printer(self) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        name = self._settings.printer_name
        if name and name in QPrinterInfo.availablePrinterNames():
            printer.setPrinterName(name)
        printer.setDocName(self._suggested)
        return printer

    def print_document(self) -> None:
        """Choose a printer and print every page at actual size."""
        printer = self._make_printer()
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(_("Print"))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self._settings.printer_name = printer.printerName()
        try:
            with busy_cursor():
                print_pdf(self.pdf_path, printer)
        except OSError as exc:
            show_error(self, AppError(_("Printing failed: {reason}").format(reason=exc)))

    def save_as(self) -> None:
        """Save the PDF (or, where supported, the Excel version) under a chosen name."""
        filters = [_("PDF document (*.pdf)")]
        if self._save_xlsx is not None:
            filters.append(_("Excel workbook (*.xlsx)"))
        name = safe_file_name(self._suggested) + ".pdf"
        start = str(Path(self._settings.last_folder or Path.home()) / name)
        path, chosen = QFileDialog.getSaveFileName(self, _("Save as"), start, ";;".join(filters))
        if not path:
            return
        self._settings.last_folder = str(Path(path).parent)
        xlsx = len(filters) > 1 and (chosen == filters[1] or path.lower().endswith(".xlsx"))
        if xlsx and self._save_xlsx is not None:
            self._save_xlsx(path if path.lower().endswith(".xlsx") else path + ".xlsx")
        else:
            target = path if path.lower().endswith(".pdf") else path + ".pdf"
            try:
                shutil.copyfile(self.pdf_path, target)
            except OSError as exc:
                show_error(self, AppError(_("Cannot write {path} ({reason}).").format(
                    path=target, reason=exc.strerror or exc)))
