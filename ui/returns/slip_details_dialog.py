"""Customer details of a used slip: name, phone, deal amount and 订金, now or later (issue 4,
point 2). Refunds and settlement read them.

The clerk opens it from the return screen with a scanner in hand, so it is a
`ScannerSafeDialog`: Enter moves to the next field, saving takes a click or Ctrl+Enter, and a
slip number or book code scanned into the name or phone field is refused in the dialog."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QWidget

from app.domain.money import Money
from app.i18n import _
from app.services.returns import slip_details
from app.services.returns.slip_details import SlipInfo
from ui.common.context import UiContext
from ui.common.scanner_safe import ScannerSafeDialog
from ui.common.widgets import tab_chain, value_label


def amount_text(money: Money | None) -> str:
    """An amount as the clerk types it (``18000.00``), blank for none."""
    if money is None:
        return ""
    yuan, fen = divmod(money.fen, 100)
    return f"{yuan}.{fen:02d}"


class SlipDetailsDialog(ScannerSafeDialog):
    """Edit the customer details of one used slip; OK saves them (blank clears a field)."""

    def __init__(self, parent: QWidget | None, ctx: UiContext, info: SlipInfo) -> None:
        super().__init__(parent, _("Customer details: {number}").format(number=info.number))
        self.ctx = ctx
        self.info = info
        self.customer = QLineEdit(info.customer_name, self)
        self.phone = QLineEdit(info.customer_phone, self)
        self.deal = QLineEdit(amount_text(info.deal), self)
        self.deposit = QLineEdit(amount_text(info.customer_deposit), self)
        self.deal.setPlaceholderText(_("e.g. 18000"))
        self.deposit.setPlaceholderText(_("e.g. 2000"))
        self.form.addRow(_("Slip"), value_label(
            f"{info.number}  ·  {info.brand}  ·  {info.event_code}  ·  {info.state_label}"))
        self.form.addRow(_("Customer"), self.customer)
        self.form.addRow(_("Phone"), self.phone)
        self.form.addRow(_("Deal amount"), self.deal)
        self.form.addRow(_("Customer deposit (订金)"), self.deposit)
        tab_chain(self.customer, self.phone, self.deal, self.deposit)
        self.refuse_codes(self.customer, _("Customer"))
        self.refuse_codes(self.phone, _("Phone"))
        self.set_ok_text(_("Save"))
        self.set_submit(self.save)
        self.customer.setFocus()

    def values(self) -> tuple[str, str, str, str]:
        """(customer, phone, deal, 订金) as typed."""
        return (self.customer.text().strip(), self.phone.text().strip(),
                self.deal.text().strip(), self.deposit.text().strip())

    def save(self) -> bool:
        """Record the details (the service checks phone and amounts)."""
        result = self.ctx.ops.run(self, slip_details.set_slip_details, self.info.number,
                                  *self.values())
        if result.ok and result.value is not None:
            self.info = result.value
        return result.ok
