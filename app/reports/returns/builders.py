"""The after-event reports as `write_report` builders: ``builder(actor, path, **params)``.

Each one gathers its record through `after_event_sources` (service queries, refusals) and hands
it to a drawing function; `app.reports` registers them by name.
"""

from __future__ import annotations

from pathlib import Path

from app.errors import InputError
from app.i18n import _
from app.reports.core.label_kit import millimetres
from app.reports.returns.after_event import write_chase_pdf, write_reconciliation_pdf
from app.reports.returns.forms import write_fine_notice_pdf, write_refund_receipt_pdf
from app.reports.returns.labels import (
    write_archive_label_pdf,
    write_seal_a4_pdf,
    write_seal_label_pdf,
)
from app.reports.returns.sources import (
    archive_form,
    chase_form,
    find_seal,
    fine_form,
    reconciliation_form,
    refund_form,
)
from app.reports.returns.xlsx import write_chase_xlsx, write_reconciliation_xlsx
from app.services.core.actor import Actor

SEAL_LABEL_DEFAULTS = {"event_id": None, "width_mm": 60.0, "height_mm": 40.0, "a4": False}
"""Optional parameters of ``seal_label``: the event to look in, the label-printer size, or one
A4 page instead."""


def reconciliation_pdf(actor: Actor, path: Path, event_id: str) -> Path:
    """The reconciliation table as PDF."""
    return write_reconciliation_pdf(reconciliation_form(actor, event_id), path)


def reconciliation_xlsx(actor: Actor, path: Path, event_id: str) -> Path:
    """The reconciliation table as xlsx."""
    return write_reconciliation_xlsx(reconciliation_form(actor, event_id), path)


def chase_pdf(actor: Actor, path: Path, event_id: str | None, manager: str | None) -> Path:
    """The chase list as PDF."""
    return write_chase_pdf(chase_form(actor, event_id, manager), path)


def chase_xlsx(actor: Actor, path: Path, event_id: str | None, manager: str | None) -> Path:
    """The chase list as xlsx."""
    return write_chase_xlsx(chase_form(actor, event_id, manager), path)


def fine_notice_pdf(actor: Actor, path: Path, event_id: str, merchant_id: str) -> Path:
    """The merchant's fine notice."""
    return write_fine_notice_pdf(fine_form(actor, event_id, merchant_id), path)


def deposit_refund_pdf(actor: Actor, path: Path, event_id: str, merchant_id: str) -> Path:
    """The deposit refund receipt (refused before the close-out)."""
    return write_refund_receipt_pdf(refund_form(actor, event_id, merchant_id), path)


def seal_label_pdf(actor: Actor, path: Path, seal_id: str, event_id: str | None,
                   width_mm: float, height_mm: float, a4: bool) -> Path:
    """The seal label: label-printer size, or one A4 page when `a4`."""
    if not isinstance(a4, bool):
        raise InputError(_("{name} must be true or false.").format(name="a4"))
    seal = find_seal(actor, seal_id, event_id)
    if a4:
        return write_seal_a4_pdf(seal, path)
    return write_seal_label_pdf(seal, path, millimetres(width_mm, "width_mm"),
                                millimetres(height_mm, "height_mm"))


def archive_label_pdf(actor: Actor, path: Path, event_id: str) -> Path:
    """The archive-bag label."""
    return write_archive_label_pdf(archive_form(actor, event_id), path)
