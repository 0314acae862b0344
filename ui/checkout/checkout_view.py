"""领用登记: merchants sign for their books and pay the deposit (R2.2–R2.4)."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.domain.money import Money
from app.domain.payments import payment_label
from app.errors import AppError
from app.i18n import N_, _
from app.services.checkout import checkouts as checkout
from app.services.checkout import plan
from app.services.checkout.checkouts import CheckoutInfo
from app.services.checkout.plan import PlanLine
from app.services.core import books
from app.services.core.books import BookInfo
from app.services.events import events, merchants
from app.services.events.events import EventInfo
from ui.checkout.checkout_dialogs import (
    CheckoutDialog,
    ExtraBooksDialog,
    PrintAfterCheckoutDialog,
    ReverseBookDialog,
    book_summary,
    take_back_question,
)
from ui.common.area import AreaView
from ui.common.context import UiContext
from ui.common.ops import show_error
from ui.common.pickers import EventComboBox
from ui.common.report_actions import print_labels, show_report
from ui.common.table_model import RecordTableModel
from ui.common.widgets import RecordTable, button, button_row, confirm, tab_chain


def merchant_status(line: PlanLine) -> str:
    """Waiting while planned books are left to sign for; checked out once all are issued."""
    if line.planned_books:
        return _("Waiting")
    return _("Checked out") if line.issued_books else _("Nothing planned")


class CheckoutMerchantTableModel(RecordTableModel[PlanLine]):
    """The event's merchants with what is planned and what they signed for."""

    class Columns(IntEnum):
        BRAND = 0
        CATEGORY = 1
        PLANNED_BOOKS = 2
        PLANNED_RANGES = 3
        ISSUED_BOOKS = 4
        ISSUED_RANGES = 5
        DEPOSIT_HELD = 6
        STATUS = 7

    headers = {Columns.BRAND: N_("Brand"), Columns.CATEGORY: N_("Category"),
               Columns.PLANNED_BOOKS: N_("Planned books"),
               Columns.PLANNED_RANGES: N_("Planned ranges"),
               Columns.ISSUED_BOOKS: N_("Issued books"), Columns.ISSUED_RANGES: N_("Issued ranges"),
               Columns.DEPOSIT_HELD: N_("Deposit held"), Columns.STATUS: N_("Status")}
    number_columns = frozenset({Columns.PLANNED_BOOKS, Columns.ISSUED_BOOKS,
                                Columns.DEPOSIT_HELD})
    stretch_column = Columns.PLANNED_RANGES
    widths = {Columns.BRAND: 14, Columns.CATEGORY: 6, Columns.PLANNED_BOOKS: 8,
              Columns.PLANNED_RANGES: 22, Columns.ISSUED_BOOKS: 8, Columns.ISSUED_RANGES: 22,
              Columns.DEPOSIT_HELD: 11, Columns.STATUS: 10}

    def value(self, record: PlanLine, column: Any) -> Any:
        """The cell value."""
        if column == self.Columns.STATUS:
            return merchant_status(record)
        keys = ("brand", "category", "planned_books", "planned_ranges", "issued_books",
                "issued_ranges", "deposit_held")
        return getattr(record, keys[int(column)])


TAKEN_BACK = "taken_back"
"""State of a checkout's book that was taken back later (CheckoutInfo.books)."""


def held_books(info: CheckoutInfo) -> int:
    """Books of a checkout the merchant still holds (taken-back ones not counted)."""
    return sum(1 for book in info.books if book.state != TAKEN_BACK)


def taken_back_codes(info: CheckoutInfo) -> str:
    """Codes of the checkout's books taken back since ('' if none)."""
    return ", ".join(book.code for book in info.books if book.state == TAKEN_BACK)


class CheckoutTableModel(RecordTableModel[CheckoutInfo]):
    """Signed checkouts of an event; books taken back later are named, not counted."""

    class Columns(IntEnum):
        RECEIPT = 0
        BRAND = 1
        SIGNED_BY = 2
        SIGNED_AT = 3
        BOOKS = 4
        RANGES = 5
        TAKEN_BACK = 6
        DEPOSIT = 7
        PAYMENT = 8
        EXTRA = 9
        CLERK = 10

    headers = {Columns.RECEIPT: N_("Receipt no."), Columns.BRAND: N_("Brand"),
               Columns.SIGNED_BY: N_("Signed by"), Columns.SIGNED_AT: N_("Signed at"),
               Columns.BOOKS: N_("Books held"), Columns.RANGES: N_("Ranges signed for"),
               Columns.TAKEN_BACK: N_("Taken back"), Columns.DEPOSIT: N_("Deposit"),
               Columns.PAYMENT: N_("Payment method"), Columns.EXTRA: N_("Extra"),
               Columns.CLERK: N_("Clerk")}
    number_columns = frozenset({Columns.BOOKS, Columns.DEPOSIT})
    stretch_column = Columns.RANGES
    widths = {Columns.RECEIPT: 15, Columns.BRAND: 12, Columns.SIGNED_BY: 6,
              Columns.SIGNED_AT: 16, Columns.BOOKS: 6, Columns.RANGES: 22,
              Columns.TAKEN_BACK: 11, Columns.DEPOSIT: 10, Columns.PAYMENT: 8, Columns.EXTRA: 4}

    def value(self, record: CheckoutInfo, column: Any) -> Any:
        """The cell value."""
        c = self.Columns
        return {c.RECEIPT: record.receipt_no, c.BRAND: record.brand,
                c.SIGNED_BY: record.signed_by, c.SIGNED_AT: record.signed_at,
                c.BOOKS: held_books(record), c.RANGES: record.ranges,
                c.TAKEN_BACK: taken_back_codes(record), c.DEPOSIT: record.deposit,
                c.PAYMENT: payment_label(record.payment_method), c.EXTRA: record.extra,
                c.CLERK: record.clerk}[column]


