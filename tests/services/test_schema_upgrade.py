"""A file written by an earlier release opens in this one (forward migrations)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.db import connection, migrations
from app.demo import DEMO_PASSWORD
from app.services.admin import users
from app.services.checkout import plan
from app.services.stock import report as stock_report

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.mark.parametrize("dump", sorted(FIXTURES.glob("schema_v*_demo.sql")), ids=lambda p: p.stem)
def test_database_of_every_earlier_release_opens_and_keeps_its_data(tmp_path, dump):
    path = tmp_path / "old.sqlite3"
    con = sqlite3.connect(path)
    con.executescript(dump.read_text(encoding="utf-8"))
    con.close()
    db = connection.open_database(path)
    try:
        assert migrations.stored_version(db) == migrations.CURRENT_VERSION
        actor = users.login("admin", DEMO_PASSWORD)  # the release's demo users log in as before
        series = stock_report.stock_report(actor)[0]
        assert series.totals["issued"] == (4, 200)
        event_id = db.execute_sql("SELECT id FROM event WHERE code='2026-SH-01'").fetchone()[0]
        lines = {line.brand: line for line in plan.plan_view(actor, event_id)}
        assert lines["安信地板"].issued_ranges == "BJ0000001–0000150"
        assert lines["安信地板"].deposit_held.fen == 60000
    finally:
        connection.close_database()
