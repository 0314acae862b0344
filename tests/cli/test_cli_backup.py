"""`orderbook backup / restore / check`: file-level commands for scheduled tasks (issue 3,
point 3). They need no login and no input (restore with --yes); check exits 1 on damage."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app import cli
from app.cli import main
from app.db import connection, integrity
from app.db.models import AuditLog
from app.services.admin import audit, users
from tests.services.damaged_files import damage_table_page

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "cli-password"


class Terminal(io.StringIO):
    """Typed answers on a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def dbfile(tmp_path, capsys, monkeypatch) -> Path:
    """A database with series BJ and 400 books, made through the CLI; afterwards no password
    and no terminal (as in a scheduled task)."""
    path = tmp_path / "shop.sqlite3"
    monkeypatch.setenv("ORDERBOOK_PASSWORD", PASSWORD)
    for argv in (["db", "init", "--admin", "boss"], ["series", "create", "BJ"],
                 ["stock", "register", "BJ", "--books", "400"]):
        assert main(["--lang", "en", "--user", "boss", "--db", str(path), *argv]) == 0
    monkeypatch.delenv("ORDERBOOK_PASSWORD")
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    capsys.readouterr()
    return path


def run(capsys, path: Path | str, *argv: str) -> tuple[int, str, str]:
    code = main(["--lang", "en", "--db", str(path), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def last_number(path: Path) -> int:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT max(last_no) FROM book").fetchone()[0] or 0
    finally:
        con.close()


def backups(path: Path, reason: str = "") -> list[Path]:
    return sorted((path.parent / "backups").glob(f"{path.stem}-*{reason}*.sqlite3"))


def test_backup_needs_no_login_and_writes_a_checked_copy(capsys, dbfile, tmp_path):
    code, out, err = run(capsys, dbfile, "db", "backup")
    assert code == 0, err
    (made,) = backups(dbfile, "manual")
    assert f"Backup written and checked: {made}" in out
    assert last_number(made) == 20_000
    code, out, _ = run(capsys, dbfile, "db", "backup", "--to", str(tmp_path / "usb"))
    assert code == 0 and len(list((tmp_path / "usb").glob("shop-*-manual.sqlite3"))) == 1


def test_restore_asks_first_and_without_a_terminal_needs_yes(capsys, dbfile, monkeypatch):
    """No --yes and no terminal: refused (a scheduled task never hangs on a question); a typed
    'no' changes nothing; a typed 'yes' restores."""
    run(capsys, dbfile, "db", "backup")
    (saved,) = backups(dbfile, "manual")
    con = sqlite3.connect(dbfile)
    con.execute("DELETE FROM book WHERE first_no > 1000")  # a mistake to undo
    con.commit()
    con.close()

    code, _, err = run(capsys, dbfile, "db", "restore", str(saved))
    assert code == 2 and "--yes" in err and "Nothing was changed" in err
    monkeypatch.setattr(sys, "stdin", Terminal("no\n"))
    code, out, err = run(capsys, dbfile, "db", "restore", str(saved))
    assert code == 2 and "Type yes" in out and "Not confirmed" in err
    assert last_number(dbfile) == 1000 and not list(dbfile.parent.glob("*replaced*"))

    monkeypatch.setattr(sys, "stdin", Terminal("yes\n"))
    code, out, err = run(capsys, dbfile, "db", "restore", str(saved))
    assert code == 0, err
    assert last_number(dbfile) == 20_000


def test_restore_with_yes_keeps_the_replaced_file_and_records_it(capsys, dbfile):
    run(capsys, dbfile, "db", "backup")
    (saved,) = backups(dbfile, "manual")
    con = sqlite3.connect(dbfile)
    con.execute("DELETE FROM book WHERE first_no > 1000")
    con.commit()
    con.close()

    code, out, err = run(capsys, dbfile, "db", "restore", str(saved), "--yes")

    assert code == 0, err
    (kept,) = dbfile.parent.glob("shop-replaced-*.sqlite3")
    assert f"Restored {saved}" in out and str(kept) in out
    assert last_number(dbfile) == 20_000 and last_number(kept) == 1000
    connection.open_database(dbfile)
    try:
        row = AuditLog.select().order_by(AuditLog.seq.desc()).first()
        assert row.action == "safety.restore" and row.actor.startswith("cli:")
        after = json.loads(row.after)
        assert after["backup"] == str(saved) and after["via"] == "command line"
        assert audit.verify_chain(users.login("boss", PASSWORD)).ok
    finally:
        connection.close_database()


def test_a_lost_database_file_is_restored_from_its_backup(capsys, dbfile):
    """The file was deleted: restore puts the backup there (nothing to keep aside)."""
    run(capsys, dbfile, "db", "backup")
    (saved,) = backups(dbfile, "manual")
    dbfile.unlink()
    code, out, err = run(capsys, dbfile, "db", "restore", str(saved), "--yes")
    assert code == 0, err
    assert "kept as" not in out and last_number(dbfile) == 20_000
    assert run(capsys, dbfile, "db", "check", "--full")[0] == 0


def test_restore_backup_and_check_refuse_or_explain_on_postgresql(capsys):
    """No file behind a server URL: restore and backup refuse with a clear message (no
    connection is even tried), check says to use the server's tools."""
    url = "postgresql://nobody@127.0.0.1:1/nothing"
    code, _, err = run(capsys, url, "db", "restore", "x.sqlite3", "--yes")
    assert code == 2 and "SQLite" in err and "PostgreSQL" in err
    code, _, err = run(capsys, url, "db", "backup")
    assert code == 2 and "pg_dump" in err
    code, out, _ = run(capsys, url, "db", "check")
    assert code == 0 and "PostgreSQL" in out


def test_check_exit_status_says_whether_the_file_is_sound(capsys, dbfile):
    """0 and 'no problems' for a sound file; 1 for a damaged page, printing what is wrong and
    the backup to restore; 2 for a missing file."""
    run(capsys, dbfile, "db", "backup")
    (saved,) = backups(dbfile, "manual")
    code, out, _ = run(capsys, dbfile, "db", "check")
    assert code == 0 and "no problems" in out
    assert run(capsys, dbfile, "db", "check", "--full")[0] == 0

    damage_table_page(dbfile)

    code, out, _ = run(capsys, dbfile, "db", "check")
    assert code == 1 and "is damaged" in out and str(saved) in out
    assert run(capsys, dbfile, "db", "check", "--full")[0] == 1
    code, _, err = run(capsys, dbfile.with_name("missing.sqlite3"), "db", "check")
    assert code == 2 and "no database file" in err


def test_check_full_finds_broken_references(capsys, dbfile):
    con = sqlite3.connect(dbfile)
    con.execute("UPDATE book SET series_id = 'gone' WHERE first_no = 1")
    con.commit()
    con.close()
    assert run(capsys, dbfile, "db", "check")[0] == 0
    code, out, _ = run(capsys, dbfile, "db", "check", "--full")
    assert code == 1 and "book" in out and "series" in out


def test_other_commands_make_a_start_backup_only_after_changes(capsys, dbfile, monkeypatch):
    """Opening a changed file from the command line backs it up first (reason start); opening
    it again with nothing changed (a login is no change) does not."""
    monkeypatch.setenv("ORDERBOOK_PASSWORD", PASSWORD)
    monkeypatch.setattr(cli, "START_BACKUP_GAP", dt.timedelta(0))
    before = backups(dbfile, "start")
    assert run(capsys, dbfile, "--user", "boss", "series", "list")[0] == 0
    after_one = backups(dbfile, "start")
    assert run(capsys, dbfile, "--user", "boss", "series", "list")[0] == 0
    assert backups(dbfile, "start") == after_one
    assert run(capsys, dbfile, "--user", "boss", "stock", "register", "BJ", "--books", "1")[0] == 0
    assert run(capsys, dbfile, "--user", "boss", "series", "list")[0] == 0
    newest = backups(dbfile, "start")
    assert len(newest) == len(after_one) + 1 and len(after_one) >= len(before)
    assert max(last_number(p) for p in newest) == 20_050


def test_a_script_of_many_changes_makes_one_start_backup_and_keeps_the_older_ones(
        capsys, dbfile, monkeypatch):
    """Review finding: a start backup before every command of a script copied the whole file
    each time and pushed the manual and daily backups out of the ones kept. Now a command backs
    up only when the newest backup is more than an hour old."""
    monkeypatch.setenv("ORDERBOOK_PASSWORD", PASSWORD)
    assert run(capsys, dbfile, "--user", "boss", "db", "keep", "3")[0] == 0
    assert run(capsys, dbfile, "db", "backup")[0] == 0
    manual = backups(dbfile, "manual")
    starts = backups(dbfile, "start")
    for _ in range(6):
        code = run(capsys, dbfile, "--user", "boss", "stock", "register", "BJ", "--books", "1")[0]
        assert code == 0
    assert backups(dbfile, "start") == starts and backups(dbfile, "manual") == manual
    monkeypatch.setattr(cli, "START_BACKUP_GAP", dt.timedelta(0))
    assert run(capsys, dbfile, "--user", "boss", "series", "list")[0] == 0
    assert len(backups(dbfile, "start")) == len(starts) + 1


def test_network_location_is_warned_on_stderr_not_refused(capsys, dbfile, monkeypatch):
    monkeypatch.setattr(integrity, "network_kind", lambda path: "cifs")
    code, out, err = run(capsys, dbfile, "db", "check")
    assert code == 0 and "no problems" in out
    assert "network" in err and "PostgreSQL" in err


def test_scheduled_task_runs_without_input_or_password(dbfile, tmp_path):
    """As Windows Task Scheduler runs it: a separate process, no console input, no password."""
    env = {k: v for k, v in os.environ.items() if k != "ORDERBOOK_PASSWORD"}
    env["PYTHONPATH"] = str(ROOT)

    def orderbook(*argv: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "app.cli", "--lang", "en", "--db",
                               str(dbfile), *argv], stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, env=env, cwd=tmp_path,
                              timeout=120)

    done = orderbook("db", "backup")
    assert done.returncode == 0, done.stderr
    (saved,) = backups(dbfile, "manual")
    assert orderbook("db", "check", "--full").returncode == 0
    done = orderbook("db", "restore", str(saved), "--yes")
    assert done.returncode == 0, done.stderr
    assert last_number(dbfile) == 20_000
