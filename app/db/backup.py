"""Rotating backups of the SQLite file, written with SQLite's online backup API.

A live database in WAL mode keeps recent commits in its ``-wal`` file, so copying the ``.sqlite3``
file would miss them (PITFALLS.md); `sqlite3.Connection.backup()` copies a consistent snapshot
while other connections keep working. Each backup:

- goes to ``<database folder>/backups`` (or a folder of the caller's choice) as
  ``<stem>-YYYYMMDD-HHMMSS-<reason>.sqlite3`` (local time), e.g.
  ``orderbook-20261123-143000-start.sqlite3``;
- is a single self-contained file (journal mode DELETE, no ``-wal`` beside it);
- is verified with ``PRAGMA integrity_check`` before it gets its final name;
- then rotation keeps the newest N backups of that database in that folder (N is the business
  setting ``backup_keep`` in the database, default 30, at least 1). Other files are never touched.

Reasons: ``start`` (`backup_at_start`), ``daily`` (`backup_if_due`), ``pre-migration``
(`pre_migration_backup`, called by `app.db.migrations.upgrade` through `open_database`) and
``manual``. Start and daily backups are skipped when nothing changed since the newest backup
(same schema version and same last audit record, logins aside), so restarts do not push older,
different states out of the rotation.

Backups are for SQLite only: a PostgreSQL server is backed up with its own tools (pg_dump).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from app.db import integrity
from app.errors import DatabaseDamaged, DatabaseError
from app.i18n import _

BACKUP_DIR_NAME = "backups"
REASONS = ("start", "daily", "pre-migration", "manual")
KEEP_SETTING = "backup_keep"
DEFAULT_KEEP = 30
MAX_KEEP = 10_000
SUFFIX = ".sqlite3"
STAMP = "%Y%m%d-%H%M%S"
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6})-(?P<reason>" +
                   "|".join(re.escape(r) for r in REASONS) + r")(?:-(?P<n>\d+))?\.sqlite3$")
_LOGIN_ACTIONS = ("user.login", "user.login_failed", "user.login_refused")


@dataclass(frozen=True)
class BackupInfo:
    """One backup file."""

    path: Path
    """Where it is."""
    created: dt.datetime
    """When it was made (local time, from its name)."""
    reason: str
    """start, daily, pre-migration or manual."""
    size: int
    """Bytes."""


def backup_folder(db_path: Path) -> Path:
    """The default backup folder: ``backups`` beside the database file."""
    return Path(db_path).resolve().parent / BACKUP_DIR_NAME


def list_backups(db_path: Path, folder: Path | None = None) -> list[BackupInfo]:
    """Backups of this database (matched by file name) in `folder`, newest first."""
    folder = Path(folder) if folder is not None else backup_folder(db_path)
    stem = Path(db_path).stem
    found = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            match = _NAME.match(entry.name)
            if not match or match["stem"] != stem or not entry.is_file():
                continue
            info = entry.stat()
            if info.st_size == 0:  # a name reserved by a backup still being written
                continue
            created = dt.datetime.strptime(match["stamp"], STAMP)
            found.append((created, info.st_mtime_ns, int(match["n"] or 1),
                          BackupInfo(Path(entry.path), created, match["reason"], info.st_size)))
    found.sort(key=lambda item: item[:3], reverse=True)
    return [item[3] for item in found]


def read_keep(con: sqlite3.Connection) -> int:
    """How many backups to keep, from the database's settings (default 30, at least 1)."""
    try:
        row = con.execute("SELECT value FROM setting WHERE key = ?", (KEEP_SETTING,)).fetchone()
        return max(1, min(int(row[0]), MAX_KEEP)) if row else DEFAULT_KEEP
    except (sqlite3.Error, ValueError, TypeError):
        return DEFAULT_KEEP


