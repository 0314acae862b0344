"""Excel template export and all-or-nothing import of merchants and estimates (R2.1 inputs)."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from app import i18n
from app.db.models import AuditLog, Estimate, Event, Merchant
from app.db.schema import ALL_MODELS
from app.demo import load_demo
from app.errors import AppError, ImportRejected, InputError, NotFound
from app.services.events import excel_io, merchants
from app.services.events.excel_io import import_workbook
from app.services.events.excel_template import export_template

M_ZH = ["品牌", "公司", "品类", "类目经理", "联系人", "电话", "佣金比例%"]
M_EN = ["Brand", "Company", "Category", "Category manager", "Contact", "Phone", "Commission %"]
E_ZH = ["活动编号", "品牌", "预估单量"]
E_EN = ["Event code", "Brand", "Estimated orders"]
EVENT = "2026-SH-01"


def good_merchant(brand: str, phone: str = "13900000000") -> list[object]:
    return [brand, brand + "有限公司", "地板", "王芳", "张三", phone, "3"]


def write_book(path: Path, merchant_rows: list | None = None, estimate_rows: list | None = None,
               m_headers: list[str] = M_ZH, e_headers: list[str] = E_ZH,
               names: tuple[str, str] = ("商家", "预估")) -> Path:
    """A workbook with the given sheets (None = sheet absent)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, headers, rows in ((names[0], m_headers, merchant_rows),
                                (names[1], e_headers, estimate_rows)):
        if rows is None:
            continue
        ws = wb.create_sheet(name)
        ws.append(headers)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def patch_sheet_xml(path: Path, old: str, new: str) -> None:
    """Rewrite text in the workbook's sheet XML (e.g. a number as Excel writes it: 17 digits)."""
    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            if name.startswith("xl/worksheets/"):
                data = data.replace(old.encode(), new.encode())
            zf.writestr(name, data)


def snapshot() -> dict[str, list[dict]]:
    """Every row of every table, to compare a database before and after."""
    return {m.__name__: list(m.select().order_by(m.id).dicts()) for m in ALL_MODELS}


def rejected(actor, path: Path) -> ImportRejected:
    with pytest.raises(ImportRejected) as info:
        import_workbook(actor, path)
    return info.value


@pytest.fixture
def demo(db, actor) -> dict[str, str]:
    """DOMAIN.md's worked example: event 2026-SH-01, five merchants with estimates."""
    return load_demo(actor)


def estimate_of(brand: str, code: str = EVENT) -> int | None:
    row = (Estimate.select().join(Merchant).switch(Estimate).join(Event)
           .where((Merchant.brand == brand) & (Event.code == code)).first())
    return None if row is None else row.estimate


# ---------------------------------------------------------------- template

def test_template_has_bold_frozen_bilingual_headers_text_phone_and_instructions(db, actor,
                                                                                tmp_path):
    path = export_template(actor, tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:2] == ["商家", "预估"] and "说明" in wb.sheetnames
    ws = wb["商家"]
    headers = [c.value for c in ws[1]]
    assert headers[0] == "品牌* Brand" and "电话 Phone" in headers
    assert all(c.font.bold for c in ws[1]) and ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width >= 15
    phone, commission = headers.index("电话 Phone") + 1, len(headers)
    for col in (phone, commission):
        assert ws.column_dimensions[openpyxl.utils.get_column_letter(col)].number_format == "@"
    assert [c.value for c in wb["预估"][1]] == [
        "活动编号* Event code", "品牌* Brand", "预估单量* Estimated orders"]
    assert wb["预估"].max_row == 1


def test_template_prefills_merchants_and_the_events_estimates(demo, actor, tmp_path):
    """R2.1: the estimate sheet lists the event's code and every merchant's current estimate."""
    merchants.create_merchant(actor, "新品牌", phone="02112345678")
    wb = openpyxl.load_workbook(export_template(actor, tmp_path / "t.xlsx", demo["event"]))
    rows = {r[0]: r for r in wb["商家"].iter_rows(min_row=2, values_only=True)}
    assert rows["安信地板"][5:] == ("13800000001", "3")
    assert rows["九牧卫浴"][6] == "2.5"
    assert rows["新品牌"][5] == "02112345678"
    phone_cell = next(c for c in wb["商家"]["F"] if c.value == "02112345678")
    assert phone_cell.number_format == "@" and phone_cell.data_type == "s"
    estimates = list(wb["预估"].iter_rows(min_row=2, values_only=True))
    assert (EVENT, "安信地板", 120) in estimates and (EVENT, "马可波罗瓷砖", 40) in estimates
    assert (EVENT, "新品牌", None) in estimates and len(estimates) == 6


