"""Fixtures for service tests: the worked example of DOMAIN.md, step by step."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from app.db import models, schema
from app.services.checkout import checkouts as checkout
from app.services.checkout import plan
from app.services.core.actor import Actor
from app.services.events import events, merchants
from app.services.returns import entry as returns
from app.services.stock import registration as stock
from app.services.stock.registration import SeriesInfo


def row_counts() -> dict[str, int]:
    """Rows per table: compare before/after to prove a refused service wrote nothing."""
    return {m.__name__: m.select().count() for m in schema.ALL_MODELS}


def audit_rows(since: int = 0) -> list[models.AuditLog]:
    """Audit records with seq > `since`, in order."""
    return list(models.AuditLog.select().where(models.AuditLog.seq > since)
                .order_by(models.AuditLog.seq))


def last_seq() -> int:
    """The highest audit seq so far (0 if none)."""
    row = models.AuditLog.select().order_by(models.AuditLog.seq.desc()).first()
    return row.seq if row else 0


@pytest.fixture
def series(db, actor: Actor) -> SeriesInfo:
    """Series BJ, 7 digits, 50 slips per book, nothing registered yet."""
    return stock.create_series(actor, "BJ", 7, 50, "北京订单本")


@pytest.fixture
def stocked(series: SeriesInfo, actor: Actor) -> SeriesInfo:
    """Series BJ with stock BJ0000001–BJ0001000 (20 books), as in the worked example."""
    stock.register_next_books(actor, series.id, 20)
    return series


@dataclass(frozen=True)
class Example:
    """Ids of the worked example: event 2026-SH-01, 安信地板 (120), 马可波罗瓷砖 (40)."""

    series_id: str
    event_id: str
    anxin: str
    marco: str


@pytest.fixture
def example(stocked: SeriesInfo, actor: Actor) -> Example:
    """The worked example before planning: event, two merchants and their estimates."""
    event = events.create_event(actor, "2026-SH-01", "2026上海家博会（春季）", "装大",
                                dt.date(2026, 3, 14), dt.date(2026, 3, 15),
                                "上海新国际博览中心", ["王芳", "李娜"])
    anxin = merchants.create_merchant(actor, "安信地板", "安信伟光（上海）木材有限公司", "地板",
                                      "王芳", "张伟", "13800000001", "3")
    marco = merchants.create_merchant(actor, "马可波罗瓷砖", "广东唯美陶瓷有限公司", "瓷砖",
                                      "王芳", "李明", "13800000002", "3")
    events.set_estimate(actor, event.id, anxin.id, 120)
    events.set_estimate(actor, event.id, marco.id, 40)
    return Example(stocked.id, event.id, anxin.id, marco.id)


@pytest.fixture
def issued(example: Example, actor: Actor) -> Example:
    """The worked example checked out: 安信 BJ0000001–0000150, 马可波罗 BJ0000151–0000200."""
    plan.build_plan(actor, example.event_id)
    checkout.checkout_merchant(actor, example.event_id, example.anxin, "张伟", "cash")
    checkout.checkout_merchant(actor, example.event_id, example.marco, "李明", "cash")
    return example


def enter_example_returns(ex: Example, actor: Actor) -> None:
    """The worked example's return (R3.1): 安信 used 97, unused 45, void 5 (10–12, 60, 99),
    missing 3 (17, 88, 149); 马可波罗 used 22, unused 27, void 1 (173)."""
    e, a, m = ex.event_id, ex.anxin, ex.marco
    returns.mark_slips(actor, e, a, "BJ0000017, 0000088, 0000149", "missing")
    returns.mark_slips(actor, e, a, "10-12, 60, 99", "void")
    returns.mark_slips(actor, e, a, "BJ0000101-0000145", "unused")   # 45 unused
    for code in ("BJ0000001-0000050", "BJ0000051-0000100", "BJ0000101-0000150"):
        returns.mark_remaining(actor, e, a, code, "used")
    returns.mark_slips(actor, e, m, "BJ0000173", "void")
    returns.mark_slips(actor, e, m, "174-200", "unused")              # 27 unused
    returns.mark_remaining(actor, e, m, "BJ0000151", "used")          # 22 used
