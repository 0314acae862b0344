"""The checkout sheet (领签表) and the deposit receipt (押金收据), R2.2/R2.4."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import i18n
from app.domain.payments import payment_label
from app.reports.registry import write_report
from app.services.checkout.checkouts import reverse_issue
from tests.reports.pdfcheck import page_sizes_mm, page_texts, pdf_fonts, squeeze


def test_checkout_sheet_lists_books_deposit_and_signature_lines(checkouts, actor,
                                                                tmp_path: Path):
    """R2.2: what 安信地板 signs for: its three books, count, deposit, payment, receipt."""
    info = checkouts["安信地板"]
    path = write_report(actor, "checkout_sheet", tmp_path / "sheet.pdf", checkout_id=info.id)
    (text,) = page_texts(path)
    assert "订单本领签表" in text and "上海家博会组委会" in text
    assert "2026-SH-01 2026上海家博会（春季）" in text
    assert "安信地板" in text and "安信伟光（上海）木材有限公司" in text
    for no, (first, last) in enumerate([(1, 50), (51, 100), (101, 150)], start=1):
        code = f"BJ{first:07d}-{last:07d}"
        assert f"{no} {code} BJ{first:07d} – BJ{last:07d} 50" in text
    assert "本数 3" in text and "合计：3 本 150" in text
    assert "¥600.00（人民币陆佰元整）" in text
    assert f"付款方式 {payment_label('cash')}" in text
    assert f"收据号 {info.receipt_no}" in text and "签领人 张伟" in text
    assert "商家签字" in text and "订单专员签字" in text and text.count("日期") >= 3
    assert page_sizes_mm(path) == [pytest.approx((210, 297), abs=0.5)]


def test_deposit_receipt_gives_amount_in_figures_and_capitals(checkouts, actor, tmp_path: Path):
    """R2.4 and the worked example: ¥600.00 → 人民币陆佰元整, on an A5 landscape page."""
    info = checkouts["安信地板"]
    path = write_report(actor, "deposit_receipt", tmp_path / "r.pdf", checkout_id=info.id)
    (text,) = page_texts(path)
    assert "押金收据" in text and "上海家博会组委会" in text
    assert "金额（大写） 人民币陆佰元整" in text
    assert "金额（小写） ¥600.00" in text
    assert f"收据号 {info.receipt_no}" in text
    assert "交款单位 安信地板（安信伟光（上海）木材有限公司）" in text
    assert "订单本 BJ0000001–0000150" in text
    assert "订单本押金 3 本，每本 ¥200.00" in text
    assert "收款人（经办）" in text and "交款人" in text
    assert page_sizes_mm(path) == [pytest.approx((210, 148), abs=0.5)]
    assert all(f["emb"] == "yes" and f["sub"] == "yes" for f in pdf_fonts(path))


def test_deposit_receipt_of_one_book(checkouts, actor, tmp_path: Path):
    """马可波罗瓷砖's single book: ¥200 → 人民币贰佰元整."""
    info = checkouts["马可波罗瓷砖"]
    path = write_report(actor, "deposit_receipt", tmp_path / "r.pdf", checkout_id=info.id)
    (text,) = page_texts(path)
    assert "人民币贰佰元整" in text and "¥200.00" in text and "BJ0000151–0000200" in text
    assert "陆佰" not in text


def test_forms_follow_the_language_but_keep_capital_numerals(checkouts, actor, tmp_path: Path):
    """In English the labels change; the capital numerals are what a Chinese receipt needs."""
    i18n.set_language("en")
    info = checkouts["安信地板"]
    path = write_report(actor, "deposit_receipt", tmp_path / "r.pdf", checkout_id=info.id)
    (text,) = page_texts(path)
    assert "Deposit receipt" in text and "Page 1 of 1" in text
    assert "Amount in words 人民币陆佰元整" in text


def test_checkout_sheet_keeps_a_book_taken_back_as_signed(checkouts, actor, tmp_path: Path):
    """R2.2: a reversed book stays on the signed sheet (the paper the merchant signed)."""
    info = checkouts["安信地板"]
    reverse_issue(actor, "BJ0000101-0000150", "发错本")
    path = write_report(actor, "checkout_sheet", tmp_path / "sheet.pdf", checkout_id=info.id)
    assert "BJ0000101-0000150" in page_texts(path)[0]


def test_receipt_with_many_ranges_stays_one_page(checkouts, actor, tmp_path: Path):
    """A receipt is one sheet: past 12 ranges it refers to the checkout sheet."""
    from dataclasses import replace

    from app.reports.checkout.checkout_forms import write_deposit_receipt_pdf

    ranges = ", ".join(f"BJ{n * 100 + 1:07d}–{n * 100 + 50:07d}" for n in range(100))
    info = replace(checkouts["安信地板"], ranges=ranges)
    path = write_deposit_receipt_pdf(info, tmp_path / "r.pdf")
    (text,) = page_texts(path)
    assert "BJ0001101–0001150" in text and "BJ0001201" not in text
    assert "共100段，详见领签表" in squeeze(text)
