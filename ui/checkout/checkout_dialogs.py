"""Dialogs of the checkout area: sign for books, extra books, take back a book, print after."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QDialogButtonBox, QLineEdit, QSpinBox, QWidget

from app.domain.money import Money
from app.i18n import _
from app.services.checkout.plan import PlanLine
from app.services.core.books import BookInfo, state_label
from app.services.events.events import EventInfo
from ui.common.widgets import SubmitDialog, info_label, payment_combo, value_label

MAX_EXTRA = 1000


class _SignDialog(SubmitDialog):
    """Common fields: who signs, how the deposit is paid, receipt number."""

    def _add_sign_fields(self, signer: str) -> None:
        self.signed_by = QLineEdit(signer, self)
        self.payment = payment_combo(self)
        self.receipt = QLineEdit(self)
        self.receipt.setPlaceholderText(_("Blank: numbered automatically"))
        self.form.addRow(_("Signed by"), self.signed_by)
        self.form.addRow(_("Payment method"), self.payment)
        self.form.addRow(_("Receipt no."), self.receipt)

    def sign_values(self) -> tuple[str, str, str]:
        """(signed by, payment method code, receipt number or '')."""
        return (self.signed_by.text().strip(), str(self.payment.currentData()),
                self.receipt.text().strip())


class CheckoutDialog(_SignDialog):
    """A merchant signs for its planned books and pays the deposit (R2.2)."""

    def __init__(self, parent: QWidget | None, event: EventInfo, line: PlanLine,
                 signer: str = "") -> None:
        super().__init__(parent, _("Check out books: {brand}").format(brand=line.brand))
        self.form.addRow(_("Event"), value_label(f"{event.code}  {event.name}"))
        self.form.addRow(_("Merchant"), value_label(line.brand))
        self.form.addRow(_("Book count"), value_label(f"{line.planned_books:,}"))
        self.form.addRow(_("Ranges"), value_label(line.planned_ranges))
        self.form.addRow(_("Deposit"), value_label(str(line.planned_deposit)))
        self._add_sign_fields(signer)
        self.signed_by.setFocus()
        self.signed_by.selectAll()


class ExtraBooksDialog(_SignDialog):
    """More books for a merchant during the event, each with its deposit (R2.3)."""

    def __init__(self, parent: QWidget | None, event: EventInfo, brand: str,
                 signer: str = "") -> None:
        super().__init__(parent, _("Extra books: {brand}").format(brand=brand))
        self.event_info = event
        self.books = QSpinBox(self)
        self.books.setRange(1, MAX_EXTRA)
        self.deposit = value_label()
        self.form.addRow(_("Merchant"), value_label(brand))
        self.form.addRow(_("Book count"), self.books)
        self.form.addRow(_("Deposit"), self.deposit)
        self._add_sign_fields(signer)
        self.books.valueChanged.connect(self._show_deposit)
        self._show_deposit()
        self.books.setFocus()
        self.books.selectAll()

    def _show_deposit(self) -> None:
        per_book = self.event_info.deposit_per_book
        books = self.books.value()
        self.deposit.setText(f"{books} × {per_book} = {per_book * books}")


class ReverseBookDialog(SubmitDialog):
    """Take back a book issued by mistake: scan or type its code, give a reason."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent, _("Take back a book issued by mistake"))
        self.code = QLineEdit(self)
        self.code.setPlaceholderText(_("Scan the label or type e.g. BJ0000001-0000050"))
        self.found = value_label(_("Scan or type the code, then press Enter."))
        self.reason = QLineEdit(self)
        self.form.addRow(_("Book code"), self.code)
        self.form.addRow("", self.found)
        self.form.addRow(_("Reason"), self.reason)
        for std in (QDialogButtonBox.StandardButton.Ok, QDialogButtonBox.StandardButton.Cancel):
            self.buttons.button(std).setAutoDefault(False)
            self.buttons.button(std).setDefault(False)
        self.reason.returnPressed.connect(self.try_accept)
        self.code.setFocus()

    def values(self) -> tuple[str, str]:
        """(book code, reason) as typed."""
        return self.code.text().strip(), self.reason.text().strip()


def book_summary(book: BookInfo) -> str:
    """One line under the scanned code: code · state · event · brand."""
    return "  ·  ".join(part for part in (book.code, state_label(book.state), book.event_code,
                                          book.brand) if part)


def take_back_question(book: BookInfo, refund: Money | None) -> str:
    """The confirmation naming the whole book, its merchant and the deposit returned."""
    lines = [_("Take this book back to stock?"), "",
             _("Book: {code}").format(code=book.code),
             _("Numbers: {first} – {last} ({slips} slips)").format(
                 first=book.first, last=book.last, slips=f"{book.slips:,}"),
             _("State: {state}").format(state=state_label(book.state)),
             _("Merchant: {brand}").format(brand=book.brand or "—"),
             _("Event: {code}").format(code=book.event_code or "—")]
    if refund is not None:
        lines.append(_("Deposit to return: {amount}").format(amount=refund))
    return "\n".join(lines)


class PrintAfterCheckoutDialog(SubmitDialog):
    """Which papers to print now for a checkout (R2.4)."""

    def __init__(self, parent: QWidget | None, brand: str) -> None:
        super().__init__(parent, _("Print: {brand}").format(brand=brand))
        self.sheet = QCheckBox(_("Checkout sheet (to sign)"), self)
        self.receipt = QCheckBox(_("Deposit receipt"), self)
        self.labels = QCheckBox(_("Book labels"), self)
        self.form.addRow(info_label(_("The books were checked out. Print now?")))
        for box in (self.sheet, self.receipt, self.labels):
            box.setChecked(True)
            self.form.addRow(box)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Print"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Later"))
