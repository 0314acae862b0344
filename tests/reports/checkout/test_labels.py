"""Book labels (R2.4): Code 128 of the book code, A4 sheets and single labels.

Barcodes are decoded from pages rendered at 203 dpi (thermal label printers' resolution). At
exactly 200 dpi a 0.33 mm module is 2.6 pixels and zxing misses a few sub-pixel phases of
otherwise perfect vector bars (2 of 20 phases in a sweep); printers at 300/600 dpi and 203 dpi
show no such misses, so the tests use 203 and 300 dpi.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from reportlab.lib.units import mm

from app.errors import InputError
from app.reports.checkout.labels import barcode_for
from app.reports.registry import write_report
from app.services.checkout.checkouts import reverse_issue
from tests.reports.pdfcheck import bar_rects_mm, page_sizes_mm, page_texts, scan_page

ANXIN = ["BJ0000001-0000050", "BJ0000051-0000100", "BJ0000101-0000150"]
EVENT_BOOKS = [f"BJ{n * 50 + 1:07d}-{n * 50 + 50:07d}" for n in range(12)]
LABEL_W, LABEL_H, TOP = 70.0, 36.0, 4.5
"""Default 3 × 8 sheet on A4: 70 × 36 mm labels below a 4.5 mm top margin."""


def _cell(found) -> tuple[int, int]:
    """(row, column), 1-based, of the default-grid label holding a scanned barcode."""
    return int((found.y_mm - TOP) // LABEL_H) + 1, int(found.x_mm // LABEL_W) + 1


@pytest.mark.parametrize("dpi", [203, 300])
def test_single_labels_scan_as_their_book_codes(checkouts, actor, tmp_path: Path, dpi: int):
    """One 60 × 40 mm page per book; each barcode decodes to exactly that book's code."""
    path = write_report(actor, "labels_single", tmp_path / "l.pdf",
                        checkout_id=checkouts["安信地板"].id)
    assert page_sizes_mm(path) == [pytest.approx((60, 40), abs=0.2)] * 3
    for page, code in enumerate(ANXIN):
        assert [s.text for s in scan_page(path, page, dpi)] == [code]
    texts = page_texts(path)
    assert "安信地板" in texts[0] and "2026-SH-01" in texts[0]
    assert "BJ0000001 – BJ0000050" in texts[0] and "50 张" in texts[0]


def test_first_position_5_puts_first_label_in_row_2_column_2(demo, actor, tmp_path: Path):
    """A half-used sheet: positions 1–4 stay empty, labels follow row by row."""
    path = write_report(actor, "labels_a4", tmp_path / "a4.pdf", event_id=demo["event"],
                        first_position=5)
    found = {s.text: s for s in scan_page(path)}
    assert set(found) == set(EVENT_BOOKS), "every book's barcode must scan"
    assert _cell(found[EVENT_BOOKS[0]]) == (2, 2)
    assert _cell(found[EVENT_BOOKS[1]]) == (2, 3)
    assert _cell(found[EVENT_BOOKS[2]]) == (3, 1)
    positions = sorted((_cell(s)[0] - 1) * 3 + _cell(s)[1] for s in found.values())
    assert positions == list(range(5, 17))


def test_labels_continue_on_a_new_sheet_from_position_1(demo, actor, tmp_path: Path):
    """Starting at position 20 of 24: five labels on sheet 1, the other seven from the top
    left of sheet 2."""
    path = write_report(actor, "labels_a4", tmp_path / "a4.pdf", event_id=demo["event"],
                        first_position=20)
    first, second = scan_page(path, 0), scan_page(path, 1)
    assert sorted(s.text for s in first) == EVENT_BOOKS[:5]
    assert sorted(s.text for s in second) == EVENT_BOOKS[5:]
    by_code = {s.text: s for s in second}
    assert _cell(by_code[EVENT_BOOKS[5]]) == (1, 1)


