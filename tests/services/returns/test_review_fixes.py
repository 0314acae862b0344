"""Behaviour settled after the first review: stricter money and rate input, book codes in their
long form, estimate order after a removal, phone extensions, an event's books for labels."""

from __future__ import annotations

import pytest

from app.domain.money import parse_money, parse_rate_percent
from app.errors import InputError
from app.services.checkout import plan
from app.services.core import books
from app.services.events import events, merchants


@pytest.mark.parametrize("text", ["12 3.4 5", "1 000", "1e1", "2,00"])
def test_money_with_stray_spaces_or_exponent_is_refused(text):
    """A clerk's typo in an amount is refused, never silently joined into another amount."""
    with pytest.raises(InputError, match="not an amount"):
        parse_money(text)


@pytest.mark.parametrize("text", ["1e1", "0x10", "Infinity", "3 4"])
def test_commission_rate_only_takes_plain_percentages(text):
    with pytest.raises(InputError):
        parse_rate_percent(text)


@pytest.mark.parametrize("text", ["BJ0000051-BJ0000100", "BJ0000051—0000100",
                                  "BJ0000051 − BJ0000100"])
def test_book_code_in_long_form_or_other_dash_finds_the_book(stocked, actor, text):
    assert books.find_book(actor, text).code == "BJ0000051-0000100"


def test_book_code_not_matching_a_book_exactly_is_not_found(stocked, actor):
    with pytest.raises(Exception, match="No registered book"):
        books.find_book(actor, "BJ0000051-BJ0000150")


def test_estimates_keep_their_order_after_a_merchant_is_removed(example, actor):
    """R2.1: books go out in the order merchants were added; a removal must not reshuffle."""
    third = merchants.create_merchant(actor, "东鹏瓷砖", category="瓷砖")
    events.set_estimate(actor, example.event_id, third.id, 10)
    events.remove_merchant_from_event(actor, example.event_id, example.anxin)
    fourth = merchants.create_merchant(actor, "九牧卫浴", category="卫浴")
    events.set_estimate(actor, example.event_id, fourth.id, 10)
    order = [e.brand for e in events.list_estimates(actor, example.event_id)]
    assert order == ["马可波罗瓷砖", "东鹏瓷砖", "九牧卫浴"]


@pytest.mark.parametrize("phone", ["021-12345678 转 8", "021-1234567 ext 12", "+86 138 0000 0001"])
def test_phone_numbers_with_extension_are_accepted(db, actor, phone):
    assert merchants.create_merchant(actor, "某品牌", phone=phone).phone == phone


def test_event_books_lists_planned_and_issued_books_in_number_order(example, actor):
    plan.build_plan(actor, example.event_id, example.series_id)
    listed = books.list_event_books(actor, example.event_id)
    assert [b.code for b in listed] == ["BJ0000001-0000050", "BJ0000051-0000100",
                                        "BJ0000101-0000150", "BJ0000151-0000200"]
    assert [b.brand for b in listed] == ["安信地板"] * 3 + ["马可波罗瓷砖"]
    only = books.list_event_books(actor, example.event_id, example.marco)
    assert [b.code for b in only] == ["BJ0000151-0000200"]


def test_a_range_typo_of_millions_of_numbers_is_refused(series, actor):
    """R1.1: one extra digit in a range must not register 8 million numbers."""
    from app.services.stock import registration as stock

    with pytest.raises(InputError, match="typo"):
        stock.register_range(actor, series.id, "BJ1000001-BJ9000000", gap_reason="x")
    assert stock.list_series(actor)[0].last_number == 0


def test_a_registration_made_by_mistake_is_voided_and_can_be_registered_again(stocked, actor):
    """R1.1–R1.3: a voided registration stays on record; its numbers are free again and the
    series continues from the last standing number."""
    from app.services.stock import batches as stock_batches
    from app.services.stock import registration as stock
    from app.services.stock import report as stock_report

    wrong = stock.register_range(actor, stocked.id, "BJ0100001-BJ0100050", gap_reason="typo")
    voided = stock_batches.void_registration(actor, wrong.batch_id, "meant BJ0001001")
    assert voided.voided and voided.void_reason == "meant BJ0001001" and not voided.can_void
    assert stock.list_series(actor)[0].last_number == 1000
    report = stock_report.stock_report(actor)[0]
    assert report.gaps == [] and report.totals["in_stock"] == (20, 1000)
    again = stock.register_next_books(actor, stocked.id, 1)
    assert (again.first, again.gap) == ("BJ0001001", None)
    listed = stock_batches.list_batches(actor, stocked.id)
    assert [b.voided for b in listed] == [True, False, False]


def test_a_registration_whose_books_left_stock_cannot_be_voided(example, actor):
    from app.errors import Conflict
    from app.services.stock import batches as stock_batches

    plan.build_plan(actor, example.event_id)
    batch = stock_batches.list_batches(actor, example.series_id)[0]
    assert not batch.can_void
    with pytest.raises(Conflict, match="never left stock"):
        stock_batches.void_registration(actor, batch.id, "oops")
    plan.release_plan(actor, example.event_id)
    assert stock_batches.list_batches(actor, example.series_id)[0].can_void


