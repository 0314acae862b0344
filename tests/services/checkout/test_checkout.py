"""Checkout and deposit (领签, R2.2–R2.3), and taking back a book issued by mistake."""

from __future__ import annotations

import datetime as dt

import pytest

from app.db.models import Book, Checkout, DepositEntry, IssueReversal
from app.domain.money import Money
from app.domain.payments import payment_label
from app.domain.planning import FreeBook
from app.errors import Conflict, InputError, NotFound
from app.services.checkout import checkouts as checkout
from app.services.checkout import plan
from app.services.events import events, merchants
from tests.services.conftest import audit_rows, last_seq, row_counts

SIGNED_AT = dt.datetime(2026, 3, 13, 2, 30)


@pytest.fixture
def planned(example, actor):
    """The worked example with its plan built."""
    plan.build_plan(actor, example.event_id)
    return example


def issue_anxin(actor, ex, **kw):
    return checkout.checkout_merchant(actor, ex.event_id, ex.anxin, "张伟", "cash",
                                      signed_at=SIGNED_AT, **kw)


def lines(actor, event_id):
    return {line.brand: line for line in plan.plan_view(actor, event_id)}


def test_checkout_records_who_when_which_books_deposit_payment_and_receipt(planned, actor):
    """R2.2: checkout records who signed, when, which books, the deposit (books × ¥200),
    payment method and receipt number; the books become issued to the merchant."""
    info = issue_anxin(actor, planned, receipt_no="R-0001")
    assert (info.brand, info.event_code, info.signed_by, info.signed_at, info.clerk) == (
        "安信地板", "2026-SH-01", "张伟", SIGNED_AT, actor.username)
    assert [b.code for b in info.books] == ["BJ0000001-0000050", "BJ0000051-0000100",
                                            "BJ0000101-0000150"]
    assert info.ranges == "BJ0000001–0000150"
    assert (info.deposit, info.deposit_per_book) == (Money.yuan(600), Money.yuan(200))
    assert (info.payment_method, info.receipt_no, info.extra) == ("cash", "R-0001", False)
    row = Checkout.get_by_id(info.id)
    assert (row.book_count, row.deposit_fen, row.clerk) == (3, 60_000, actor.username)
    books = list(Book.select().where(Book.checkout == info.id).order_by(Book.first_no))
    assert [(b.first_no, b.state, b.merchant_id, b.event_id) for b in books] == [
        (n, "issued", planned.anxin, planned.event_id) for n in (1, 51, 101)]
    (entry,) = DepositEntry.select()
    assert (entry.kind, entry.amount_fen, entry.merchant_id, entry.checkout_id) == (
        "taken", 60_000, planned.anxin, info.id)
    line = lines(actor, planned.event_id)["安信地板"]
    assert (line.issued_books, line.planned_books, line.deposit_held) == (3, 0,
                                                                          Money.yuan(600))
    assert checkout.get_checkout(actor, info.id) == info


def test_deposit_is_books_times_the_events_deposit_per_book(example, actor):
    """R2.2: deposit = books × the event's policy value (here ¥250.50, not the default)."""
    e = events.get_event(actor, example.event_id)
    events.update_event(actor, e.id, e.code, e.name, "装大", e.start_date, e.end_date,
                        deposit_per_book="250.50")
    plan.build_plan(actor, example.event_id)
    info = issue_anxin(actor, example)
    assert (info.deposit, info.deposit_per_book) == (Money(75_150), Money(25_050))
    assert DepositEntry.get().amount_fen == 75_150
    extra = checkout.issue_extra_books(actor, example.event_id, example.anxin, 1, "张伟", "cash")
    assert extra.deposit == Money(25_050)
    assert checkout.reverse_issue(actor, "BJ0000001", "mistake").deposit_returned == Money(25_050)


def test_checkout_numbers_receipts_per_event_when_none_is_typed(planned, actor):
    """R2.2: a receipt number is always recorded; if none is typed one is made up."""
    first = issue_anxin(actor, planned)
    second = checkout.checkout_merchant(actor, planned.event_id, planned.marco, "李明", "wechat")
    assert (first.receipt_no, second.receipt_no) == ("2026-SH-01-0001", "2026-SH-01-0002")
    assert second.deposit == Money.yuan(200)
    assert second.signed_at is not None
    assert [c.brand for c in checkout.list_checkouts(actor, planned.event_id)] == [
        "安信地板", "马可波罗瓷砖"]
    assert [c.brand for c in checkout.list_checkouts(actor, planned.event_id, planned.marco)
            ] == ["马可波罗瓷砖"]