def fingerprint(con: sqlite3.Connection) -> tuple[object, ...] | None:
    """What identifies the data's state: schema version and the last audit record that is not a
    login (every change goes through a service that writes one). None when unreadable."""
    marks = ",".join("?" * len(_LOGIN_ACTIONS))
    try:
        version = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        last = con.execute(f"SELECT seq, hash FROM audit_log WHERE action NOT IN ({marks}) "
                           "ORDER BY seq DESC LIMIT 1", _LOGIN_ACTIONS).fetchone()
    except sqlite3.Error:
        return None
    return (version, last)


def _file_fingerprint(path: Path) -> tuple[object, ...] | None:
    try:
        with integrity.open_file(path) as con:
            return fingerprint(con)
    except sqlite3.Error:
        return None


def _reserve(folder: Path, stem: str, reason: str, now: dt.datetime) -> Path:
    """An unused backup name, created empty so that a parallel backup cannot take it."""
    base = f"{stem}-{now.strftime(STAMP)}-{reason}"
    for n in range(1, 1000):
        path = folder / (base + (f"-{n}" if n > 1 else "") + SUFFIX)
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            return path
        except FileExistsError:
            continue
    raise DatabaseError(_("Too many backups with the same time in {folder}.").format(
        folder=folder))


def online_copy(source: Path, target: Path) -> None:
    """Online backup of `source` into a new file `target`, made self-contained (no WAL)."""
    with integrity.open_file(source) as src:
        dst = sqlite3.connect(target, isolation_level=None)
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()


