"""Producing a report (app.reports) off the GUI thread and opening its preview."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QDialog, QWidget

from app.i18n import _
from app.reports.registry import REPORTS, write_report
from ui.common.context import UiContext
from ui.common.label_options import LabelOptionsDialog
from ui.common.print_preview import PreviewDialog

_temp: list[Path] = []


def report_title(name: str) -> str:
    """The translated title of a report."""
    spec = REPORTS.get(name)
    return _(spec.title) if spec else name


def offers_xlsx(name: str) -> bool:
    """True when the report can also be saved as an Excel workbook."""
    spec = REPORTS.get(name)
    return spec is not None and ".xlsx" in spec.builders


def temp_folder() -> Path:
    """A private folder for preview PDFs, removed when the program ends."""
    if not _temp:
        _temp.append(Path(tempfile.mkdtemp(prefix="orderbook-preview-")))
        atexit.register(shutil.rmtree, _temp[0], True)
    return _temp[0]


def show_report(parent: QWidget | None, ctx: UiContext, name: str, file_stem: str,
                **params: Any) -> None:
    """Build report `name` as PDF in the background, then open its preview."""
    folder = temp_folder()
    handle, temp = tempfile.mkstemp(suffix=".pdf", prefix=name + "-", dir=folder)
    os.close(handle)
    path = Path(temp)
    title = report_title(name)

    def save_xlsx(target: str) -> None:
        ctx.ops.run_in_background(parent, _("Saving {title}…").format(title=title), write_report,
                                  name, target, writes=False, **params)

    def opened(_result: object) -> None:
        dialog = PreviewDialog(parent, path, title, ctx.settings,
                               save_xlsx if offers_xlsx(name) else None, file_stem)
        dialog.setModal(False)
        dialog.show()

    ctx.ops.run_in_background(parent, _("Preparing {title}…").format(title=title), write_report,
                              name, str(path), on_success=opened, writes=False, **params)


def print_labels(parent: QWidget | None, ctx: UiContext, file_stem: str,
                 **source: Any) -> None:
    """Ask for the label layout, then preview labels for `source` (checkout_id=, event_id= or
    book_codes=)."""
    dialog = LabelOptionsDialog(parent, ctx.settings.labels)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return
    prefs = dialog.prefs()
    ctx.settings.labels = prefs
    if prefs.mode == "single":
        show_report(parent, ctx, "labels_single", file_stem, **source)
    else:
        show_report(parent, ctx, "labels_a4", file_stem, columns=prefs.columns, rows=prefs.rows,
                    first_position=prefs.first_position, **source)
