"""The stock report (R1.3): ranges by state, totals, and the gaps with their reasons."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from app.reports.registry import write_report
from app.services.stock import registration as stock
from tests.reports.pdfcheck import page_texts

REASON = "总部跳过一批印刷"


@pytest.fixture
def with_gap(demo, actor) -> dict[str, str]:
    """The demo stock plus BJ0001501–BJ0002000, skipping BJ0001001–BJ0001500 (R1.3)."""
    stock.register_range(actor, demo["series"], "BJ0001501-BJ0002000", REASON)
    return demo


def test_stock_pdf_lists_ranges_by_state_totals_and_gaps(with_gap, actor, tmp_path: Path):
    path = write_report(actor, "stock", tmp_path / "s.pdf")
    text = "\n".join(page_texts(path))
    assert "空白订单本库存报表" in text and "上海家博会组委会" in text
    assert "号段 BJ · 北京订单本" in text
    assert "7 位数字，每本 50 张，已登记至 BJ0002000" in text
    assert "BJ0000001 BJ0000150 3 150 2026-SH-01 安信地板" in text
    assert "BJ0000151 BJ0000200 1 50 2026-SH-01 马可波罗瓷砖" in text
    assert "BJ0000601 BJ0001000 8 400" in text
    assert "BJ0001501 BJ0002000 10 500" in text
    assert "BJ0001001 BJ0001500 500 " + REASON in text
    assert "合计 30 1,500" in text


def test_stock_pdf_of_a_series_without_gaps_says_so(demo, actor, tmp_path: Path):
    path = write_report(actor, "stock", tmp_path / "s.pdf", series_id=demo["series"])
    text = page_texts(path)[0]
    assert "无断号" in text and "合计 20 1,000" in text


def test_stock_xlsx_has_ranges_totals_and_gaps_sheets(with_gap, actor, tmp_path: Path):
    path = write_report(actor, "stock", tmp_path / "s.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["号段明细", "合计", "断号"]
    gaps = wb["断号"]
    header = next(r for r in range(1, 10) if gaps.cell(r, 1).value == "号段")
    assert all(c.font.bold for c in gaps[header])
    assert gaps.freeze_panes == f"A{header + 1}"
    assert [c.value for c in gaps[header + 1]] == ["BJ · 北京订单本", "BJ0001001", "BJ0001500",
                                                   500, REASON]
    totals = [[c.value for c in row] for row in wb["合计"].iter_rows(min_row=header + 1)]
    assert ["BJ · 北京订单本", "合计", 30, 1500] in totals
    ranges = wb["号段明细"]
    rows = [[c.value for c in row] for row in ranges.iter_rows(min_row=header + 1)]
    assert ["BJ · 北京订单本", "已领用", "BJ0000001", "BJ0000150", 3, 150, "2026-SH-01",
            "安信地板"] in rows
    assert not any(isinstance(v, float | Decimal) for row in rows for v in row)
