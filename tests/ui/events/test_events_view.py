"""Events area: create/edit events, merchants with estimates (R2.1 input)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QMessageBox

from app.domain.money import Money
from app.services.checkout import plan
from app.services.events import events, merchants
from app.services.stock import registration as stock
from app.services.stock import report as stock_report
from tests.ui.helpers import drive, press_ok
from ui.events.event_dialogs import EstimateDialog, EventDialog, split_names
from ui.events.events_view import EstimateTableModel, EventsView


def _view(qtbot, ctx) -> EventsView:
    view = EventsView(ctx)
    qtbot.addWidget(view)
    return view


def _fill_event(dialog: EventDialog) -> None:
    dialog.code.setText("2026-SH-01")
    dialog.name.setText("2026上海家博会")
    dialog.kind.setCurrentIndex(dialog.kind.findData("expo"))
    dialog.venue.setText("上海新国际博览中心")
    dialog.start.setDate(QDate(2026, 3, 14))
    dialog.end.setDate(QDate(2026, 3, 15))
    dialog.managers.setText("王芳、李娜")
    press_ok(dialog)


def test_creating_an_event_through_the_dialog(qtbot, ctx, actor, monkeypatch):
    """Code, kind, dates and managers reach the service; policy values default (R2.2)."""
    view = _view(qtbot, ctx)
    drive(monkeypatch, EventDialog, _fill_event)
    view.new_button.click()
    [event] = events.list_events(actor)
    assert (event.code, event.kind, event.start_date, event.end_date) == (
        "2026-SH-01", "expo", dt.date(2026, 3, 14), dt.date(2026, 3, 15))
    assert event.managers == ("王芳", "李娜")
    assert event.deposit_per_book == Money(20000)
    assert view.selected_event().id == event.id


def test_editing_an_event_keeps_its_values_and_changes_the_fine(qtbot, ctx, actor,
                                                                monkeypatch):
    event = events.create_event(actor, "E1", "活动", "专场", "2026-05-01", "2026-05-02")
    view = _view(qtbot, ctx)

    def fill(dialog: EventDialog) -> None:
        assert dialog.code.text() == "E1"
        assert dialog.deposit.text() == "200.00"
        dialog.fine.setText("150")
        press_ok(dialog)

    drive(monkeypatch, EventDialog, fill)
    view.edit_event()
    after = events.get_event(actor, event.id)
    assert after.fine_per_slip == Money(15000)
    assert after.kind == "special"


def test_adding_merchants_with_estimates_and_editing_inline(qtbot, ctx, actor, monkeypatch):
    event = events.create_event(actor, "E1", "活动", "装大", "2026-05-01", "2026-05-02")
    anxin = merchants.create_merchant(actor, "安信地板", category="地板")
    merchants.create_merchant(actor, "马可波罗瓷砖", category="瓷砖")
    view = _view(qtbot, ctx)

    def fill(dialog: EstimateDialog) -> None:
        dialog.merchant.setCurrentText("安信地板  (地板)")
        dialog.estimate.setValue(120)
        press_ok(dialog)

    drive(monkeypatch, EstimateDialog, fill)
    view.add_button.click()
    [estimate] = events.list_estimates(actor, event.id)
    assert (estimate.merchant_id, estimate.estimate) == (anxin.id, 120)
    model = view.estimates_table.model
    index = model.index(0, EstimateTableModel.Columns.ESTIMATE)
    assert model.flags(index) & Qt.ItemFlag.ItemIsEditable
    assert model.setData(index, 130)
    qtbot.waitUntil(lambda: events.list_estimates(actor, event.id)[0].estimate == 130)
    qtbot.waitUntil(lambda: model.index(0, EstimateTableModel.Columns.ESTIMATE).data() == "130")


def test_bad_inline_estimate_is_refused_with_a_message(qtbot, ctx, actor, messages):
    event = events.create_event(actor, "E1", "活动", "装大", "2026-05-01", "2026-05-02")
    merchant = merchants.create_merchant(actor, "安信地板")
    events.set_estimate(actor, event.id, merchant.id, 10)
    view = _view(qtbot, ctx)
    view.save_estimate(view.estimates_table.model.record(0), -5)
    assert "-5" in messages.texts[0]
    assert events.list_estimates(actor, event.id)[0].estimate == 10


def test_an_unknown_merchant_name_is_not_accepted(qtbot, ctx, actor, monkeypatch, messages):
    events.create_event(actor, "E1", "活动", "装大", "2026-05-01", "2026-05-02")
    merchants.create_merchant(actor, "安信地板")
    view = _view(qtbot, ctx)

    def fill(dialog: EstimateDialog) -> None:
        dialog.merchant.setCurrentText("不存在的品牌")
        press_ok(dialog)

    opened = drive(monkeypatch, EstimateDialog, fill)
    view.add_merchant()
    assert opened[0].result() == 0
    assert messages.texts == ["Choose a merchant from the list."]


def test_removing_a_merchant_after_confirmation(qtbot, ctx, actor, messages):
    event = events.create_event(actor, "E1", "活动", "装大", "2026-05-01", "2026-05-02")
    merchant = merchants.create_merchant(actor, "安信地板")
    events.set_estimate(actor, event.id, merchant.id, 10)
    view = _view(qtbot, ctx)
    view.estimates_table.select_where(lambda _e: True)
    assert view.remove_button.isEnabled()
    view.remove_button.click()
    assert messages.shown[0][0] == "Remove merchant"
    assert events.list_estimates(actor, event.id) == []
    assert view.estimates_table.model.rowCount() == 0


def test_manager_names_split_on_chinese_and_latin_separators():
    assert split_names("王芳, 李娜、张伟，赵磊") == ["王芳", "李娜", "张伟", "赵磊"]
    assert split_names("  ") == []


def _open_estimate_editor(qtbot, view: EventsView):
    table = view.estimates_table.view
    index = table.model().index(0, EstimateTableModel.Columns.ESTIMATE)
    table.setCurrentIndex(index)
    table.edit(index)
    return index, table.indexWidget(index)


def _estimate_view(qtbot, ctx, actor):
    event = events.create_event(actor, "E1", "活动", "装大", "2026-05-01", "2026-05-02")
    merchant = merchants.create_merchant(actor, "安信地板")
    events.set_estimate(actor, event.id, merchant.id, 10)
    view = _view(qtbot, ctx)
    view.show()
    qtbot.waitExposed(view)
    return event, view


def test_a_refused_inline_estimate_stays_in_the_editor_to_correct(qtbot, ctx, actor, messages):
    """The clerk's typed number is not lost on a refusal: the editor reopens with it."""
    event, view = _estimate_view(qtbot, ctx, actor)
    index, editor = _open_estimate_editor(qtbot, view)
    editor.setValue(200_000)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(messages.texts))
    assert "cannot exceed" in messages.texts[0]
    assert events.list_estimates(actor, event.id)[0].estimate == 10
    editor = view.estimates_table.view.indexWidget(index)
    assert editor is not None and editor.value() == 200_000
    assert index.data() == "200,000"
    editor.setValue(150)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: events.list_estimates(actor, event.id)[0].estimate == 150)
    assert view.estimates_table.view.model().index(0, 3).data() == "150"
    assert len(messages.texts) == 1


