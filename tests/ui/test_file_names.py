"""Names suggested in save dialogs are valid Windows file names."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from app.reports.registry import write_report
from app.services.stock import registration as stock
from ui.common.file_names import safe_file_name
from ui.common.print_preview import PreviewDialog


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-SH-01-0001", "2026-SH-01-0001"),
    ("2026/SH:01*?", "2026_SH_01__"),
    ('a<b>c"d\\e|f', "a_b_c_d_e_f"),
    ("tab\there\nnew", "tab_here_new"),
    ("receipt. . ", "receipt"),
    ("CON", "_CON"),
    ("lpt1.pdf", "_lpt1.pdf"),
    ("   ", "report"),
    ("安信地板-回执", "安信地板-回执"),
])
def test_forbidden_windows_characters_are_replaced(text, expected):
    assert safe_file_name(text) == expected


def test_preview_suggests_a_cleaned_name(qtbot, actor, db, ui_settings, tmp_path, monkeypatch):
    """A receipt number typed as 'NO.12/3' is offered as 'NO.12_3.pdf'."""
    series = stock.create_series(actor, "BJ", 7, 50)
    stock.register_next_books(actor, series.id, 1)
    pdf = write_report(actor, "stock", tmp_path / "stock.pdf")
    dialog = PreviewDialog(None, pdf, "Stock", ui_settings, None, "NO.12/3|收据")
    qtbot.addWidget(dialog)
    offered: list[str] = []

    def ask(_parent, _title, start, _filters):
        offered.append(start)
        return "", ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(ask))
    dialog.save_as()
    assert Path(offered[0]).name == "NO.12_3_收据.pdf"
