"""The merchant checkout sheet (领签表) and the deposit receipt (押金收据), R2.2/R2.4.

The checkout sheet is A4 portrait. The deposit receipt is A5 landscape (148 × 210 mm, i.e. half
an A4 sheet): print it on A5 paper, or on A4 at "actual size" and cut along the middle.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A5, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table

from app.domain.money import chinese_capital, format_money
from app.domain.payments import payment_label
from app.i18n import _
from app.reports.core.layout import (
    build_pdf,
    chunk_ranges,
    count,
    field_table,
    form_header,
    grid_table,
    local_time,
    para,
    signature_block,
)
from app.services.checkout.checkouts import CheckoutInfo
from app.services.core.books import BookInfo

BOOK_WIDTHS = [12 * mm, 58 * mm, 70 * mm, 40 * mm]
RECEIPT_RANGES = 12
"""Ranges shown on the deposit receipt before referring to the checkout sheet."""


def checkout_sheet_title() -> str:
    """The checkout sheet's name."""
    return _("Order book checkout sheet")


def deposit_receipt_title() -> str:
    """The deposit receipt's name."""
    return _("Deposit receipt")


def _signed_date(info: CheckoutInfo) -> str:
    return local_time(info.signed_at).date().isoformat()


def _book_code(book: BookInfo) -> str:
    """The code, marked when the book was taken back after signing (R2.2)."""
    if book.state == "taken_back":
        return _("{code} (taken back)").format(code=book.code)
    return book.code


def _book_rows(books: tuple[BookInfo, ...]) -> list[list[Any]]:
    head = [para(h, "cell_head") for h in (_("No."), _("Book code"), _("Number range"),
                                             _("Slips"))]
    rows = [[para(no, "cell_right"), para(_book_code(b), "cell_code"),
             para(f"{b.first} – {b.last}", "cell_code"), para(count(b.slips), "cell_right")]
            for no, b in enumerate(books, start=1)]
    total = ["", para(_("Total: {n} books").format(n=len(books)), "cell"), "",
             para(count(sum(b.slips for b in books)), "cell_right")]
    return [head, *rows, total]


def _checkout_fields(info: CheckoutInfo) -> list[tuple[str, Any]]:
    return [
        (_("Event"), f"{info.event_code} {info.event_name}"),
        (_("Receipt no."), info.receipt_no),
        (_("Brand"), info.brand), (_("Company"), info.company),
        (_("Book count"), str(len(info.books))),
        (_("Deposit"), f"{format_money(info.deposit)}（{chinese_capital(info.deposit)}）"),
        (_("Payment method"), payment_label(info.payment_method)),
        (_("Signed by"), info.signed_by),
        (_("Date"), _signed_date(info)),
        (_("Clerk"), info.clerk),
    ]


def checkout_sheet_story(info: CheckoutInfo) -> list[Flowable]:
    """Title, checkout fields, the list of books, and the signature lines."""
    kind = _("Extra books") if info.extra else _("Checkout")
    books = grid_table(_book_rows(info.books), BOOK_WIDTHS, total_row=True)
    books.setStyle([("SPAN", (1, -1), (2, -1))])
    signatures = signature_block([(_("Merchant signature"), _("Date")),
                                  (_("Clerk signature"), _("Date"))], 180 * mm)
    note = _("The merchant has received the order books listed above, checked their numbers "
             "and paid the deposit. Every slip must be returned after the event; the deposit "
             "is held while any slip is missing.")
    return [para(checkout_sheet_title(), "title"),
            para(f"{info.event_code} · {info.brand} · {kind}", "subtitle"),
            field_table(_checkout_fields(info), [22 * mm, 68 * mm, 22 * mm, 68 * mm]),
            para(_("Books"), "heading"), books,
            KeepTogether([Spacer(1, 4 * mm), para(note, "small"), Spacer(1, 4 * mm),
                          signatures])]


def write_checkout_sheet_pdf(info: CheckoutInfo, path: Path) -> Path:
    """Write the checkout sheet of one checkout (from `get_checkout`) to `path` (A4)."""
    header = form_header(f"{checkout_sheet_title()} · {info.brand} · {info.receipt_no}")
    return build_pdf(path, checkout_sheet_story(info), header)


def receipt_ranges(ranges: str, limit: int = RECEIPT_RANGES) -> str:
    """The checkout's ranges, cut after `limit` ranges so the receipt stays one page."""
    parts = chunk_ranges(ranges, limit)
    if len(parts) == 1:
        return parts[0]
    total = len([p for p in ranges.split(",") if p.strip()])
    return parts[0] + " " + _("… {n} ranges in all, listed on the checkout sheet").format(
        n=total)


def _receipt_fields(info: CheckoutInfo) -> list[tuple[str, Any]]:
    return [
        (_("Receipt no."), info.receipt_no), (_("Date"), _signed_date(info)),
        (_("Received from"), f"{info.brand}（{info.company}）" if info.company else info.brand),
        (_("Event"), f"{info.event_code} {info.event_name}"),
        (_("For"), _("Deposit for {n} order books at {amount} each").format(
            n=len(info.books), amount=format_money(info.deposit_per_book))),
        (_("Books"), para(receipt_ranges(info.ranges), "cell_code")),
        (_("Amount in words"), para(chinese_capital(info.deposit), "body")),
        (_("Amount"), para(format_money(info.deposit), "body")),
        (_("Payment method"), payment_label(info.payment_method)),
    ]


def _receipt_table(info: CheckoutInfo) -> Table:
    return field_table(list(_receipt_fields(info)), [30 * mm, 150 * mm])


def deposit_receipt_story(info: CheckoutInfo) -> list[Flowable]:
    """Title, the receipt fields with the amount in figures and in capitals, signatures."""
    signatures = signature_block([(_("Payee (clerk)"), _("Seal")),
                                  (_("Payer"), _("Date"))], 180 * mm)
    return [para(deposit_receipt_title(), "title"), _receipt_table(info), signatures]


def write_deposit_receipt_pdf(info: CheckoutInfo, path: Path) -> Path:
    """Write the deposit receipt of one checkout to `path` (A5 landscape = half A4)."""
    header = form_header(f"{deposit_receipt_title()} · {info.receipt_no}")
    return build_pdf(path, deposit_receipt_story(info), header, pagesize=landscape(A5))
