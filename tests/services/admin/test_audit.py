"""The service contract: one transaction, one actor, an audit record for every write."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from app.db.models import AuditLog, Book, Merchant, Series
from app.errors import AppError, Conflict, InputError
from app.services.admin import settings
from app.services.checkout import checkouts as checkout
from app.services.checkout import plan
from app.services.core import base, books
from app.services.core.actor import Actor
from app.services.core.base import REGISTRY
from app.services.events import events, merchants
from app.services.stock import batches as stock_batches
from app.services.stock import registration as stock
from app.services.stock import report as stock_report
from tests.conftest import add_user, as_user
from tests.services.conftest import audit_rows, last_seq, row_counts

CLERK = as_user("li.clerk", "admin")
CORE_MODULES = {f"app.services.{m}" for m in (
    "stock", "stock_report", "stock_batches", "merchants", "events", "plan", "checkout", "books",
    "settings")}


def test_every_write_appends_an_audit_record_with_actor_and_action(db):
    """Every write service records who did what, in order, in the same transaction."""
    add_user(CLERK.username, CLERK.role)
    called: list[str] = []

    def step(func, *args, **kwargs):
        seq = last_seq()
        result = func(CLERK, *args, **kwargs)
        rows = audit_rows(seq)
        assert rows, f"{func.service_name} wrote no audit record"
        assert [r.seq for r in rows] == list(range(seq + 1, seq + 1 + len(rows)))
        for row in rows:
            assert row.actor == "li.clerk"
            assert row.action and row.entity
            assert isinstance(row.at, dt.datetime)
            for text in (row.before, row.after):
                assert text is None or isinstance(json.loads(text), dict)
        called.append(func.service_name)
        return result

    s = step(stock.create_series, "BJ", 7, 50)
    step(stock.register_next_books, s.id, 10)
    step(stock.register_range, s.id, "1001-1100", gap_reason="HQ skipped")
    step(settings.update_settings, organization="组委会")
    a = step(merchants.create_merchant, "安信地板")
    step(merchants.update_merchant, a.id, category="地板")
    b = step(merchants.create_merchant, "马可波罗瓷砖")
    c = step(merchants.create_merchant, "九牧卫浴")
    e = step(events.create_event, "E1", "展", "装大", "2026-03-14", "2026-03-15")
    step(events.update_event, e.id, "E1", "展会", "装大", "2026-03-14", "2026-03-15")
    for m in (a, b, c):
        step(events.set_estimate, e.id, m.id, 60)
    step(events.remove_merchant_from_event, e.id, c.id)
    step(plan.build_plan, e.id)
    step(plan.set_planned_books, e.id, b.id, 1)
    step(checkout.checkout_merchant, e.id, a.id, "张伟", "cash")
    step(checkout.issue_extra_books, e.id, a.id, 1, "张伟", "cash")
    step(checkout.reverse_issue, "BJ0000001", "mistake")
    step(plan.release_plan, e.id, b.id)
    newest = stock_batches.list_batches(CLERK, s.id)[0]
    step(stock_batches.void_registration, newest.id, "typo in the range")

    writes = {n for n, info in REGISTRY.items()
              if info.writes and info.func.__module__ in CORE_MODULES}
    assert writes <= set(called), f"not exercised here: {writes - set(called)}"


def test_audit_records_before_and_after_as_json(db, actor):
    """Audit before/after keep dates, money and names readable."""
    seq = last_seq()
    e = events.create_event(actor, "E1", "展", "装大", "2026-03-14", "2026-03-15")
    (row,) = audit_rows(seq)
    after = json.loads(row.after)
    assert (row.entity, row.entity_id, row.event) == ("event", e.id, e.id)
    assert (after["code"], after["start_date"], after["deposit_per_book"]) == (
        "E1", "2026-03-14", {"fen": 20000})


def test_queries_write_nothing(example, actor):
    """Read-only services never touch the audit trail."""
    plan.build_plan(actor, example.event_id)
    before = row_counts()
    stock.list_series(actor)
    stock_report.stock_report(actor)
    merchants.list_merchants(actor)
    events.list_estimates(actor, example.event_id)
    plan.plan_view(actor, example.event_id)
    books.find_book(actor, "BJ0000001")
    settings.get_settings(actor)
    assert row_counts() == before


@pytest.mark.parametrize("where", ["stock", "plan", "checkout"])
def test_a_service_failing_after_writing_leaves_no_rows_at_all(example, actor, monkeypatch,
                                                               where):
    """A service is one transaction: if it fails late, every row it wrote is rolled back."""
    if where == "checkout":
        plan.build_plan(actor, example.event_id)
    before, books_before = row_counts(), list(Book.select().order_by(Book.first_no).tuples())

    def boom(*_args, **_kwargs):
        raise InputError("late failure")

    monkeypatch.setattr({"stock": stock, "plan": plan, "checkout": checkout}[where], "audit",
                        boom)
    with pytest.raises(InputError, match="late failure"):
        if where == "stock":
            stock.register_next_books(actor, example.series_id, 5)
        elif where == "plan":
            plan.build_plan(actor, example.event_id)
        else:
            checkout.checkout_merchant(actor, example.event_id, example.anxin, "张伟", "cash")
    assert row_counts() == before
    assert list(Book.select().order_by(Book.first_no).tuples()) == books_before


def test_a_write_without_an_audit_record_is_rolled_back(db, actor, monkeypatch):
    """A write that forgets its audit record is refused and undone."""
    from app.services.core import permissions

    monkeypatch.setitem(permissions.PERMISSIONS, "test.unaudited", permissions.EVERYONE)

    @base.service("test.unaudited")
    def unaudited(actor: Actor) -> None:
        Series.create(prefix="ZZ", digits=5, book_size=10)

    try:
        with pytest.raises(RuntimeError, match="audit"):
            unaudited(actor)
    finally:
        REGISTRY.pop("test.unaudited")
    assert Series.select().count() == 0


def test_services_need_an_actor(db):
    """Every call says who makes it."""
    with pytest.raises(TypeError):
        stock.create_series(None, "BJ")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        stock.list_series(Actor(""))
    with pytest.raises(RuntimeError):
        base.audit("x", "y")
    with pytest.raises(RuntimeError):
        base.current_actor()


def test_database_constraint_violation_becomes_a_conflict_and_saves_nothing(db, actor,
                                                                           monkeypatch):
    """A clash the checks missed (two clerks at once) reaches the clerk as a Conflict."""
    merchants.create_merchant(actor, "安信地板")
    monkeypatch.setattr(merchants, "_refuse_duplicate_brand", lambda *_a, **_k: None)
    seq = last_seq()
    with pytest.raises(Conflict):
        merchants.create_merchant(actor, "安信地板")
    assert Merchant.select().count() == 1
    assert audit_rows(seq) == []
    assert AuditLog.select().count() == seq


def test_require_text_rejects_empty_long_and_control_characters():
    """Free text is trimmed and checked before it is stored."""
    assert base.require_text("  x  ", "F") == "x"
    assert base.require_text(None, "F", allow_empty=True) == ""
    for bad in ["", "  ", "x" * 11, "a\tb", "a\ud800"]:
        with pytest.raises(AppError):
            base.require_text(bad, "F", 10)
