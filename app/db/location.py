"""Where the database is: the default per-user file, `--db` values as URLs, the SQLite file
behind a URL or an open database."""

from __future__ import annotations

from pathlib import Path

import platformdirs
from peewee import SqliteDatabase

APP_NAME = "OrderBookDesk"


def default_db_path() -> Path:
    """The SQLite file under the user's data folder (never beside the program)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "orderbook.sqlite3"


def to_url(target: str | Path | None) -> str:
    """Turn ``--db`` input (path, sqlite:// or postgresql:// URL, or None) into a URL."""
    if target is None:
        target = default_db_path()
    text = str(target)
    if "://" in text:
        return text
    return "sqlite:///" + Path(text).expanduser().resolve().as_posix()


def sqlite_path(url_or_path: str | Path | None) -> Path | None:
    """The SQLite file behind a ``--db`` value or URL; None for PostgreSQL or ``:memory:``."""
    url = to_url(url_or_path)
    if not url.startswith("sqlite:///") or url.endswith(":memory:"):
        return None
    return Path(url[len("sqlite:///"):])


def database_file(db: object) -> Path | None:
    """The file of a bound peewee database; None for PostgreSQL or an in-memory database."""
    if not isinstance(db, SqliteDatabase) or db.database in ("", ":memory:"):
        return None
    return Path(db.database).resolve()
