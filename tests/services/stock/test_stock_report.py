"""The stock report (R1.3): number ranges by state per series, totals, and gaps with reasons."""

from __future__ import annotations

import pytest

from app.errors import NotFound
from app.services.checkout import checkouts as checkout
from app.services.checkout import plan
from app.services.core import books
from app.services.stock import registration as stock
from app.services.stock import report as stock_report
from app.services.stock.report import Gap, StateRange


def only(actor, series_id):
    (report,) = stock_report.stock_report(actor, series_id)
    return report


def test_stock_report_lists_ranges_by_state_with_totals(example, actor):
    """R1.3, R2.1, R2.2: after planning and one checkout the report shows who holds what."""
    plan.build_plan(actor, example.event_id)
    checkout.checkout_merchant(actor, example.event_id, example.anxin, "张伟", "cash")
    report = only(actor, example.series_id)
    assert report.ranges == [
        StateRange("issued", "BJ0000001", "BJ0000150", 3, 150, "2026-SH-01", "安信地板"),
        StateRange("planned", "BJ0000151", "BJ0000200", 1, 50, "2026-SH-01", "马可波罗瓷砖"),
        StateRange("in_stock", "BJ0000201", "BJ0001000", 16, 800),
    ]
    assert report.totals == {"issued": (3, 150), "planned": (1, 50), "in_stock": (16, 800)}
    assert report.gaps == []
    assert report.series.last_number == 1000


def test_neighbouring_books_of_different_merchants_are_separate_ranges(example, actor):
    """R1.3: a range in the report belongs to one state and one merchant."""
    plan.build_plan(actor, example.event_id)
    states = [(r.state, r.brand, r.first, r.last) for r in only(actor, example.series_id).ranges]
    assert states[:2] == [("planned", "安信地板", "BJ0000001", "BJ0000150"),
                          ("planned", "马可波罗瓷砖", "BJ0000151", "BJ0000200")]


def test_gap_appears_in_the_stock_report_with_its_reason(stocked, actor):
    """R1.3: a skipped run is listed with the reason given when it was skipped, and the
    in-stock ranges on either side stay separate."""
    stock.register_range(actor, stocked.id, "2001-2100", gap_reason="总部跳过一批印刷")
    report = only(actor, stocked.id)
    assert report.gaps == [Gap("BJ0001001", "BJ0002000", 1000, "总部跳过一批印刷")]
    assert [(r.first, r.last) for r in report.ranges] == [("BJ0000001", "BJ0001000"),
                                                         ("BJ0002001", "BJ0002100")]
    assert report.totals == {"in_stock": (22, 1100)}


def test_partly_filled_gap_keeps_its_reason(series, actor):
    """R1.3: when part of a skipped run is registered later, the rest is still listed with the
    reason given for the skip."""
    stock.register_range(actor, series.id, "1-100")
    stock.register_range(actor, series.id, "401-500", gap_reason="HQ skipped 101-400")
    stock.register_range(actor, series.id, "301-400")   # the top of the gap arrives
    stock.register_range(actor, series.id, "151-200")   # and a book in the middle
    assert only(actor, series.id).gaps == [
        Gap("BJ0000101", "BJ0000150", 50, "HQ skipped 101-400"),
        Gap("BJ0000201", "BJ0000300", 100, "HQ skipped 101-400"),
    ]


def test_filled_gap_disappears_from_the_report(series, actor):
    """R1.3: once the skipped numbers are registered there is no gap left."""
    stock.register_range(actor, series.id, "1-100")
    stock.register_range(actor, series.id, "201-300", gap_reason="late print")
    stock.register_range(actor, series.id, "101-200")
    report = only(actor, series.id)
    assert report.gaps == []
    assert [(r.first, r.last) for r in report.ranges] == [("BJ0000001", "BJ0000300")]


def test_stock_report_covers_every_series(stocked, actor):
    """R1.3: without a series chosen the report lists all, by prefix; an unknown id is refused."""
    other = stock.create_series(actor, "AA", 6, 25)
    report = stock_report.stock_report(actor)
    assert [s.series.prefix for s in report] == ["AA", "BJ"]
    assert report[0].ranges == [] and report[0].totals == {}
    assert only(actor, other.id).series.prefix == "AA"
    with pytest.raises(NotFound):
        stock_report.stock_report(actor, "0" * 32)


def test_state_labels_are_translated():
    """R1.3: the report's state names go through the translation catalogue."""
    assert books.state_label("in_stock") == "In stock"
    assert books.state_label("unknown") == "unknown"
