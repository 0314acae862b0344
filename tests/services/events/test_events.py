"""Events (活动场次), their policy values, and merchants' estimated order counts (R2.1)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from app.db.models import Estimate
from app.domain.money import Money
from app.errors import Conflict, InputError, NotFound
from app.services.admin import settings
from app.services.checkout import checkouts as checkout
from app.services.checkout import plan
from app.services.core import books
from app.services.events import events, merchants
from tests.services.conftest import row_counts

D1, D2 = dt.date(2026, 3, 14), dt.date(2026, 3, 15)


def new_event(actor, code="2026-SH-01", kind="装大", **kw):
    return events.create_event(actor, code, "2026上海家博会", kind, kw.pop("start", D1),
                               kw.pop("end", D2), **kw)


@pytest.mark.parametrize(("kind", "code"), [("装大", "expo"), ("专场", "special"),
                                            ("卖场", "store"), ("store", "store")])
def test_event_kinds_are_expo_special_and_store(db, actor, kind, code):
    """Events are 装大, 专场 or 卖场."""
    assert new_event(actor, kind=kind).kind == code


def test_event_keeps_its_fields(db, actor):
    """An event has code, name, kind, venue, dates and category managers in order."""
    e = events.create_event(actor, " 2026-SH-01 ", "春季家博会", "装大", "2026-03-14",
                            dt.datetime(2026, 3, 15, 9, 30), "上海新国际博览中心", ["王芳", "李娜"])
    assert (e.code, e.name, e.venue, e.start_date, e.end_date, e.managers) == (
        "2026-SH-01", "春季家博会", "上海新国际博览中心", D1, D2, ("王芳", "李娜"))
    assert events.get_event(actor, e.id) == e
    assert events.find_event(actor, "2026-SH-01") == e


@pytest.mark.parametrize("kw", [
    {"kind": "展会"},
    {"start": D2, "end": D1},
    {"start": "2026-02-30"},
    {"start": "14/03/2026"},
    {"code": "2026 SH 01"},
    {"code": ""},
    {"code": "x" * 41},
    {"managers": ["王芳", "王芳"]},
    {"managers": [""]},
    {"deposit_per_book": "-200"},
    {"fine_per_slip": "abc"},
])
def test_bad_event_is_refused(db, actor, kw):
    """Kind, dates, code, managers and policy values are checked; nothing is saved."""
    with pytest.raises(InputError):
        new_event(actor, **kw)
    assert events.list_events(actor) == []


def test_duplicate_event_code_is_refused(db, actor):
    """An event code names one event."""
    new_event(actor)
    before = row_counts()
    with pytest.raises(Conflict, match="2026-SH-01"):
        new_event(actor, kind="专场")
    assert row_counts() == before
    other = new_event(actor, code="2026-SH-02")
    with pytest.raises(Conflict):
        events.update_event(actor, other.id, "2026-SH-01", "x", "装大", D1, D2)


def test_event_policy_defaults_come_from_settings(db, actor):
    """R2.2, R3.4: a new event takes the deposit (¥200) and fine (¥100) in force; a later
    settings change does not touch existing events; an event can set its own values."""
    first = new_event(actor)
    assert (first.deposit_per_book, first.fine_per_slip) == (Money.yuan(200), Money.yuan(100))
    settings.update_settings(actor, deposit_per_book="300", fine_per_slip="150")
    second = new_event(actor, code="2026-SH-02")
    assert (second.deposit_per_book, second.fine_per_slip) == (Money.yuan(300), Money.yuan(150))
    assert events.get_event(actor, first.id).deposit_per_book == Money.yuan(200)
    own = new_event(actor, code="2026-SH-03", deposit_per_book="¥250.50", fine_per_slip="0")
    assert (own.deposit_per_book, own.fine_per_slip) == (Money(25_050), Money(0))


def test_events_are_listed_newest_first(db, actor):
    """The event list starts with the latest event."""
    new_event(actor, code="OLD", start=dt.date(2025, 9, 1), end=dt.date(2025, 9, 2))
    new_event(actor, code="NEW")
    assert [e.code for e in events.list_events(actor)] == ["NEW", "OLD"]
    with pytest.raises(NotFound):
        events.find_event(actor, "NONE")
    with pytest.raises(NotFound):
        events.get_event(actor, "0" * 32)


def test_event_update_changes_fields_and_managers(db, actor):
    """An event can be corrected before and after books go out (except its deposit)."""
    e = new_event(actor, managers=["王芳"])
    updated = events.update_event(actor, e.id, "2026-SH-01", "改名", "专场", D1,
                                  dt.date(2026, 3, 16), "新馆", ["李娜", "王芳"],
                                  deposit_per_book="220")
    assert (updated.name, updated.kind, updated.venue, updated.end_date, updated.managers,
            updated.deposit_per_book) == ("改名", "special", "新馆", dt.date(2026, 3, 16),
                                          ("李娜", "王芳"), Money.yuan(220))
    with pytest.raises(NotFound):
        events.update_event(actor, "0" * 32, "X", "x", "装大", D1, D2)


def test_deposit_change_is_refused_after_books_are_issued(example, actor):
    """R2.2: deposits were taken at the event's rate; once books are out the rate is fixed
    (planning alone does not fix it), while other fields can still change."""
    e = events.get_event(actor, example.event_id)
    args = (actor, e.id, e.code, e.name, "装大", e.start_date, e.end_date, e.venue,
            list(e.managers))
    plan.build_plan(actor, e.id)
    assert events.update_event(*args, deposit_per_book="250").deposit_per_book == Money.yuan(250)
    events.update_event(*args, deposit_per_book="200")
    checkout.checkout_merchant(actor, e.id, example.anxin, "张伟", "cash")
    before = row_counts()
    with pytest.raises(Conflict, match="200"):
        events.update_event(*args, deposit_per_book="300")
    assert row_counts() == before
    assert events.get_event(actor, e.id).deposit_per_book == Money.yuan(200)
    assert events.update_event(*args, deposit_per_book="200").deposit_per_book == Money.yuan(200)
    assert events.update_event(*args, fine_per_slip="120").fine_per_slip == Money.yuan(120)


# --- estimates -----------------------------------------------------------------------------


@pytest.fixture
def event_and_merchant(db, actor):
    return new_event(actor), merchants.create_merchant(actor, "安信地板", category="地板",
                                                       category_manager="王芳")


@pytest.mark.parametrize(("value", "expected"), [(120, 120), ("40", 40), (" 7 ", 7), (0, 0),
                                                 ("１２０", 120), (100_000, 100_000)])
def test_estimate_is_a_whole_number_of_orders(event_and_merchant, actor, value, expected):
    """R2.1: a merchant's estimate is a whole number 0 … 100,000."""
    event, merchant = event_and_merchant
    est = events.set_estimate(actor, event.id, merchant.id, value)
    assert (est.estimate, est.brand, est.category, est.category_manager) == (
        expected, "安信地板", "地板", "王芳")


