"""The preview dialog renders report pages with pypdfium2, prints at actual size, saves."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QFileDialog

from app.reports.registry import write_report
from app.services.stock import registration as stock
from ui.common.print_preview import PreviewDialog, page_images, print_pdf


@pytest.fixture
def stock_pdf(actor, db, tmp_path) -> Path:
    series = stock.create_series(actor, "BJ", 7, 50)
    stock.register_next_books(actor, series.id, 20)
    return write_report(actor, "stock", tmp_path / "stock.pdf")


def _dialog(qtbot, pdf: Path, ui_settings, save_xlsx=None) -> PreviewDialog:
    dialog = PreviewDialog(None, pdf, "Stock", ui_settings, save_xlsx, "stock")
    qtbot.addWidget(dialog)
    return dialog


def test_preview_renders_every_page(qtbot, stock_pdf, ui_settings):
    dialog = _dialog(qtbot, stock_pdf, ui_settings)
    assert len(dialog.page_labels) >= 1
    pixmap = dialog.page_labels[0].pixmap()
    assert not pixmap.isNull()
    assert pixmap.height() > pixmap.width()  # A4 portrait
    assert "100%" in dialog.pages_label.text()


def test_rendered_page_is_not_blank(qapp, stock_pdf):
    image = page_images(stock_pdf, 50)[0]
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7)
               for y in range(0, image.height(), 7)}
    assert len(colours) > 1


def test_zoom_changes_the_page_size(qtbot, stock_pdf, ui_settings):
    dialog = _dialog(qtbot, stock_pdf, ui_settings)
    width = dialog.page_labels[0].pixmap().width()
    dialog.zoom(1)
    assert dialog.zoom_factor == 1.25
    assert dialog.page_labels[0].pixmap().width() > width


def test_printing_draws_every_page_at_actual_size(qapp, stock_pdf, tmp_path):
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    pages = print_pdf(stock_pdf, printer)
    source, printed = pdfium.PdfDocument(str(stock_pdf)), pdfium.PdfDocument(
        str(tmp_path / "printed.pdf"))
    assert len(printed) == len(source) == pages
    for a, b in zip(source[0].get_size(), printed[0].get_size(), strict=True):
        assert abs(a - b) < 1.5


def test_save_as_pdf_copies_the_file(qtbot, stock_pdf, ui_settings, tmp_path, monkeypatch):
    target = tmp_path / "out" / "copy"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "PDF document (*.pdf)")))
    _dialog(qtbot, stock_pdf, ui_settings).save_as()
    assert (tmp_path / "out" / "copy.pdf").read_bytes() == stock_pdf.read_bytes()
    assert ui_settings.last_folder == str(target.parent)


def test_save_as_xlsx_uses_the_report_writer(qtbot, stock_pdf, ui_settings, tmp_path,
                                             monkeypatch):
    saved: list[str] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(
        lambda *a, **k: (str(tmp_path / "s.xlsx"), "Excel workbook (*.xlsx)")))
    _dialog(qtbot, stock_pdf, ui_settings, saved.append).save_as()
    assert saved == [str(tmp_path / "s.xlsx")]


def test_long_reports_are_drawn_as_they_scroll_into_view(qtbot, ui_settings, tmp_path):
    """A many-page report does not render every page up front."""
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "long.pdf"
    canvas = Canvas(str(path))
    for page in range(12):
        canvas.drawString(100, 700, f"page {page + 1}")
        canvas.showPage()
    canvas.save()
    dialog = _dialog(qtbot, path, ui_settings)
    assert len(dialog.page_labels) == 12
    assert not dialog.page_labels[0].pixmap().isNull()
    assert dialog.page_labels[11].pixmap().isNull()
    dialog.show()
    qtbot.waitExposed(dialog)
    bar = dialog.scroll_area.verticalScrollBar()
    bar.setValue(bar.maximum())
    qtbot.waitUntil(lambda: not dialog.page_labels[11].pixmap().isNull())
    assert dialog.page_labels[6].pixmap().isNull()
    dialog.close()


def test_print_button_goes_through_the_print_dialog(qtbot, stock_pdf, ui_settings, tmp_path,
                                                   monkeypatch):
    from PySide6.QtPrintSupport import QPrintDialog

    out = tmp_path / "printed.pdf"

    def fake_exec(dialog: QPrintDialog) -> int:
        dialog.printer().setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        dialog.printer().setOutputFileName(str(out))
        return 1

    monkeypatch.setattr(QPrintDialog, "exec", fake_exec)
    _dialog(qtbot, stock_pdf, ui_settings).print_button.click()
    assert len(pdfium.PdfDocument(str(out))) >= 1
