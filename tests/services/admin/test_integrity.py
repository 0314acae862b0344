"""Integrity on open and on demand, and the network-share warning (issue 3, point 4).

A really damaged file (random bytes over a data page in the middle of a table) is caught by
`PRAGMA quick_check` when it is opened and refused with `DatabaseDamaged`, which names the
newest backup that is itself sound. The full check adds `integrity_check` and
`foreign_key_check`."""

from __future__ import annotations

import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

from app import i18n
from app.db import connection, integrity, location
from app.db.models import database
from app.errors import DatabaseDamaged
from app.services.admin import data_safety
from app.services.stock import registration as stock
from tests.services.damaged_files import damage_header, damage_table_page


@pytest.fixture
def dbfile(db, backend, actor) -> Path:
    """The SQLite test file with series BJ and 400 books (several data pages), open."""
    if backend != "sqlite":
        pytest.skip("file integrity is SQLite's; PostgreSQL keeps its own storage")
    s = stock.create_series(actor, "BJ", 7, 50)
    stock.register_next_books(actor, s.id, 400)
    return location.database_file(database.obj)


def test_quick_check_catches_a_damaged_page_and_open_names_the_newest_good_backup(
        dbfile, actor):
    """Two backups; the newer one is damaged too, so the older is named. The damaged file is
    refused on open and stays unbound: no service can write into it."""
    older = data_safety.backup_now(actor)
    newer = data_safety.backup_now(actor)
    damage_table_page(newer.path, seed=11)
    connection.close_database()
    assert integrity.check_file(dbfile) == []          # sound before the damage

    page = damage_table_page(dbfile)

    assert page >= 3
    problems = integrity.check_file(dbfile)            # quick_check
    assert problems, "quick_check missed a page of random bytes"
    with pytest.raises(DatabaseDamaged) as err:
        connection.open_database(dbfile)
    assert err.value.backup == str(older.path)
    assert str(older.path) in err.value.message and "damaged" in err.value.message
    assert str(dbfile) == err.value.path and err.value.problems
    assert database.obj is None
    with pytest.raises(Exception):  # noqa: B017 - any refusal: nothing is bound
        stock.list_series(actor)


def test_a_file_that_is_no_database_any_more_is_damaged_and_says_no_backup(dbfile):
    """A broken header is damage too (not a vague 'cannot open'); without backups the message
    says so."""
    connection.close_database()
    damage_header(dbfile)
    with pytest.raises(DatabaseDamaged) as err:
        connection.open_database(dbfile)
    assert err.value.backup is None and "No good backup" in err.value.message


def test_damage_message_in_chinese(dbfile, actor):
    """The clerk reads it in the UI language, with the backup's path intact."""
    saved = data_safety.backup_now(actor)
    connection.close_database()
    damage_table_page(dbfile)
    i18n.set_language("zh_CN")
    with pytest.raises(DatabaseDamaged) as err:
        connection.open_database(dbfile)
    assert "已损坏" in err.value.message and str(saved.path) in err.value.message


def test_full_check_finds_a_broken_reference_that_quick_check_on_open_lets_through(
        dbfile, actor):
    """A book pointing at a series that does not exist (written behind the program's back):
    the file still opens, the full check reports the table and the missing parent."""
    assert data_safety.check_integrity(actor).ok
    connection.close_database()
    con = sqlite3.connect(dbfile)
    con.execute("PRAGMA foreign_keys=OFF")
    con.execute("UPDATE book SET series_id = 'gone' WHERE first_no = 1")
    con.commit()
    con.close()
    connection.open_database(dbfile)

    report = data_safety.check_integrity(actor)

    assert not report.ok
    assert any("book" in p and "series" in p for p in report.problems), report.problems
    assert "No good backup" in report.message
    assert integrity.check_file(dbfile) == [] and integrity.check_file(dbfile, full=True)
    # a data problem, not a damaged file: backups and restores keep working
    saved = data_safety.backup_now(actor)
    assert data_safety.restore_backup(actor, str(saved.path)).replaced_file


def test_full_check_reports_page_damage(dbfile, actor, tmp_path):
    """integrity_check on a damaged copy lists the problems (what `orderbook check --full`
    prints)."""
    connection.close_database()
    copy = tmp_path / "copy.sqlite3"
    shutil.copyfile(dbfile, copy)
    damage_table_page(copy)
    problems = integrity.check_file(copy, full=True)
    assert problems and all(isinstance(p, str) and p for p in problems)


