"""A demo data set built from DOMAIN.md's worked example (plus a few merchants to look at)."""

from __future__ import annotations

import datetime as dt

from app.errors import Conflict
from app.i18n import _
from app.services.admin import settings, users
from app.services.checkout import checkouts as checkout
from app.services.checkout import plan
from app.services.core.actor import Actor
from app.services.events import events, merchants
from app.services.returns import deposits, slip_details
from app.services.returns import entry as returns
from app.services.stock import registration as stock

DEMO_PASSWORD = "orderbook"
DEMO_USERS = [("clerk", "clerk", "订单专员小李"), ("manager", "manager", "类目经理王芳"),
              ("finance", "finance", "财务老张")]
EXTRA_MERCHANTS = [
    ("东鹏瓷砖", "广东东鹏控股股份有限公司", "瓷砖", "王芳", "刘强", "13800000003", "3", 60),
    ("九牧卫浴", "九牧厨卫股份有限公司", "卫浴", "李娜", "陈静", "13800000004", "2.5", 75),
    ("欧派橱柜", "欧派家居集团股份有限公司", "橱柜", "李娜", "赵磊", "13800000005", "3", 160),
]


def load_demo(actor: Actor | None = None, *, after_event: bool = False) -> dict[str, str]:
    """Create the worked example: series BJ, 20 books, event 2026-SH-01, two merchants checked
    out as in DOMAIN.md (安信地板 3 books, 马可波罗瓷砖 1 book), three more merchants planned.
    With `after_event`, their returns are entered as in the worked example (see
    `enter_demo_returns`).
    Without an actor the database must be empty: it first creates the users admin, clerk,
    manager and finance, all with the password `DEMO_PASSWORD`, and acts as admin.
    Returns ids by name.
    """
    own = actor is None
    if actor is None:
        actor = _demo_actor()
    settings.update_settings(actor, organization="上海家博会组委会")
    series = stock.create_series(actor, "BJ", 7, 50, "北京订单本")
    stock.register_next_books(actor, series.id, 20)
    event = events.create_event(
        actor, "2026-SH-01", "2026上海家博会（春季）", "装大", dt.date(2026, 3, 14),
        dt.date(2026, 3, 15), "上海新国际博览中心", ["王芳", "李娜"])
    anxin = merchants.create_merchant(actor, "安信地板", "安信伟光（上海）木材有限公司", "地板",
                                      "王芳", "张伟", "13800000001", "3")
    marco = merchants.create_merchant(actor, "马可波罗瓷砖", "广东唯美陶瓷有限公司", "瓷砖",
                                      "王芳", "李明", "13800000002", "3")
    events.set_estimate(actor, event.id, anxin.id, 120)
    events.set_estimate(actor, event.id, marco.id, 40)
    ids = {"series": series.id, "event": event.id, "安信地板": anxin.id, "马可波罗瓷砖": marco.id}
    for brand, company, category, manager, contact, phone, rate, est in EXTRA_MERCHANTS:
        m = merchants.create_merchant(actor, brand, company, category, manager, contact, phone,
                                      rate)
        events.set_estimate(actor, event.id, m.id, est)
        ids[brand] = m.id
    plan.build_plan(actor, event.id, series.id)
    checkout.checkout_merchant(actor, event.id, anxin.id, "张伟", "cash", "")
    checkout.checkout_merchant(actor, event.id, marco.id, "李明", "wechat", "")
    if after_event:
        enter_demo_returns(actor, ids)
    if own:
        users.logout(actor)  # the demo's own admin session ends with it
    return ids


def enter_demo_returns(actor: Actor, ids: dict[str, str]) -> None:
    """The worked example's return (R3.1–R3.5): 马可波罗 used 22, unused 27, void 1, closed and
    its ¥200 refunded; 安信 used 97, unused 45, void 5, missing 3 (BJ0000017, 0000088, 0000149),
    left open so the return screen has something to undo and close."""
    event, anxin, marco = ids["event"], ids["安信地板"], ids["马可波罗瓷砖"]
    returns.mark_slips(actor, event, marco, "BJ0000173", "void")
    returns.mark_slips(actor, event, marco, "BJ0000174-0000200", "unused")
    returns.mark_remaining(actor, event, marco, "BJ0000151-0000200", "used")
    returns.close_return(actor, event, marco)
    deposits.close_out_deposit(actor, event, marco, "wechat", "李明")
    returns.mark_slips(actor, event, anxin, "BJ0000017, 0000088, 0000149", "missing")
    returns.mark_slips(actor, event, anxin, "BJ0000010-0000012, 0000060, 0000099", "void")
    returns.mark_slips(actor, event, anxin, "BJ0000101-0000145", "unused")
    for code in ("BJ0000001-0000050", "BJ0000051-0000100", "BJ0000101-0000150"):
        returns.mark_remaining(actor, event, anxin, code, "used")
    slip_details.set_slip_details(actor, "BJ0000002", "刘洋", "13900000002", "18000", "2000")
    slip_details.set_slip_details(actor, "BJ0000003", "陈晨", "13900000003", "9000", "2000")
    slip_details.set_slip_details(actor, "BJ0000004", "周敏", "13900000004", "5000", "1000")


def _demo_actor() -> Actor:
    if users.has_users():
        raise Conflict(_("This database is in use already; the demo loads into an empty one."))
    actor = users.setup_admin("admin", DEMO_PASSWORD, "管理员")
    for name, role, display in DEMO_USERS:
        users.create_user(actor, name, role, DEMO_PASSWORD, display)
    return actor
