"""Spreadsheets are data, not code (issue 9 point 7): text a person typed or imported is written
to every xlsx as text a spreadsheet will not run, comes back unchanged through import, and a
real formula in an imported file is refused; names with invisible characters are refused."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from app.errors import ImportRejected, InputError
from app.reports.core.xlsx import csv_text, looks_like_formula
from app.reports.registry import REPORTS, write_report
from app.services.events import events, excel_io, excel_template, merchants

ROOT = Path(__file__).resolve().parents[2]
CRAFTED = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://evil.example","点我")', "+1+cmd",
           "-2+3", "@SUM(A1)", "\t=1+1"]


def _cells(path: Path) -> list:
    return [c for ws in load_workbook(path).worksheets for row in ws.iter_rows() for c in row]


def _no_formula_in(path: Path) -> None:
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<f[ >]", z.read(name)), f"a formula in {name}"
    assert not [c.coordinate for c in _cells(path) if c.data_type == "f"]


@pytest.fixture
def crafted(demo, actor) -> list[str]:
    """Merchants whose brand (and company) look like formulas, on the demo event."""
    brands = []
    for n, text in enumerate(CRAFTED):
        brand = text.strip() if text.strip() else f"x{n}"
        m = merchants.create_merchant(actor, brand, company=text.strip(), category="地板")
        events.set_estimate(actor, demo["event"], m.id, 10 + n)
        brands.append(m.brand)
    return brands


def test_every_xlsx_export_writes_formula_like_text_as_text(demo, crafted, actor, tmp_path):
    """Every report with an .xlsx form, and the import template."""
    written = [excel_template.export_template(actor, tmp_path / "template.xlsx", demo["event"])]
    for name, spec in REPORTS.items():
        if ".xlsx" in spec.builders:
            params = {"event_id": demo["event"]} if "event_id" in spec.params else {}
            written.append(write_report(actor, name, tmp_path / f"{name}.xlsx", **params))
    for path in written:
        _no_formula_in(path)
    texts = {c.value for c in _cells(written[0])}
    assert set(crafted) <= texts, "the brands come back exactly as typed"
    flagged = [c for c in _cells(written[0]) if isinstance(c.value, str)
               and looks_like_formula(c.value)]
    assert flagged and all(c.quotePrefix for c in flagged)


def test_formula_like_names_round_trip_through_export_and_import(demo, crafted, actor,
                                                                tmp_path):
    path = excel_template.export_template(actor, tmp_path / "t.xlsx", demo["event"])
    before = {m.brand: m for m in merchants.list_merchants(actor)}
    summary = excel_io.import_workbook(actor, path)
    assert summary.merchants_created == 0 and summary.merchants_updated == 0
    assert {m.brand: m for m in merchants.list_merchants(actor)} == before


def test_a_real_formula_in_an_imported_file_is_refused_naming_the_cell(demo, actor, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "商家"
    ws.append(["品牌*", "公司"])
    ws.append(["新品牌", '=HYPERLINK("http://evil.example","点我")'])
    est = wb.create_sheet("预估")
    est.append(["活动编号*", "品牌*", "预估单量*"])
    est.append(["2026-SH-01", "新品牌", "=100*2"])
    wb.save(tmp_path / "f.xlsx")
    with pytest.raises(ImportRejected) as refused:
        excel_io.import_workbook(actor, tmp_path / "f.xlsx")
    assert {(p[0], p[1], p[2]) for p in refused.value.problems} >= {
        ("商家", 2, "公司"), ("预估", 2, "预估单量*")}
    assert "=100*2" in refused.value.message
    assert "新品牌" not in {m.brand for m in merchants.list_merchants(actor)}


@pytest.mark.parametrize("name", ["安信\u202e地板", "安信\u200b地板", "\u2066安信地板\u2069",
                                  "安信\ufeff地板", "安信\u00ad地板", "\u200f安信地板"])
def test_names_with_invisible_or_direction_changing_characters_are_refused(db, actor, name):
    with pytest.raises(InputError, match="invisible"):
        merchants.create_merchant(actor, name)
    assert merchants.list_merchants(actor) == []


@pytest.mark.parametrize(("value", "written"), [
    ("=1+1", "'=1+1"), ("+86 138", "'+86 138"), ("-5", "'-5"), ("@x", "'@x"), ("\tx", "'\tx"),
    ("安信地板", "安信地板"), ("", ""), (None, ""), (12, "12")])
def test_csv_text_marks_formula_like_text(value, written):
    assert csv_text(value) == written


def test_workbooks_are_only_saved_through_save_workbook():
    """A new export cannot forget the rule: every `.save(` of a workbook in app/ goes through
    app.reports.core.xlsx.save_workbook."""
    offenders = [f"{p.relative_to(ROOT)}:{n}" for p in (ROOT / "app").rglob("*.py")
                 if p.name != "xlsx.py" or p.parent.name != "core"
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                 if re.search(r"\b(wb|workbook|book)\.save\(", line)]
    assert not offenders, offenders
