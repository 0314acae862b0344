"""Business settings kept in the database: organization name and default policy values."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QWidget

from app.i18n import _
from app.services.admin import settings
from ui.common.context import UiContext
from ui.common.widgets import SubmitDialog, info_label, money_text


class BusinessSettingsDialog(SubmitDialog):
    """Organization printed on every form; default deposit and fine for new events."""

    def __init__(self, parent: QWidget | None, ctx: UiContext) -> None:
        super().__init__(parent, _("Organization and policy values"))
        self.ctx = ctx
        self.organization = QLineEdit(self)
        self.deposit = QLineEdit(self)
        self.fine = QLineEdit(self)
        self.form.addRow(_("Organization name"), self.organization)
        self.form.addRow(_("Deposit per book (¥)"), self.deposit)
        self.form.addRow(_("Fine per missing slip (¥)"), self.fine)
        self.form.addRow(info_label(_("The amounts are defaults for new events; each event keeps "
                                      "its own values.")))
        current = ctx.ops.query(parent, settings.get_settings).value
        if current is not None:
            self.organization.setText(current.organization)
            self.deposit.setText(money_text(current.deposit_per_book))
            self.fine.setText(money_text(current.fine_per_slip))
        self.set_submit(self._save)
        self.organization.setFocus()

    def _save(self) -> bool:
        return self.ctx.ops.run(self, settings.update_settings,
                                organization=self.organization.text(),
                                deposit_per_book=self.deposit.text().strip(),
                                fine_per_slip=self.fine.text().strip()).ok
