"""The fine notice (罚款通知单, R3.4, A4) and the deposit refund receipt (押金退还收据, R3.5,
A5 landscape like the deposit receipt), with amounts in figures and Chinese capital numerals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A5, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from app.domain.money import Money, chinese_capital, format_money
from app.domain.payments import payment_label
from app.i18n import _
from app.reports.core.layout import (
    HEADER_GREY,
    build_pdf,
    count,
    field_table,
    form_header,
    grid_table,
    local_time,
    para,
    ruled_commands,
    signature_block,
)
from app.reports.returns.after_event import head
from app.reports.returns.sources import FineForm, RefundForm

FINE_WIDTHS = [14 * mm, 60 * mm, 40 * mm]


def fine_notice_title() -> str:
    """The fine notice's name."""
    return _("Fine notice")


def refund_receipt_title() -> str:
    """The deposit refund receipt's name."""
    return _("Deposit refund receipt")


def in_words(amount: Money) -> str:
    """``¥200.00（人民币贰佰元整）``."""
    return f"{format_money(amount)}（{chinese_capital(amount)}）"


def _party(brand: str, company: str) -> str:
    return f"{brand}（{company}）" if company else brand


def _fine_fields(form: FineForm) -> list[tuple[str, Any]]:
    return [(_("Event"), f"{form.event.code} {form.event.name}"),
            (_("Brand"), form.merchant.brand), (_("Company"), form.merchant.company),
            (_("Category manager"), form.merchant.category_manager),
            (_("Fine per slip"), format_money(form.fines.per_slip)),
            (_("Slips written off"), count(len(form.fines.slips)))]


def _fine_table(form: FineForm) -> Flowable:
    head_row = [head(h) for h in (_("No."), _("Slip number"), _("Fine"))]
    rows: list[list[Any]] = [head_row]
    rows += [[para(no, "cell_right"), para(slip, "cell_code"),
              para(format_money(form.fines.per_slip), "cell_right")]
             for no, slip in enumerate(form.fines.slips, start=1)]
    rows.append(["", para(_("Total: {n} slips").format(n=len(form.fines.slips)), "cell"),
                 para(format_money(form.fines.total), "cell_right")])
    return grid_table(rows, FINE_WIDTHS, total_row=True)


def _amount_table(pairs: list[tuple[str, str]]) -> Table:
    """Label/amount rows in the body font, labels shaded."""
    rows = [[para(label, "cell"), para(value, "body")] for label, value in pairs]
    table = Table(rows, colWidths=[40 * mm, 140 * mm], hAlign="LEFT")
    table.setStyle(TableStyle(ruled_commands() + [("BACKGROUND", (0, 0), (0, -1),
                                                   HEADER_GREY)]))
    return table


def fine_notice_story(form: FineForm) -> list[Flowable]:
    """Addressee, the written-off slips with their fines, the total in figures and capitals,
    what happens to it, and the signature lines."""
    fines, event = form.fines, form.event
    to = _("To: {party}").format(party=_party(form.merchant.brand, form.merchant.company))
    body = _("The {n} order slips below, issued to you for {event}, were not returned and could "
             "not be recovered. Under the event's rules each of them is written off and fined "
             "{fine}.").format(n=len(fines.slips), event=f"{event.code} {event.name}",
                               fine=format_money(fines.per_slip))
    after = _("The fines are deducted from your order book deposit when it is closed out; "
              "fines above the deposit are offset in your monthly settlement.")
    amounts = _amount_table([(_("Total fines"), format_money(fines.total)),
                             (_("Total fines in words"), chinese_capital(fines.total))])
    signatures = signature_block([(_("Merchant signature"), _("Date")),
                                  (_("Clerk signature"), _("Date"))], 180 * mm)
    return [para(fine_notice_title(), "title"),
            para(f"{event.code} · {form.merchant.brand}", "subtitle"),
            para(to, "body"), Spacer(1, 2 * mm),
            field_table(_fine_fields(form), [24 * mm, 66 * mm, 24 * mm, 66 * mm]),
            Spacer(1, 3 * mm), para(body, "body"), Spacer(1, 3 * mm), _fine_table(form),
            Spacer(1, 3 * mm),
            KeepTogether([amounts, Spacer(1, 3 * mm), para(after, "small"), signatures])]


def write_fine_notice_pdf(form: FineForm, path: Path) -> Path:
    """Write the merchant's fine notice (A4 portrait)."""
    header = form_header(f"{fine_notice_title()} · {form.event.code} · {form.merchant.brand}")
    return build_pdf(path, fine_notice_story(form), header)


def _fines_text(form: RefundForm) -> str:
    fines = format_money(form.status.fines)
    if not form.written_off:
        return fines
    return _("{amount} ({n} slips written off)").format(amount=fines, n=form.written_off)


def _refund_fields(form: RefundForm) -> list[tuple[str, Any]]:
    s = form.status
    date = local_time(s.closed_at).date().isoformat() if s.closed_at else ""
    fields: list[tuple[str, Any]] = [
        (_("Receipt no."), s.receipt_no), (_("Date"), date),
        (_("Paid to"), _party(s.brand, s.company)),
        (_("Event"), f"{s.event_code} {s.event_name}"),
        (_("Deposit held"), format_money(s.deposit)), (_("Fines"), _fines_text(form)),
        (_("Refund in words"), para(chinese_capital(s.refund), "body")),
        (_("Refund"), para(format_money(s.refund), "body")),
    ]
    if s.shortfall.fen:
        fields.append((_("Shortfall owed"), para(_(
            "The fines exceed the deposit: the merchant owes {amount}, which is offset in the "
            "merchant's monthly settlement.").format(amount=in_words(s.shortfall)), "body")))
    if s.refund.fen:
        fields.append((_("Payment method"), payment_label(s.payment_method)))
    return fields


def _refund_table(form: RefundForm) -> Table:
    return field_table(list(_refund_fields(form)), [30 * mm, 150 * mm])


def refund_receipt_story(form: RefundForm) -> list[Flowable]:
    """Title, the close-out in figures and capitals, signature lines naming both sides."""
    s = form.status
    merchant, clerk = _("Received by (merchant)"), _("Clerk")
    named = _("{label}: {name}")
    lines = [(named.format(label=merchant, name=s.received_by) if s.received_by else merchant,
              _("Date")), (named.format(label=clerk, name=s.closed_by), _("Date"))]
    return [para(refund_receipt_title(), "title"), _refund_table(form),
            signature_block(lines, 180 * mm)]


def write_refund_receipt_pdf(form: RefundForm, path: Path) -> Path:
    """Write the deposit refund receipt (A5 landscape = half A4, like the deposit receipt)."""
    header = form_header(f"{refund_receipt_title()} · {form.status.receipt_no}")
    return build_pdf(path, refund_receipt_story(form), header, pagesize=landscape(A5))
