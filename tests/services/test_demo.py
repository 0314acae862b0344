"""The demo data set is DOMAIN.md's worked example (R2.1, R2.2, R2.4)."""

from __future__ import annotations

from app.demo import load_demo
from app.domain.money import Money, chinese_capital
from app.services.checkout import checkouts as checkout
from app.services.checkout import plan
from app.services.stock import report as stock_report


def test_demo_builds_the_worked_example(db, actor):
    """Worked example: 安信地板 3 books BJ0000001–0000150, deposit ¥600 (人民币陆佰元整);
    马可波罗瓷砖 1 book BJ0000151–0000200, deposit ¥200; three more merchants planned."""
    ids = load_demo(actor)
    lines = {line.brand: line for line in plan.plan_view(actor, ids["event"])}
    anxin, marco = lines["安信地板"], lines["马可波罗瓷砖"]
    assert (anxin.estimate, anxin.issued_books, anxin.issued_ranges, anxin.deposit_held) == (
        120, 3, "BJ0000001–0000150", Money.yuan(600))
    assert (marco.estimate, marco.issued_books, marco.issued_ranges, marco.deposit_held) == (
        40, 1, "BJ0000151–0000200", Money.yuan(200))
    assert [(line.brand, line.planned_books) for line in lines.values() if line.planned_books
            ] == [("东鹏瓷砖", 2), ("九牧卫浴", 2), ("欧派橱柜", 4)]
    (receipt,) = checkout.list_checkouts(actor, ids["event"], ids["安信地板"])
    assert chinese_capital(receipt.deposit) == "人民币陆佰元整"
    (series,) = stock_report.stock_report(actor)
    assert series.totals == {"issued": (4, 200), "planned": (8, 400), "in_stock": (8, 400)}


def test_demo_after_the_event_holds_the_worked_example_return(db, actor):
    """R3.2/R3.5: 安信 97/45/5/3 still open; 马可波罗 22/27/1 closed and ¥200 refunded."""
    from app.services.returns import deposits, reconciliation

    ids = load_demo(actor, after_event=True)
    lines = {line.brand: line for line in reconciliation.reconciliation(actor, ids["event"]).lines}
    assert lines["安信地板"].counts.as_tuple() == (150, 97, 45, 5, 3, 0, 0)
    assert lines["安信地板"].return_state == "open"
    assert lines["马可波罗瓷砖"].counts.as_tuple() == (50, 22, 27, 1, 0, 0, 0)
    marco = deposits.get_deposit_status(actor, ids["event"], ids["马可波罗瓷砖"])
    assert marco.closed_out and marco.refund == Money.yuan(200)
