"""Printed forms and exports: one entry point, `write_report`, for the GUI and the CLI.

Reports (name → formats → parameters):

=================  ===========  ==============================================================
name               formats      parameters
=================  ===========  ==============================================================
stock              .pdf .xlsx   series_id=None (None: every series)
requisition        .pdf .xlsx   event_id (required)
checkout_sheet     .pdf         checkout_id (required)
deposit_receipt    .pdf         checkout_id (required); A5 landscape (half A4)
labels_a4          .pdf         one of checkout_id= / event_id= / book_codes=[...];
                                columns=3, rows=8, first_position=1, margin_top_mm=4.5,
                                margin_bottom_mm=4.5, margin_left_mm=0, margin_right_mm=0,
                                gap_x_mm=0, gap_y_mm=0
labels_single      .pdf         one of checkout_id= / event_id= / book_codes=[...];
                                width_mm=60, height_mm=40
reconciliation     .pdf .xlsx   event_id (required); audit anchor in the footer (R3.2)
chase_list         .pdf .xlsx   event_id=None, manager=None (None: all); a section per
                                category manager (R3.3)
fine_notice        .pdf         event_id, merchant_id (required) (R3.4)
deposit_refund     .pdf         event_id, merchant_id (required); A5 landscape; refused before
                                the deposit is closed out (R3.5)
seal_label         .pdf         seal_id (required: id or seal number), event_id=None,
                                width_mm=60, height_mm=40, a4=False (True: one A4 page) (R3.6)
archive_label      .pdf         event_id (required); A4 (R3.7)
=================  ===========  ==============================================================

``event_id`` for labels means every issued or planned book of the event. ``book_codes`` accepts
book codes (``BJ0000001-0000050``) or any slip number of the book.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.errors import AppError, InputError
from app.i18n import N_, _
from app.reports.checkout.checkout_forms import write_checkout_sheet_pdf, write_deposit_receipt_pdf
from app.reports.checkout.labels import LabelSheet, write_label_sheet_pdf, write_single_labels_pdf
from app.reports.checkout.requisition import write_requisition_pdf
from app.reports.checkout.requisition_xlsx import write_requisition_xlsx
from app.reports.checkout.sources import label_books
from app.reports.core.label_kit import millimetres
from app.reports.returns import builders as after
from app.reports.stock.stock_pdf import write_stock_pdf
from app.reports.stock.stock_xlsx import write_stock_xlsx
from app.services.checkout.checkouts import get_checkout
from app.services.checkout.plan import plan_view
from app.services.core.actor import Actor
from app.services.events.events import get_event
from app.services.stock.report import stock_report

REQUIRED: Any = object()
"""Default marking a parameter that must be given."""
Builder = Callable[..., Path]
BOOK_SOURCES = {"checkout_id": None, "event_id": None, "book_codes": None}
SHEET_DEFAULTS = {"columns": 3, "rows": 8, "first_position": 1, "margin_top_mm": 4.5,
                  "margin_bottom_mm": 4.5, "margin_left_mm": 0.0, "margin_right_mm": 0.0,
                  "gap_x_mm": 0.0, "gap_y_mm": 0.0}


@dataclass(frozen=True)
class ReportSpec:
    """One report the GUI and CLI can ask for."""

    title: str
    """English name, marked for translation (show it with `_()`)."""
    builders: dict[str, Builder]
    """File suffix (``.pdf``, ``.xlsx``) → ``builder(actor, path, **params)``."""
    params: dict[str, Any] = field(default_factory=dict)
    """Accepted parameters and their defaults (`REQUIRED` when there is none)."""


def _stock_pdf(actor: Actor, path: Path, series_id: str | None) -> Path:
    return write_stock_pdf(stock_report(actor, series_id), path)


def _stock_xlsx(actor: Actor, path: Path, series_id: str | None) -> Path:
    return write_stock_xlsx(stock_report(actor, series_id), path)


def _requisition_pdf(actor: Actor, path: Path, event_id: str) -> Path:
    return write_requisition_pdf(get_event(actor, event_id), plan_view(actor, event_id), path)


def _requisition_xlsx(actor: Actor, path: Path, event_id: str) -> Path:
    return write_requisition_xlsx(get_event(actor, event_id), plan_view(actor, event_id), path)


def _checkout_sheet(actor: Actor, path: Path, checkout_id: str) -> Path:
    return write_checkout_sheet_pdf(get_checkout(actor, checkout_id), path)


def _deposit_receipt(actor: Actor, path: Path, checkout_id: str) -> Path:
    return write_deposit_receipt_pdf(get_checkout(actor, checkout_id), path)


def _int_param(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(_("{name} must be a whole number.").format(name=name))
    return value


def _labels_a4(actor: Actor, path: Path, checkout_id: str | None, event_id: str | None,
               book_codes: list[str] | None, first_position: int, **grid: Any) -> Path:
    sheet = LabelSheet(
        columns=_int_param(grid["columns"], "columns"), rows=_int_param(grid["rows"], "rows"),
        **{key.removesuffix("_mm"): millimetres(grid[key], key)
           for key in SHEET_DEFAULTS if key.endswith("_mm")})
    books = label_books(actor, checkout_id, event_id, book_codes)
    return write_label_sheet_pdf(books, path, sheet,
                                 _int_param(first_position, "first_position"))


def _labels_single(actor: Actor, path: Path, checkout_id: str | None, event_id: str | None,
                   book_codes: list[str] | None, width_mm: float, height_mm: float) -> Path:
    books = label_books(actor, checkout_id, event_id, book_codes)
    return write_single_labels_pdf(books, path, millimetres(width_mm, "width_mm"),
                                   millimetres(height_mm, "height_mm"))


REPORTS: dict[str, ReportSpec] = {
    "stock": ReportSpec(N_("Blank order book stock report"),
                        {".pdf": _stock_pdf, ".xlsx": _stock_xlsx}, {"series_id": None}),
    "requisition": ReportSpec(N_("Order book requisition table"),
                              {".pdf": _requisition_pdf, ".xlsx": _requisition_xlsx},
                              {"event_id": REQUIRED}),
    "checkout_sheet": ReportSpec(N_("Order book checkout sheet"), {".pdf": _checkout_sheet},
                                 {"checkout_id": REQUIRED}),
    "deposit_receipt": ReportSpec(N_("Deposit receipt"), {".pdf": _deposit_receipt},
                                  {"checkout_id": REQUIRED}),
    "labels_a4": ReportSpec(N_("Book labels (A4 sheets)"), {".pdf": _labels_a4},
                            {**BOOK_SOURCES, **SHEET_DEFAULTS}),
    "labels_single": ReportSpec(N_("Book labels (label printer)"), {".pdf": _labels_single},
                                {**BOOK_SOURCES, "width_mm": 60.0, "height_mm": 40.0}),
    "reconciliation": ReportSpec(N_("Order slip reconciliation"),
                                 {".pdf": after.reconciliation_pdf,
                                  ".xlsx": after.reconciliation_xlsx}, {"event_id": REQUIRED}),
    "chase_list": ReportSpec(N_("Missing slip chase list"),
                             {".pdf": after.chase_pdf, ".xlsx": after.chase_xlsx},
                             {"event_id": None, "manager": None}),
    "fine_notice": ReportSpec(N_("Fine notice"), {".pdf": after.fine_notice_pdf},
                              {"event_id": REQUIRED, "merchant_id": REQUIRED}),
    "deposit_refund": ReportSpec(N_("Deposit refund receipt"),
                                 {".pdf": after.deposit_refund_pdf},
                                 {"event_id": REQUIRED, "merchant_id": REQUIRED}),
    "seal_label": ReportSpec(N_("Void slip seal label"), {".pdf": after.seal_label_pdf},
                             {"seal_id": REQUIRED, **after.SEAL_LABEL_DEFAULTS}),
    "archive_label": ReportSpec(N_("Archive bag label"), {".pdf": after.archive_label_pdf},
                                {"event_id": REQUIRED}),
}


def _spec_and_builder(name: str, path: Path) -> tuple[ReportSpec, Builder]:
    spec = REPORTS.get(name)
    if spec is None:
        raise InputError(_("There is no report called '{name}'. Reports: {names}.").format(
            name=name, names=", ".join(REPORTS)))
    builder = spec.builders.get(path.suffix.lower())
    if builder is None:
        raise InputError(_("{report} can be saved as {formats}, not as '{suffix}'.").format(
            report=_(spec.title), formats=", ".join(spec.builders),
            suffix=path.suffix or path.name))
    return spec, builder


def _arguments(spec: ReportSpec, params: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(params) - set(spec.params))
    if unknown:
        raise InputError(_("{report} does not take: {names}.").format(
            report=_(spec.title), names=", ".join(unknown)))
    args = {**spec.params, **params}
    missing = [k for k, default in spec.params.items()
               if default is REQUIRED and args[k] in (REQUIRED, None, "")]
    if missing:
        raise InputError(_("{report} needs: {names}.").format(
            report=_(spec.title), names=", ".join(missing)))
    return args


def _write_atomically(builder: Builder, actor: Actor, path: Path, args: dict[str, Any]) -> None:
    handle, temp = tempfile.mkstemp(suffix=path.suffix, prefix=".orderbook-",
                                    dir=path.parent)
    os.close(handle)
    try:
        builder(actor, Path(temp), **args)
        os.replace(temp, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)


def write_report(actor: Actor, name: str, path: str | Path, **params: Any) -> Path:
    """Build report `name` into `path`; the suffix (.pdf / .xlsx) picks the format.

    See the module docstring for each report's formats and parameters. The file is written to
    a temporary file beside `path` and moved into place, so a failed build leaves no partial file.

    Raises:
        InputError: unknown report, unsupported format, unknown/missing/bad parameter, or
            nothing to print. NotFound: unknown event, checkout, series or book.
        AppError: no Chinese font installed, or the file cannot be written.
    """
    target = Path(path)
    spec, builder = _spec_and_builder(name, target)
    args = _arguments(spec, params)
    if not target.parent.is_dir():
        raise AppError(_("The folder {folder} does not exist.").format(folder=target.parent))
    try:
        _write_atomically(builder, actor, target, args)
    except OSError as exc:
        raise AppError(_("Cannot write {path} ({reason}). If it is open in another program, "
                         "close it and try again.").format(path=target, reason=exc.strerror or exc)
                       ) from exc
    return target
