"""A second OrderBook Desk on the same SQLite file (issue 3, point 4; docs/decisions/0006):
allowed on one PC. WAL lets readers and one writer work at once, every write service takes the
write lock first (BEGIN IMMEDIATE) and waits up to 10 s for it, so two processes registering the
"next" books at the same moment never get the same numbers and never lose one another's work.
What the second instance cannot do is pull the file away under the first: restore refuses."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.db import connection
from app.db.models import AuditLog, Book, StockBatch, database
from app.errors import Conflict
from app.services.admin import audit, data_safety
from app.services.stock import registration as stock
from tests.conftest import ADMIN, add_user

ROOT = Path(__file__).resolve().parents[3]
CALLS = 30
CHILD = r"""
import json, random, sys, time
from app.db import connection
from app.errors import AppError
from app.services.stock import registration as stock
from tests.conftest import as_user

path, series_id, calls = sys.argv[1], sys.argv[2], int(sys.argv[3])
connection.open_database(path)
print("ready", flush=True)
sys.stdin.readline()  # "go": both processes start together
done = []
for _ in range(calls):
    try:
        reg = stock.register_next_books(as_user("tester", "admin"), series_id, 1)
        done.append([reg.first, reg.last])
    except AppError as exc:
        done.append(["refused", exc.message])
    time.sleep(random.uniform(0, 0.02))  # a clerk's pause: lets the other writer in
print(json.dumps(done), flush=True)
sys.stdin.readline()  # stay open until told to quit (the restore test needs an open instance)
connection.close_database()
"""


def _number(code: str) -> int:
    return int(re.sub(r"\D", "", code))


@pytest.fixture
def shared(tmp_path: Path):
    """A database file with admin `tester` and series BJ (50 slips a book), closed."""
    path = tmp_path / "shared.sqlite3"
    connection.open_database(path)
    add_user(ADMIN.username, ADMIN.role)
    series_id = stock.create_series(ADMIN, "BJ", 7, 50).id
    connection.close_database()
    yield path, series_id
    connection.close_database()


def _start(path: Path, series_id: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path), series_id, str(CALLS)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
                             env=env)
    assert child.stdout.readline().strip() == "ready"
    return child


def _results(child: subprocess.Popen) -> list[list[str]]:
    line = child.stdout.readline()
    assert line, "the child process died"
    return json.loads(line)


def _finish(*children: subprocess.Popen) -> None:
    for child in children:
        child.stdin.write("quit\n")
        child.stdin.flush()
    for child in children:
        assert child.wait(timeout=60) == 0


def test_two_processes_registering_at_once_get_distinct_contiguous_books(shared):
    """2 processes × 30 'next 1 book' at the same time: all 60 succeed; the 60 books tile
    BJ0000001–BJ0003000 with no overlap and no gap; each process got what the file holds; 60
    registration audit records; the audit chain verifies."""
    path, series_id = shared
    a, b = _start(path, series_id), _start(path, series_id)
    for child in (a, b):
        child.stdin.write("go\n")
        child.stdin.flush()
    got_a, got_b = _results(a), _results(b)
    _finish(a, b)

    assert all(r[0] != "refused" for r in got_a + got_b), got_a + got_b
    owners = "".join(o for _n, o in sorted([(_number(r[0]), "a") for r in got_a]
                                           + [(_number(r[0]), "b") for r in got_b]))
    switches = sum(owners[i] != owners[i - 1] for i in range(1, len(owners)))
    assert switches >= 5, f"the two processes did not really race: {owners}"
    ranges = sorted((_number(first), _number(last)) for first, last in got_a + got_b)
    assert ranges == [(1 + 50 * i, 50 * (i + 1)) for i in range(2 * CALLS)]
    connection.open_database(path)
    books = [(b.first_no, b.last_no) for b in Book.select().order_by(Book.first_no)]
    assert books == ranges
    assert StockBatch.select().count() == 2 * CALLS
    assert AuditLog.select().where(AuditLog.action == "stock.register").count() == 2 * CALLS
    report = audit.verify_chain(ADMIN)
    assert report.ok, report.message


def test_a_restore_is_refused_while_a_second_instance_has_the_file_open(shared):
    """Instance B is open (idle); A's restore would pull the file from under it: refused, and
    nothing changes. Once B has quit, the same restore goes through."""
    path, series_id = shared
    connection.open_database(path)
    saved = data_safety.backup_now(ADMIN)
    stock.register_next_books(ADMIN, series_id, 2)
    other = _start(path, series_id)
    other.stdin.write("go\n")
    other.stdin.flush()
    assert len(_results(other)) == CALLS

    with pytest.raises(Conflict, match="another window or program"):
        data_safety.restore_backup(ADMIN, str(saved.path))
    assert stock.list_series(ADMIN)[0].last_number == 50 * (2 + CALLS)
    assert not list(path.parent.glob("*replaced*"))

    _finish(other)
    data_safety.restore_backup(ADMIN, str(saved.path))
    assert stock.list_series(ADMIN)[0].last_number == 0
    assert audit.verify_chain(ADMIN).ok


def test_a_writer_kept_waiting_past_the_busy_timeout_is_told_and_writes_nothing(shared):
    """If the other instance held the write lock longer than the wait, the clerk gets a clear
    'busy, try again' and no half-written registration (the wait is shortened here)."""
    path, series_id = shared
    connection.open_database(path)
    database.obj.execute_sql("PRAGMA busy_timeout = 200")
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(Conflict, match="busy"):
            stock.register_next_books(ADMIN, series_id, 1)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert Book.select().count() == 0
    assert AuditLog.select().where(AuditLog.action == "stock.register").count() == 0
    stock.register_next_books(ADMIN, series_id, 1)
    assert Book.select().count() == 1
