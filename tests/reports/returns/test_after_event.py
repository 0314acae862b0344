"""After-event forms (R3.2–R3.7) on the worked example of DOMAIN.md: reconciliation table,
chase list, fine notice, deposit refund receipt, seal and archive-bag labels."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from app.errors import Conflict, NotFound
from app.reports.registry import REPORTS, write_report
from app.services.admin import audit
from app.services.returns import chase, deposits, reconciliation, seals
from app.services.returns import entry as returns
from tests.reports.pdfcheck import page_sizes_mm, page_texts, pdf_fonts, scan_page, squeeze
from tests.services.conftest import enter_example_returns


@pytest.fixture
def ex(demo):
    """Ids of the worked example in the shape `enter_example_returns` takes."""
    return SimpleNamespace(event_id=demo["event"], anxin=demo["安信地板"],
                           marco=demo["马可波罗瓷砖"])


@pytest.fixture
def returned(ex, actor):
    """Both returns entered as in DOMAIN.md and closed: 安信 97/45/5/3, 马可波罗 22/27/1/0."""
    enter_example_returns(ex, actor)
    returns.close_return(actor, ex.event_id, ex.anxin)
    returns.close_return(actor, ex.event_id, ex.marco)
    return ex


@pytest.fixture
def settled(returned, actor):
    """0000088 recovered (used), 0000017 and 0000149 written off, both deposits closed out,
    the six void slips sealed as F-2026-001."""
    ex = returned
    deposits.close_out_deposit(actor, ex.event_id, ex.marco, "cash", "李明")
    chase.recover_slips(actor, ex.event_id, ex.anxin, "BJ0000088", "used")
    chase.write_off(actor, ex.event_id, ex.anxin, "17, 149", "商家遗失，无法追回")
    deposits.close_out_deposit(actor, ex.event_id, ex.anxin, "cash", "张伟")
    seals.seal_voids(actor, ex.event_id, "F-2026-001")
    return ex


def _rows(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines()]


# --- reconciliation (R3.2) ---------------------------------------------------------------

def test_reconciliation_prints_worked_example_counts_and_total(returned, actor, tmp_path):
    """R3.2: per merchant issued = used + unused + void + missing, with the total line."""
    path = write_report(actor, "reconciliation", tmp_path / "r.pdf",
                        event_id=returned.event_id)
    (text,) = page_texts(path)
    assert "订单回收核对表" in text and "上海家博会组委会" in text
    assert "2026-SH-01 2026上海家博会（春季）" in text
    assert "1 安信地板 王芳 150 97 45 5 3 0 0 已完成" in _rows(text)
    assert "2 马可波罗瓷砖 王芳 50 22 27 1 0 0 0 已完成" in _rows(text)
    assert "合计：2 家商家 200 119 72 6 3 0 0" in _rows(text)
    assert page_sizes_mm(path) == [pytest.approx((210, 297), abs=0.5)]
    assert all(f["emb"] == "yes" and f["sub"] == "yes" for f in pdf_fonts(path))


def test_reconciliation_counts_written_off_as_missing_and_in_its_own_column(settled, actor,
                                                                          tmp_path):
    """R3.2/R3.4: after 0000088 is recovered and two slips written off, 安信 has used 98 and
    missing 2, both of them written off; the line still adds up to 150."""
    path = write_report(actor, "reconciliation", tmp_path / "r.pdf",
                        event_id=settled.event_id)
    (text,) = page_texts(path)
    assert "1 安信地板 王芳 150 98 45 5 2 2 0 已完成" in _rows(text)
    assert "合计：2 家商家 200 120 72 6 2 2 0" in _rows(text)


def test_reconciliation_footer_anchors_the_audit_chain_head(returned, actor, tmp_path):
    """The newest audit hash is printed, so paper anchors the chain (PITFALLS.md)."""
    head = audit.chain_head(actor)
    assert re.fullmatch(r"[0-9a-f]{64}", head)
    path = write_report(actor, "reconciliation", tmp_path / "r.pdf",
                        event_id=returned.event_id)
    assert f"审计锚点：{head}" in page_texts(path)[0]


def test_long_reconciliation_repeats_header_and_anchor_on_every_page(returned, actor,
                                                                    tmp_path):
    """A table of 150 merchants runs over pages: each page has the column heading, its page
    number and the audit anchor."""
    from dataclasses import replace

    from app.reports.returns.after_event import write_reconciliation_pdf
    from app.reports.returns.sources import reconciliation_form

    form = reconciliation_form(actor, returned.event_id)
    line = form.table.lines[0]
    lines = tuple(replace(line, brand=f"品牌{n:03d}") for n in range(150))
    form = replace(form, table=replace(form.table, lines=lines))
    texts = page_texts(write_reconciliation_pdf(form, tmp_path / "r.pdf"))
    assert len(texts) >= 3
    for number, text in enumerate(texts, start=1):
        assert "品牌 类目经理 已领用 已开 未开 作废 缺失 其中已核销 未录入 回收状态" in text
        assert f"第 {number} 页 / 共 {len(texts)} 页" in text
        assert f"审计锚点：{form.table.audit_head}" in text
    assert "150 品牌149" in texts[-1]


def test_reconciliation_xlsx_holds_counts_as_numbers(settled, actor, tmp_path):
    path = write_report(actor, "reconciliation", tmp_path / "r.xlsx",
                        event_id=settled.event_id)
    ws = load_workbook(path).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    head = next(i for i, r in enumerate(rows) if r[1] == "品牌")
    assert rows[head][3:10] == ["已领用", "已开", "未开", "作废", "缺失", "其中已核销", "未录入"]
    anxin, marco, total = rows[head + 1:head + 4]
    assert anxin[1:] == ["安信地板", "王芳", 150, 98, 45, 5, 2, 2, 0, "已完成"]
    assert marco[3:10] == [50, 22, 27, 1, 0, 0, 0]
    assert total[3:10] == [200, 120, 72, 6, 2, 2, 0]
    assert all(type(v) is int for v in anxin[3:10] + total[3:10])
    anchor = reconciliation.reconciliation(actor, settled.event_id).audit_head
    assert any(r[0] == f"审计锚点：{anchor}" for r in rows[:head])
    assert ws.freeze_panes == f"A{head + 2}"


# --- chase list (R3.3) -------------------------------------------------------------------

def test_chase_list_lists_missing_slips_under_their_manager(returned, actor, tmp_path):
    """R3.3: the three missing slips of 安信 on 王芳's list, with event, brand and due date."""
    path = write_report(actor, "chase_list", tmp_path / "c.pdf", event_id=returned.event_id)
    (text,) = page_texts(path)
    assert "缺失订单追回清单" in text and "类目经理：王芳 · 共 3 张" in text
    due = chase.chase_list(actor, returned.event_id)[0].due
    for no, number in enumerate(["BJ0000017", "BJ0000088", "BJ0000149"], start=1):
        assert f"{no} {number} 2026-SH-01 安信地板 {due.isoformat()}" in _rows(text)
    assert "逾期" not in squeeze(text).replace("逾期追回结果", "")


