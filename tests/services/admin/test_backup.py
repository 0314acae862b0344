"""Backups and restore of the SQLite file (issue 3, point 3): online backup API, verified copies,
rotation by the keep-N setting, start/daily/pre-migration backups, and a restore that refuses a
damaged backup, keeps the replaced file and records who restored what in the audit chain."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from app.db import backup, connection, integrity, location, migrations
from app.db.models import AuditLog, database
from app.errors import Conflict, DatabaseDamaged, DatabaseError, InputError, PermissionDenied
from app.services.admin import audit, data_safety, users
from app.services.core.actor import Actor
from app.services.core.base import REGISTRY
from app.services.stock import registration as stock
from tests.conftest import TEST_PASSWORD, add_user
from tests.services.conftest import row_counts
from tests.services.damaged_files import damage_table_page

NAME = re.compile(r"^test-\d{8}-\d{6}-(start|daily|pre-migration|manual)(-\d+)?\.sqlite3$")


@pytest.fixture
def dbfile(db, backend) -> Path:
    """The SQLite file of the test database (backups are for SQLite files)."""
    if backend != "sqlite":
        pytest.skip("file backups are for SQLite; PostgreSQL uses pg_dump")
    path = location.database_file(database.obj)
    assert path is not None
    return path


@pytest.fixture
def series_id(dbfile, actor) -> str:
    """Series BJ with 4 books (BJ0000001–BJ0000200)."""
    s = stock.create_series(actor, "BJ", 7, 50)
    stock.register_next_books(actor, s.id, 4)
    return s.id


def one(path: Path, sql: str, *args: object) -> object:
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return con.execute(sql, args).fetchone()[0]
    finally:
        con.close()


def last_number(path: Path) -> int:
    return one(path, "SELECT max(last_no) FROM book")


def test_backup_holds_commits_still_in_the_wal_and_is_named_and_self_contained(
        dbfile, series_id, actor, tmp_path):
    """The online backup API, not a file copy: commits still in the -wal file are in the backup;
    the copy is one verified file named <stem>-<time>-<reason> in backups/ beside the data."""
    assert Path(str(dbfile) + "-wal").stat().st_size > 0
    naive = tmp_path / "naive-copy.sqlite3"
    shutil.copyfile(dbfile, naive)  # what a plain copy of a live WAL file gets
    with pytest.raises(sqlite3.Error):
        assert one(naive, "SELECT count(*) FROM book") == 0

    info = data_safety.backup_now(actor)

    assert info.path.parent == dbfile.parent / "backups"
    assert NAME.match(info.path.name) and info.reason == "manual"
    assert last_number(info.path) == 200
    assert one(info.path, "PRAGMA journal_mode") == "delete"
    assert not Path(str(info.path) + "-wal").exists()
    assert integrity.check_file(info.path, full=True) == []
    assert [b.path for b in data_safety.list_backups(actor)] == [info.path]


def test_a_copy_failing_its_check_is_removed_and_the_database_left_alone(
        dbfile, series_id, actor, monkeypatch):
    """The copy is verified before it gets its name: a bad copy leaves no file behind (not even
    the reserved name), and the refusal says the database is untouched."""
    real = integrity.check_file

    def copy_is_bad(path, **kwargs):
        return ["page 7: bad"] if ".part-" in Path(path).name else real(path, **kwargs)

    monkeypatch.setattr(integrity, "check_file", copy_is_bad)
    with pytest.raises(DatabaseError, match="did not pass its check.*untouched"):
        data_safety.backup_now(actor)
    assert list((dbfile.parent / "backups").iterdir()) == []
    assert last_number(dbfile) == 200


def test_rotation_keeps_the_newest_n_of_this_database_and_nothing_else(
        dbfile, series_id, actor):
    """keep=3: the new backup and the two newest older ones stay; another database's backups
    and unrelated files in the folder are never touched."""
    first = data_safety.backup_now(actor)
    folder = first.path.parent
    olds = [folder / f"test-2020010{day}-120000-daily.sqlite3" for day in range(1, 6)]
    for path in olds:
        shutil.copyfile(first.path, path)
    first.path.unlink()
    strangers = [folder / "other-20200101-120000-daily.sqlite3", folder / "notes.txt"]
    for path in strangers:
        path.write_bytes(b"keep me")
    data_safety.set_backup_keep(actor, 3)

    new = data_safety.backup_now(actor)

    kept = {b.path for b in backup.list_backups(dbfile)}
    assert kept == {new.path, olds[4], olds[3]}
    assert all(p.exists() for p in strangers)


def test_backups_of_the_same_second_are_ordered_by_when_they_were_written(dbfile, actor):
    """'start-2' made before 'manual' in the same second is not the newer one."""
    made = data_safety.backup_now(actor)
    folder = made.path.parent
    start2 = folder / "test-20200101-120000-start-2.sqlite3"
    manual = folder / "test-20200101-120000-manual.sqlite3"
    for path, mtime in ((start2, 1_000_000), (manual, 2_000_000)):
        shutil.copyfile(made.path, path)
        os.utime(path, (mtime, mtime))
    made.path.unlink()
    assert [b.path for b in backup.list_backups(dbfile)] == [manual, start2]


def test_keep_setting_is_admin_only_validated_audited_and_read_by_the_file_level_code(
        dbfile, actor):
    """Default 30, at least 1; only an administrator changes it, and the change is audited."""
    assert data_safety.get_backup_keep(actor) == 30
    for bad in (0, -1, "x", "2.5", "", "99999999999999", True):
        with pytest.raises(InputError):
            data_safety.set_backup_keep(actor, bad)
    clerk = add_user("li", "clerk")
    with pytest.raises(PermissionDenied):
        data_safety.set_backup_keep(clerk, 5)
    assert data_safety.set_backup_keep(actor, "7") == 7
    assert data_safety.get_backup_keep(clerk) == 7
    row = AuditLog.select().order_by(AuditLog.seq.desc()).first()
    assert (row.action, json.loads(row.before), json.loads(row.after)) == (
        "safety.set_keep", {"keep": 30}, {"keep": 7})
    assert one(dbfile, "SELECT value FROM setting WHERE key = ?", backup.KEEP_SETTING) == "7"


def test_start_backup_only_when_data_changed_since_the_newest_backup(dbfile, series_id, actor):
    """Restarting without changes (a login is not a change) makes no new copy; a registration
    does."""
    first = data_safety.backup_at_start()
    assert first is not None and first.reason == "start"
    assert data_safety.backup_at_start() is None
    users.login("tester", TEST_PASSWORD)
    assert data_safety.backup_at_start() is None
    stock.register_next_books(actor, series_id, 1)
    second = data_safety.backup_at_start()
    assert second is not None and last_number(second.path) == 250


def test_daily_backup_when_the_newest_is_old_enough_and_data_changed(dbfile, series_id, actor):
    """backup_if_due: none yet → a daily backup; a recent one → nothing; old enough → only if
    the data changed since."""
    made = data_safety.backup_if_due()
    assert made is not None and made.reason == "daily"
    assert data_safety.backup_if_due() is None
    assert backup.backup_if_due(dbfile, max_age=dt.timedelta(0)) is None  # no change
    stock.register_next_books(actor, series_id, 1)
    again = backup.backup_if_due(dbfile, max_age=dt.timedelta(0))
    assert again is not None and last_number(again.path) == 250


NOW = migrations.CURRENT_VERSION
"""The schema version this release writes."""


@pytest.fixture
def version_2(monkeypatch):
    """A release with one more schema step than this one (version NOW + 1); the step notes
    which backups existed when it ran."""
    seen: list[list[str]] = []

    def step(db):
        path = location.database_file(db)
        seen.append([b.reason for b in backup.list_backups(path)])
        db.execute_sql("CREATE TABLE added_in_v2 (x INTEGER)")

    monkeypatch.setattr(migrations, "STEPS", [*migrations.STEPS, step])
    monkeypatch.setattr(migrations, "CURRENT_VERSION", NOW + 1)
    return seen


def test_an_existing_file_is_backed_up_before_the_first_migration_step(
        dbfile, series_id, version_2):
    """The pre-migration backup exists before the step runs and holds the old schema."""
    connection.close_database()
    connection.open_database(dbfile)
    assert version_2 == [["pre-migration"]]
    (pre,) = backup.list_backups(dbfile)
    assert one(pre.path, "SELECT value FROM meta WHERE key = 'schema_version'") == str(NOW)
    assert one(pre.path, "SELECT count(*) FROM sqlite_master WHERE name = 'added_in_v2'") == 0
    assert last_number(pre.path) == 200
    assert one(dbfile, "SELECT value FROM meta WHERE key = 'schema_version'") == str(NOW + 1)


def test_no_upgrade_without_its_backup(dbfile, series_id, version_2, monkeypatch):
    """When the backup cannot be made, the upgrade is refused and the file stays as it was."""
    connection.close_database()

    def no_space(*_args, **_kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(backup, "make_backup", no_space)
    with pytest.raises(DatabaseError, match="not upgraded.*disk full"):
        connection.open_database(dbfile)
    assert version_2 == []
    assert one(dbfile, "SELECT value FROM meta WHERE key = 'schema_version'") == str(NOW)


def test_a_new_file_needs_no_pre_migration_backup(tmp_path, version_2):
    """A file created by this release is stamped current: nothing to migrate, nothing to keep."""
    connection.open_database(tmp_path / "fresh.sqlite3")
    connection.close_database()
    assert version_2 == []
    assert not (tmp_path / "backups").exists()


# ------------------------------------------------------------------------------------ restore

def test_restore_brings_back_the_backup_keeps_the_replaced_file_and_records_who(
        dbfile, series_id, actor):
    """Restore: data as in the backup; the replaced file kept with its newer data; an audit
    record in the restored database names who, from where, what was set aside; the chain
    verifies and the file passes quick_check."""
    saved = data_safety.backup_now(actor)
    stock.register_next_books(actor, series_id, 2)
    replaced_head = one(dbfile, "SELECT seq FROM audit_head")

    result = data_safety.restore_backup(actor, str(saved.path))

    assert stock.list_series(actor)[0].last_number == 200
    kept = Path(result.replaced_file)
    assert re.fullmatch(r"test-replaced-\d{8}-\d{6}\.sqlite3", kept.name)
    assert kept.parent == dbfile.parent and last_number(kept) == 300
    row = AuditLog.select().order_by(AuditLog.seq.desc()).first()
    after, before = json.loads(row.after), json.loads(row.before)
    assert (row.actor, row.action) == ("tester", "safety.restore")
    assert after["backup"] == str(saved.path) and after["replaced_file"] == str(kept)
    assert before["audit_records"] == replaced_head
    assert audit.verify_chain(actor).ok
    assert integrity.check_file(dbfile) == []
    assert str(saved.path) in result.message and str(kept) in result.message


def _state(path: Path) -> tuple[object, ...]:
    return (last_number(path), one(path, "SELECT seq FROM audit_head"))


def test_a_damaged_backup_is_refused_and_nothing_changes(dbfile, series_id, actor, tmp_path):
    """The chosen backup is checked first: a damaged one is refused; the open database, its
    file and the folder stay exactly as they were."""
    stock.register_next_books(actor, series_id, 400)
    saved = data_safety.backup_now(actor)
    broken = tmp_path / "broken.sqlite3"
    shutil.copyfile(saved.path, broken)
    damage_table_page(broken)
    before, files = _state(dbfile), sorted(p.name for p in dbfile.parent.iterdir())

    with pytest.raises(DatabaseError, match="damaged.*Nothing was changed"):
        data_safety.restore_backup(actor, str(broken))

    assert _state(dbfile) == before
    assert sorted(p.name for p in dbfile.parent.iterdir()) == files
    stock.register_next_books(actor, series_id, 1)  # still open and usable


def test_a_restore_failing_after_the_swap_puts_the_old_file_back(
        dbfile, series_id, actor, monkeypatch):
    """If reopening the restored copy fails, the replaced file goes back in place and is open
    again; no -replaced- file or staged copy is left behind."""
    saved = data_safety.backup_now(actor)
    stock.register_next_books(actor, series_id, 2)
    real_open, calls = connection.open_database, []

    def reopen_fails_once(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            raise DatabaseError("simulated failure while reopening")
        return real_open(*args, **kwargs)

    monkeypatch.setattr(connection, "open_database", reopen_fails_once)
    with pytest.raises(DatabaseError, match="simulated"):
        data_safety.restore_backup(actor, str(saved.path))
    assert len(calls) == 2                                  # the failed reopen, then the old file
    assert stock.list_series(actor)[0].last_number == 300
    assert sorted(p.name for p in dbfile.parent.iterdir() if p.is_file()) == [
        "test.sqlite3", "test.sqlite3-shm", "test.sqlite3-wal"]


def test_the_database_path_is_never_missing_during_a_restore(dbfile, series_id, actor,
                                                             monkeypatch):
    """The copy replaces the file in one atomic rename while the old file is already kept under
    its -replaced- name: a crash at any moment leaves a database at the path (never an empty
    place where the next start would create a new, empty database)."""
    saved = data_safety.backup_now(actor)
    seen = []
    real_replace = os.replace

    def watch(src, dst):
        if Path(dst) == dbfile:
            seen.append((dbfile.exists(), sorted(p.name for p in dbfile.parent.glob("*replaced*"))))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", watch)
    data_safety.restore_backup(actor, str(saved.path))
    (exists, kept), = seen
    assert exists and len(kept) == 1


def test_only_an_administrator_restores(dbfile, series_id, actor):
    """A clerk may back up but not restore; the refusal changes nothing."""
    saved = data_safety.backup_now(actor)
    clerk = add_user("li", "clerk")
    assert data_safety.backup_now(clerk).path.exists()
    before = row_counts()
    with pytest.raises(PermissionDenied):
        data_safety.restore_backup(clerk, str(saved.path))
    assert row_counts() == before


def test_restore_is_refused_while_another_connection_uses_the_file(dbfile, series_id, actor):
    """A second instance (here: another connection) still has the file open: refused, and the
    database stays open here, unchanged."""
    saved = data_safety.backup_now(actor)
    stock.register_next_books(actor, series_id, 1)
    other = sqlite3.connect(dbfile)
    other.execute("SELECT count(*) FROM book").fetchone()
    try:
        with pytest.raises(Conflict, match="open in another window"):
            data_safety.restore_backup(actor, str(saved.path))
    finally:
        other.close()
    assert stock.list_series(actor)[0].last_number == 250
    assert not list(dbfile.parent.glob("*replaced*"))


def test_a_backup_that_does_not_know_the_administrator_is_refused(dbfile, series_id, actor):
    """An administrator added after the backup could not sign in to the restored file: the GUI
    restore refuses (the command line can still do it) and changes nothing."""
    saved = data_safety.backup_now(actor)
    boss = add_user("boss", "admin")
    before = row_counts()
    with pytest.raises(PermissionDenied, match="orderbook db restore"):
        data_safety.restore_backup(boss, str(saved.path))
    assert row_counts() == before


def test_the_restore_record_cannot_be_written_without_a_restore(dbfile, actor):
    """safety.restore, called on its own (as the role and fuzz tests do), records nothing."""
    before = row_counts()
    with pytest.raises(Conflict):
        REGISTRY["safety.restore"].func(actor, path="/tmp/some.sqlite3")
    assert row_counts() == before


def test_a_damaged_database_is_restored_without_login_and_recorded(dbfile, series_id, actor):
    """The file fails quick_check on open (nobody can log in); the GUI restores the newest good
    backup the error names, and the restore is on record with the system user."""
    stock.register_next_books(actor, series_id, 400)
    saved = data_safety.backup_now(actor)
    with pytest.raises(PermissionDenied, match="not damaged"):
        data_safety.restore_damaged(str(dbfile), str(saved.path))
    connection.close_database()
    damage_table_page(dbfile)
    with pytest.raises(DatabaseDamaged) as err:
        connection.open_database(dbfile)
    assert err.value.backup == str(saved.path)

    result = data_safety.restore_damaged(str(dbfile), err.value.backup)

    assert stock.list_series(actor)[0].last_number == 20_200
    row = AuditLog.select().order_by(AuditLog.seq.desc()).first()
    assert row.action == "safety.restore" and row.actor.startswith("os:")
    assert json.loads(row.after)["via"] == "damaged-file recovery"
    assert audit.verify_chain(actor).ok
    assert integrity.check_file(Path(result.replaced_file))  # the damaged file, kept aside


def test_on_postgresql_backups_point_to_the_servers_tools(db, backend, actor):
    """PostgreSQL: no file to copy; backup and restore say to use pg_dump, checks are fine."""
    if backend != "postgresql":
        pytest.skip("PostgreSQL only")
    with pytest.raises(DatabaseError, match="pg_dump"):
        data_safety.backup_now(actor)
    with pytest.raises(DatabaseError):
        data_safety.restore_backup(actor, "/tmp/x.sqlite3")
    assert data_safety.list_backups(actor) == []
    assert data_safety.check_integrity(actor).ok
    assert data_safety.backup_at_start() is None and data_safety.network_warning() is None


def test_a_backup_folder_of_choice(dbfile, series_id, actor, tmp_path):
    """backup_now(folder=…) writes there (e.g. a USB stick) and rotates only there."""
    target = tmp_path / "usb" / "orderbook"
    info = data_safety.backup_now(actor, str(target))
    assert info.path.parent == target and last_number(info.path) == 200
    assert backup.list_backups(dbfile) == []
    with pytest.raises(InputError):
        data_safety.backup_now(actor, "bad\x00name")


def test_actor_must_exist(dbfile):
    """Backups through the services need a known user (the file-level functions do not)."""
    with pytest.raises(PermissionDenied):
        data_safety.backup_now(Actor("ghost", "admin"))
