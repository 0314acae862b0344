"""`orderbook report` writes the after-event forms (R3.2–R3.7), naming the event by code, the
merchant by brand and the seal by its number."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.cli import main
from app.cli.reports import REPORT_NAMES
from app.db import connection
from app.demo import DEMO_PASSWORD, load_demo
from app.reports.registry import REPORTS
from app.services.admin import users
from app.services.returns import entry as returns
from app.services.returns import seals
from tests.reports.pdfcheck import page_sizes_mm, page_texts, scan_page


@pytest.fixture
def dbfile(tmp_path: Path, monkeypatch) -> str:
    """The demo after the event, 安信's return closed too, 马可波罗's void slip sealed."""
    monkeypatch.setenv("ORDERBOOK_PASSWORD", DEMO_PASSWORD)
    path = tmp_path / "demo.sqlite3"
    connection.open_database(path)
    try:
        ids = load_demo(after_event=True)
        admin = users.login("admin", DEMO_PASSWORD)
        returns.close_return(admin, ids["event"], ids["安信地板"])
        seals.seal_voids(admin, ids["event"], "F-2026-001", "BJ0000173")
    finally:
        connection.close_database()
    return str(path)


def report(capsys, dbfile: str, *argv: str) -> tuple[int, str]:
    code = main(["--lang", "zh_CN", "--user", "admin", "--db", dbfile, "report", *argv])
    out, err = capsys.readouterr()
    return code, out + err


def test_the_cli_offers_every_registered_report():
    assert set(REPORT_NAMES) == set(REPORTS)


def test_reconciliation_and_chase_list_by_event_code_and_manager(capsys, dbfile, tmp_path):
    """R3.2/R3.3 from the command line."""
    pdf = tmp_path / "r.pdf"
    assert report(capsys, dbfile, "reconciliation", str(pdf), "--event", "2026-SH-01")[0] == 0
    assert "1 安信地板 王芳 150 97 45 5 3 0 0 已完成" in page_texts(pdf)[0]
    xlsx = tmp_path / "c.xlsx"
    assert report(capsys, dbfile, "chase_list", str(xlsx), "--manager", "王芳")[0] == 0
    slips = [row[2] for row in load_workbook(xlsx).active.iter_rows(values_only=True)
             if row[0] == "王芳"]
    assert slips == ["BJ0000017", "BJ0000088", "BJ0000149"]


def test_refund_receipt_by_brand_and_refusal_exit_2(capsys, dbfile, tmp_path):
    """R3.5: 马可波罗's ¥200 comes back; 安信 has nothing written off, so no fine notice."""
    out = tmp_path / "d.pdf"
    code, _ = report(capsys, dbfile, "deposit_refund", str(out), "--event", "2026-SH-01",
                     "--merchant", "马可波罗瓷砖")
    assert code == 0 and "人民币贰佰元整" in page_texts(out)[0]
    code, text = report(capsys, dbfile, "fine_notice", str(tmp_path / "f.pdf"), "--event",
                        "2026-SH-01", "--merchant", "安信地板")
    assert code == 2 and "没有已核销的订单" in text
    assert not (tmp_path / "f.pdf").exists()


def test_seal_label_by_seal_number_with_size_or_a4(capsys, dbfile, tmp_path):
    """R3.6: --seal takes the seal number; --width-mm/--height-mm size the label, --a4 a page."""
    label = tmp_path / "s.pdf"
    assert report(capsys, dbfile, "seal_label", str(label), "--seal", "F-2026-001",
                  "--width-mm", "70", "--height-mm", "50")[0] == 0
    assert page_sizes_mm(label) == [pytest.approx((70, 50), abs=0.2)]
    assert [s.text for s in scan_page(label, 0, 300)] == ["F-2026-001"]
    page = tmp_path / "a4.pdf"
    assert report(capsys, dbfile, "seal_label", str(page), "--seal", "F-2026-001", "--a4")[0] == 0
    assert page_sizes_mm(page) == [pytest.approx((210, 297), abs=0.5)]
    assert "马可波罗瓷砖 1 BJ0000173" in page_texts(page)[0]


def test_archive_label_by_event_code(capsys, dbfile, tmp_path):
    """R3.7: the bag label scans as the event code."""
    out = tmp_path / "a.pdf"
    assert report(capsys, dbfile, "archive_label", str(out), "--event", "2026-SH-01")[0] == 0
    assert [s.text for s in scan_page(out)] == ["2026-SH-01"]
