"""Checkout and deposit (领签, R2.2–R2.3), and taking back a book issued by mistake."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from app.db.models import (
    Book,
    Checkout,
    DepositEntry,
    Event,
    IssueReversal,
    Merchant,
    MerchantReturn,
    Series,
    Slip,
    utcnow,
)
from app.domain.money import Money
from app.domain.payments import check_payment_method
from app.errors import Conflict, InputError, NotFound
from app.i18n import _
from app.services.checkout.plan import _require_estimate, next_free_after, pick_series
from app.services.core.actor import Actor
from app.services.core.base import (
    audit,
    concurrent_change,
    current_actor,
    query,
    require_text,
    service,
)
from app.services.core.books import BookInfo, book_info, describe_ranges, locate_book
from app.services.events.events import event_row, is_archived


@dataclass(frozen=True)
class CheckoutInfo:
    """One signed checkout with its books and deposit."""

    id: str
    event_id: str
    event_code: str
    event_name: str
    merchant_id: str
    brand: str
    company: str
    signed_by: str
    signed_at: dt.datetime
    """UTC."""
    clerk: str
    books: tuple[BookInfo, ...]
    ranges: str
    deposit: Money
    deposit_per_book: Money
    payment_method: str
    receipt_no: str
    extra: bool


@dataclass(frozen=True)
class ReversalInfo:
    """A book taken back to stock, and the deposit returned for it."""

    book_code: str
    brand: str
    event_code: str
    reason: str
    deposit_returned: Money


def _signed_at(value: object) -> dt.datetime:
    """When the merchant signed, as naive UTC; now if not given.

    Raises:
        InputError: not a datetime, or in the future.
    """
    if value is None:
        return utcnow()
    if not isinstance(value, dt.datetime):
        raise InputError(_("The signing time must be a date and time."))
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    if value > utcnow() + dt.timedelta(minutes=5):
        raise InputError(_("The signing time cannot be in the future."))
    return value


def _receipt_no(event: Event, typed: str) -> str:
    receipt = require_text(typed, _("Receipt number"), 40, allow_empty=True)
    if receipt:
        if Checkout.select().where(Checkout.receipt_no == receipt).exists():
            raise Conflict(_("Receipt number {no} is already used.").format(no=receipt))
        return receipt
    n = Checkout.select().where(Checkout.event == event).count() + 1
    while Checkout.select().where(Checkout.receipt_no == f"{event.code}-{n:04d}").exists():
        n += 1
    return f"{event.code}-{n:04d}"


def _refuse_after_return(event: Event, merchant_id: str) -> None:
    """No books once the merchant's return is closed or the event archived: they would be
    issued slips nobody checks (R3.1, R3.5)."""
    if is_archived(event):
        raise Conflict(_("Event {code} is archived; no more books can be issued for it.").format(
            code=event.code))
    if MerchantReturn.select().where((MerchantReturn.event == event)
                                     & (MerchantReturn.merchant == merchant_id)
                                     & (MerchantReturn.state == "closed")).exists():
        raise Conflict(_("The return of this merchant for {code} is closed; no more books can "
                         "be issued to it for this event.").format(code=event.code))


def _issue(event: Event, merchant_id: str, book_ids: list[str], signed_by: str,
           payment_method: str, receipt_no: str, signed_at: dt.datetime | None,
           extra: bool) -> CheckoutInfo:
    """Create the checkout, issue its books, take the deposit and audit it (R2.2, R2.3)."""
    _refuse_after_return(event, merchant_id)
    signer = require_text(signed_by, _("Signed by"), 50)
    signed = _signed_at(signed_at)
    method = check_payment_method(payment_method)
    receipt = _receipt_no(event, receipt_no)
    deposit = Money(event.deposit_per_book_fen) * len(book_ids)
    checkout = Checkout.create(
        event=event, merchant=merchant_id, signed_by=signer, signed_at=signed,
        clerk=current_actor().username, book_count=len(book_ids), deposit_fen=deposit.fen,
        payment_method=method, receipt_no=receipt, extra=extra)
    issued = 0
    for start in range(0, len(book_ids), 500):
        free = Book.id.in_(book_ids[start:start + 500]) & (
            (Book.state == "in_stock") if extra else (
                (Book.state == "planned") & (Book.event == event)
                & (Book.merchant == merchant_id)))
        issued += Book.update(state="issued", event=event, merchant=merchant_id,
                              checkout=checkout).where(free).execute()
    if issued != len(book_ids):  # a book chosen above was taken meanwhile: never move it
        raise concurrent_change()
    DepositEntry.create(event=event, merchant=merchant_id, checkout=checkout, kind="taken",
                        amount_fen=deposit.fen, by=current_actor().username,
                        note=receipt)
    info = _checkout_info(checkout)
    audit("checkout.extra" if extra else "checkout.issue", "checkout", checkout.id,
          event=event.id, merchant=merchant_id,
          after={"books": info.ranges, "deposit_fen": info.deposit.fen,
                 "receipt_no": info.receipt_no, "signed_by": info.signed_by,
                 "signed_at": info.signed_at, "payment_method": info.payment_method})
    return info


@service("checkout.merchant")
def checkout_merchant(actor: Actor, event_id: str, merchant_id: str, signed_by: str,
                      payment_method: str, receipt_no: str = "",
                      signed_at: dt.datetime | None = None) -> CheckoutInfo:
    """Issue a merchant's planned books against its deposit (R2.2).

    Raises:
        Conflict: nothing planned for it (or already checked out). InputError: bad field.
    """
    event = event_row(event_id)
    _require_estimate(event, merchant_id)
    ids = [b for (b,) in Book.select(Book.id).where(
        (Book.event == event) & (Book.merchant == merchant_id) & (Book.state == "planned")
    ).order_by(Book.first_no).tuples()]
    if not ids:
        raise Conflict(_("No books are planned for this merchant; build the plan first or "
                         "issue extra books."))
    return _issue(event, merchant_id, ids, signed_by, payment_method, receipt_no, signed_at,
                  extra=False)


@service("checkout.extra")
def issue_extra_books(actor: Actor, event_id: str, merchant_id: str, books: int,
                      signed_by: str, payment_method: str, receipt_no: str = "",
                      series_id: str | None = None) -> CheckoutInfo:
    """Issue more books to a merchant during the event, each with its deposit (R2.3).

    Raises:
        InputError: bad count or field. Conflict: not enough stock.
    """
    event = event_row(event_id)
    _require_estimate(event, merchant_id)
    if not isinstance(books, int) or isinstance(books, bool) or not 1 <= books <= 1000:
        raise InputError(_("Issue between 1 and 1,000 extra books at a time."))
    own = (Book.select().where((Book.event == event) & (Book.merchant == merchant_id))
           .order_by(Book.last_no.desc()).first())
    series = own.series if own and not series_id else pick_series(series_id)
    after = own.last_no if own and own.series_id == series.id else 0
    chosen = [b.id for b in next_free_after(series, after, books)]
    return _issue(event, merchant_id, chosen, signed_by, payment_method, receipt_no, None,
                  extra=True)


@service("checkout.reverse_book")
def reverse_issue(actor: Actor, book_code: str, reason: str) -> ReversalInfo:
    """Take a book issued by mistake back to stock, returning its deposit (R2.2).

    Raises:
        Conflict: the book is not issued (or a slip of it is already used).
        InputError: no reason. NotFound: no such book.
    """
    why = require_text(reason, _("Reason"), 500)
    book = locate_book(book_code)
    if book.state != "issued":
        raise Conflict(_("Book {code} is not issued, so there is nothing to take back.").format(
            code=book_info(book).code))
    info = book_info(book)
    if Slip.select().where(Slip.book == book).exists():
        raise Conflict(_("Book {code} is already in the return check; it cannot be taken back "
                         "to stock.").format(code=info.code))
    event = Event.get_by_id(book.event_id)
    refund = Money(event.deposit_per_book_fen)
    taken = Book.update(state="in_stock", event=None, merchant=None, checkout=None).where(
        (Book.id == book.id) & (Book.state == "issued") & (Book.checkout == book.checkout_id)
    ).execute()
    if taken != 1:  # someone else took it back at the same moment
        raise concurrent_change()
    receipt = Checkout.get_by_id(book.checkout_id).receipt_no
    IssueReversal.create(book=book, checkout=book.checkout_id, reason=why,
                         by=current_actor().username)
    DepositEntry.create(event=event, merchant=book.merchant_id, checkout=book.checkout_id,
                        kind="reversed", amount_fen=-refund.fen, by=current_actor().username,
                        note=why)
    audit("checkout.reverse_book", "book", book.id, event=event.id, merchant=book.merchant_id,
          before={"state": "issued", "brand": info.brand, "event": info.event_code,
                  "checkout": book.checkout_id, "receipt_no": receipt},
          after={"state": "in_stock", "reason": why, "deposit_returned_fen": refund.fen})
    return ReversalInfo(info.code, info.brand, info.event_code, why, refund)


def _as_signed(info: BookInfo, held: bool, event: Event, merchant: Merchant) -> BookInfo:
    """A checkout's book as it stands for that checkout: held, or ``taken_back`` (whatever
    happened to the book since)."""
    if held:
        return info
    return dataclasses.replace(info, state="taken_back", event_code=event.code,
                               brand=merchant.brand)


def _checkout_info(row: Checkout) -> CheckoutInfo:
    event = Event.get_by_id(row.event_id)
    merchant = Merchant.get_by_id(row.merchant_id)
    series_by_id = {s.id: s for s in Series.select()}
    books = list(Book.select().where(Book.checkout == row).order_by(Book.first_no))
    reversed_ = [r.book for r in IssueReversal.select().where(IssueReversal.checkout == row)]
    all_books = sorted(books + reversed_, key=lambda b: b.first_no)
    held = {b.id for b in books}
    infos = tuple(_as_signed(book_info(b, series_by_id[b.series_id]), b.id in held, event,
                             merchant) for b in all_books)
    return CheckoutInfo(row.id, event.id, event.code, event.name, merchant.id, merchant.brand,
                        merchant.company, row.signed_by, row.signed_at, row.clerk, infos,
                        describe_ranges(all_books, series_by_id), Money(row.deposit_fen),
                        Money(event.deposit_per_book_fen), row.payment_method, row.receipt_no,
                        row.extra)


@query("checkout.get")
def get_checkout(actor: Actor, checkout_id: str) -> CheckoutInfo:
    """One checkout with the books it issued; books taken back since have state
    ``taken_back``.

    Raises:
        NotFound: no such checkout.
    """
    row = Checkout.get_or_none(Checkout.id == checkout_id)
    if row is None:
        raise NotFound(_("The checkout does not exist."))
    return _checkout_info(row)


@query("checkout.list")
def list_checkouts(actor: Actor, event_id: str, merchant_id: str | None = None
                   ) -> list[CheckoutInfo]:
    """Checkouts of an event (optionally one merchant), in the order signed."""
    event = event_row(event_id)
    rows = Checkout.select().where(Checkout.event == event)
    if merchant_id:
        rows = rows.where(Checkout.merchant == merchant_id)
    if not rows.exists() and merchant_id and not Merchant.get_or_none(Merchant.id == merchant_id):
        raise NotFound(_("The merchant does not exist."))
    return [_checkout_info(r) for r in rows.order_by(Checkout.created_at)]