@pytest.mark.parametrize("value", [-1, "-5", "abc", "", None, 1.5, "1.5", 12.0, "1e3",
                                   Decimal("2.5"), True, 100_001, "99999999999", "十"])
def test_bad_estimate_is_refused(event_and_merchant, actor, value):
    """R2.1: negative, non-numeric, fractional and huge estimates are refused; nothing saved."""
    event, merchant = event_and_merchant
    with pytest.raises(InputError):
        events.set_estimate(actor, event.id, merchant.id, value)
    assert Estimate.select().count() == 0


def test_setting_an_estimate_again_replaces_it(event_and_merchant, actor):
    """R2.1: one estimate per merchant and event; merchants keep the order they were added."""
    event, merchant = event_and_merchant
    other = merchants.create_merchant(actor, "马可波罗瓷砖")
    events.set_estimate(actor, event.id, merchant.id, 100)
    events.set_estimate(actor, event.id, other.id, 40)
    events.set_estimate(actor, event.id, merchant.id, 120)
    assert [(e.brand, e.estimate) for e in events.list_estimates(actor, event.id)] == [
        ("安信地板", 120), ("马可波罗瓷砖", 40)]
    with pytest.raises(NotFound):
        events.set_estimate(actor, event.id, "0" * 32, 1)
    with pytest.raises(NotFound):
        events.set_estimate(actor, "0" * 32, merchant.id, 1)


def test_merchant_leaving_an_event_returns_its_reserved_books_to_stock(example, actor):
    """R2.1: a merchant that withdraws before checkout leaves no books reserved for it."""
    plan.build_plan(actor, example.event_id)
    released = events.remove_merchant_from_event(actor, example.event_id, example.marco)
    assert released == 1
    assert books.find_book(actor, "BJ0000151").state == "in_stock"
    assert [e.brand for e in events.list_estimates(actor, example.event_id)] == ["安信地板"]
    with pytest.raises(NotFound):
        events.remove_merchant_from_event(actor, example.event_id, example.marco)


def test_merchant_that_signed_for_books_stays_on_the_event(example, actor):
    """R2.2: once a merchant signed for books (even if all were taken back), its record stays."""
    plan.build_plan(actor, example.event_id)
    checkout.checkout_merchant(actor, example.event_id, example.marco, "李明", "cash")
    checkout.reverse_issue(actor, "BJ0000151", "wrong merchant")
    with pytest.raises(Conflict, match="signed for books"):
        events.remove_merchant_from_event(actor, example.event_id, example.marco)
    assert len(events.list_estimates(actor, example.event_id)) == 2
