"""Opening and closing the database for the GUI, which may not touch app.db itself.

The GUI passes what the user typed or chose (a path or a URL) and gets plain values back.
Worker threads use `thread_connection()`: peewee connections are per thread, so a worker opens
its own connection to the same database and closes it when done.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from app.db import connection, location
from app.db.models import database


@dataclass(frozen=True)
class SessionInfo:
    """The database now open."""

    url: str
    """Full address (sqlite:///… or postgresql://…)."""
    label: str
    """What to show the user: the file path, or the URL without its password."""
    is_file: bool
    """True for a SQLite file."""


def default_location() -> str:
    """The default SQLite file under the user's data folder."""
    return str(location.default_db_path())


def _label(url: str) -> tuple[str, bool]:
    if url.startswith("sqlite:///"):
        return str(Path(url[len("sqlite:///"):])), True
    parsed = urlparse(url)
    if parsed.password:
        host = parsed.hostname or ""
        netloc = f"{parsed.username}@{host}" + (f":{parsed.port}" if parsed.port else "")
        parsed = parsed._replace(netloc=netloc)
    return urlunparse(parsed), False


def open_session(target: str | None = None) -> SessionInfo:
    """Open (create or upgrade if needed) the database at `target` (path or URL; None = default).

    Raises:
        DatabaseError: it cannot be opened, is damaged or from a newer release.
    """
    connection.close_database()
    url = location.to_url(target)
    connection.open_database(url)
    label, is_file = _label(url)
    return SessionInfo(url, label, is_file)


def close_session() -> None:
    """Close the database of this thread, if open."""
    connection.close_database()


@contextlib.contextmanager
def thread_connection() -> Iterator[None]:
    """A connection of the calling (worker) thread for the duration of the block."""
    db = database.obj
    if db is None:
        raise RuntimeError("no database is open")
    opened = db.connect(reuse_if_open=True)
    try:
        yield
    finally:
        if opened and not db.is_closed():
            db.close()