def test_configurable_grid_and_margins(checkouts, actor, tmp_path: Path):
    """2 × 4 labels with 10 mm side margins: position 4 is row 2, column 2."""
    path = write_report(actor, "labels_a4", tmp_path / "a4.pdf",
                        checkout_id=checkouts["马可波罗瓷砖"].id, columns=2, rows=4,
                        first_position=4, margin_left_mm=10, margin_right_mm=10)
    (scanned,) = scan_page(path)
    assert scanned.text == "BJ0000151-0000200"
    label_w, label_h = (210 - 20) / 2, (297 - 9) / 4
    assert 10 + label_w < scanned.x_mm < 10 + 2 * label_w
    assert 4.5 + label_h < scanned.y_mm < 4.5 + 2 * label_h


def test_a4_bars_are_at_least_033_mm_with_a_quiet_zone(checkouts, actor, tmp_path: Path):
    """The drawn bars (not just the setting): narrowest bar ≥ 0.33 mm, and ≥ 10 modules of
    blank between the label's edge and its first and last bar."""
    path = write_report(actor, "labels_a4", tmp_path / "a4.pdf",
                        checkout_id=checkouts["马可波罗瓷砖"].id)
    bars = bar_rects_mm(path)
    assert bars
    assert min(right - left for left, _b, right, _t in bars) >= 0.33 - 0.001
    assert min(left for left, *_ in bars) >= 10 * 0.33 - 0.001
    assert max(right for _l, _b, right, _t in bars) <= LABEL_W - 10 * 0.33 + 0.001


def test_module_width_falls_back_only_when_the_label_is_too_narrow():
    """0.33 mm on a 70 mm label; 0.254 mm (10 mil) on a 60 mm label; refused below that."""
    wide = barcode_for("BJ0000001-0000050", 70 * mm)
    assert wide.barWidth == pytest.approx(0.33 * mm)
    assert wide.lquiet >= 10 * wide.barWidth and wide.rquiet >= 10 * wide.barWidth
    narrow = barcode_for("BJ0000001-0000050", 60 * mm)
    assert narrow.barWidth == pytest.approx(0.254 * mm) and narrow.width <= 60 * mm
    with pytest.raises(InputError, match="mm wide"):
        barcode_for("BJ0000001-0000050", 45 * mm)


def test_labels_from_codes_and_slip_numbers(demo, actor, tmp_path: Path):
    """book_codes takes scanned codes or any slip number of a book, each book once."""
    path = write_report(actor, "labels_single", tmp_path / "l.pdf",
                        book_codes=["BJ0000017", "BJ0000001-0000050", "BJ0000999"])
    assert [s.text for p in range(2) for s in scan_page(path, p)] == [
        "BJ0000001-0000050", "BJ0000951-0001000"]
    assert "安信地板" in page_texts(path)[0]
    assert "安信地板" not in page_texts(path)[1]


def test_a_book_taken_back_gets_no_label_from_its_checkout(checkouts, actor, tmp_path: Path):
    info = checkouts["安信地板"]
    reverse_issue(actor, "BJ0000051-0000100", "发错本")
    path = write_report(actor, "labels_single", tmp_path / "l.pdf", checkout_id=info.id)
    assert [s.text for p in range(2) for s in scan_page(path, p)] == [ANXIN[0], ANXIN[2]]


@pytest.mark.parametrize("params", [
    {"first_position": 25}, {"first_position": 0}, {"columns": 0}, {"rows": 41},
    {"columns": 5}, {"margin_top_mm": -1}, {"columns": "3"},
])
def test_impossible_sheets_are_refused(demo, actor, tmp_path: Path, params):
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(InputError):
        write_report(actor, "labels_a4", out / "a4.pdf", event_id=demo["event"], **params)
    assert list(out.iterdir()) == [], "a refused report leaves no file behind"



def test_exactly_one_source_of_books(demo, actor, tmp_path: Path):
    with pytest.raises(InputError):
        write_report(actor, "labels_single", tmp_path / "l.pdf")
    with pytest.raises(InputError):
        write_report(actor, "labels_single", tmp_path / "l.pdf", event_id=demo["event"],
                     book_codes=["BJ0000001"])
