"""Databases at each stage of the worked example, built once per test run through the services
and copied for each command run (SQLite files), for the command-line tests.

Every stage has the administrator `boss` and the clerk `clerk1`, both with password PASSWORD.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from app.db import connection
from app.services.checkout import checkouts, plan
from app.services.events import events, merchants
from app.services.returns import chase, deposits, seals
from app.services.returns import entry as returns
from app.services.stock import registration
from tests.conftest import TEST_PASSWORD, add_user, as_user

PASSWORD = TEST_PASSWORD
EVENT, ANXIN, MARCO = "2026-SH-01", "安信地板", "马可波罗瓷砖"
BOSS = as_user("boss", "admin")
STAGES = ("stocked", "planned", "issued", "returning", "returned", "resolved", "closed_out",
          "sealed", "archived")
"""Each stage is the one before plus:
stocked: series BJ, 20 books registered, users;
planned: event 2026-SH-01, 安信地板 (120) and 马可波罗瓷砖 (40) estimated, the plan built;
issued: both checked out (deposits ¥600 and ¥200), nothing returned yet;
returning: 安信's return partly entered (3 missing, 5 void, 45 unused), 马可波罗's wholly
  entered (22 used, 27 unused, 1 void) but not closed;
returned: 安信 fully entered, both returns closed (3 slips on the chase list);
resolved: BJ0000088 recovered as used, BJ0000017 and BJ0000149 written off (fines ¥200);
closed_out: both deposits closed out (refunds ¥400 and ¥200);
sealed: the six voids sealed as FB-001;
archived: the event archived."""


def _ids() -> tuple[str, str, str]:
    e = events.find_event(BOSS, EVENT)
    return e.id, merchants.find_merchant(BOSS, ANXIN).id, merchants.find_merchant(BOSS, MARCO).id


def _stocked() -> None:
    add_user("boss", "admin")
    add_user("clerk1", "clerk")
    s = registration.create_series(BOSS, "BJ", 7, 50, "北京订单本")
    registration.register_next_books(BOSS, s.id, 20)


def _planned() -> None:
    e = events.create_event(BOSS, EVENT, "2026上海家博会（春季）", "装大", dt.date(2026, 3, 14),
                            dt.date(2026, 3, 15), "上海新国际博览中心", ["王芳", "李娜"])
    for brand, category, estimate in ((ANXIN, "地板", 120), (MARCO, "瓷砖", 40)):
        m = merchants.create_merchant(BOSS, brand, category=category, category_manager="王芳",
                                      commission_percent="3")
        events.set_estimate(BOSS, e.id, m.id, estimate)
    plan.build_plan(BOSS, e.id)


def _issued() -> None:
    e, a, m = _ids()
    checkouts.checkout_merchant(BOSS, e, a, "张伟", "cash")
    checkouts.checkout_merchant(BOSS, e, m, "李明", "cash")


def _returning() -> None:
    e, a, m = _ids()
    returns.mark_slips(BOSS, e, a, "BJ0000017, 0000088, 0000149", "missing")
    returns.mark_slips(BOSS, e, a, "10-12, 60, 99", "void")
    returns.mark_slips(BOSS, e, a, "BJ0000101-0000145", "unused")
    returns.mark_slips(BOSS, e, m, "BJ0000173", "void")
    returns.mark_slips(BOSS, e, m, "174-200", "unused")
    returns.mark_remaining(BOSS, e, m, "BJ0000151", "used")


def _returned() -> None:
    e, a, m = _ids()
    for code in ("BJ0000001-0000050", "BJ0000051-0000100", "BJ0000101-0000150"):
        returns.mark_remaining(BOSS, e, a, code, "used")
    returns.close_return(BOSS, e, a)
    returns.close_return(BOSS, e, m)


def _resolved() -> None:
    e, a, _m = _ids()
    chase.recover_slips(BOSS, e, a, "BJ0000088", "used")
    chase.write_off(BOSS, e, a, "BJ0000017, BJ0000149", "客户丢失")


def _closed_out() -> None:
    e, a, m = _ids()
    deposits.close_out_deposit(BOSS, e, a, "cash", "张伟")
    deposits.close_out_deposit(BOSS, e, m, "cash", "李明")


def _sealed() -> None:
    seals.seal_voids(BOSS, _ids()[0], "FB-001")


def _archived() -> None:
    from app.services.returns import archive

    archive.archive_event(BOSS, _ids()[0])


_STEPS = {"stocked": _stocked, "planned": _planned, "issued": _issued, "returning": _returning,
          "returned": _returned, "resolved": _resolved, "closed_out": _closed_out,
          "sealed": _sealed, "archived": _archived}


def build_stages(folder: Path) -> dict[str, Path]:
    """One database file per stage in `folder`."""
    files: dict[str, Path] = {}
    work = folder / "work.sqlite3"
    connection.open_database(work)
    try:
        for stage in STAGES:
            _STEPS[stage]()
            connection.close_database()
            files[stage] = folder / f"{stage}.sqlite3"
            shutil.copy(work, files[stage])
            connection.open_database(work)
    finally:
        connection.close_database()
    return files


def copy_stage(files: dict[str, Path], stage: str, target: Path) -> Path:
    """A fresh copy of a stage's database at `target`."""
    shutil.copy(files[stage], target)
    return target