def test_template_for_an_unknown_event_is_refused(db, actor, tmp_path):
    with pytest.raises(NotFound):
        export_template(actor, tmp_path / "t.xlsx", "no-such-event")


def test_template_to_an_unwritable_place_is_an_app_error(db, actor, tmp_path):
    with pytest.raises(AppError):
        export_template(actor, tmp_path / "missing-folder" / "t.xlsx")


# ---------------------------------------------------------------- good imports

def test_template_round_trip_adds_merchants_and_estimates(demo, actor, tmp_path):
    """R2.1: estimates filled in the exported template reach the event's list."""
    path = export_template(actor, tmp_path / "t.xlsx", demo["event"])
    wb = openpyxl.load_workbook(path)
    wb["商家"].append(["圣象地板", "圣象集团", "地板", "王芳", "周杰", "02166668888", "2.5"])
    wb["预估"].append([EVENT, "圣象地板", 90])
    wb.save(path)
    last = AuditLog.select().count()
    summary = import_workbook(actor, path)
    assert summary == excel_io.ImportSummary(1, 0, 5, 1, 5, 0)
    actions = [a.action for a in AuditLog.select().where(AuditLog.seq > last)
               .order_by(AuditLog.seq)]
    assert actions == ["merchant.create", "estimate.set", "excel.import"]
    new = merchants.find_merchant(actor, "圣象地板")
    assert (new.company, new.phone, new.commission_percent) == ("圣象集团", "02166668888", "2.5")
    assert estimate_of("圣象地板") == 90 and estimate_of("安信地板") == 120


def test_reimport_updates_only_changed_fields_and_audits_each_change(demo, actor, tmp_path):
    path = export_template(actor, tmp_path / "t.xlsx", demo["event"])
    wb = openpyxl.load_workbook(path)
    for row in wb["商家"].iter_rows(min_row=2):
        if row[0].value == "安信地板":
            row[5].value = "13811112222"
    for row in wb["预估"].iter_rows(min_row=2):
        if row[1].value == "马可波罗瓷砖":
            row[2].value = 45
    wb.save(path)
    last = AuditLog.select().count()
    summary = import_workbook(actor, path)
    assert (summary.merchants_updated, summary.merchants_unchanged) == (1, 4)
    assert (summary.estimates_set, summary.estimates_unchanged) == (1, 4)
    assert merchants.find_merchant(actor, "安信地板").phone == "13811112222"
    assert estimate_of("马可波罗瓷砖") == 45
    new = list(AuditLog.select().where(AuditLog.seq > last).order_by(AuditLog.seq))
    assert [a.action for a in new] == ["merchant.update", "estimate.set", "excel.import"]
    assert new[0].before == '{"phone": "13800000001"}'
    assert new[0].after == '{"phone": "13811112222"}'
    assert '"estimate": 40' in new[1].before and '"merchants_updated": 1' in new[2].after


def test_blank_cells_keep_saved_values_and_blank_estimates_are_skipped(demo, actor, tmp_path):
    path = write_book(tmp_path / "b.xlsx", [["安信地板", None, None, None, None, None, "4"]],
                      [[EVENT, "安信地板", None], [EVENT, "东鹏瓷砖", 61]])
    summary = import_workbook(actor, path)
    anxin = merchants.find_merchant(actor, "安信地板")
    assert (anxin.phone, anxin.company, anxin.commission_percent) == (
        "13800000001", "安信伟光（上海）木材有限公司", "4")
    assert estimate_of("安信地板") == 120 and estimate_of("东鹏瓷砖") == 61
    assert (summary.merchants_updated, summary.estimates_set, summary.estimates_skipped) == (
        1, 1, 1)