def test_duplicate_receipt_number_is_refused(planned, actor):
    """R2.2: one receipt number, one deposit."""
    issue_anxin(actor, planned, receipt_no="R-1")
    before = row_counts()
    with pytest.raises(Conflict, match="R-1"):
        checkout.checkout_merchant(actor, planned.event_id, planned.marco, "李明", "cash",
                                   receipt_no="R-1")
    assert row_counts() == before


@pytest.mark.parametrize(("signed_by", "method"), [("", "cash"), ("张伟", "bitcoin"),
                                                   ("张伟", ""), ("x" * 51, "cash")])
def test_checkout_needs_a_signer_and_a_known_payment_method(planned, actor, signed_by, method):
    """R2.2: a checkout without a signature or with an unknown payment method is refused."""
    before = row_counts()
    with pytest.raises(InputError):
        checkout.checkout_merchant(actor, planned.event_id, planned.anxin, signed_by, method)
    assert row_counts() == before


def test_issued_books_cannot_be_checked_out_again(planned, actor):
    """R2.2: an issued book cannot be issued again — a second checkout finds nothing planned
    and is refused without writing anything."""
    issue_anxin(actor, planned)
    before, seq = row_counts(), last_seq()
    with pytest.raises(Conflict):
        issue_anxin(actor, planned)
    assert row_counts() == before
    assert audit_rows(seq) == []


def test_checkout_without_a_plan_or_off_the_event_is_refused(example, actor):
    """R2.2: books are signed for from the plan; a merchant not at the event gets nothing."""
    with pytest.raises(Conflict):
        issue_anxin(actor, example)
    stray = merchants.create_merchant(actor, "九牧卫浴")
    with pytest.raises(NotFound):
        checkout.checkout_merchant(actor, example.event_id, stray.id, "x", "cash")
    with pytest.raises(NotFound):
        checkout.checkout_merchant(actor, "0" * 32, example.anxin, "x", "cash")
    assert Checkout.select().count() == 0


def test_a_book_already_issued_is_never_issued_to_another_merchant(planned, actor,
                                                                   monkeypatch):
    """R2.2: a book is with one merchant at a time. Even if the book picked for an issue was
    taken meanwhile (a stale choice), issuing refuses instead of moving it."""
    issue_anxin(actor, planned)
    taken = Book.get(Book.first_no == 1)
    monkeypatch.setattr(checkout, "next_free_after", lambda *_a: [
        FreeBook(taken.id, taken.first_no, taken.last_no)])
    before = row_counts()
    with pytest.raises(Conflict):
        checkout.issue_extra_books(actor, planned.event_id, planned.marco, 1, "李明", "cash")
    assert row_counts() == before
    assert Book.get_by_id(taken.id).merchant_id == planned.anxin


def test_extra_books_are_issued_with_their_own_deposit(planned, actor):
    """R2.3: more books during the event, each with its deposit, continuing the merchant's own
    run where free (book 151–200 is planned for another merchant, so 201– is used)."""
    issue_anxin(actor, planned)
    extra = checkout.issue_extra_books(actor, planned.event_id, planned.anxin, 2, "张伟",
                                       "alipay")
    assert (extra.extra, extra.ranges, extra.deposit, extra.payment_method) == (
        True, "BJ0000201–0000300", Money.yuan(400), "alipay")
    assert extra.receipt_no == "2026-SH-01-0002"
    line = lines(actor, planned.event_id)["安信地板"]
    assert (line.issued_books, line.issued_ranges, line.deposit_held, line.deposit_due) == (
        5, "BJ0000001–0000150, BJ0000201–0000300", Money.yuan(1000), Money.yuan(1000))
    assert lines(actor, planned.event_id)["马可波罗瓷砖"].planned_ranges == "BJ0000151–0000200"
    assert [e.amount_fen for e in DepositEntry.select().order_by(DepositEntry.at)] == [
        60_000, 40_000]


def test_extra_books_right_after_the_merchants_own(planned, actor):
    """R2.3: the merchant's books stay contiguous where stock allows."""
    checkout.checkout_merchant(actor, planned.event_id, planned.marco, "李明", "cash")
    extra = checkout.issue_extra_books(actor, planned.event_id, planned.marco, 1, "李明", "cash")
    assert extra.ranges == "BJ0000201–0000250"