class CheckoutView(AreaView):
    """Check merchants out, issue extra books, take back mistakes, reprint papers."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.event_combo = EventComboBox(self)
        self.merchants_table = RecordTable(CheckoutMerchantTableModel(self), self,
                                           filter_placeholder=_("Find a merchant…"))
        self.checkouts_table = RecordTable(CheckoutTableModel(self), self,
                                           filter_placeholder=_("Filter checkouts…"))
        self._build()
        self.setFocusProxy(self.merchants_table.filter_edit)
        tab_chain(self.event_combo, self.reverse_button, self.checkout_button, self.extra_button,
                  self.merchants_table.filter_edit, self.merchants_table.view,
                  self.sheet_button, self.receipt_button, self.labels_button,
                  self.checkouts_table.filter_edit, self.checkouts_table.view)
        self.event_combo.id_changed.connect(lambda _id: self.reload_event())
        self.merchants_table.selection_changed.connect(self._enable)
        self.merchants_table.activated.connect(lambda _line: self.check_out())
        self.checkouts_table.selection_changed.connect(self._enable)
        self.reload()

    def _build(self) -> None:
        self.checkout_button = button(_("Check out…"), self.check_out, "Ctrl+K")
        self.extra_button = button(_("Extra books…"), self.extra_books, "Ctrl+J")
        self.reverse_button = button(_("Take back a book…"), self.take_back, "Ctrl+T")
        self.sheet_button = button(_("Checkout sheet"), lambda: self.reprint("checkout_sheet"))
        self.receipt_button = button(_("Deposit receipt"), lambda: self.reprint("deposit_receipt"))
        self.labels_button = button(_("Labels"), self.reprint_labels)
        self.ctx.guard({self.checkout_button: "checkout.merchant",
                        self.extra_button: "checkout.extra",
                        self.reverse_button: "checkout.reverse_book"})
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Event"), self))
        top.addWidget(self.event_combo, 1)
        top.addWidget(self.reverse_button)
        merchants_box = QGroupBox(_("Merchants"), self)
        layout = QVBoxLayout(merchants_box)
        layout.addLayout(button_row(self.checkout_button, self.extra_button))
        layout.addWidget(self.merchants_table)
        checkouts_box = QGroupBox(_("Checkouts of this event"), self)
        layout = QVBoxLayout(checkouts_box)
        layout.addLayout(button_row(QLabel(_("Print again:"), self), self.sheet_button,
                                    self.receipt_button, self.labels_button))
        layout.addWidget(self.checkouts_table)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(merchants_box)
        splitter.addWidget(checkouts_box)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter)

    def event_id(self) -> str | None:
        """The chosen event's id."""
        return self.event_combo.current_id()

    def reload(self) -> None:
        """Fetch events and the chosen event's merchants and checkouts again."""
        self.event_combo.reload(self.ctx.ops)
        self.reload_event()

    def reload_event(self) -> None:
        """Show the chosen event's merchants and checkouts."""
        event_id = self.event_id()
        lines: list[PlanLine] = []
        done: list[CheckoutInfo] = []
        if event_id:
            lines = self.ctx.ops.query(self, plan.plan_view, event_id).value or []
            done = self.ctx.ops.query(self, checkout.list_checkouts, event_id).value or []
        self.merchants_table.set_rows(lines, keep=lambda line: line.merchant_id)
        self.checkouts_table.set_rows(done, keep=lambda c: c.id)
        if self.merchants_table.selected() is None:
            self.merchants_table.select_where(lambda line: line.planned_books > 0)
        self._enable()

    def _enable(self) -> None:
        line = self.merchants_table.selected()
        self.checkout_button.setEnabled(line is not None and line.planned_books > 0)
        self.extra_button.setEnabled(line is not None)
        self.reverse_button.setEnabled(self.event_id() is not None)
        chosen = self.checkouts_table.selected() is not None
        for btn in (self.sheet_button, self.receipt_button, self.labels_button):
            btn.setEnabled(chosen)

    def _event(self) -> EventInfo | None:
        event_id = self.event_id()
        return self.ctx.ops.query(self, events.get_event, event_id).value if event_id else None

    def _contact(self, merchant_id: str) -> str:
        info = self.ctx.ops.query(self, merchants.get_merchant, merchant_id).value
        return info.contact if info else ""

    def check_out(self) -> None:
        """The chosen merchant signs for its planned books."""
        line, event = self.merchants_table.selected(), self._event()
        if line is None or event is None or not line.planned_books:
            return
        dialog = CheckoutDialog(self, event, line, self._contact(line.merchant_id))
        done: list[CheckoutInfo] = []
        dialog.set_submit(lambda: self._sign(dialog, done, checkout.checkout_merchant,
                                             event.id, line.merchant_id, *dialog.sign_values()))
        if dialog.exec() == QDialog.DialogCode.Accepted and done:
            self.offer_printing(done[0])

    def _sign(self, dialog: QDialog, done: list[CheckoutInfo], func: Any, *args: Any) -> bool:
        result = self.ctx.ops.run(dialog, func, *args)
        if result.ok and result.value is not None:
            done.append(result.value)
        return result.ok

    def extra_books(self) -> None:
        """Issue more books to the chosen merchant, with deposit."""
        line, event = self.merchants_table.selected(), self._event()
        if line is None or event is None:
            return
        dialog = ExtraBooksDialog(self, event, line.brand, self._contact(line.merchant_id))
        done: list[CheckoutInfo] = []
        dialog.set_submit(lambda: self._sign(dialog, done, checkout.issue_extra_books, event.id,
                                             line.merchant_id, dialog.books.value(),
                                             *dialog.sign_values()))
        if dialog.exec() == QDialog.DialogCode.Accepted and done:
            self.offer_printing(done[0])

    def offer_printing(self, info: CheckoutInfo) -> None:
        """Ask which papers to print for a new checkout, then preview them."""
        dialog = PrintAfterCheckoutDialog(self, info.brand)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        stem = info.receipt_no
        if dialog.sheet.isChecked():
            show_report(self, self.ctx, "checkout_sheet", stem, checkout_id=info.id)
        if dialog.receipt.isChecked():
            show_report(self, self.ctx, "deposit_receipt", stem + "-" + _("receipt"),
                        checkout_id=info.id)
        if dialog.labels.isChecked():
            print_labels(self, self.ctx, stem + "-" + _("labels"), checkout_id=info.id)

    def take_back(self) -> None:
        """Scan a book issued by mistake and return it to stock (its deposit is returned)."""
        dialog = ReverseBookDialog(self)
        dialog.code.returnPressed.connect(lambda: self._found(dialog))
        dialog.set_submit(lambda: self._reverse(dialog))
        dialog.exec()

    def _found(self, dialog: ReverseBookDialog) -> None:
        """Enter in the code field: show the book, then ask for the reason."""
        if self._look_up(dialog) is not None:
            dialog.reason.setFocus()

    def _look_up(self, dialog: ReverseBookDialog, quiet_if_blank: bool = True
                 ) -> BookInfo | None:
        """Find the book of the scanned or typed code and show it; None if not found."""
        code, _reason = dialog.values()
        if not code and quiet_if_blank:
            return None
        book = self.ctx.ops.query(dialog, books.find_book, code).value
        if book is None:
            dialog.code.setFocus()
            dialog.code.selectAll()
            return None
        dialog.code.setText(book.code)
        dialog.found.setText(book_summary(book))
        return book

    def _refund(self, dialog: ReverseBookDialog, book: BookInfo) -> Money | None:
        """The deposit returned for an issued book: its event's deposit per book."""
        if book.state != "issued" or not book.event_code:
            return None
        event = self.ctx.ops.query(dialog, events.find_event, book.event_code).value
        return event.deposit_per_book if event else None

    def _reverse(self, dialog: ReverseBookDialog) -> bool:
        book = self._look_up(dialog, quiet_if_blank=False)
        if book is None:
            return False
        _code, reason = dialog.values()
        if not reason:
            show_error(dialog, AppError(_("Give the reason for taking the book back.")))
            dialog.reason.setFocus()
            return False
        if not confirm(dialog, _("Take back a book"),
                       take_back_question(book, self._refund(dialog, book))):
            return False
        return self.ctx.ops.run(dialog, checkout.reverse_issue, book.code, reason).ok

    def reprint(self, name: str) -> None:
        """Preview the checkout sheet or deposit receipt of the chosen checkout again."""
        info = self.checkouts_table.selected()
        if info is not None:
            show_report(self, self.ctx, name, info.receipt_no, checkout_id=info.id)

    def reprint_labels(self) -> None:
        """Print the labels of the chosen checkout's books again."""
        info = self.checkouts_table.selected()
        if info is not None:
            print_labels(self, self.ctx, info.receipt_no + "-" + _("labels"),
                         checkout_id=info.id)
