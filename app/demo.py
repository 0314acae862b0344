"""A demo data set built from DOMAIN.md's worked example (plus a few merchants to look at)."""

from __future__ import annotations

import datetime as dt

from app.services import checkout, events, merchants, plan, settings, stock, users
from app.services.base import Actor

DEMO_PASSWORD = "orderbook"
DEMO_USERS = [("clerk", "clerk", "订单专员小李"), ("manager", "manager", "类目经理王芳"),
              ("finance", "finance", "财务老张")]
EXTRA_MERCHANTS = [
    ("东鹏瓷砖", "广东东鹏控股股份有限公司", "瓷砖", "王芳", "刘强", "13800000003", "3", 60),
    ("九牧卫浴", "九牧厨卫股份有限公司", "卫浴", "李娜", "陈静", "13800000004", "2.5", 75),
    ("欧派橱柜", "欧派家居集团股份有限公司", "橱柜", "李娜", "赵磊", "13800000005", "3", 160),
]


def load_demo(actor: Actor | None = None) -> dict[str, str]:
    """Create the worked example: series BJ, 20 books, event 2026-SH-01, two merchants checked
    out as in DOMAIN.md (安信地板 3 books, 马可波罗瓷砖 1 book), three more merchants planned.
    Without an actor it acts as the first administrator; in a database without users it first
    creates the users admin, clerk, manager and finance, all with the password `DEMO_PASSWORD`.
    Returns ids by name.
    """
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
    return ids


def _demo_actor() -> Actor:
    if users.has_users():
        return users.first_admin()
    actor = users.setup_admin("admin", DEMO_PASSWORD, "管理员")
    for name, role, display in DEMO_USERS:
        users.create_user(actor, name, role, DEMO_PASSWORD, display)
    return actor
