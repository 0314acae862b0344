"""Open a database from a URL or a path: SQLite by default, PostgreSQL for shared offices."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlparse

from peewee import Database, PostgresqlDatabase, SqliteDatabase
from playhouse.db_url import connect

from app.db import backup, integrity, migrations
from app.db.location import database_file, to_url
from app.db.models import database
from app.errors import DatabaseError
from app.i18n import _

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10_000,
    "synchronous": "full",  # money: never lose a committed write on power loss
    "cache_size": -32_000,
}


def _make(url: str) -> Database:
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = url[len("sqlite:///"):] if url.startswith("sqlite:///") else parsed.path
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        return SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, timeout=10)
    if parsed.scheme in {"postgres", "postgresql"}:
        return connect(url)
    raise DatabaseError(_("Unsupported database address '{url}': use a file path, sqlite:/// or "
                          "postgresql://.").format(url=url))


def open_database(target: str | Path | None = None, *, create: bool = True) -> Database:
    """Open (and if needed create or upgrade) the database; bind all models to it.

    A SQLite file gets `PRAGMA quick_check` first and is backed up before any migration step.

    Raises:
        DatabaseDamaged: the SQLite file is damaged (the message names the newest good backup).
        DatabaseError: the file is from a newer release, cannot be opened, or could not be
            backed up before an upgrade.
    """
    url = to_url(target)
    db = _make(url)
    previous = database.obj
    database.initialize(db)
    try:
        try:
            db.connect(reuse_if_open=True)
        except Exception as exc:  # peewee wraps driver errors differently per backend
            _refuse_damaged(db, exc)
            raise DatabaseError(_("Cannot open the database: {reason}").format(reason=exc)
                                ) from exc
        _refuse_damaged(db)
        migrations.upgrade(db, create=create, before_steps=_pre_migration_hook(db))
    except BaseException:
        # A refused file must not stay bound: later services would write into it.
        if not db.is_closed():
            db.close()
        database.initialize(previous if previous is not None and not previous.is_closed() else None)
        raise
    return db


def _refuse_damaged(db: Database, exc: Exception | None = None) -> None:
    """SQLite only: `PRAGMA quick_check` on open, or read a failed connect as damage.

    Raises:
        DatabaseDamaged: the file is damaged; the message names the newest good backup.
    """
    path = database_file(db)
    if path is None:
        return
    if exc is None:
        backup.check_on_open(db.connection(), path)
    elif integrity.is_damage(exc):
        raise backup.damaged_error(path, [str(exc)]) from exc


def _pre_migration_hook(db: Database) -> Callable[[int], object] | None:
    """For a SQLite file: back it up before the first migration step changes it."""
    path = database_file(db)
    if path is None:
        return None
    return lambda version: backup.pre_migration_backup(path, version)


def close_database() -> None:
    """Close the bound database if open."""
    obj = database.obj
    if obj is not None and not obj.is_closed():
        obj.close()


def is_postgres(db: Database) -> bool:
    """True when `db` is a PostgreSQL connection."""
    return isinstance(db, PostgresqlDatabase)