def test_chase_list_has_a_page_per_manager_and_marks_overdue(returned, actor, tmp_path):
    """One section per category manager, each starting a page; an overdue slip says by how
    many days."""
    ex = returned
    late = dt.date.today() - dt.timedelta(days=4)
    chase.assign_chase(actor, ex.event_id, ex.anxin, "BJ0000088", "李娜", late)
    path = write_report(actor, "chase_list", tmp_path / "c.pdf")
    first, second = page_texts(path)
    assert "类目经理：李娜 · 共 1 张" in first and "BJ0000088" in first
    assert f"1 BJ0000088 2026-SH-01 安信地板 {late.isoformat()} 逾期 4 天" in _rows(first)
    assert "类目经理：王芳 · 共 2 张" in second and "BJ0000088" not in second
    assert "全部活动" in first and "第 2 页 / 共 2 页" in second
    only = write_report(actor, "chase_list", tmp_path / "l.pdf", manager="李娜")
    assert len(page_texts(only)) == 1 and "王芳" not in page_texts(only)[0]


def test_chase_list_xlsx_has_dates_and_days_as_values(returned, actor, tmp_path):
    ex = returned
    late = dt.date.today() - dt.timedelta(days=4)
    chase.assign_chase(actor, ex.event_id, ex.anxin, "BJ0000088", "李娜", late)
    path = write_report(actor, "chase_list", tmp_path / "c.xlsx", event_id=ex.event_id)
    rows = [[c.value for c in row] for row in load_workbook(path).active.iter_rows()]
    head = next(i for i, r in enumerate(rows) if r[0] == "类目经理")
    body = rows[head + 1:]
    assert [(r[0], r[2]) for r in body] == [("李娜", "BJ0000088"), ("王芳", "BJ0000017"),
                                            ("王芳", "BJ0000149")]
    assert body[0][5].date() == late and body[0][6] == 4
    assert body[1][6] is None and isinstance(body[1][5], dt.datetime)


def test_empty_chase_list_says_nothing_is_missing(settled, actor, tmp_path):
    path = write_report(actor, "chase_list", tmp_path / "c.pdf", event_id=settled.event_id)
    assert "没有缺失的订单，无需追回" in page_texts(path)[0]


