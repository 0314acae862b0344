"""Merchants area: add/edit, filter, and the Excel template export and import."""

from __future__ import annotations

import openpyxl
from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.services.events import events, merchants
from tests.ui.helpers import drive, press_ok, wait_idle
from ui.events.merchant_dialog import MerchantDialog
from ui.events.merchants_view import MerchantsView


def _view(qtbot, ctx) -> MerchantsView:
    view = MerchantsView(ctx)
    qtbot.addWidget(view)
    return view


def test_adding_and_editing_a_merchant(qtbot, ctx, actor, monkeypatch):
    view = _view(qtbot, ctx)

    def add(dialog: MerchantDialog) -> None:
        dialog.edits["brand"].setText("安信地板")
        dialog.edits["category"].setText("地板")
        dialog.edits["commission_percent"].setText("3")
        press_ok(dialog)

    drive(monkeypatch, MerchantDialog, add)
    view.add_button.click()
    [merchant] = merchants.list_merchants(actor)
    assert (merchant.brand, merchant.commission_percent) == ("安信地板", "3")
    assert view.table.selected().id == merchant.id

    def edit(dialog: MerchantDialog) -> None:
        assert dialog.edits["brand"].text() == "安信地板"
        dialog.edits["phone"].setText("13800000001")
        press_ok(dialog)

    drive(monkeypatch, MerchantDialog, edit)
    view.edit_button.click()
    assert merchants.get_merchant(actor, merchant.id).phone == "13800000001"


def test_bad_phone_keeps_the_dialog_open(qtbot, ctx, actor, monkeypatch, messages):
    view = _view(qtbot, ctx)

    def add(dialog: MerchantDialog) -> None:
        dialog.edits["brand"].setText("安信地板")
        dialog.edits["phone"].setText("call me")
        press_ok(dialog)

    opened = drive(monkeypatch, MerchantDialog, add)
    view.add_merchant()
    assert opened[0].result() == 0
    assert messages.texts == ["'call me' is not a phone number."]
    assert merchants.list_merchants(actor) == []


def test_filter_finds_by_company(qtbot, ctx, actor):
    merchants.create_merchant(actor, "安信地板", company="安信伟光")
    merchants.create_merchant(actor, "九牧卫浴", company="九牧厨卫")
    view = _view(qtbot, ctx)
    view.table.filter_edit.setText("厨卫")
    assert view.table.proxy.rowCount() == 1


def test_template_export_and_import_round_trip(qtbot, ctx, actor, tmp_path, monkeypatch):
    """The exported workbook, filled in, imports merchants and estimates."""
    events.create_event(actor, "E1", "活动", "装大", "2026-03-14", "2026-03-15")
    merchants.create_merchant(actor, "安信地板")
    view = _view(qtbot, ctx)
    assert not view.export_button.isHidden()
    path = tmp_path / "template.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(tmp_path / "template"), "")))
    view.export_template()
    wait_idle(qtbot, ctx)
    book = openpyxl.load_workbook(path)
    sheet = book["商家"]
    sheet.append(["九牧卫浴", "九牧厨卫股份有限公司", "卫浴", "李娜", "陈静", "13800000004",
                  "2.5"])
    book.save(path)
    summaries: list[str] = []
    monkeypatch.setattr(QMessageBox, "information",
                        staticmethod(lambda _p, title, text: summaries.append(text)))
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(path), "")))
    view.import_button.click()
    wait_idle(qtbot, ctx)
    assert "Merchants added: 1" in summaries[-1]
    assert {m.brand for m in view.table.model.rows()} == {"九牧卫浴", "安信地板"}


def test_a_rejected_import_lists_the_problems_and_saves_nothing(qtbot, ctx, actor, tmp_path,
                                                                monkeypatch, messages):
    path = tmp_path / "bad.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "商家"
    sheet.append(["品牌* Brand", "电话 Phone"])
    sheet.append(["安信地板", "call me"])
    book.save(path)
    view = _view(qtbot, ctx)
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(path), "")))
    view.import_workbook()
    wait_idle(qtbot, ctx)
    assert messages.shown[0][0] == "Not done"
    assert merchants.list_merchants(actor) == []


def test_excel_actions_use_the_real_module_and_are_always_offered(qtbot, ctx):
    """No silent fallback: the Excel buttons always call app.services.events.excel_io."""
    import app.services.events.excel_io
    import ui.events.merchants_view

    assert ui.events.merchants_view.excel_io is app.services.events.excel_io
    view = _view(qtbot, ctx)
    assert not view.export_button.isHidden()
    assert not view.import_button.isHidden()