@pytest.mark.parametrize("m_headers,e_headers,names", [
    (M_ZH, E_ZH, ("商家", "预估")),
    (M_EN, E_EN, ("商家", "预估")),
    (M_EN, E_EN, ("Merchants", "Estimates")),
    ([f"{z}* {e}" for z, e in zip(M_ZH, M_EN, strict=True)], ["活动编号 Event code", "品牌 Brand",
                                                             "预估单量（单）"], ("商家", "预估")),
], ids=["chinese", "english", "english-sheet-names", "bilingual"])
def test_headers_in_chinese_or_english_are_accepted(demo, actor, tmp_path, m_headers, e_headers,
                                                    names):
    path = write_book(tmp_path / "h.xlsx", [good_merchant("圣象地板")], [[EVENT, "圣象地板", 7]],
                      m_headers, e_headers, names)
    assert import_workbook(actor, path).merchants_created == 1
    assert estimate_of("圣象地板") == 7


def test_columns_in_any_order_and_unknown_columns_are_ignored(demo, actor, tmp_path):
    path = write_book(tmp_path / "o.xlsx", [["备注", "2.5", "圣象地板", "13912345678"]],
                      [[8, "圣象地板", EVENT]], ["Notes", "佣金比例%", "品牌", "Phone"],
                      ["预估单量", "Brand", "活动编号"])
    import_workbook(actor, path)
    new = merchants.find_merchant(actor, "圣象地板")
    assert (new.phone, new.commission_percent, new.company) == ("13912345678", "2.5", "")
    assert estimate_of("圣象地板") == 8


def test_numeric_cells_are_read_exactly_without_float_arithmetic(demo, actor, tmp_path):
    """120.0 is 120, 3 is "3", 2.55 stays 2.55 %, 0.025 in a % cell is 2.5 %, and a float is
    read to the 15 digits Excel shows."""
    path = write_book(tmp_path / "n.xlsx", [
        ["甲", None, None, None, None, 13912345678, 2.55],
        ["乙", None, None, None, None, 13900000001.0, 0.025],
        ["丙", None, None, None, None, None, 3],
        ["丁", None, None, None, None, None, 0.3],
    ], [[EVENT, "甲", 120.0], [EVENT, "乙", 3], [EVENT, "丙", 0]])
    wb = openpyxl.load_workbook(path)
    wb["商家"]["G3"].number_format = "0.0%"
    wb.save(path)
    patch_sheet_xml(path, "<v>0.3</v>", "<v>0.30000000000000004</v>")
    import_workbook(actor, path)
    rows = {m.brand: m for m in Merchant.select()}
    assert (rows["甲"].phone, rows["甲"].commission_bp) == ("13912345678", 255)
    assert (rows["乙"].phone, rows["乙"].commission_bp) == ("13900000001", 250)
    assert rows["丙"].commission_bp == 300
    assert rows["丁"].commission_bp == 30, "0.30000000000000004 shows as 0.3 in Excel"
    assert (estimate_of("甲"), estimate_of("乙"), estimate_of("丙")) == (120, 3, 0)


def test_fully_blank_rows_are_ignored(demo, actor, tmp_path):
    path = write_book(tmp_path / "r.xlsx", [[None] * 7, good_merchant("圣象地板"), ["  ", None]],
                      [[None, None, None], [EVENT, "圣象地板", 5]])
    summary = import_workbook(actor, path)
    assert (summary.merchants_created, summary.estimates_set) == (1, 1)


def test_either_sheet_may_be_absent(demo, actor, tmp_path):
    only_m = write_book(tmp_path / "m.xlsx", [good_merchant("圣象地板")], None)
    assert import_workbook(actor, only_m).merchants_created == 1
    only_e = write_book(tmp_path / "e.xlsx", None, [[EVENT, "圣象地板", 11]])
    assert import_workbook(actor, only_e).estimates_set == 1
    assert estimate_of("圣象地板") == 11


def test_a_workbook_without_either_sheet_or_rows_is_refused(demo, actor, tmp_path):
    before = snapshot()
    with pytest.raises(InputError, match="neither"):
        import_workbook(actor, write_book(tmp_path / "x.xlsx", names=("Sheet", "Other"),
                                          merchant_rows=[], estimate_rows=[]))
    with pytest.raises(InputError, match="no merchant or estimate rows"):
        import_workbook(actor, write_book(tmp_path / "y.xlsx", [], []))
    assert snapshot() == before


