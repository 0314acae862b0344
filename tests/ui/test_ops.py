"""The operation helper: one place that reports refusals and announces changes."""

from __future__ import annotations

import logging

from app import i18n
from app.errors import Conflict, ImportRejected
from app.services.stock import registration as stock
from tests.ui.helpers import wait_idle


def _count(ctx) -> list[int]:
    seen: list[int] = []
    ctx.bridge.data_changed.connect(lambda: seen.append(1))
    return seen


def test_success_emits_data_changed_once(ctx, actor):
    seen = _count(ctx)
    result = ctx.ops.run(None, stock.create_series, "BJ", 7, 50)
    assert result.ok and result.value.prefix == "BJ"
    assert seen == [1]


def test_refusal_is_shown_and_nothing_is_announced(ctx, messages):
    seen = _count(ctx)

    def refuse(_actor):
        raise Conflict("已被占用")

    result = ctx.ops.run(None, refuse)
    assert not result.ok and result.value is None
    assert messages.shown == [("Not done", "已被占用")]
    assert seen == []


def test_refusal_title_is_chinese_by_default(ctx, messages):
    i18n.set_language("zh_CN")

    def refuse(_actor):
        raise Conflict("x")

    ctx.ops.run(None, refuse)
    assert messages.shown == [("操作未完成", "x")]


def test_a_bug_is_logged_and_shown_generically(ctx, messages, caplog):
    def broken(_actor):
        raise ZeroDivisionError("boom")

    with caplog.at_level(logging.ERROR, logger="ui.common.ops"):
        result = ctx.ops.query(None, broken)
    assert not result.ok
    assert "Nothing was saved" in messages.texts[0]
    assert "boom" in caplog.text


def test_import_problems_go_in_the_details(ctx, messages, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    details: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: details.append(box.detailedText()))

    def reject(_actor):
        raise ImportRejected("2 problems", [("商家", 3, "电话", "bad"), ("预估", 4, "品牌", "?")])

    ctx.ops.run(None, reject)
    assert details == ["商家, row 3, column 电话: bad\n预估, row 4, column 品牌: ?"]


def test_background_work_runs_on_its_own_connection_and_reports(qtbot, ctx, actor, messages):
    series = stock.create_series(actor, "BJ", 7, 50)
    seen = _count(ctx)
    results: list[object] = []
    ctx.ops.run_in_background(None, "…", stock.register_next_books, series.id, 3,
                              on_success=results.append)
    assert ctx.ops.busy
    wait_idle(qtbot, ctx)
    assert results[0].books == 3
    assert seen == [1]
    assert stock.list_series(actor)[0].last_number == 150
    ctx.ops.run_in_background(None, "…", stock.register_next_books, series.id, 0)
    wait_idle(qtbot, ctx)
    assert messages.texts[0].startswith("Register at least one book")
    assert seen == [1]
