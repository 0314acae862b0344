"""The reconciliation table (R3.2) and the chase list (追回清单, R3.3) as A4 PDFs.

The reconciliation table prints the audit chain's newest hash in the footer of every page (the
"audit anchor"): a later rewrite of the whole database cannot reproduce the paper (PITFALLS.md).
The chase list starts a new page for each category manager, whose name repeats in the table
heading on every page of their section.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
)

from app.domain.returns import Counts
from app.i18n import N_, _
from app.reports.core.layout import (
    TOTAL_GREY,
    build_pdf,
    count,
    event_dates,
    field_table,
    form_header,
    grid_table,
    para,
    signature_block,
    styles,
)
from app.reports.returns.sources import ChaseForm, ChaseSection, ReconciliationForm
from app.services.events.events import EventInfo
from app.services.returns.chase import ChaseItem
from app.services.returns.reconciliation import ReconLine

RECON_WIDTHS = [11 * mm, 30 * mm, 17 * mm, 14 * mm, 13 * mm, 13 * mm, 13 * mm, 13 * mm,
                20 * mm, 14 * mm, 22 * mm]
CHASE_WIDTHS = [11 * mm, 28 * mm, 26 * mm, 43 * mm, 22 * mm, 22 * mm, 28 * mm]
RETURN_STATE_LABELS = {"not_started": N_("Not started"), "open": N_("In progress"),
                       "closed": N_("Closed")}


@cache
def _head_style() -> ParagraphStyle:
    """Column headings that wrap between words only ("Not entered", never "Not ent-ered")."""
    return ParagraphStyle("head_words", styles()["cell_head"], fontSize=8, leading=10,
                          wordWrap=None)


def head(text: str) -> Paragraph:
    """A column heading cell."""
    return Paragraph(escape(text), _head_style())


def reconciliation_title() -> str:
    """The reconciliation table's name."""
    return _("Order slip reconciliation")


def chase_title() -> str:
    """The chase list's name."""
    return _("Missing slip chase list")


def return_state_label(state: str) -> str:
    """Translated state of a merchant's return check."""
    return _(RETURN_STATE_LABELS.get(state, state))


def audit_anchor(head: str) -> str:
    """The footer line naming the audit chain's newest hash."""
    return _("Audit anchor: {hash}").format(hash=head or _("(empty audit trail)"))


def reconciliation_headers() -> list[str]:
    """Column headings, shared by the PDF and the xlsx export."""
    return [_("No."), _("Brand"), _("Category manager"), _("Issued"), _("Used"), _("Unused"),
            _("Void"), _("Missing"), _("of which written off"), _("Not entered"),
            _("Return state")]


def count_values(counts: Counts) -> list[int]:
    """Issued, used, unused, void, missing (still missing + written off), written off, not
    entered: the numeric columns in heading order."""
    return [counts.issued, counts.used, counts.unused, counts.void, counts.missing_total,
            counts.written_off, counts.not_entered]


def _event_block(form: ReconciliationForm) -> Flowable:
    event = form.event
    pairs = [(_("Event code"), event.code), (_("Event name"), event.name),
             (_("Dates"), event_dates(event)), (_("Venue"), event.venue),
             (_("Event state"), form.status.label),
             (_("Merchants"), str(len(form.table.lines)))]
    return field_table(pairs, [22 * mm, 68 * mm, 22 * mm, 68 * mm])


def _recon_row(no: int, line: ReconLine) -> list[Any]:
    numbers = [para(count(n), "cell_right") for n in count_values(line.counts)]
    return [para(no, "cell_right"), para(line.brand, "cell"),
            para(line.category_manager, "cell"), *numbers,
            para(return_state_label(line.return_state), "cell")]


def _recon_total(total: Counts, merchants: int) -> list[Any]:
    numbers = [para(count(n), "cell_right") for n in count_values(total)]
    return ["", para(_("Total: {n} merchants").format(n=merchants), "cell"), "", *numbers, ""]


def _recon_table(form: ReconciliationForm) -> Flowable:
    rows: list[list[Any]] = [[head(h) for h in reconciliation_headers()]]
    rows += [_recon_row(no, line) for no, line in enumerate(form.table.lines, start=1)]
    rows.append(_recon_total(form.table.total, len(form.table.lines)))
    table = grid_table(rows, RECON_WIDTHS, total_row=True)
    table.setStyle([("SPAN", (1, -1), (2, -1)), ("LEFTPADDING", (0, 0), (-1, -1), 3),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 3)])
    return table