def test_import_of_400_merchants_and_400_estimates_is_quick(demo, actor, tmp_path):
    rows = [good_merchant(f"品牌{i:03d}", f"1390000{i:04d}") for i in range(400)]
    path = write_book(tmp_path / "big.xlsx", rows, [[EVENT, r[0], i] for i, r in enumerate(rows)])
    started = time.perf_counter()
    summary = import_workbook(actor, path)
    elapsed = time.perf_counter() - started
    assert (summary.merchants_created, summary.estimates_set) == (400, 400)
    assert Estimate.select().count() == 405
    assert elapsed < 5, f"import took {elapsed:.2f} s"


# ---------------------------------------------------------------- refused imports

MERCHANT_CASES = {
    "brand-missing": (["", "某公司"], "品牌"),
    "brand-too-long": (["长" * 101], "品牌"),
    "company-too-long": (["圣象地板", "x" * 201], "公司"),
    "phone-not-a-number": (["圣象地板", None, None, None, None, "call me"], "电话"),
    "commission-over-100": (["圣象地板", None, None, None, None, None, "101"], "佣金比例%"),
    "commission-negative": (["圣象地板", None, None, None, None, None, -1], "佣金比例%"),
    "commission-3-decimals": (["圣象地板", None, None, None, None, None, "2.555"], "佣金比例%"),
    "commission-3-decimals-number": (["圣象地板", None, None, None, None, None, 2.555],
                                     "佣金比例%"),
    "commission-text": (["圣象地板", None, None, None, None, None, "三"], "佣金比例%"),
    "duplicate-brand": (["安信地板"], "品牌"),
}


@pytest.mark.parametrize("row,column", MERCHANT_CASES.values(), ids=MERCHANT_CASES.keys())
def test_bad_merchant_row_is_refused_naming_sheet_row_and_column(demo, actor, tmp_path, row,
                                                                 column):
    before = snapshot()
    error = rejected(actor, write_book(tmp_path / "bad.xlsx", [good_merchant("安信地板"), row]))
    assert [p[:3] for p in error.problems] == [("商家", 3, column)]
    assert f"「商家」 row 3, column 「{column}」" in error.message
    assert snapshot() == before


ESTIMATE_CASES = {
    "negative": ([EVENT, "安信地板", -5], "预估单量"),
    "fraction-number": ([EVENT, "安信地板", 12.5], "预估单量"),
    "fraction-text": ([EVENT, "安信地板", "12.5"], "预估单量"),
    "text": ([EVENT, "安信地板", "abc"], "预估单量"),
    "chinese-numeral": ([EVENT, "安信地板", "十"], "预估单量"),
    "huge": ([EVENT, "安信地板", 100_001], "预估单量"),
    "unknown-event": (["2099-XX-01", "安信地板", 5], "活动编号"),
    "event-missing": ([None, "安信地板", 5], "活动编号"),
    "unknown-brand": ([EVENT, "没有这个品牌", 5], "品牌"),
    "brand-missing": ([EVENT, None, 5], "品牌"),
    "duplicate-event-and-brand": ([EVENT, "马可波罗瓷砖", 41], "品牌"),
}


@pytest.mark.parametrize("row,column", ESTIMATE_CASES.values(), ids=ESTIMATE_CASES.keys())
def test_bad_estimate_row_is_refused_naming_sheet_row_and_column(demo, actor, tmp_path, row,
                                                                 column):
    """R2.1: an estimate is a whole number ≥ 0 for a known event and merchant."""
    before = snapshot()
    path = write_book(tmp_path / "bad.xlsx", [good_merchant("圣象地板")],
                      [[EVENT, "马可波罗瓷砖", 40], row])
    error = rejected(actor, path)
    assert [p[:3] for p in error.problems] == [("预估", 3, column)]
    assert f"「预估」 row 3, column 「{column}」" in error.message
    assert snapshot() == before


def test_problems_name_the_column_as_the_file_writes_it(demo, actor, tmp_path):
    path = write_book(tmp_path / "en.xlsx", [["圣象地板", None, None, None, None, "phone?"]],
                      [["2026-sh-01", "圣象地板", 1]], M_EN, E_EN)
    error = rejected(actor, path)
    assert [p[:3] for p in error.problems] == [("商家", 2, "Phone"), ("预估", 2, "Event code")]
    assert "「商家」 row 2, column 「Phone」: 'phone?' is not a phone number." in error.message