# --- fine notice (R3.4) ------------------------------------------------------------------

def test_fine_notice_lists_written_off_slips_and_total_in_capitals(settled, actor, tmp_path):
    """R3.4 on the worked example: 0000017 and 0000149 at ¥100 each → ¥200 (人民币贰佰元整)."""
    path = write_report(actor, "fine_notice", tmp_path / "f.pdf", event_id=settled.event_id,
                        merchant_id=settled.anxin)
    (text,) = page_texts(path)
    assert "罚款通知单" in text and "致：安信地板（安信伟光（上海）木材有限公司）" in text
    assert "1 BJ0000017 ¥100.00" in _rows(text) and "2 BJ0000149 ¥100.00" in _rows(text)
    assert "合计：2 张 ¥200.00" in _rows(text)
    assert "罚款合计（小写） ¥200.00" in text and "罚款合计（大写） 人民币贰佰元整" in text
    assert "BJ0000088" not in text, "a recovered slip is not fined"
    assert "商家签字" in text and "订单专员签字" in text


def test_fine_notice_is_refused_without_written_off_slips(settled, actor, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(Conflict, match="马可波罗瓷砖"):
        write_report(actor, "fine_notice", out / "f.pdf", event_id=settled.event_id,
                     merchant_id=settled.marco)
    assert list(out.iterdir()) == []


# --- deposit refund receipt (R3.5) -------------------------------------------------------

def test_refund_receipt_of_anxin_is_deposit_less_fines(settled, actor, tmp_path):
    """R3.5 on the worked example: ¥600 − ¥200 = ¥400 (人民币肆佰元整), on A5 landscape."""
    status = deposits.get_deposit_status(actor, settled.event_id, settled.anxin)
    path = write_report(actor, "deposit_refund", tmp_path / "d.pdf",
                        event_id=settled.event_id, merchant_id=settled.anxin)
    (text,) = page_texts(path)
    assert "押金退还收据" in text and "上海家博会组委会" in text
    assert f"收据号 {status.receipt_no}" in text
    assert "已收押金 ¥600.00" in text and "罚款 ¥200.00（核销 2 张订单）" in text
    assert "退还金额（大写） 人民币肆佰元整" in text and "退还金额（小写） ¥400.00" in text
    assert "领款单位 安信地板（安信伟光（上海）木材有限公司）" in text
    assert "领款人（商家）：张伟" in text and "经办人：tester" in text
    assert "补" not in text
    assert page_sizes_mm(path) == [pytest.approx((210, 148), abs=0.5)]


def test_refund_receipt_of_marco_polo_returns_the_whole_deposit(settled, actor, tmp_path):
    path = write_report(actor, "deposit_refund", tmp_path / "d.pdf",
                        event_id=settled.event_id, merchant_id=settled.marco)
    (text,) = page_texts(path)
    assert "已收押金 ¥200.00" in text and "罚款 ¥0.00" in text
    assert "退还金额（大写） 人民币贰佰元整" in text and "领款人（商家）：李明" in text


def test_refund_receipt_is_refused_before_the_close_out(returned, actor, tmp_path):
    """R3.5: 安信's deposit is held while 3 slips are missing: no receipt, no file."""
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(Conflict) as refused:
        write_report(actor, "deposit_refund", out / "d.pdf", event_id=returned.event_id,
                     merchant_id=returned.anxin)
    assert "押金尚未结清" in str(refused.value) and "仍有 3 张订单缺失" in str(refused.value)
    assert list(out.iterdir()) == []


def test_refund_receipt_words_a_shortfall_as_owed(ex, actor, tmp_path):
    """R3.5: 马可波罗 loses 3 slips: fines ¥300 > deposit ¥200, refund ¥0, owes ¥100."""
    returns.mark_slips(actor, ex.event_id, ex.marco, "151-153", "missing")
    returns.mark_remaining(actor, ex.event_id, ex.marco, "BJ0000151", "used")
    returns.close_return(actor, ex.event_id, ex.marco)
    chase.write_off(actor, ex.event_id, ex.marco, "151-153", "遗失")
    deposits.close_out_deposit(actor, ex.event_id, ex.marco, "cash", "")
    path = write_report(actor, "deposit_refund", tmp_path / "d.pdf", event_id=ex.event_id,
                        merchant_id=ex.marco)
    text = squeeze(page_texts(path)[0])
    assert "退还金额（大写）人民币零元整" in text and "退还金额（小写）¥0.00" in text
    assert "商家尚欠¥100.00（人民币壹佰元整），将在商家月度结算中抵扣" in text
    assert "付款方式" not in text


# --- seal label (R3.6) -------------------------------------------------------------------

@pytest.mark.parametrize("dpi", [203, 300])
def test_seal_label_scans_as_the_seal_number(settled, actor, tmp_path, dpi):
    """R3.6: a 60 × 40 mm label: seal number as Code 128, event, count, ranges, date, who."""
    (seal,) = seals.list_seals(actor, settled.event_id)
    path = write_report(actor, "seal_label", tmp_path / "s.pdf", seal_id=seal.id)
    assert page_sizes_mm(path) == [pytest.approx((60, 40), abs=0.2)]
    assert [s.text for s in scan_page(path, 0, dpi)] == ["F-2026-001"]
    text = page_texts(path)[0]
    assert "2026-SH-01" in text and "F-2026-001" in text
    today = seal.sealed_at.replace(tzinfo=dt.UTC).astimezone().date().isoformat()
    assert f"6 张 · {today} · 封存人 tester" in text
    assert squeeze(text).endswith("BJ0000010–0000012,BJ0000060,BJ0000099,BJ0000173")


def test_long_seal_range_list_continues_on_more_labels(settled, actor, tmp_path):
    """Ranges that do not fit one label continue on the next, each label with the barcode and
    its part number; every range is printed exactly once."""
    from dataclasses import replace

    from app.reports.returns.labels import write_seal_label_pdf

    (seal,) = seals.list_seals(actor, settled.event_id)
    ranges = [f"BJ{n:07d}" for n in range(1, 400, 3)]
    long = replace(seal, ranges=", ".join(ranges), count=len(ranges))
    path = write_seal_label_pdf(long, tmp_path / "s.pdf")
    texts = page_texts(path)
    assert len(texts) >= 3
    for page, text in enumerate(texts):
        assert f"{page + 1}/{len(texts)}" in text
        assert [s.text for s in scan_page(path, page, 300)] == ["F-2026-001"]
    printed = re.findall(r"BJ\d{7}", "".join(t.split("封存人 tester")[1] for t in texts))
    assert printed == ranges


def test_a4_seal_label_by_seal_number_lists_brands(settled, actor, tmp_path):
    path = write_report(actor, "seal_label", tmp_path / "s.pdf", seal_id="F-2026-001", a4=True)
    assert page_sizes_mm(path) == [pytest.approx((210, 297), abs=0.5)]
    assert [s.text for s in scan_page(path)] == ["F-2026-001"]
    rows = _rows(page_texts(path)[0])
    assert "1 安信地板 5 BJ0000010–0000012, BJ0000060, BJ0000099" in rows
    assert "2 马可波罗瓷砖 1 BJ0000173" in rows and "合计：2 家商家 6" in rows


def test_unknown_seal_is_not_found(settled, actor, tmp_path):
    with pytest.raises(NotFound):
        write_report(actor, "seal_label", tmp_path / "s.pdf", seal_id="F-9999")


# --- archive-bag label (R3.7) ------------------------------------------------------------

@pytest.mark.parametrize("dpi", [150, 203, 300])
def test_archive_label_lists_each_brand_and_scans_as_the_event_code(settled, actor, tmp_path,
                                                                    dpi):
    """R3.7: per brand the slip count and start–end ranges, the total, the event code as
    barcode."""
    path = write_report(actor, "archive_label", tmp_path / "a.pdf",
                        event_id=settled.event_id)
    assert page_sizes_mm(path) == [pytest.approx((210, 297), abs=0.5)]
    assert [s.text for s in scan_page(path, 0, dpi)] == ["2026-SH-01"]
    (text,) = page_texts(path)
    assert "档案袋标签" in text and "2026上海家博会（春季）" in text
    assert "1 安信地板 150 BJ0000001–0000150" in _rows(text)
    assert "2 马可波罗瓷砖 50 BJ0000151–0000200" in _rows(text)
    assert "合计：2 家商家 200" in _rows(text)


# --- registry ----------------------------------------------------------------------------

def test_after_event_reports_are_registered_with_their_parameters():
    expected = {
        "reconciliation": ({".pdf", ".xlsx"}, {"event_id"}),
        "chase_list": ({".pdf", ".xlsx"}, {"event_id", "manager"}),
        "fine_notice": ({".pdf"}, {"event_id", "merchant_id"}),
        "deposit_refund": ({".pdf"}, {"event_id", "merchant_id"}),
        "seal_label": ({".pdf"}, {"seal_id", "event_id", "width_mm", "height_mm", "a4"}),
        "archive_label": ({".pdf"}, {"event_id"}),
    }
    for name, (formats, params) in expected.items():
        assert set(REPORTS[name].builders) == formats, name
        assert set(REPORTS[name].params) == params, name