# ----------------------------------------------------------------------------- network shares

@pytest.mark.parametrize(("path", "unc"), [
    (r"\\server\share\orderbook.sqlite3", True),
    ("//server/share/orderbook.sqlite3", True),
    (r"\\?\UNC\server\share\data\orderbook.sqlite3", True),
    (r"\\?\C:\Users\li\orderbook.sqlite3", False),
    (r"\\.\PhysicalDrive0", False),
    (r"C:\Users\li\AppData\Local\OrderBookDesk\orderbook.sqlite3", False),
    ("/home/li/.local/share/OrderBookDesk/orderbook.sqlite3", False),
    ("\\\\", False),
])
def test_unc_paths_are_recognised(path, unc):
    assert integrity.is_unc_path(path) is unc


PROC_MOUNTS = """\
sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0
/dev/sda2 / ext4 rw,relatime 0 0
/dev/sda3 /home ext4 rw,relatime 0 0
//nas/office /mnt/office cifs rw,relatime,vers=3.1.1,username=li 0 0
nas:/export/data /mnt/office/archive nfs4 rw,relatime,vers=4.2 0 0
/dev/sdb1 /mnt/office/local\\040disk ext4 rw 0 0
li@host:/srv /home/li/remote fuse.sshfs rw,nosuid,nodev 0 0
"""


def test_proc_mounts_are_parsed_with_escaped_spaces():
    mounts = integrity.parse_proc_mounts(PROC_MOUNTS)
    assert ("/mnt/office", "cifs") in mounts
    assert ("/mnt/office/local disk", "ext4") in mounts
    assert len(mounts) == 7


@pytest.mark.parametrize(("path", "kind"), [
    ("/mnt/office/orderbook.sqlite3", "cifs"),
    ("/mnt/office/archive/2026/orderbook.sqlite3", "nfs4"),
    ("/mnt/office/local disk/orderbook.sqlite3", "ext4"),
    ("/mnt/officex/orderbook.sqlite3", "ext4"),        # not under /mnt/office
    ("/home/li/remote/orderbook.sqlite3", "fuse.sshfs"),
    ("/home/li/orderbook.sqlite3", "ext4"),
])
def test_the_longest_mount_point_above_the_file_decides(path, kind):
    assert integrity.mount_type(path, integrity.parse_proc_mounts(PROC_MOUNTS)) == kind


def test_macos_mount_output_is_parsed():
    text = ("/dev/disk3s1s1 on / (apfs, sealed, local, read-only, journaled)\n"
            "//li@nas._smb._tcp.local/office on /Volumes/office (smbfs, nodev, nosuid, "
            "mounted by li)\n")
    mounts = integrity.parse_bsd_mount(text)
    assert mounts == [("/", "apfs"), ("/Volumes/office", "smbfs")]
    assert integrity.mount_type("/Volumes/office/x.sqlite3", mounts) == "smbfs"


def test_network_warning_recommends_postgresql_and_is_quiet_on_a_local_disk(monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(integrity, "_mounts", lambda: integrity.parse_proc_mounts(PROC_MOUNTS))
    text = integrity.network_warning("/mnt/office/orderbook.sqlite3")
    assert text and "PostgreSQL" in text and "/mnt/office/orderbook.sqlite3" in text
    assert "cifs" in text
    assert integrity.network_warning("/home/li/orderbook.sqlite3") is None
    i18n.set_language("zh_CN")
    chinese = integrity.network_warning(r"\\server\share\orderbook.sqlite3")
    assert chinese and "网络" in chinese and "PostgreSQL" in chinese


def test_mapped_network_drive_on_windows(monkeypatch):
    """On Windows the drive type decides (GetDriveTypeW == DRIVE_REMOTE), via ctypes."""
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(integrity, "_windows_drive_is_remote", lambda path: True)
    assert integrity.network_kind("Z:/orderbook.sqlite3") == "drive"
    assert "mapped network drive" in integrity.network_warning("Z:/orderbook.sqlite3")
    monkeypatch.setattr(integrity, "_windows_drive_is_remote", lambda path: False)
    assert integrity.network_kind("C:/orderbook.sqlite3") is None


def test_the_open_test_database_is_local(dbfile):
    assert data_safety.network_warning() is None