def test_unrecognised_header_row_is_refused_naming_the_missing_column(demo, actor, tmp_path):
    path = write_book(tmp_path / "h.xlsx", [good_merchant("圣象地板")], [[EVENT, "圣象地板", 1]],
                      m_headers=["名字", *M_ZH[1:]], e_headers=["活动编号", "品牌", "数量"])
    error = rejected(actor, path)
    assert [p[:3] for p in error.problems] == [("商家", 1, "品牌* Brand"),
                                               ("预估", 1, "预估单量* Estimated orders")]
    assert "Header row not recognised" in error.message


def test_a_column_given_twice_is_refused(demo, actor, tmp_path):
    path = write_book(tmp_path / "h.xlsx", [["圣象地板", "1", "2"]],
                      m_headers=["品牌", "电话", "Phone"])
    assert [p[:3] for p in rejected(actor, path).problems] == [("商家", 1, "Phone")]


def test_a_brand_only_in_a_bad_merchant_row_is_not_reported_twice(demo, actor, tmp_path):
    path = write_book(tmp_path / "b.xlsx", [["圣象地板", None, None, None, None, "x?"]],
                      [[EVENT, "圣象地板", 3]])
    assert [p[:3] for p in rejected(actor, path).problems] == [("商家", 2, "电话")]


def test_import_with_one_bad_row_changes_nothing(demo, actor, tmp_path):
    """All or nothing: 300 good merchants and estimates and one bad last row leave every table
    exactly as it was (merchants, estimates, audit)."""
    rows = [good_merchant(f"品牌{i:03d}") for i in range(300)]
    estimates = [[EVENT, r[0], 10] for r in rows] + [[EVENT, "安信地板", 130],
                                                    [EVENT, "品牌299", "12.5"]]
    path = write_book(tmp_path / "one-bad.xlsx", [*rows, ["安信地板", "改名公司"]], estimates)
    before = snapshot()
    error = rejected(actor, path)
    assert [p[:3] for p in error.problems] == [("预估", 303, "预估单量")]
    assert snapshot() == before


def test_a_failure_while_writing_rolls_everything_back(demo, actor, tmp_path, monkeypatch):
    """The service transaction covers the whole import: merchants written before a failure
    are undone."""
    def explode(plans, ids):
        assert Merchant.select().where(Merchant.brand == "圣象地板").exists()
        raise AppError("disk full")

    monkeypatch.setattr(excel_io, "_apply_estimates", explode)
    path = write_book(tmp_path / "w.xlsx", [good_merchant("圣象地板")], [[EVENT, "圣象地板", 1]])
    before = snapshot()
    with pytest.raises(AppError, match="disk full"):
        import_workbook(actor, path)
    assert snapshot() == before


def test_message_lists_the_first_20_problems_and_counts_the_rest(demo, actor, tmp_path):
    path = write_book(tmp_path / "many.xlsx", None, [[EVENT, "安信地板", -i] for i in range(1, 26)])
    error = rejected(actor, path)
    assert len(error.problems) == 25
    assert "row 21, column" in error.message and "row 22, column" not in error.message
    assert error.message.endswith("… and 5 more problems.")
    assert "Problems found: 25" in error.message


def test_rejection_message_is_in_chinese_when_the_ui_is(demo, actor, tmp_path):
    i18n.set_language("zh_CN")
    error = rejected(actor, write_book(tmp_path / "zh.xlsx", None, [[EVENT, "安信地板", "十"]]))
    assert "「预估」第 2 行" in error.message and "预估单量" in error.message
    assert "Nothing was imported" not in error.message


@pytest.mark.parametrize("name,content", [
    ("notes.xlsx", b"this is plain text"),
    ("data.csv", "品牌,电话\n安信地板,1\n".encode()),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512),
    ("empty.xlsx", b""),
], ids=["text-named-xlsx", "csv", "old-xls", "empty-file"])
def test_a_file_that_is_not_an_xlsx_workbook_is_refused_clearly(demo, actor, tmp_path, name,
                                                                content):
    path = tmp_path / name
    path.write_bytes(content)
    before = snapshot()
    with pytest.raises(InputError, match=name.replace(".", r"\.")):
        import_workbook(actor, path)
    assert snapshot() == before


def test_a_zip_that_is_not_a_workbook_and_a_missing_file_are_refused(demo, actor, tmp_path):
    path = tmp_path / "fake.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(InputError, match="not an Excel workbook"):
        import_workbook(actor, path)
    with pytest.raises(AppError, match="cannot be read"):
        import_workbook(actor, tmp_path / "nowhere.xlsx")
