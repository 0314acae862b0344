"""Requisition plan and checkout areas, end to end through the GUI (R2.1–R2.4)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox

from app.domain.money import Money
from app.services.checkout import checkouts as checkout
from app.services.checkout import plan
from app.services.events import events, merchants
from app.services.stock import registration as stock
from app.services.stock import report as stock_report
from tests.ui.helpers import cancel, drive, press_ok, wait_idle
from ui.checkout.checkout_dialogs import (
    CheckoutDialog,
    ExtraBooksDialog,
    PrintAfterCheckoutDialog,
    ReverseBookDialog,
)
from ui.checkout.checkout_view import CheckoutTableModel, CheckoutView
from ui.checkout.plan_view import PlannedBooksDialog, PlanView, ReleasePlanDialog
from ui.common.label_options import LabelOptionsDialog
from ui.common.print_preview import PreviewDialog


@pytest.fixture
def fair(actor, db):
    """Series BJ with 20 books; event with 安信地板 (120 → 3 books) and 马可波罗瓷砖 (40 → 1)."""
    series = stock.create_series(actor, "BJ", 7, 50)
    stock.register_next_books(actor, series.id, 20)
    event = events.create_event(actor, "2026-SH-01", "家博会", "装大", "2026-03-14",
                                "2026-03-15")
    anxin = merchants.create_merchant(actor, "安信地板", contact="张伟")
    marco = merchants.create_merchant(actor, "马可波罗瓷砖", contact="李明")
    events.set_estimate(actor, event.id, anxin.id, 120)
    events.set_estimate(actor, event.id, marco.id, 40)
    return {"series": series, "event": event, "anxin": anxin, "marco": marco}


def _plan_view(qtbot, ctx) -> PlanView:
    view = PlanView(ctx)
    qtbot.addWidget(view)
    return view


def _checkout_view(qtbot, ctx) -> CheckoutView:
    view = CheckoutView(ctx)
    qtbot.addWidget(view)
    return view


def test_building_the_plan_in_the_background_fills_the_table(qtbot, ctx, actor, fair):
    """R2.1: books = ceil(estimate / 50), contiguous, in number order."""
    view = _plan_view(qtbot, ctx)
    assert view.event_id() == fair["event"].id
    assert not view.series_combo.isVisible()
    view.build_button.click()
    wait_idle(qtbot, ctx)
    lines = view.table.model.rows()
    assert [(line.brand, line.planned_books, line.planned_ranges) for line in lines] == [
        ("安信地板", 3, "BJ0000001–0000150"), ("马可波罗瓷砖", 1, "BJ0000151–0000200")]
    assert "¥800.00" in view.summary.text()


def test_changing_planned_books_before_checkout(qtbot, ctx, actor, fair, monkeypatch):
    plan.build_plan(actor, fair["event"].id)
    view = _plan_view(qtbot, ctx)
    view.table.select_where(lambda line: line.brand == "马可波罗瓷砖")
    assert view.books_button.isEnabled()

    def fill(dialog: PlannedBooksDialog) -> None:
        dialog.books.setValue(2)
        press_ok(dialog)

    drive(monkeypatch, PlannedBooksDialog, fill)
    view.books_button.click()
    line = next(x for x in plan.plan_view(actor, fair["event"].id) if x.brand == "马可波罗瓷砖")
    assert line.planned_books == 2
    assert view.table.selected().planned_books == 2


def test_plan_without_stock_is_refused_in_a_message(qtbot, ctx, actor, messages):
    series = stock.create_series(actor, "BJ", 7, 50)
    stock.register_next_books(actor, series.id, 1)
    event = events.create_event(actor, "E1", "活动", "装大", "2026-03-14", "2026-03-15")
    merchant = merchants.create_merchant(actor, "安信地板")
    events.set_estimate(actor, event.id, merchant.id, 500)
    view = _plan_view(qtbot, ctx)
    view.build_plan()
    wait_idle(qtbot, ctx)
    assert messages.shown[0][0] == "Not done"
    assert "Not enough books" in messages.texts[0]
    assert plan.plan_view(actor, event.id)[0].planned_books == 0


def _sign(dialog: CheckoutDialog | ExtraBooksDialog) -> None:
    dialog.payment.setCurrentIndex(dialog.payment.findData("wechat"))
    press_ok(dialog)


def test_checking_out_a_merchant_issues_its_books_and_takes_the_deposit(
        qtbot, ctx, actor, fair, monkeypatch):
    """R2.2: the planned books become issued; deposit = 3 × ¥200; receipt numbered."""
    plan.build_plan(actor, fair["event"].id)
    view = _checkout_view(qtbot, ctx)
    view.merchants_table.select_where(lambda line: line.brand == "安信地板")
    signers: list[str] = []

    def fill(dialog: CheckoutDialog) -> None:
        signers.append(dialog.signed_by.text())
        _sign(dialog)

    drive(monkeypatch, CheckoutDialog, fill)
    drive(monkeypatch, PrintAfterCheckoutDialog, cancel)
    view.checkout_button.click()
    assert signers == ["张伟"]
    [done] = checkout.list_checkouts(actor, fair["event"].id)
    assert (done.brand, done.ranges, done.deposit, done.payment_method) == (
        "安信地板", "BJ0000001–0000150", Money(60000), "wechat")
    assert done.receipt_no == "2026-SH-01-0001"
    line = next(x for x in plan.plan_view(actor, fair["event"].id) if x.brand == "安信地板")
    assert (line.issued_books, line.planned_books, line.deposit_held) == (3, 0, Money(60000))
    assert view.checkouts_table.model.rowCount() == 1
    assert view.merchants_table.selected().brand == "安信地板"
    assert not view.checkout_button.isEnabled()


def test_after_checkout_the_papers_open_in_previews(qtbot, ctx, actor, fair, monkeypatch):
    """R2.4: checkout sheet, deposit receipt and labels are offered right after signing."""
    plan.build_plan(actor, fair["event"].id)
    view = _checkout_view(qtbot, ctx)
    view.merchants_table.select_where(lambda line: line.brand == "马可波罗瓷砖")
    drive(monkeypatch, CheckoutDialog, _sign)
    drive(monkeypatch, PrintAfterCheckoutDialog, press_ok)

    def single(dialog: LabelOptionsDialog) -> None:
        dialog.single_radio.setChecked(True)
        press_ok(dialog)

    drive(monkeypatch, LabelOptionsDialog, single)
    view.check_out()
    wait_idle(qtbot, ctx)
    previews = view.findChildren(PreviewDialog)
    assert len(previews) == 3
    assert all(p.page_labels for p in previews)
    assert ctx.settings.labels.mode == "single"


def test_extra_books_and_taking_one_back_by_scanning(qtbot, ctx, actor, fair, monkeypatch,
                                                     messages):
    """R2.3 extra books with deposit; a mistaken book is scanned, taken back and refunded."""
    plan.build_plan(actor, fair["event"].id)
    checkout.checkout_merchant(actor, fair["event"].id, fair["anxin"].id, "张伟", "cash")
    view = _checkout_view(qtbot, ctx)
    view.merchants_table.select_where(lambda line: line.brand == "安信地板")

    def extra(dialog: ExtraBooksDialog) -> None:
        dialog.books.setValue(2)
        assert "¥400.00" in dialog.deposit.text()
        _sign(dialog)

    drive(monkeypatch, ExtraBooksDialog, extra)
    drive(monkeypatch, PrintAfterCheckoutDialog, cancel)
    view.extra_button.click()
    line = next(x for x in plan.plan_view(actor, fair["event"].id) if x.brand == "安信地板")
    assert (line.issued_books, line.deposit_held) == (5, Money(100000))

    def scan(dialog: ReverseBookDialog) -> None:
        qtbot.keyClicks(dialog.code, "BJ0000201-0000250")
        qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
        assert dialog.isVisible() is False and dialog.result() == 0
        assert "安信地板" in dialog.found.text()
        dialog.reason.setText("多发了一本")
        press_ok(dialog)

    drive(monkeypatch, ReverseBookDialog, scan)
    view.reverse_button.click()
    assert messages.shown[-1][0] == "Take back a book"
    line = next(x for x in plan.plan_view(actor, fair["event"].id) if x.brand == "安信地板")
    assert (line.issued_books, line.deposit_held) == (4, Money(80000))


def test_scanning_an_unknown_code_shows_the_service_message(qtbot, ctx, actor, fair,
                                                            monkeypatch, messages):
    view = _checkout_view(qtbot, ctx)

    def scan(dialog: ReverseBookDialog) -> None:
        dialog.code.setText("BJ9999999")
        dialog.code.returnPressed.emit()
        cancel(dialog)

    drive(monkeypatch, ReverseBookDialog, scan)
    view.take_back()
    assert messages.texts == ["No registered book has the code or number 'BJ9999999'."]


def test_reprinting_a_checkout_sheet(qtbot, ctx, actor, fair):
    plan.build_plan(actor, fair["event"].id)
    checkout.checkout_merchant(actor, fair["event"].id, fair["marco"].id, "李明", "cash")
    view = _checkout_view(qtbot, ctx)
    view.checkouts_table.select_where(lambda _c: True)
    assert view.sheet_button.isEnabled()
    view.sheet_button.click()
    wait_idle(qtbot, ctx)
    [preview] = view.findChildren(PreviewDialog)
    assert preview.windowTitle().endswith("Order book checkout sheet")


def test_keyboard_flow_find_merchant_and_check_out(qtbot, ctx, actor, fair, monkeypatch):
    """Type part of a brand, Enter selects it, Enter opens the checkout dialog (scanner-friendly
    keyboard flow)."""
    plan.build_plan(actor, fair["event"].id)
    view = _checkout_view(qtbot, ctx)
    opened = drive(monkeypatch, CheckoutDialog, cancel)
    view.merchants_table.filter_edit.setText("马可")  # typed through the IME
    qtbot.keyClick(view.merchants_table.filter_edit, Qt.Key.Key_Return)
    assert view.merchants_table.selected().brand == "马可波罗瓷砖"
    qtbot.keyClick(view.merchants_table.view, Qt.Key.Key_Return)
    assert len(opened) == 1
    assert opened[0].windowTitle().endswith("马可波罗瓷砖")


def test_take_back_confirmation_names_the_book_brand_and_deposit_without_enter(
        qtbot, ctx, actor, fair, monkeypatch, messages):
    """A slip number typed and OK clicked straight away: the book is looked up first and the
    question names the whole book, its merchant, event and the ¥200 returned (R2.2)."""
    plan.build_plan(actor, fair["event"].id)
    checkout.checkout_merchant(actor, fair["event"].id, fair["anxin"].id, "张伟", "cash")
    view = _checkout_view(qtbot, ctx)

    def type_and_ok(dialog: ReverseBookDialog) -> None:
        dialog.code.setText("BJ0000017")
        dialog.reason.setText("多发了一本")
        press_ok(dialog)

    drive(monkeypatch, ReverseBookDialog, type_and_ok)
    messages.answer = QMessageBox.StandardButton.No
    view.take_back()
    title, text = messages.shown[-1]
    assert title == "Take back a book"
    for part in ("BJ0000001-0000050", "BJ0000001 – BJ0000050", "50 slips", "安信地板",
                 "2026-SH-01", "¥200.00"):
        assert part in text
    line = next(x for x in plan.plan_view(actor, fair["event"].id) if x.brand == "安信地板")
    assert line.issued_books == 3  # answered No: nothing taken back

    messages.answer = QMessageBox.StandardButton.Yes
    view.take_back()
    line = next(x for x in plan.plan_view(actor, fair["event"].id) if x.brand == "安信地板")
    assert (line.issued_books, line.deposit_held) == (2, Money(40000))


def test_take_back_is_not_confirmed_when_the_lookup_fails(qtbot, ctx, actor, fair,
                                                          monkeypatch, messages):
    view = _checkout_view(qtbot, ctx)

    def type_and_ok(dialog: ReverseBookDialog) -> None:
        dialog.code.setText("BJ9999999")
        dialog.reason.setText("错")
        press_ok(dialog)

    opened = drive(monkeypatch, ReverseBookDialog, type_and_ok)
    view.take_back()
    assert opened[0].result() == 0
    assert messages.shown == [("Not done",
                               "No registered book has the code or number 'BJ9999999'.")]


def test_a_book_taken_back_is_named_in_its_checkout_and_not_counted_as_held(
        qtbot, ctx, actor, fair):
    plan.build_plan(actor, fair["event"].id)
    checkout.checkout_merchant(actor, fair["event"].id, fair["anxin"].id, "张伟", "cash")
    checkout.reverse_issue(actor, "BJ0000051-0000100", "多发了一本")
    view = _checkout_view(qtbot, ctx)
    model = view.checkouts_table.model
    columns = CheckoutTableModel.Columns
    assert model.index(0, columns.BOOKS).data() == "2"
    assert model.index(0, columns.TAKEN_BACK).data() == "BJ0000051-0000100"
    assert model.headerData(columns.TAKEN_BACK, Qt.Orientation.Horizontal) == "Taken back"


def _line(actor, fair, brand):
    return next(x for x in plan.plan_view(actor, fair["event"].id) if x.brand == brand)


def _in_stock(actor, fair) -> int:
    [report] = stock_report.stock_report(actor, fair["series"].id)
    return report.totals.get("in_stock", (0, 0))[0]


def test_checkout_dialog_shows_the_deposit_for_the_planned_books_only(
        qtbot, ctx, actor, fair, monkeypatch):
    """R2.2/R2.3: 2 extra books first, then the 3 planned ones: the dialog asks 3 × ¥200, which
    is what the checkout takes."""
    plan.build_plan(actor, fair["event"].id)
    checkout.issue_extra_books(actor, fair["event"].id, fair["anxin"].id, 2, "张伟", "cash")
    assert _line(actor, fair, "安信地板").deposit_due == Money(100000)
    view = _checkout_view(qtbot, ctx)
    view.merchants_table.select_where(lambda line: line.brand == "安信地板")
    assert view.merchants_table.selected().planned_books == 3
    shown: list[str] = []

    def fill(dialog: CheckoutDialog) -> None:
        shown.extend(label.text() for label in dialog.findChildren(QLabel))
        _sign(dialog)

    drive(monkeypatch, CheckoutDialog, fill)
    drive(monkeypatch, PrintAfterCheckoutDialog, cancel)
    view.check_out()
    assert "¥600.00" in shown and "¥1,000.00" not in shown
    done = checkout.list_checkouts(actor, fair["event"].id)
    assert [c.deposit for c in done if not c.extra] == [Money(60000)]


def test_planned_books_can_change_after_checkout_and_zero_releases_them(
        qtbot, ctx, actor, fair, monkeypatch):
    plan.build_plan(actor, fair["event"].id)
    checkout.checkout_merchant(actor, fair["event"].id, fair["marco"].id, "李明", "cash")
    view = _plan_view(qtbot, ctx)
    view.table.select_where(lambda line: line.brand == "马可波罗瓷砖")
    assert view.books_button.isEnabled()

    def two_more(dialog: PlannedBooksDialog) -> None:
        assert dialog.books.minimum() == 0
        dialog.books.setValue(2)
        press_ok(dialog)

    drive(monkeypatch, PlannedBooksDialog, two_more)
    view.books_button.click()
    line = _line(actor, fair, "马可波罗瓷砖")
    assert (line.issued_books, line.planned_books) == (1, 2)
    stock_before = _in_stock(actor, fair)

    def zero(dialog: PlannedBooksDialog) -> None:
        dialog.books.setValue(0)
        assert dialog.books.text() == "0 (release to stock)"
        press_ok(dialog)

    drive(monkeypatch, PlannedBooksDialog, zero)
    view.books_button.click()
    line = _line(actor, fair, "马可波罗瓷砖")
    assert (line.issued_books, line.planned_books) == (1, 0)
    assert _in_stock(actor, fair) == stock_before + 2


def test_release_plan_of_the_whole_event_returns_books_to_stock(qtbot, ctx, actor, fair,
                                                                 monkeypatch, messages):
    plan.build_plan(actor, fair["event"].id)
    checkout.checkout_merchant(actor, fair["event"].id, fair["marco"].id, "李明", "cash")
    view = _plan_view(qtbot, ctx)
    assert view.release_button.isEnabled()
    view.table.select_where(lambda line: line.brand == "马可波罗瓷砖")  # nothing planned

    def release_all(dialog: ReleasePlanDialog) -> None:
        assert not dialog.merchant_radio.isEnabled()
        assert dialog.event_radio.isChecked()
        assert dialog.summary.text().startswith("3 reserved books go back to stock")
        press_ok(dialog)

    drive(monkeypatch, ReleasePlanDialog, release_all)
    view.release_button.click()
    assert messages.shown[-1] == ("Release plan", "3 books went back to stock.")
    assert [(x.planned_books, x.issued_books) for x in plan.plan_view(
        actor, fair["event"].id)] == [(0, 0), (0, 1)]
    assert _in_stock(actor, fair) == 19
    assert not view.release_button.isEnabled()


def test_release_plan_of_one_merchant(qtbot, ctx, actor, fair, monkeypatch, messages):
    plan.build_plan(actor, fair["event"].id)
    view = _plan_view(qtbot, ctx)
    view.table.select_where(lambda line: line.brand == "马可波罗瓷砖")

    def release_one(dialog: ReleasePlanDialog) -> None:
        assert dialog.merchant_radio.isChecked()
        assert dialog.summary.text().startswith("1 reserved books")
        press_ok(dialog)

    drive(monkeypatch, ReleasePlanDialog, release_one)
    view.release_plan()
    assert _line(actor, fair, "马可波罗瓷砖").planned_books == 0
    assert _line(actor, fair, "安信地板").planned_books == 3


def test_cancelling_release_plan_changes_nothing(qtbot, ctx, actor, fair, monkeypatch):
    plan.build_plan(actor, fair["event"].id)
    view = _plan_view(qtbot, ctx)
    drive(monkeypatch, ReleasePlanDialog, cancel)
    view.release_plan()
    assert _line(actor, fair, "安信地板").planned_books == 3
