"""Series & stock area driven through its dialogs (R1.1–R1.4)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from app import i18n
from app.services.checkout import plan
from app.services.events import events, merchants
from app.services.stock import batches as stock_batches
from app.services.stock import registration as stock
from app.services.stock import report as stock_report
from tests.ui.helpers import cancel, drive, press_ok
from ui.stock.stock_dialogs import (
    RegisterStockDialog,
    SeriesDialog,
    VoidRegistrationDialog,
    registration_question,
)
from ui.stock.stock_view import BatchTableModel, StockRangeTableModel, StockView


def _view(qtbot, ctx) -> StockView:
    view = StockView(ctx)
    qtbot.addWidget(view)
    return view


def _create_series(view, monkeypatch, prefix="BJ", size=50):
    def fill(dialog: SeriesDialog) -> None:
        dialog.prefix.setText(prefix.lower())
        dialog.book_size.setValue(size)
        dialog.name.setText("北京订单本")
        press_ok(dialog)

    return drive(monkeypatch, SeriesDialog, fill)


def test_creating_a_series_and_registering_next_books_shows_the_range(qtbot, ctx, actor,
                                                                      monkeypatch):
    """R1.1: the next 20 books appear in the stock table as one in-stock range."""
    view = _view(qtbot, ctx)
    _create_series(view, monkeypatch)
    view.new_button.click()
    [series] = stock.list_series(actor)
    assert (series.prefix, series.book_size) == ("BJ", 50)
    assert view.selected_series().id == series.id

    def register(dialog: RegisterStockDialog) -> None:
        dialog.books.setValue(20)
        press_ok(dialog)

    drive(monkeypatch, RegisterStockDialog, register)
    view.register_button.click()
    model = view.ranges_table.model
    assert model.rowCount() == 1
    cols = StockRangeTableModel.Columns
    cell = [model.index(0, c).data() for c in (cols.FIRST, cols.LAST, cols.BOOKS, cols.SLIPS)]
    assert cell == ["BJ0000001", "BJ0001000", "20", "1,000"]
    assert "20" in view.totals.text()


def test_explicit_range_with_gap_needs_a_reason_and_lists_the_gap(qtbot, ctx, actor,
                                                                  monkeypatch, messages):
    """R1.3: a gap without reason is refused (dialog stays open); with a reason it is listed."""
    series = stock.create_series(actor, "BJ", 7, 50)
    stock.register_next_books(actor, series.id, 2)
    view = _view(qtbot, ctx)
    attempts: list[bool] = []

    def fill(dialog: RegisterStockDialog) -> None:
        dialog.range_radio.setChecked(True)
        dialog.numbers.setText("BJ0000201-BJ0000300")
        press_ok(dialog)
        attempts.append(dialog.result() == 1)
        dialog.gap_reason.setText("总部跳过一批")
        press_ok(dialog)
        attempts.append(dialog.result() == 1)

    drive(monkeypatch, RegisterStockDialog, fill)
    view.register_stock()
    assert attempts == [False, True]
    refusals = [text for title, text in messages.shown if title == "Not done"]
    assert len(refusals) == 1 and "R1.3" in refusals[0]
    gaps = view.gaps_table.model.rows()
    assert [(g.first, g.last, g.reason) for g in gaps] == [
        ("BJ0000101", "BJ0000200", "总部跳过一批")]
    assert view.ranges_table.model.rowCount() == 2


def test_overlapping_registration_is_shown_and_changes_nothing(qtbot, ctx, actor, monkeypatch,
                                                               messages):
    """R1.2: the refusal names the overlap in a message box; stock stays as it was."""
    series = stock.create_series(actor, "BJ", 7, 50)
    stock.register_next_books(actor, series.id, 4)
    before = stock_report.stock_report(actor, series.id)
    view = _view(qtbot, ctx)
    changed: list[int] = []
    ctx.bridge.data_changed.connect(lambda: changed.append(1))

    def fill(dialog: RegisterStockDialog) -> None:
        dialog.range_radio.setChecked(True)
        dialog.numbers.setText("BJ0000101-BJ0000250")
        press_ok(dialog)

    opened = drive(monkeypatch, RegisterStockDialog, fill)
    view.register_stock()
    assert opened[0].result() == 0
    assert [title for title, _text in messages.shown] == ["Register blank stock", "Not done"]
    assert "BJ0000101–0000200" in messages.texts[1]
    assert changed == []
    assert stock_report.stock_report(actor, series.id) == before
    assert view.ranges_table.model.rowCount() == 1


def test_duplicate_series_prefix_is_refused_in_a_message(qtbot, ctx, actor, monkeypatch,
                                                         messages):
    """A refused create keeps the dialog open and shows the service's message."""
    stock.create_series(actor, "BJ", 7, 50)
    view = _view(qtbot, ctx)
    opened = _create_series(view, monkeypatch)
    view.new_series()
    assert opened[0].result() == 0
    assert messages.texts == ["Series BJ already exists."]
    assert len(stock.list_series(actor)) == 1


def test_register_button_is_disabled_without_series(qtbot, ctx):
    view = _view(qtbot, ctx)
    assert not view.register_button.isEnabled()
    assert view.totals.text() == "Choose a series."


