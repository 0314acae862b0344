"""Putting a backup back in place of the SQLite file, keeping the file it replaces.

`restore_file` refuses a backup that fails `integrity_check` (or is not an OrderBook Desk
database, or is newer than this release) before anything is touched. Then it copies the backup
beside the database with the online backup API, closes this thread's connection, makes sure no
other connection (window, program, second instance) uses the file, keeps the file and its
``-wal``/``-shm`` as ``<stem>-replaced-<timestamp>.sqlite3…`` (nothing is lost), moves the copy
into place in one atomic rename (the database path is never missing, so a crash cannot leave the
app to create an empty database there) and reopens it (`open_database`: quick_check,
migrations). Any failure on the way puts the old file back and reopens it if it was open.

Who restored what is recorded in the restored database's audit chain: by the service
``safety.restore`` for a logged-in administrator (`app.services.data_safety.restore_backup`), or,
where nobody can log in — the command line for scheduled tasks, and the GUI when the file is
damaged and cannot be opened — by `append_restore_record`. That one extends the chain exactly as
`app.services.base.audit` does (same head row, same `record_hash`), so `audit.verify` still
passes; it names the operating-system user because there is no application user.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from app.db import connection, integrity, migrations
from app.db.backup import STAMP, online_copy
from app.db.location import database_file
from app.db.models import database
from app.errors import Conflict, DatabaseError, NotFound
from app.i18n import _

SIDE_FILES = ("-wal", "-shm", "-journal")


@dataclass(frozen=True)
class RestoreOutcome:
    """What a restore did."""

    database: Path
    """The database file, now holding the backup's data."""
    source: Path
    """The backup that was restored."""
    replaced: tuple[Path, ...]
    """The replaced file (first) and its -wal/-shm, renamed; empty if there was no file."""
    previous_head: tuple[int, str] | None
    """Last audit record (seq, hash) of the replaced file, None if unreadable."""
    version: int
    """Schema version of the backup (a newer program upgrades it on reopening)."""


def inspect_backup(source: Path, db_path: Path | None = None) -> int:
    """Check a backup before it may be restored; return its schema version.

    Raises:
        NotFound: no such file. DatabaseError: it is damaged, not an OrderBook Desk database,
            from a newer release, or the database file itself.
    """
    source = Path(source).resolve()
    if not source.is_file():
        raise NotFound(_("There is no backup file at {path}.").format(path=source))
    if db_path is not None and source == Path(db_path).resolve():
        raise DatabaseError(_("{path} is the database itself, not a backup of it.").format(
            path=source))
    problems = integrity.check_file(source, full=True, references=False)
    if problems:
        raise DatabaseError(_("The backup {path} is damaged ({problem}). Nothing was changed; "
                              "choose another backup.").format(path=source,
                                                               problem=problems[0][:300]))
    return _version_of(source)


def _version_of(source: Path) -> int:
    try:
        with integrity.open_file(source) as con:
            row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        version = int(row[0]) if row else None
    except (sqlite3.Error, ValueError):
        version = None
    if version is None:
        raise DatabaseError(_("{path} is not an OrderBook Desk database.").format(path=source))
    if version > migrations.CURRENT_VERSION:
        raise DatabaseError(_("The backup {path} was written by a newer OrderBook Desk (schema "
                              "{found}); update the program first.").format(path=source,
                                                                             found=version))
    return version


def restore_file(db_path: Path, source: Path,
                 precheck: Callable[[Path], None] | None = None) -> RestoreOutcome:
    """Replace the SQLite file `db_path` by the backup `source` and reopen it (bound).
    `precheck(source)` may refuse the backup after its integrity check, before any change.

    Raises:
        NotFound, DatabaseError: the backup is missing or unusable (nothing changed).
        Conflict: another window or program has the database open (nothing changed).
        AppError: what `precheck` raises (nothing changed).
    """
    db_path, source = Path(db_path).resolve(), Path(source).resolve()
    version = inspect_backup(source, db_path)
    if precheck is not None:
        precheck(source)
    staged = db_path.with_name(f".{db_path.name}.restoring-{os.getpid()}")
    try:
        _stage(source, staged)
        previous = _head(db_path)
        was_open = database_file(database.obj) == db_path
        if was_open:
            connection.close_database()
        replaced: tuple[Path, ...] = ()
        try:
            _take_over(db_path)
            replaced = _move_aside(db_path)
            os.replace(staged, db_path)
            connection.open_database(db_path, create=False)
        except BaseException:
            _put_back(db_path, replaced, reopen=was_open)
            raise
    finally:
        with contextlib.suppress(OSError):
            staged.unlink()
    return RestoreOutcome(db_path, source, replaced, previous, version)


def _stage(source: Path, staged: Path) -> None:
    with contextlib.suppress(OSError):
        staged.unlink()
    try:
        online_copy(source, staged)
    except (sqlite3.Error, OSError) as exc:
        raise DatabaseError(_("The backup could not be copied beside the database: {reason}. "
                              "Nothing was changed.").format(reason=exc)) from exc
    problems = integrity.check_file(staged)
    if problems:
        raise DatabaseError(_("The copy of the backup did not pass its check ({problem}). "
                              "Nothing was changed.").format(problem=problems[0][:300]))