@pytest.mark.parametrize("signed_at", ["yesterday", 12345, "2026-03-14"])
def test_signing_time_must_be_a_datetime(example, actor, signed_at):
    from app.services.checkout import checkouts as checkout

    plan.build_plan(actor, example.event_id)
    with pytest.raises(InputError, match="signing time"):
        checkout.checkout_merchant(actor, example.event_id, example.marco, "李明", "cash",
                                   signed_at=signed_at)


def test_signing_time_with_a_timezone_is_stored_as_utc(example, actor):
    import datetime as dt

    from app.services.checkout import checkouts as checkout

    plan.build_plan(actor, example.event_id)
    beijing = dt.timezone(dt.timedelta(hours=8))
    info = checkout.checkout_merchant(actor, example.event_id, example.marco, "李明", "cash",
                                      signed_at=dt.datetime(2026, 3, 14, 9, 30, tzinfo=beijing))
    assert info.signed_at == dt.datetime(2026, 3, 14, 1, 30)


@pytest.mark.parametrize("text", ["BJ000000፩", "BJ\ud800", "\udcff"])
def test_odd_unicode_in_a_scanned_code_is_a_clear_error(stocked, actor, text):
    from app.errors import AppError

    with pytest.raises(AppError):
        books.find_book(actor, text)


def test_managers_given_as_one_string_are_refused(db, actor):
    with pytest.raises(InputError, match="list of names"):
        events.create_event(actor, "E1", "展", "装大", "2026-03-14", "2026-03-15",
                            managers="王芳,李娜")


def test_books_taken_back_show_as_such_on_the_old_checkout_and_not_on_its_labels(example, actor):
    """R2.2: a reprint of an old checkout says which books were taken back; its labels leave
    them out even after the book went to another merchant."""
    from app.reports.checkout.sources import checkout_books
    from app.services.checkout import checkouts as checkout

    plan.build_plan(actor, example.event_id)
    first = checkout.checkout_merchant(actor, example.event_id, example.marco, "李明", "cash")
    checkout.reverse_issue(actor, "BJ0000151", "wrong merchant")
    checkout.issue_extra_books(actor, example.event_id, example.anxin, 1, "张伟", "cash")
    again = checkout.get_checkout(actor, first.id)
    assert [(b.code, b.state, b.brand) for b in again.books] == [
        ("BJ0000151-0000200", "taken_back", "马可波罗瓷砖")]
    assert checkout_books(actor, first.id) == []


def test_excel_import_adds_estimates_after_the_last_one_even_after_a_removal(example, actor,
                                                                           tmp_path):
    """R2.1: imported merchants are planned after those already on the event."""
    from openpyxl import load_workbook

    from app.services.events import excel_io, excel_template

    third = merchants.create_merchant(actor, "东鹏瓷砖", category="瓷砖")
    events.set_estimate(actor, example.event_id, third.id, 10)
    events.remove_merchant_from_event(actor, example.event_id, example.anxin)
    path = excel_template.export_template(actor, tmp_path / "t.xlsx")
    wb = load_workbook(path)
    ws = wb["预估"]
    ws.append(["2026-SH-01", "安信地板", 120])
    wb.save(path)
    excel_io.import_workbook(actor, path)
    order = [e.brand for e in events.list_estimates(actor, example.event_id)]
    assert order == ["马可波罗瓷砖", "东鹏瓷砖", "安信地板"]


def test_audit_date_filter_uses_local_calendar_days(db, actor, monkeypatch):
    """Dates are local (DOMAIN.md): at UTC+8 a change made at 07:30 local time belongs to that
    local day, although it is stored as 23:30 UTC of the day before."""
    import datetime as dt
    import time

    from app.db.models import AuditLog
    from app.services.admin import audit
    from app.services.stock import registration as stock

    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    try:
        stock.create_series(actor, "BJ")
        seq = AuditLog.select().order_by(AuditLog.seq.desc()).first().seq
        from app.db.connection import is_postgres

        db.execute_sql("DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log" if is_postgres(db)
                       else "DROP TRIGGER IF EXISTS audit_log_no_update")
        AuditLog.update(at=dt.datetime(2026, 3, 13, 23, 30)).where(AuditLog.seq == seq).execute()
        day = dt.date(2026, 3, 14)
        found = audit.list_audit(actor, since=day, until=day)
        assert [e.seq for e in found] == [seq]
        assert audit.list_audit(actor, since=dt.date(2026, 3, 13), until=dt.date(2026, 3, 13)) == []
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_slip_numbers_take_ascii_digits_only(series):
    from app.domain.numbers import SeriesFormat, parse_number

    with pytest.raises(InputError):
        parse_number("١٢٠٧", SeriesFormat("BJ", 7))
    assert parse_number("１２０７", SeriesFormat("BJ", 7)) == 1207