def test_a_typo_range_is_shown_as_books_and_slips_and_cancel_registers_nothing(
        qtbot, ctx, actor, monkeypatch, messages):
    """R1.1: BJ1000001-BJ9000000 is spelled out as 160,000 books / 8,000,000 slips before
    anything is registered; answering No keeps the dialog open and registers nothing."""
    series = stock.create_series(actor, "BJ", 7, 50)
    stock.register_next_books(actor, series.id, 2)
    view = _view(qtbot, ctx)
    messages.answer = QMessageBox.StandardButton.No

    def fill(dialog: RegisterStockDialog) -> None:
        dialog.range_radio.setChecked(True)
        dialog.numbers.setText("BJ1000001-BJ9000000")
        dialog.gap_reason.setText("新批次")
        press_ok(dialog)

    opened = drive(monkeypatch, RegisterStockDialog, fill)
    view.register_button.click()
    assert opened[0].result() == 0
    [(title, text)] = messages.shown
    assert title == "Register blank stock"
    assert "BJ1000001 – BJ9000000" in text
    assert "160,000 books / 8,000,000 slips" in text
    assert [b.first for b in stock_batches.list_batches(actor, series.id)] == ["BJ0000001"]


def test_registering_next_books_confirms_the_computed_range(qtbot, ctx, actor, monkeypatch,
                                                            messages):
    series = stock.create_series(actor, "BJ", 7, 50)
    stock.register_next_books(actor, series.id, 2)
    view = _view(qtbot, ctx)

    def fill(dialog: RegisterStockDialog) -> None:
        dialog.books.setValue(3)
        press_ok(dialog)

    drive(monkeypatch, RegisterStockDialog, fill)
    view.register_stock()
    assert "BJ0000101 – BJ0000250" in messages.texts[0]
    assert "3 books / 150 slips" in messages.texts[0]
    assert stock.list_series(actor)[0].last_number == 250


def test_an_unreadable_range_is_reported_without_asking(qtbot, ctx, actor, monkeypatch,
                                                       messages):
    stock.create_series(actor, "BJ", 7, 50)
    view = _view(qtbot, ctx)

    def fill(dialog: RegisterStockDialog) -> None:
        dialog.range_radio.setChecked(True)
        dialog.numbers.setText("BJ0000300-BJ0000201")
        press_ok(dialog)

    drive(monkeypatch, RegisterStockDialog, fill)
    view.register_stock()
    assert [title for title, _text in messages.shown] == ["Not done"]
    assert "backwards" in messages.texts[0]


def test_the_confirmation_in_chinese_counts_books_and_slips(qapp, actor, db):
    series = stock.create_series(actor, "BJ", 7, 50)
    from app.domain.numbers import NumberRange

    i18n.set_language("zh_CN")
    text = registration_question(series, [NumberRange(1_000_001, 9_000_000)])
    assert "160,000 本 / 8,000,000 张" in text
    assert "BJ1000001 – BJ9000000" in text


def test_voiding_a_registration_from_the_stock_view(qtbot, ctx, actor, monkeypatch, messages):
    """A registration made by mistake is voided with a reason; it stays listed as voided and
    its books leave the stock report."""
    series = stock.create_series(actor, "BJ", 7, 50)
    stock.register_next_books(actor, series.id, 2)
    stock.register_range(actor, series.id, "BJ0000101-BJ0000600")
    view = _view(qtbot, ctx)
    model = view.batches_table.model
    assert [b.first for b in model.rows()] == ["BJ0000101", "BJ0000001"]
    view.batches_table.select_where(lambda b: b.first == "BJ0000101")
    assert view.void_button.isEnabled()
    attempts: list[int] = []

    def fill(dialog: VoidRegistrationDialog) -> None:
        press_ok(dialog)  # no reason: refused by the service, dialog stays open
        attempts.append(dialog.result())
        dialog.reason.setText("号段输错")
        press_ok(dialog)
        attempts.append(dialog.result())

    drive(monkeypatch, VoidRegistrationDialog, fill)
    view.void_button.click()
    assert attempts == [0, 1]
    assert messages.shown[0][0] == "Not done"
    [voided] = [b for b in stock_batches.list_batches(actor, series.id) if b.voided]
    assert (voided.first, voided.void_reason) == ("BJ0000101", "号段输错")
    status = model.index(0, BatchTableModel.Columns.STATUS).data()
    assert status == "Voided: 号段输错"
    assert "2 books" in view.totals.text()
    view.batches_table.select_where(lambda b: b.first == "BJ0000101")
    assert not view.void_button.isEnabled()


def test_a_registration_whose_books_left_stock_cannot_be_voided(qtbot, ctx, actor):
    series = stock.create_series(actor, "BJ", 7, 50)
    stock.register_next_books(actor, series.id, 2)
    event = events.create_event(actor, "E1", "活动", "装大", "2026-05-01", "2026-05-02")
    merchant = merchants.create_merchant(actor, "安信地板")
    events.set_estimate(actor, event.id, merchant.id, 10)
    plan.build_plan(actor, event.id)
    view = _view(qtbot, ctx)
    view.batches_table.select_where(lambda _b: True)
    assert view.batches_table.selected() is not None
    assert not view.void_button.isEnabled()


def test_cancelling_the_void_dialog_changes_nothing(qtbot, ctx, actor, monkeypatch):
    series = stock.create_series(actor, "BJ", 7, 50)
    stock.register_next_books(actor, series.id, 2)
    view = _view(qtbot, ctx)
    view.batches_table.select_where(lambda _b: True)
    drive(monkeypatch, VoidRegistrationDialog, cancel)
    view.void_registration()
    assert not stock_batches.list_batches(actor, series.id)[0].voided