def test_escape_gives_up_a_refused_inline_estimate(qtbot, ctx, actor, messages):
    event, view = _estimate_view(qtbot, ctx, actor)
    index, editor = _open_estimate_editor(qtbot, view)
    editor.setValue(200_000)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.estimates_table.view.indexWidget(index) is not None)
    qtbot.keyClick(view.estimates_table.view.indexWidget(index), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: index.data() == "10")
    assert events.list_estimates(actor, event.id)[0].estimate == 10


def test_removing_a_merchant_says_reserved_books_go_back_to_stock(qtbot, ctx, actor, messages):
    series = stock.create_series(actor, "BJ", 7, 50)
    stock.register_next_books(actor, series.id, 5)
    event = events.create_event(actor, "E1", "活动", "装大", "2026-05-01", "2026-05-02")
    merchant = merchants.create_merchant(actor, "安信地板")
    events.set_estimate(actor, event.id, merchant.id, 120)
    plan.build_plan(actor, event.id)
    view = _view(qtbot, ctx)
    view.estimates_table.select_where(lambda _e: True)
    view.remove_merchant()
    title, question = messages.shown[0]
    assert title == "Remove merchant"
    assert "安信地板" in question and "go back to stock" in question
    assert messages.shown[1] == ("Remove merchant", "3 reserved books went back to stock.")
    assert events.list_estimates(actor, event.id) == []
    [report] = stock_report.stock_report(actor, series.id)
    assert report.totals["in_stock"][0] == 5


def test_removing_a_merchant_is_not_done_when_not_confirmed(qtbot, ctx, actor, messages):
    event = events.create_event(actor, "E1", "活动", "装大", "2026-05-01", "2026-05-02")
    merchant = merchants.create_merchant(actor, "安信地板")
    events.set_estimate(actor, event.id, merchant.id, 10)
    view = _view(qtbot, ctx)
    view.estimates_table.select_where(lambda _e: True)
    messages.answer = QMessageBox.StandardButton.No
    view.remove_merchant()
    assert len(events.list_estimates(actor, event.id)) == 1


def test_the_chosen_event_shows_its_stage_and_what_blocks_the_next(qtbot, ctx, actor):
    """The event screen says where each event stands (planning → checked out → returning →
    reconciled → archived) and, in words, what blocks its next step (issue 4 point 8)."""
    from app.services.checkout import checkouts as checkout
    from app.services.returns import entry as returns

    series = stock.create_series(actor, "BJ", 7, 50)
    stock.register_next_books(actor, series.id, 4)
    fair = events.create_event(actor, "E1", "家博会", "装大", "2026-03-14", "2026-03-15")
    events.create_event(actor, "E2", "专场", "专场", "2026-05-01", "2026-05-02")
    anxin = merchants.create_merchant(actor, "安信地板")
    events.set_estimate(actor, fair.id, anxin.id, 50)
    plan.build_plan(actor, fair.id)
    checkout.checkout_merchant(actor, fair.id, anxin.id, "张伟", "cash")
    view = _view(qtbot, ctx)
    view.events_table.select_where(lambda e: e.code == "E2")
    assert view.status.status.state == "planning"
    assert view.status.blockers.text().endswith("• No books are checked out yet.")
    view.events_table.select_where(lambda e: e.code == "E1")
    assert view.status.status.state == "checked_out"
    assert "font-weight:bold\">Checked out<" in view.status.stages.text()
    assert "• Returns not closed: 安信地板." in view.status.blockers.text()
    ctx.ops.run(view, returns.mark_remaining, fair.id, anxin.id, "BJ0000001", "void")
    ctx.ops.run(view, returns.close_return, fair.id, anxin.id)
    assert view.status.status.state == "reconciled"
    assert view.status.blockers.text().splitlines()[1:] == [
        "• 50 void slips not sealed.", "• Deposits not closed out: 安信地板."]
