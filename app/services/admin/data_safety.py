"""Data safety for the GUI: backups, restore, integrity check, how many backups to keep.

The GUI calls these (it may not import app.db); every function returns plain values.

Without a login (file-level, like the `orderbook db backup/restore/check` commands):
- `backup_at_start()` right after opening a database (a ``start`` backup, skipped when nothing
  changed since the newest backup); `backup_if_due()` on a timer (a ``daily`` backup);
- `network_warning()` once after opening: text to show, or None;
- `restore_damaged(target, backup)` when opening raised `app.errors.DatabaseDamaged`: restore
  ``exc.backup`` (the newest good backup) in place of the damaged file ``exc.path``; refused for
  a file that is not damaged. Nobody can log in to a damaged file, so the audit record names the
  operating-system user (`app.db.restore.append_restore_record`).

Services (permission table: ``safety.*``):
- `backup_now(actor, folder=None)` clerk and admin; `list_backups(actor)`, `check_integrity`
  and `get_backup_keep` everyone; `set_backup_keep(actor, keep)` and `restore_backup(actor,
  path)` admin only.

Long work: `backup_now`, `check_integrity` and the restore read the whole file; on big files
run them in a worker thread (`session.thread_connection()`), and let no other worker hold a
connection during a restore (the restore is refused while another connection uses the file).
After a restore the models are bound to the restored file: refresh every view.
"""

from __future__ import annotations

import datetime as dt
import getpass
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.db import backup, integrity, location, restore
from app.db.backup import BackupInfo
from app.db.models import Setting, database
from app.errors import AppError, Conflict, DatabaseError, InputError, PermissionDenied
from app.i18n import _
from app.services.core.actor import Actor
from app.services.core.base import audit, query, require_text, service

__all__ = ["BackupInfo", "IntegrityReport", "RestoreResult", "backup_at_start", "backup_if_due",
           "backup_now", "check_integrity", "get_backup_keep", "list_backups", "network_warning",
           "restore_backup", "restore_damaged", "set_backup_keep"]


@dataclass(frozen=True)
class IntegrityReport:
    """Outcome of the full integrity check."""

    ok: bool
    problems: tuple[str, ...]
    """What SQLite reported (integrity_check, then foreign_key_check), empty when ok."""
    message: str
    """One translated sentence for the user (names the newest good backup when not ok)."""


@dataclass(frozen=True)
class RestoreResult:
    """What a restore did."""

    database: str
    """The database file, now holding the backup's data (and open)."""
    backup: str
    """The backup that was restored."""
    replaced_file: str | None
    """Where the replaced file was kept (None when there was none)."""
    message: str
    """Translated summary for the user."""


_pending: restore.RestoreOutcome | None = None
"""The restore that `restore_backup` has just done and `_record_restore` is to record."""


def _current_file() -> Path | None:
    return location.database_file(database.obj)


def _require_file() -> Path:
    path = _current_file()
    if path is None:
        raise DatabaseError(_("Backups and restores here are for SQLite database files. A "
                              "PostgreSQL server is backed up with the server's own tools "
                              "(pg_dump)."))
    return path


def backup_at_start() -> BackupInfo | None:
    """The ``start`` backup of the open SQLite file (no login needed); None for PostgreSQL or
    when nothing changed since the newest backup.

    Raises:
        DatabaseDamaged, DatabaseError: the file is damaged, or the backup failed.
    """
    path = _current_file()
    return backup.backup_at_start(path) if path is not None else None


def backup_if_due(max_age: dt.timedelta = dt.timedelta(hours=24)) -> BackupInfo | None:
    """A ``daily`` backup when the newest is older than `max_age` and data changed since (no
    login; call it on a timer, e.g. hourly).

    Raises:
        DatabaseDamaged, DatabaseError: the file is damaged, or the backup failed.
    """
    path = _current_file()
    return backup.backup_if_due(path, max_age) if path is not None else None


def network_warning() -> str | None:
    """A warning when the open SQLite file lies on a network share, else None."""
    path = _current_file()
    return integrity.network_warning(path) if path is not None else None


@query("safety.backup_now")
def backup_now(actor: Actor, folder: str | None = None) -> BackupInfo:
    """A ``manual`` backup now, into `folder` (default: ``backups`` beside the file).

    It changes nothing in the database, so it writes no audit record: the verified backup file
    is the record.

    Raises:
        InputError: a folder name with characters no file system takes.
        DatabaseError: a PostgreSQL database, or the backup failed (the database is untouched).
        DatabaseDamaged: the database file itself is damaged.
    """
    text = require_text(folder, _("Backup folder"), 1000, allow_empty=True)
    return backup.make_backup(_require_file(), "manual",
                              Path(text).expanduser() if text else None)


@query("safety.list_backups")
def list_backups(actor: Actor) -> list[BackupInfo]:
    """Backups of the open database in its backup folder, newest first (none on PostgreSQL)."""
    path = _current_file()
    return backup.list_backups(path) if path is not None else []


@query("safety.check")
def check_integrity(actor: Actor) -> IntegrityReport:
    """The full check: ``PRAGMA integrity_check`` and ``PRAGMA foreign_key_check``."""
    path = _current_file()
    if path is None:
        return IntegrityReport(True, (), _("PostgreSQL keeps its own storage consistent and "
                                           "always enforces references; nothing to check here."))
    problems = integrity.run_checks(database.obj.connection(), full=True)
    if not problems:
        return IntegrityReport(True, (), _("The database passed the full integrity check."))
    text = _("The database has {n} problem(s); the first: {problem}").format(
        n=len(problems), problem=problems[0][:300])
    hint = backup.backup_hint(backup.newest_good_backup(path))
    return IntegrityReport(False, tuple(problems), text + " " + hint)