def reconciliation_story(form: ReconciliationForm) -> list[Flowable]:
    """Title, event block, the per-merchant table with its total line, the rule, signatures."""
    rule = _("Issued = used + unused + void + missing (+ not entered while the return check "
             "is open). Missing counts slips still being chased and slips written off.")
    signatures = signature_block([(_("Clerk signature"), _("Date")),
                                  (_("Checked by"), _("Date"))], 180 * mm)
    return [para(reconciliation_title(), "title"),
            para(f"{form.event.code} {form.event.name}", "subtitle"), _event_block(form),
            Spacer(1, 4 * mm), _recon_table(form),
            KeepTogether([Spacer(1, 3 * mm), para(rule, "small"), signatures])]


def write_reconciliation_pdf(form: ReconciliationForm, path: Path) -> Path:
    """Write the reconciliation table (A4 portrait) with the audit anchor in the footer."""
    header = replace(form_header(f"{reconciliation_title()} · {form.event.code}"),
                     anchor=audit_anchor(form.table.audit_head))
    return build_pdf(path, reconciliation_story(form), header)


def manager_label(manager: str) -> str:
    """The manager's name, or a note that nobody is named yet."""
    return manager or _("(no manager named)")


def days_overdue(item: ChaseItem, today: dt.date | None = None) -> int | None:
    """Days past the due date of an overdue slip, None when it is not overdue."""
    if not item.overdue or item.due is None:
        return None
    return ((today or dt.date.today()) - item.due).days


def overdue_text(item: ChaseItem, today: dt.date | None = None) -> str:
    """``逾期 3 天`` for an overdue slip, '' otherwise."""
    days = days_overdue(item, today)
    return "" if days is None else _("Overdue {n} days").format(n=days)


def chase_headers() -> list[str]:
    """Column headings of the chase list."""
    return [_("No."), _("Slip number"), _("Event"), _("Brand"), _("Due date"), _("Overdue"),
            _("Result")]


def _chase_row(no: int, item: ChaseItem) -> list[Any]:
    return [para(no, "cell_right"), para(item.number, "cell_code"),
            para(item.event_code, "cell_code"), para(item.brand, "cell"),
            para(item.due.isoformat() if item.due else "—", "cell_code"),
            para(overdue_text(item), "cell"), ""]


def _section_table(section: ChaseSection) -> Flowable:
    heading = _("Category manager: {name} · {n} slips").format(
        name=manager_label(section.manager), n=len(section.items))
    rows: list[list[Any]] = [[para(heading, "body")] + [""] * (len(CHASE_WIDTHS) - 1),
                             [head(h) for h in chase_headers()]]
    rows += [_chase_row(no, item) for no, item in enumerate(section.items, start=1)]
    table = grid_table(rows, CHASE_WIDTHS, header_rows=2)
    overdue = [("BACKGROUND", (5, r), (5, r), TOTAL_GREY) for r, item in
               enumerate(section.items, start=2) if item.overdue]
    table.setStyle([("SPAN", (0, 0), (-1, 0))] + overdue)
    return table


def chase_scope(form: ChaseForm) -> str:
    """Which event and manager the list covers."""
    event: EventInfo | None = form.event
    where = f"{event.code} {event.name}" if event else _("All events")
    if form.manager:
        return f"{where} · {manager_label(form.manager)}"
    return where


def chase_story(form: ChaseForm) -> list[Flowable]:
    """One section per manager, each starting on a new page."""
    intro = [para(chase_title(), "title"), para(chase_scope(form), "subtitle")]
    if not form.sections:
        return intro + [para(_("No slips are missing: there is nothing to chase."), "body")]
    note = _("Please return every slip found to the order clerk; note the result in the last "
             "column.")
    story: list[Flowable] = []
    for index, section in enumerate(form.sections):
        if index:
            story.append(PageBreak())
        story += intro + [_section_table(section), Spacer(1, 3 * mm), para(note, "small")]
    return story


def write_chase_pdf(form: ChaseForm, path: Path) -> Path:
    """Write the chase list (A4 portrait), a new page for each category manager."""
    scope = form.event.code if form.event else _("All events")
    header = form_header(f"{chase_title()} · {scope}")
    return build_pdf(path, chase_story(form), header)