def make_backup(db_path: Path, reason: str, folder: Path | None = None) -> BackupInfo:
    """Back up the SQLite file `db_path` now, verify the copy, then rotate that folder.

    Raises:
        DatabaseDamaged: the database itself fails its check (nothing was written).
        DatabaseError: the file is missing, or the backup could not be written or did not
            verify (it was removed; the database is untouched).
    """
    if reason not in REASONS:
        raise ValueError(f"unknown backup reason {reason!r}")
    db_path = Path(db_path).resolve()
    if not db_path.is_file():
        raise DatabaseError(_("There is no database file at {path} to back up.").format(
            path=db_path))
    folder = Path(folder).resolve() if folder is not None else backup_folder(db_path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        final = _reserve(folder, db_path.stem, reason, dt.datetime.now())
    except OSError as exc:
        raise DatabaseError(_("Cannot write backups to {folder}: {reason}").format(
            folder=folder, reason=exc)) from exc
    part = folder / f".{final.name}.part-{os.getpid()}"
    try:
        online_copy(db_path, part)
        problems = integrity.check_file(part, full=True, references=False)
        if problems:
            _refuse_bad_copy(db_path, final, problems)
        os.replace(part, final)
    except BaseException as exc:
        for leftover in (part, final):
            with contextlib.suppress(OSError):
                leftover.unlink()
        if isinstance(exc, sqlite3.Error | OSError):
            _raise_copy_failed(db_path, final, exc)
        raise
    info = next(b for b in list_backups(db_path, folder) if b.path == final)
    rotate(db_path, folder, _keep_of(db_path), protect=final)
    return info


def _refuse_bad_copy(db_path: Path, final: Path, problems: list[str]) -> None:
    source_problems = integrity.check_file(db_path)
    if source_problems:
        raise damaged_error(db_path, source_problems)
    raise DatabaseError(_("The backup {path} did not pass its check ({problem}) and was removed; "
                          "the database is untouched. Check the disk of the backup folder.")
                        .format(path=final, problem=problems[0][:300]))


def _raise_copy_failed(db_path: Path, final: Path, exc: BaseException) -> None:
    if integrity.is_damage(exc):
        raise damaged_error(db_path, [str(exc)]) from exc
    raise DatabaseError(_("The backup {path} could not be written: {reason}").format(
        path=final, reason=exc)) from exc


def _keep_of(db_path: Path) -> int:
    try:
        with integrity.open_file(db_path) as con:
            return read_keep(con)
    except sqlite3.Error:
        return DEFAULT_KEEP


def rotate(db_path: Path, folder: Path, keep: int, protect: Path | None = None) -> list[Path]:
    """Delete this database's backups in `folder` beyond the newest `keep`; return them."""
    removed = []
    for old in list_backups(db_path, folder)[max(1, keep):]:
        if old.path == protect:
            continue
        with contextlib.suppress(FileNotFoundError):
            old.path.unlink()
            removed.append(old.path)
    return removed


def unchanged_since_newest(db_path: Path) -> bool:
    """True when the newest backup holds the same state as the file (see `fingerprint`)."""
    backups = list_backups(db_path)
    if not backups:
        return False
    now = _file_fingerprint(db_path)
    return now is not None and now == _file_fingerprint(backups[0].path)


def backup_at_start(db_path: Path, *, unless_newer_than: dt.timedelta | None = None
                    ) -> BackupInfo | None:
    """The ``start`` backup when the app or the command line opens the file; None when the file
    does not exist yet, nothing changed since the newest backup, or (`unless_newer_than`) the
    newest backup is younger than that: a script of a hundred commands then makes one backup, not
    a hundred whole copies that would also push every older backup out of the ones kept.

    Raises:
        DatabaseDamaged, DatabaseError: as `make_backup`.
    """
    if not Path(db_path).is_file() or unchanged_since_newest(db_path):
        return None
    if unless_newer_than is not None:
        backups = list_backups(db_path)
        if backups and dt.datetime.now() - backups[0].created < unless_newer_than:
            return None
    return make_backup(db_path, "start")


def backup_if_due(db_path: Path, max_age: dt.timedelta = dt.timedelta(hours=24)
                  ) -> BackupInfo | None:
    """A ``daily`` backup when the newest backup is older than `max_age` (or there is none) and
    the data changed since; None otherwise.

    Raises:
        DatabaseDamaged, DatabaseError: as `make_backup`.
    """
    if not Path(db_path).is_file():
        return None
    backups = list_backups(db_path)
    if backups and dt.datetime.now() - backups[0].created < max_age:
        return None
    if unchanged_since_newest(db_path):
        return None
    return make_backup(db_path, "daily")


def pre_migration_backup(db_path: Path, version: int) -> BackupInfo:
    """The backup taken before the first migration step touches an existing file.

    Raises:
        DatabaseError: it could not be made; the upgrade must not run (the file is unchanged).
    """
    try:
        return make_backup(db_path, "pre-migration")
    except DatabaseDamaged:
        raise
    except DatabaseError as exc:
        raise DatabaseError(_("The database (schema {version}) was not upgraded because no "
                              "backup could be made first: {reason}").format(
            version=version, reason=exc.message)) from exc


def newest_good_backup(db_path: Path) -> BackupInfo | None:
    """The newest backup of `db_path` (default folder) that passes `quick_check` and holds a
    schema version: backups are checked newest first."""
    for candidate in list_backups(db_path):
        if integrity.check_file(candidate.path):
            continue
        state = _file_fingerprint(candidate.path)
        if state is not None and state[0] is not None:
            return candidate
    return None


def damaged_error(path: Path, problems: list[str]) -> DatabaseDamaged:
    """The error for a damaged database file, naming the newest good backup."""
    good = newest_good_backup(Path(path))
    first = problems[0] if problems else "?"
    text = _("The database file {path} is damaged ({problem}). It was not opened, so nothing "
             "more can be lost.").format(path=path, problem=first[:300])
    return DatabaseDamaged(text + " " + backup_hint(good), str(path), tuple(problems),
                           str(good.path) if good is not None else None)


def backup_hint(good: BackupInfo | None) -> str:
    """One sentence naming the backup to restore, or saying there is none."""
    if good is None:
        return _("No good backup was found beside it; ask for help before changing anything.")
    return _("The newest good backup is {backup} ({when}): restore it from the Data safety "
             "menu or with `orderbook db restore`.").format(
        backup=good.path, when=good.created.strftime("%Y-%m-%d %H:%M"))


def check_on_open(con: sqlite3.Connection, path: Path) -> None:
    """`quick_check` of the file being opened.

    Raises:
        DatabaseDamaged: the file fails it; the message names the newest good backup.
    """
    problems = integrity.run_checks(con)
    if problems:
        raise damaged_error(path, problems)
