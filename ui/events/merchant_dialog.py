"""Adding or editing a merchant (商家)."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QWidget

from app.i18n import _
from app.services.events.merchants import MerchantInfo
from ui.common.widgets import SubmitDialog

FIELDS = ("brand", "company", "category", "category_manager", "contact", "phone",
          "commission_percent")


class MerchantDialog(SubmitDialog):
    """The merchant's fields; the service checks them."""

    def __init__(self, parent: QWidget | None, merchant: MerchantInfo | None = None) -> None:
        title = _("Edit merchant") if merchant else _("New merchant")
        super().__init__(parent, title)
        self.merchant = merchant
        self.edits: dict[str, QLineEdit] = {}
        labels = (_("Brand"), _("Company"), _("Category"), _("Category manager"), _("Contact"),
                  _("Phone"), _("Commission %"))
        for key, label in zip(FIELDS, labels, strict=True):
            edit = QLineEdit(self)
            self.edits[key] = edit
            self.form.addRow(label, edit)
        self.edits["category"].setPlaceholderText(_("e.g. 瓷砖, 地板, 卫浴, 橱柜"))
        self.edits["commission_percent"].setPlaceholderText(_("e.g. 3 or 2.5"))
        if merchant:
            self._fill(merchant)
        self.edits["brand"].setFocus()

    def _fill(self, merchant: MerchantInfo) -> None:
        for key, edit in self.edits.items():
            edit.setText(str(getattr(merchant, key)))

    def values(self) -> dict[str, str]:
        """Field → text as typed."""
        return {key: edit.text().strip() for key, edit in self.edits.items()}
