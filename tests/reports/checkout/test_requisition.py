"""The event requisition table (商家订单领用表, R2.1/R2.4): PDF and xlsx."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from app.reports.registry import write_report
from app.services.admin import settings
from app.services.checkout import plan
from app.services.core.actor import Actor
from app.services.events import events, merchants
from app.services.stock import registration as stock
from tests.reports.pdfcheck import page_sizes_mm, page_texts, pdf_fonts

HEADER = "序号 品牌 品类 类目经理 预估单量 订单本 号段 押金"


def test_requisition_pdf_lists_each_merchant_with_books_ranges_and_deposit(demo, actor,
                                                                           tmp_path: Path):
    """R2.1/R2.4: the worked example's plan, in Chinese, with totals and the event header."""
    path = write_report(actor, "requisition", tmp_path / "req.pdf", event_id=demo["event"])
    (text,) = page_texts(path)
    assert "商家订单领用表" in text and "上海家博会组委会" in text
    assert "2026-SH-01" in text and "2026上海家博会（春季）" in text
    assert "2026-03-14 – 2026-03-15" in text and "上海新国际博览中心" in text
    assert HEADER in text
    assert "1 安信地板 地板 王芳 120 3 BJ0000001–0000150 ¥600.00" in text
    assert "2 马可波罗瓷砖 瓷砖 王芳 40 1 BJ0000151–0000200 ¥200.00" in text
    assert "5 欧派橱柜 橱柜 李娜 160 4 BJ0000401–0000600 ¥800.00" in text
    assert "合计：5 家商家 455 12 ¥2,400.00" in text
    assert f"打印日期：{dt.date.today().isoformat()}" in text
    assert "第 1 页 / 共 1 页" in text
    assert page_sizes_mm(path) == [pytest.approx((210, 297), abs=0.5)]


def test_requisition_pdf_embeds_only_a_truetype_subset(demo, actor, tmp_path: Path):
    """Chinese text must not depend on the reader's fonts (PITFALLS: CJK in reportlab)."""
    path = write_report(actor, "requisition", tmp_path / "req.pdf", event_id=demo["event"])
    fonts = pdf_fonts(path)
    assert fonts, "no font at all"
    for font in fonts:
        assert font["type"] == "TrueType", font
        assert font["emb"] == "yes" and font["sub"] == "yes", font
        assert "+" in font["name"], font


def _long_event(actor: Actor, count: int) -> str:
    settings.update_settings(actor, organization="上海家博会组委会")
    series = stock.create_series(actor, "SH", 7, 50, "上海订单本")
    stock.register_next_books(actor, series.id, 400)
    event = events.create_event(actor, "2026-SH-09", "2026上海家博会（秋季）", "装大",
                                dt.date(2026, 9, 12), dt.date(2026, 9, 13), "上海世博展览馆",
                                ["王芳"])
    for i in range(count):
        m = merchants.create_merchant(actor, f"测试品牌{i:03d}", f"测试公司{i:03d}", "瓷砖", "王芳")
        events.set_estimate(actor, event.id, m.id, 40 + (i % 4) * 50)
    plan.build_plan(actor, event.id, series.id)
    return event.id


def test_long_requisition_repeats_header_and_numbers_pages(db, zh, actor, tmp_path: Path):
    """A table of 120 merchants runs over pages: each page repeats the column header, names
    the organization and says 第 x 页 / 共 y 页; every merchant is printed exactly once."""
    event_id = _long_event(actor, 120)
    path = write_report(actor, "requisition", tmp_path / "long.pdf", event_id=event_id)
    texts = page_texts(path)
    pages = len(texts)
    assert pages >= 3
    for number, text in enumerate(texts, start=1):
        assert HEADER in text, f"page {number} lacks the header row"
        assert f"第 {number} 页 / 共 {pages} 页" in text
        assert "上海家博会组委会" in text
    everything = "\n".join(texts)
    for i in range(120):
        assert everything.count(f"测试品牌{i:03d}") == 1, i
    assert "合计：120 家商家" in texts[-1]
    assert all("合计：" not in t for t in texts[:-1])
    books = sum(1 + (i % 4) for i in range(120))
    assert f"¥{books * 200:,}.00" in texts[-1]


def test_requisition_xlsx_has_bold_frozen_header_and_exact_money(demo, actor, tmp_path: Path):
    """Money cells are exact numbers (Decimal yuan) formatted with ¥, not text or floats."""
    path = write_report(actor, "requisition", tmp_path / "req.xlsx", event_id=demo["event"])
    ws = openpyxl.load_workbook(path).active
    header_row = next(r for r in range(1, 10) if ws.cell(r, 1).value == "序号")
    assert [c.value for c in ws[header_row]] == HEADER.split(" ")
    assert all(c.font.bold for c in ws[header_row])
    assert ws.freeze_panes == f"A{header_row + 1}"
    first = header_row + 1
    assert ws.cell(first, 2).value == "安信地板"
    assert ws.cell(first, 7).value == "BJ0000001–0000150"
    deposit = ws.cell(first, 8)
    assert deposit.value == Decimal("600") and not isinstance(deposit.value, str)
    assert "¥" in deposit.number_format and "0.00" in deposit.number_format
    total_row = ws.max_row
    assert ws.cell(total_row, 8).value == Decimal("2400")
    assert ws.cell(total_row, 5).value == 455 and ws.cell(total_row, 6).value == 12
    assert ws.column_dimensions["G"].width >= 30
    assert "上海家博会组委会" in [ws.cell(r, 1).value for r in range(1, header_row)]


def test_money_cells_are_exact_decimals_from_fen():
    """Money → Decimal yuan straight from integer fen, never through float."""
    from app.domain.money import Money
    from app.reports.core.xlsx import money_cell

    value = money_cell(Money(123456789))
    assert isinstance(value, Decimal) and value == Decimal("1234567.89")


def test_a_merchant_with_hundreds_of_ranges_continues_on_extra_rows(db, zh, tmp_path: Path):
    """No table row may outgrow a page (reportlab would stop with a LayoutError): a very
    fragmented merchant's ranges continue on rows of their own, none lost."""
    from app.domain.money import Money
    from app.reports.checkout.requisition import write_requisition_pdf
    from app.services.checkout.plan import PlanLine

    ranges = ", ".join(f"BJ{n * 100 + 1:07d}–{n * 100 + 50:07d}" for n in range(600))
    line = PlanLine("m", "碎片品牌", "瓷砖", "王芳", 30000, 600, ranges, 0, "", Money(12000000),
                    Money(12000000), Money(0))
    event = events.EventInfo("e", "2026-X", "测试", "expo", "", dt.date(2026, 1, 1),
                             dt.date(2026, 1, 1), (), Money(20000), Money(10000))
    path = write_requisition_pdf(event, [line], tmp_path / "frag.pdf")
    text = "\n".join(page_texts(path))
    assert len(page_texts(path)) >= 2
    for n in (0, 11, 12, 299, 599):
        assert f"BJ{n * 100 + 1:07d}–{n * 100 + 50:07d}" in text
    assert text.count("碎片品牌") == 1
