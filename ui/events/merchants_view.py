"""商家: the merchant list, add/edit, and the Excel template export and import."""

from __future__ import annotations

from decimal import Decimal
from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QMessageBox, QVBoxLayout, QWidget

from app.i18n import N_, _
from app.services.events import excel_io, excel_template, merchants
from app.services.events.merchants import MerchantInfo
from ui.common.area import AreaView
from ui.common.context import UiContext
from ui.common.table_model import RecordTableModel
from ui.common.widgets import RecordTable, button, button_row
from ui.events.merchant_dialog import MerchantDialog

XLSX_FILTER = N_("Excel workbook (*.xlsx)")


class MerchantTableModel(RecordTableModel[MerchantInfo]):
    """Merchants."""

    class Columns(IntEnum):
        BRAND = 0
        COMPANY = 1
        CATEGORY = 2
        MANAGER = 3
        CONTACT = 4
        PHONE = 5
        COMMISSION = 6

    headers = {Columns.BRAND: N_("Brand"), Columns.COMPANY: N_("Company"),
               Columns.CATEGORY: N_("Category"), Columns.MANAGER: N_("Category manager"),
               Columns.CONTACT: N_("Contact"), Columns.PHONE: N_("Phone"),
               Columns.COMMISSION: N_("Commission %")}
    number_columns = frozenset({Columns.COMMISSION})
    stretch_column = Columns.COMPANY
    widths = {Columns.BRAND: 16, Columns.COMPANY: 30, Columns.CATEGORY: 8, Columns.MANAGER: 10,
              Columns.CONTACT: 8, Columns.PHONE: 14, Columns.COMMISSION: 10}

    def value(self, record: MerchantInfo, column: Any) -> Any:
        """The cell value."""
        if column == self.Columns.COMMISSION:
            return Decimal(record.commission_percent)
        keys = ("brand", "company", "category", "category_manager", "contact", "phone")
        return getattr(record, keys[int(column)])


class MerchantsView(AreaView):
    """Sortable, filterable merchant list with add/edit and Excel exchange."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.table = RecordTable(MerchantTableModel(self), self,
                                 filter_placeholder=_("Filter by brand, company, category, "
                                                      "manager…"))
        self.add_button = button(_("New merchant…"), self.add_merchant, "Ctrl+N")
        self.edit_button = button(_("Edit…"), self.edit_merchant, "Ctrl+E")
        self.export_button = button(_("Export Excel template…"), self.export_template)
        self.import_button = button(_("Import from Excel…"), self.import_workbook, "Ctrl+I")
        self.ctx.guard({self.add_button: "merchants.create", self.edit_button: "merchants.update",
                        self.import_button: "excel.import"})
        layout = QVBoxLayout(self)
        layout.addLayout(button_row(self.add_button, self.edit_button, self.export_button,
                                    self.import_button))
        layout.addWidget(self.table)
        self.setFocusProxy(self.table.filter_edit)
        self.table.activated.connect(lambda _m: self.edit_merchant())
        self.table.selection_changed.connect(self._enable)
        self.reload()

    def _enable(self) -> None:
        self.edit_button.setEnabled(self.table.selected() is not None)

    def reload(self) -> None:
        """Fetch the merchants again."""
        rows = self.ctx.ops.query(self, merchants.list_merchants).value or []
        self.table.set_rows(rows, keep=lambda m: m.id)
        self._enable()

    def add_merchant(self) -> None:
        """Ask for and add a merchant."""
        dialog = MerchantDialog(self)
        dialog.set_submit(lambda: self._create(dialog))
        dialog.exec()

    def _create(self, dialog: MerchantDialog) -> bool:
        result = self.ctx.ops.run(dialog, merchants.create_merchant, **dialog.values())
        if result.ok and result.value is not None:
            new_id = result.value.id
            self.table.select_where(lambda m: m.id == new_id)
        return result.ok

    def edit_merchant(self) -> None:
        """Edit the selected merchant."""
        merchant = self.table.selected()
        if merchant is None:
            return
        dialog = MerchantDialog(self, merchant)
        dialog.set_submit(lambda: self.ctx.ops.run(
            dialog, merchants.update_merchant, merchant.id, **dialog.values()).ok)
        dialog.exec()

    def _start_folder(self, name: str) -> str:
        return str(Path(self.ctx.settings.last_folder or Path.home()) / name)

    def export_template(self) -> None:
        """Save an Excel template with the merchants filled in."""
        path, _chosen = QFileDialog.getSaveFileName(
            self, _("Export Excel template"), self._start_folder(_("merchants") + ".xlsx"),
            _(XLSX_FILTER))
        if not path:
            return
        path = path if path.lower().endswith(".xlsx") else path + ".xlsx"
        self.ctx.settings.last_folder = str(Path(path).parent)
        self.ctx.ops.run_in_background(
            self, _("Writing the template…"), excel_template.export_template, path, writes=False,
            on_success=lambda _r: QMessageBox.information(
                self, _("Done"), _("The template was saved to {path}.").format(path=path)))

    def import_workbook(self) -> None:
        """Import merchants and estimates from a filled-in workbook, all or nothing."""
        path, _chosen = QFileDialog.getOpenFileName(
            self, _("Import from Excel"), self._start_folder(""), _(XLSX_FILTER))
        if not path:
            return
        self.ctx.settings.last_folder = str(Path(path).parent)
        self.ctx.ops.run_in_background(self, _("Importing…"), excel_io.import_workbook, path,
                                       on_success=self._imported)

    def _imported(self, summary: Any) -> None:
        QMessageBox.information(self, _("Import finished"), summary.describe())