def test_extra_books_are_refused_for_bad_counts_or_short_stock(planned, actor):
    """R2.3: 1 … 1,000 books at a time, from stock that has them; nothing written otherwise."""
    before = row_counts()
    for bad in [0, -2, 1001, True, "1"]:
        with pytest.raises(InputError):
            checkout.issue_extra_books(actor, planned.event_id, planned.anxin, bad, "张伟",
                                       "cash")
    with pytest.raises(Conflict):
        checkout.issue_extra_books(actor, planned.event_id, planned.anxin, 17, "张伟", "cash")
    assert row_counts() == before


def test_reverse_issue_returns_the_book_to_stock_with_a_negative_deposit_entry(planned, actor):
    """R2.2: a book issued by mistake goes back to stock with its reason; its deposit is
    returned by a negative entry — the original deposit entry is never deleted."""
    info = issue_anxin(actor, planned)
    seq = last_seq()
    rev = checkout.reverse_issue(actor, "BJ0000051-0000100", "多发了一本")
    assert (rev.book_code, rev.brand, rev.event_code, rev.reason, rev.deposit_returned) == (
        "BJ0000051-0000100", "安信地板", "2026-SH-01", "多发了一本", Money.yuan(200))
    book = Book.get(Book.first_no == 51)
    assert (book.state, book.event_id, book.merchant_id, book.checkout_id) == (
        "in_stock", None, None, None)
    (reversal,) = IssueReversal.select()
    assert (reversal.book_id, reversal.checkout_id, reversal.reason, reversal.by) == (
        book.id, info.id, "多发了一本", actor.username)
    entries = [(e.kind, e.amount_fen, e.note) for e in
               DepositEntry.select().order_by(DepositEntry.at, DepositEntry.kind.desc())]
    assert entries == [("taken", 60_000, info.receipt_no), ("reversed", -20_000, "多发了一本")]
    line = lines(actor, planned.event_id)["安信地板"]
    assert (line.issued_books, line.issued_ranges, line.deposit_held) == (
        2, "BJ0000001–0000050, BJ0000101–0000150", Money.yuan(400))
    signed = checkout.get_checkout(actor, info.id)
    assert (len(signed.books), signed.deposit) == (3, Money.yuan(600))   # as signed
    (row,) = audit_rows(seq)
    assert (row.action, row.entity_id, row.merchant) == ("checkout.reverse_book", book.id,
                                                         planned.anxin)
    assert '"issued"' in row.before and '"in_stock"' in row.after


def test_reversed_book_can_be_issued_again(planned, actor):
    """R2.2: a reversed book is ordinary stock again: the next plan takes it first."""
    issue_anxin(actor, planned)
    checkout.reverse_issue(actor, "BJ0000017", "wrong merchant")   # by a slip number in it
    late = merchants.create_merchant(actor, "九牧卫浴")
    events.set_estimate(actor, planned.event_id, late.id, 10)
    assert plan.set_planned_books(actor, planned.event_id, late.id, 1).planned_ranges == (
        "BJ0000001–0000050")
    issued = checkout.checkout_merchant(actor, planned.event_id, late.id, "陈静", "card")
    assert issued.ranges == "BJ0000001–0000050"


def test_reversing_a_book_that_is_not_issued_is_refused(planned, actor):
    """R2.2: only an issued book can be taken back; a reason is required; nothing written."""
    issue_anxin(actor, planned)
    before = row_counts()
    with pytest.raises(Conflict, match="BJ0000151-0000200"):
        checkout.reverse_issue(actor, "BJ0000151-0000200", "planned only")
    with pytest.raises(Conflict):
        checkout.reverse_issue(actor, "BJ0000951-0001000", "in stock")
    with pytest.raises(InputError):
        checkout.reverse_issue(actor, "BJ0000001-0000050", "  ")
    with pytest.raises(NotFound):
        checkout.reverse_issue(actor, "BJ0005001-0005050", "never registered")
    checkout.reverse_issue(actor, "BJ0000001-0000050", "mistake")
    with pytest.raises(Conflict):
        checkout.reverse_issue(actor, "BJ0000001-0000050", "mistake again")
    assert row_counts()["DepositEntry"] == before["DepositEntry"] + 1


def test_checkout_lookups_refuse_unknown_ids(planned, actor):
    """R2.2: unknown checkout, event or merchant ids are reported, not shown as empty."""
    with pytest.raises(NotFound):
        checkout.get_checkout(actor, "0" * 32)
    with pytest.raises(NotFound):
        checkout.list_checkouts(actor, "0" * 32)
    with pytest.raises(NotFound):
        checkout.list_checkouts(actor, planned.event_id, "0" * 32)
    assert checkout.list_checkouts(actor, planned.event_id) == []
    assert payment_label("wechat") == "WeChat Pay"
