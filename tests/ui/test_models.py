"""Every table model passes pytest-qt's model tester on the demo data; money is shown right."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.demo import load_demo
from app.services.checkout import checkouts as checkout
from app.services.checkout import plan
from app.services.events import events, merchants
from app.services.stock import registration as stock
from app.services.stock import report as stock_report
from tests.conftest import ADMIN
from ui.checkout.checkout_view import CheckoutMerchantTableModel, CheckoutTableModel
from ui.checkout.plan_view import PlanLineTableModel
from ui.common.table_model import RIGHT, SORT_ROLE
from ui.common.widgets import RecordTable
from ui.events.events_view import EstimateTableModel, EventTableModel
from ui.events.merchants_view import MerchantTableModel
from ui.stock.stock_view import GapTableModel, SeriesTableModel, StockRangeTableModel


@pytest.fixture
def demo(db, actor):
    """The demo data set, plus a gap so the gap table has a row."""
    ids = load_demo(ADMIN)
    stock.register_range(actor, ids["series"], "BJ0002001-BJ0002050", "跳过一批")
    return ids


def _rows(name, actor, ids):
    event_id = ids["event"]
    return {
        "series": lambda: stock.list_series(actor),
        "ranges": lambda: stock_report.stock_report(actor)[0].ranges,
        "gaps": lambda: stock_report.stock_report(actor)[0].gaps,
        "merchants": lambda: merchants.list_merchants(actor),
        "events": lambda: events.list_events(actor),
        "estimates": lambda: events.list_estimates(actor, event_id),
        "plan": lambda: plan.plan_view(actor, event_id),
        "checkouts": lambda: checkout.list_checkouts(actor, event_id),
    }[name]()


MODELS = [
    (SeriesTableModel, "series"), (StockRangeTableModel, "ranges"), (GapTableModel, "gaps"),
    (MerchantTableModel, "merchants"), (EventTableModel, "events"),
    (EstimateTableModel, "estimates"), (PlanLineTableModel, "plan"),
    (CheckoutMerchantTableModel, "plan"), (CheckoutTableModel, "checkouts"),
]


@pytest.mark.parametrize(("model_cls", "source"), MODELS,
                         ids=[cls.__name__ for cls, _s in MODELS])
def test_every_model_passes_the_model_tester(qtmodeltester, actor, demo, model_cls, source):
    model = model_cls()
    rows = _rows(source, actor, demo)
    assert rows
    model.set_rows(rows)
    qtmodeltester.check(model, force_py=True)
    qtmodeltester.check(model)
    assert model.rowCount() == len(rows)
    assert model.columnCount() == len(model_cls.Columns)
    assert set(model.headers) == set(model_cls.Columns)


@pytest.mark.parametrize(("model_cls", "source"), MODELS,
                         ids=[cls.__name__ for cls, _s in MODELS])
def test_every_model_passes_the_model_tester_empty(qtmodeltester, model_cls, source):
    model = model_cls()
    qtmodeltester.check(model, force_py=True)


def test_money_is_formatted_and_right_aligned(actor, demo):
    model = PlanLineTableModel()
    model.set_rows(plan.plan_view(actor, demo["event"]))
    index = model.index(0, PlanLineTableModel.Columns.DEPOSIT_HELD)
    assert index.data() == "¥600.00"
    assert index.data(Qt.ItemDataRole.TextAlignmentRole) == int(RIGHT)
    assert index.data(SORT_ROLE) == 60000


def test_sorting_by_money_is_numeric_and_filter_matches_any_column(qtbot, actor, demo):
    table = RecordTable(PlanLineTableModel())
    qtbot.addWidget(table)
    table.set_rows(plan.plan_view(actor, demo["event"]))
    column = PlanLineTableModel.Columns.DEPOSIT_DUE
    table.view.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    shown = [table.proxy.index(r, column).data() for r in range(table.proxy.rowCount())]
    assert shown == ["¥800.00", "¥600.00", "¥400.00", "¥400.00", "¥200.00"]
    table.filter_edit.setText("瓷砖")
    assert table.proxy.rowCount() == 2
    assert table.select_where(lambda line: line.brand == "东鹏瓷砖")
    assert table.selected().brand == "东鹏瓷砖"


def test_commission_sorts_as_a_number(qtbot, actor, db):
    merchants.create_merchant(actor, "A", commission_percent="10")
    merchants.create_merchant(actor, "B", commission_percent="2.5")
    table = RecordTable(MerchantTableModel())
    qtbot.addWidget(table)
    table.set_rows(merchants.list_merchants(actor))
    column = MerchantTableModel.Columns.COMMISSION
    table.view.sortByColumn(column, Qt.SortOrder.AscendingOrder)
    assert [table.proxy.index(r, column).data() for r in range(2)] == ["2.5", "10"]
