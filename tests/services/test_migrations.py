"""Opening database files: new files, reopening, upgrades, and files this release must refuse."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app.db import connection, location, migrations
from app.db.models import Meta, Series, database
from app.errors import DatabaseError
from app.services.stock import registration as stock
from tests.conftest import add_user, as_user

ACTOR = as_user("tester", "admin")


@pytest.fixture
def path(tmp_path: Path):
    """A database path; whatever these tests open is closed afterwards."""
    yield tmp_path / "desk.sqlite3"
    connection.close_database()


def stamp(path: Path, version: int) -> None:
    con = sqlite3.connect(path)
    con.execute("UPDATE meta SET value=? WHERE key='schema_version'", (str(version),))
    con.commit()
    con.close()


def stored(path: Path) -> int:
    con = sqlite3.connect(path)
    (value,) = con.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    con.close()
    return int(value)


def test_new_file_is_created_and_stamped_with_the_current_version(path):
    """A new file gets the whole schema and the current version."""
    db = connection.open_database(path)
    assert path.exists()
    assert migrations.stored_version(db) == migrations.CURRENT_VERSION
    assert Meta.get(Meta.key == "schema_version").value == str(migrations.CURRENT_VERSION)
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reopening_a_file_keeps_its_data_and_version(path):
    """Closing and opening again changes nothing."""
    connection.open_database(path)
    add_user(ACTOR.username, ACTOR.role)
    stock.create_series(ACTOR, "BJ")
    connection.close_database()
    db = connection.open_database(path)
    assert migrations.upgrade(db) == migrations.CURRENT_VERSION     # nothing left to do
    assert [s.prefix for s in stock.list_series(ACTOR)] == ["BJ"]
    assert stored(path) == migrations.CURRENT_VERSION


def test_file_from_a_newer_release_is_refused_and_left_alone(path):
    """A file stamped newer than this release could be misread: refuse it, don't touch it,
    and don't stay attached to it."""
    connection.open_database(path)
    add_user(ACTOR.username, ACTOR.role)
    stock.create_series(ACTOR, "BJ")
    connection.close_database()
    newer = migrations.CURRENT_VERSION + 1
    stamp(path, newer)
    with pytest.raises(DatabaseError) as err:
        connection.open_database(path)
    assert str(newer) in err.value.message
    assert str(migrations.CURRENT_VERSION) in err.value.message
    assert stored(path) == newer
    with pytest.raises(Exception):  # noqa: B017 - any refusal will do: nothing may be written
        stock.create_series(ACTOR, "SH")
    con = sqlite3.connect(path)
    assert con.execute("SELECT prefix FROM series").fetchall() == [("BJ",)]
    con.close()


def test_empty_file_is_not_created_when_creation_is_off(path):
    """Opening an existing desk never silently creates a new empty one."""
    with pytest.raises(DatabaseError):
        connection.open_database(path, create=False)


def test_damaged_file_is_refused_with_a_database_error(path):
    """A file that is not a database is reported, not crashed on."""
    path.write_bytes(b"this is not a database" * 200)
    with pytest.raises(DatabaseError):
        connection.open_database(path)


def test_unsupported_address_is_refused(tmp_path):
    """Only SQLite paths/URLs and PostgreSQL URLs are databases."""
    with pytest.raises(DatabaseError):
        connection.open_database("mysql://localhost/desk")
    assert location.to_url(tmp_path / "x.sqlite3").startswith("sqlite:///")
    assert location.to_url("postgresql://h/db") == "postgresql://h/db"


def test_older_file_runs_each_later_step_once_in_order(path, monkeypatch):
    """An older file is upgraded step by step, each step stamped when it commits; a failing
    step leaves the file at the last version that completed."""
    connection.open_database(path)
    connection.close_database()
    ran: list[int] = []

    def step(n):
        def run(db):
            ran.append(n)
            Series.create(prefix="S" * n, digits=5, book_size=10)
        return run

    def broken(db):
        Series.create(prefix="XX", digits=5, book_size=10)
        raise RuntimeError("step failed")

    base = migrations.CURRENT_VERSION
    steps = [None] * (base - 1)
    monkeypatch.setattr(migrations, "STEPS", [*steps, step(1), step(2), broken])
    monkeypatch.setattr(migrations, "CURRENT_VERSION", base + 3)
    with pytest.raises(RuntimeError):
        connection.open_database(path)
    assert ran == [1, 2]
    assert stored(path) == base + 2
    con = sqlite3.connect(path)
    assert sorted(p for (p,) in con.execute("SELECT prefix FROM series")) == ["S", "SS"]
    con.close()


def test_refused_file_leaves_the_open_database_in_use(path, tmp_path):
    """Trying to open a refused file does not swap the desk's database out from under it."""
    newer = tmp_path / "newer.sqlite3"
    connection.open_database(newer)
    connection.close_database()
    stamp(newer, migrations.CURRENT_VERSION + 1)
    current = connection.open_database(path)
    add_user(ACTOR.username, ACTOR.role)
    with pytest.raises(DatabaseError):
        connection.open_database(newer)
    assert database.obj is current
    stock.create_series(ACTOR, "BJ")
    assert [s.prefix for s in stock.list_series(ACTOR)] == ["BJ"]