def _stored_keep() -> int:
    row = Setting.get_or_none(Setting.key == backup.KEEP_SETTING)
    try:
        return max(1, min(int(row.value), backup.MAX_KEEP)) if row else backup.DEFAULT_KEEP
    except ValueError:
        return backup.DEFAULT_KEEP


@query("safety.get_keep")
def get_backup_keep(actor: Actor) -> int:
    """How many backups of this database are kept (default 30)."""
    return _stored_keep()


@service("safety.set_keep")
def set_backup_keep(actor: Actor, keep: int | str = backup.DEFAULT_KEEP) -> int:
    """Keep the newest `keep` backups (applies from the next backup on).

    Raises:
        InputError: not a whole number from 1 to 10,000.
    """
    text = str(keep).strip()
    if isinstance(keep, bool) or not (text.isascii() and text.isdigit() and len(text) <= 6) \
            or not 1 <= int(text) <= backup.MAX_KEEP:
        raise InputError(_("The number of backups to keep must be a whole number from 1 to "
                           "{n}.").format(n=backup.MAX_KEEP))
    before, value = _stored_keep(), int(text)
    if not Setting.update(value=str(value)).where(Setting.key == backup.KEEP_SETTING).execute():
        Setting.create(key=backup.KEEP_SETTING, value=str(value))
    audit("safety.set_keep", "settings", backup.KEEP_SETTING, before={"keep": before},
          after={"keep": value})
    return value


def _require_admin_in(username: str) -> Callable[[Path], None]:
    def check(source: Path) -> None:
        try:
            with integrity.open_file(source) as con:
                row = con.execute('SELECT role, active FROM "user" WHERE username = ?',
                                  (username,)).fetchone()
        except sqlite3.Error:
            row = None
        if row is None or row[0] != "admin" or not row[1]:
            raise PermissionDenied(_(
                "The backup does not know {user} as an active administrator, so you could not "
                "sign in after restoring it. Restore it with `orderbook db restore` on the command "
                "line instead. Nothing was changed.").format(user=username))
    return check


def restore_backup(actor: Actor, path: str | Path) -> RestoreResult:
    """Restore the backup file `path` over the open database (admin; ``safety.restore``).

    The backup must pass `integrity_check` and know `actor` as an active administrator; the
    replaced file is kept; the restore is recorded in the restored database's audit chain by the
    service ``safety.restore``.

    Raises:
        PermissionDenied: not an administrator (here or in the backup).
        NotFound, DatabaseError: PostgreSQL, or the backup is missing, damaged or too new.
        Conflict: another window or program has the database open.
        (In all these cases nothing was changed.)
    """
    global _pending
    from app.services.core.permissions import authorize

    authorize(actor, "safety.restore")
    outcome = restore.restore_file(_require_file(), Path(str(path)),
                                   precheck=_require_admin_in(actor.username))
    _pending = outcome
    try:
        _record_restore(actor, str(outcome.source))
    except AppError as exc:
        raise AppError(_("The backup was restored, but the audit record of it failed: {reason}")
                       .format(reason=exc.message)) from exc
    finally:
        _pending = None
    return _result(outcome)


@service("safety.restore")
def _record_restore(actor: Actor, path: str) -> None:
    """The audit record of the restore `restore_backup` has just done (registered as
    ``safety.restore``, so the permission table and the audit chain treat it as a service).

    Raises:
        Conflict: called on its own: no restore from `path` is waiting to be recorded.
    """
    outcome = _pending
    if outcome is None or str(outcome.source) != str(path):
        raise Conflict(_("No restore from {path} is waiting to be recorded.").format(path=path))
    before, after = restore.restore_details(outcome, "desktop")
    audit("safety.restore", "database", "", before=before, after=after)


def restore_damaged(target: str | None, backup_file: str) -> RestoreResult:
    """Restore `backup_file` in place of the damaged (or missing) SQLite file `target`
    (path or URL, None = default file), without a login; it stays open afterwards.

    Raises:
        PermissionDenied: the file is not damaged (an administrator restores it after login).
        NotFound, DatabaseError: PostgreSQL, or the backup is missing, damaged or too new.
        Conflict: another window or program has the file open.
    """
    db_path = location.sqlite_path(target)
    if db_path is None:
        raise DatabaseError(_("Restoring a backup is for SQLite database files; a PostgreSQL "
                              "server is restored with the server's own tools."))
    if db_path.exists() and not integrity.check_file(db_path):
        raise PermissionDenied(_("The database {path} is not damaged: sign in as an "
                                 "administrator to restore a backup.").format(path=db_path))
    outcome = restore.restore_file(db_path, Path(str(backup_file)))
    restore.append_restore_record(outcome, "os:" + os_user(), "damaged-file recovery")
    return _result(outcome)


def os_user() -> str:
    """The operating-system user (for records made without an application login)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return "unknown"


def _result(outcome: restore.RestoreOutcome) -> RestoreResult:
    replaced = str(outcome.replaced[0]) if outcome.replaced else None
    text = _("Restored {backup} into {database}.").format(backup=outcome.source,
                                                          database=outcome.database)
    if replaced:
        text += " " + _("The replaced file was kept as {path}.").format(path=replaced)
    return RestoreResult(str(outcome.database), str(outcome.source), replaced, text)