def _head(db_path: Path) -> tuple[int, str] | None:
    try:
        with integrity.open_file(db_path) as con:
            row = con.execute("SELECT seq, hash FROM audit_head").fetchone()
    except sqlite3.Error:
        return None
    return (int(row[0]), str(row[1])) if row else None


def _take_over(db_path: Path) -> None:
    """Make sure nobody else has the file open; fold its WAL into it.

    Leaving WAL mode needs the only connection to the file, so it doubles as the test. A file
    too damaged to switch is simply moved aside with its -wal and -shm.

    Raises:
        Conflict: another connection (window, program, second instance) uses the file.
    """
    if not db_path.exists():
        return
    try:
        con = sqlite3.connect(db_path, timeout=1.0, isolation_level=None)
        try:
            mode = str(con.execute("PRAGMA journal_mode=DELETE").fetchone()[0]).lower()
        finally:
            con.close()
    except sqlite3.Error as exc:
        text = str(exc).lower()
        if "locked" not in text and "busy" not in text:
            return  # damaged or unreadable: moved aside as it is
        mode = "busy"
    if mode != "delete":
        raise Conflict(_("The database {path} is open in another window or program (a second "
                         "OrderBook Desk?). Close it there and try again; nothing was changed.")
                       .format(path=db_path))


def _move_aside(db_path: Path) -> tuple[Path, ...]:
    """Keep the current file as ``<stem>-replaced-<time>`` (first in the result) with its side
    files. The file itself gets that second name as a hard link, so the database path is never
    empty: the copy then replaces it in one atomic step (renamed where links are impossible).

    Raises:
        Conflict: a file cannot be renamed (open in another program); nothing was changed.
    """
    if not db_path.exists():
        return ()
    kept = _free_name(db_path)
    sides: list[Path] = []
    try:
        for side in SIDE_FILES:
            if Path(str(db_path) + side).exists():
                os.rename(str(db_path) + side, str(kept) + side)
                sides.append(Path(str(kept) + side))
        try:
            os.link(db_path, kept)
        except OSError:
            os.rename(db_path, kept)
    except OSError as exc:
        for path in sides:
            with contextlib.suppress(OSError):
                os.rename(path, str(db_path) + str(path)[len(str(kept)):])
        raise Conflict(_("The database file could not be moved aside ({reason}); is it open "
                         "in another program? Nothing was changed.").format(reason=exc)) from exc
    return (kept, *sides)


def _free_name(db_path: Path) -> Path:
    stamp = dt.datetime.now().strftime(STAMP)
    for n in range(1, 1000):
        kept = db_path.with_name(f"{db_path.stem}-replaced-{stamp}"
                                 f"{'-' + str(n) if n > 1 else ''}{db_path.suffix}")
        if not any(Path(str(kept) + s).exists() for s in ("", *SIDE_FILES)):
            return kept
    raise Conflict(_("Too many replaced files of the same time beside {path}.").format(
        path=db_path))


def _put_back(db_path: Path, moved: tuple[Path, ...], *, reopen: bool) -> None:
    """Undo a restore that failed half-way: the old file (and its side files) back in place."""
    connection.close_database()
    if moved:
        kept = moved[0]
        for side in SIDE_FILES:  # any left by the restored copy
            with contextlib.suppress(OSError):
                Path(str(db_path) + side).unlink()
        with contextlib.suppress(OSError):
            if db_path.exists() and os.path.samefile(kept, db_path):
                kept.unlink()  # the copy never replaced it: drop the second name
            else:
                os.replace(kept, db_path)
        for path in moved[1:]:
            with contextlib.suppress(OSError):
                os.rename(path, str(db_path) + str(path)[len(str(kept)):])
    if reopen and db_path.exists():
        with contextlib.suppress(Exception):
            connection.open_database(db_path, create=False)


def restore_details(outcome: RestoreOutcome, via: str) -> tuple[dict, dict]:
    """Audit before/after of a restore: what was set aside, what came back, from where."""
    seq, head = outcome.previous_head or (None, None)
    before = {"database": str(outcome.database), "audit_records": seq, "audit_head": head}
    after = {"backup": str(outcome.source), "schema": outcome.version, "via": via,
             "replaced_file": str(outcome.replaced[0]) if outcome.replaced else None}
    return before, after


def append_restore_record(outcome: RestoreOutcome, actor_name: str, via: str) -> None:
    """Append the restore to the bound (restored) database's audit chain without a login; see
    the module docstring for why this is not a service call."""
    from app.db.models import AuditHead, AuditLog, utcnow
    from app.domain.audit_chain import record_hash

    before, after = restore_details(outcome, via)
    with database.obj.atomic("IMMEDIATE"):
        head = AuditHead.select().get()
        record = dict(seq=head.seq + 1, at=utcnow(), actor=actor_name[:64],
                      action="safety.restore", entity="database", entity_id="", event=None,
                      merchant=None, before=_json(before), after=_json(after))
        digest = record_hash(head.hash, record)
        AuditLog.create(**record, prev_hash=head.hash, hash=digest)
        AuditHead.update(seq=record["seq"], hash=digest).where(AuditHead.id == head.id).execute()


def _json(value: dict) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
