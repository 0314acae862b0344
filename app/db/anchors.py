"""Anchors: the audit chain's end written where the database cannot rewrite it (issue 9 point 1).

After every service commits, its new head (seq and hash) is appended as one JSON line to
``anchors-<database id>-<computer>.jsonl`` in each anchor folder: the per-user data folder's
``anchors`` (or the folders in ``ORDERBOOK_ANCHORS``, which replace it), plus the folders an
administrator listed in the setting ``anchor_folders`` (a network share, a folder clerks may only
add to). Each backup gets its own copy of its head (``<backup>.anchor.json``), and every printed
form shows the head as ``seq:hash``. `orderbook audit verify` compares the chain with all of them:
a rewritten, cut or extended chain disagrees with some anchor.

Writing an anchor never stops a service (its data is committed already); a folder that cannot
be written is logged, and `audit verify` then reports the records no anchor covers.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from app.db.location import APP_NAME
from app.db.models import Meta, Setting
from app.domain.ids import new_id

ENV = "ORDERBOOK_ANCHORS"
SETTING = "anchor_folders"
ID_KEY = "database_id"
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Anchor:
    """A head (seq, hash) recorded outside the database, and where it was found."""

    seq: int
    hash: str
    source: str
    """The file (or "typed") it came from."""


def database_id() -> str:
    """This database's id (made once, kept in `meta`); anchors are filed under it."""
    row = Meta.get_or_none(Meta.key == ID_KEY)
    if row is None:
        row = Meta.create(key=ID_KEY, value=new_id())
    return row.value


def default_folders() -> list[Path]:
    """``ORDERBOOK_ANCHORS`` (folders separated by the system's path separator) or else the
    per-user data folder's ``anchors``."""
    configured = os.environ.get(ENV, "")
    if configured.strip():
        return [Path(p).expanduser() for p in configured.split(os.pathsep) if p.strip()]
    return [Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "anchors"]


def setting_folders() -> list[Path]:
    """The folders an administrator added (the setting ``anchor_folders``, one per line)."""
    row = Setting.get_or_none(Setting.key == SETTING)
    return [Path(p) for p in (row.value.splitlines() if row else []) if p.strip()]


def folders() -> list[Path]:
    """Every folder anchors are written to."""
    out: list[Path] = []
    for folder in [*default_folders(), *setting_folders()]:
        if folder not in out:
            out.append(folder)
    return out


def _file(folder: Path, db_id: str) -> Path:
    host = re.sub(r"[^A-Za-z0-9._-]", "_", socket.gethostname())[:40] or "pc"
    return folder / f"anchors-{db_id}-{host}.jsonl"


def append(seq: int, hash_: str, targets: Iterable[Path] | None = None) -> list[str]:
    """Append the head to every anchor folder; returns the folders that could not be written."""
    line = json.dumps({"db": database_id(), "seq": seq, "hash": hash_,
                       "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}) + "\n"
    failed = []
    for folder in targets if targets is not None else folders():
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with open(_file(folder, database_id()), "a", encoding="utf-8") as fh:
                fh.write(line)
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            _log.warning("anchor not written to %s: %s", folder, exc)
            failed.append(str(folder))
    return failed


def after_commit(seq: int, hash_: str) -> None:
    """Called after each service commits: anchor its head (never raises)."""
    with contextlib.suppress(Exception):  # the data is committed; verify reports a gap
        append(seq, hash_)


def read(extra: Iterable[Path] = ()) -> tuple[list[Anchor], list[str]]:
    """Every anchor of this database found in the anchor folders and `extra` (folders or
    files), and the other databases' ids seen there (a hint when this one's id was changed)."""
    db_id = database_id()
    found: list[Anchor] = []
    others: set[str] = set()
    for place in [*folders(), *extra]:
        files = [place] if place.is_file() else sorted(place.glob("anchors-*.jsonl")) \
            if place.is_dir() else []
        for path in files:
            if f"anchors-{db_id}-" not in path.name:
                others.add(path.name.split("-")[1] if path.name.count("-") >= 2 else path.name)
                continue
            found += _lines(path)
    return found, sorted(others)


def _lines(path: Path) -> list[Anchor]:
    out = []
    with contextlib.suppress(OSError):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            with contextlib.suppress(ValueError, KeyError, TypeError):
                data = json.loads(line)
                out.append(Anchor(int(data["seq"]), str(data["hash"]), str(path)))
    return out


def sidecar(backup: Path) -> Path:
    """Where a backup keeps its own head."""
    return backup.with_name(backup.name + ".anchor.json")


def write_sidecar(backup: Path, db_id: str, seq: int, hash_: str) -> None:
    """A backup's own anchor, written next to it."""
    sidecar(backup).write_text(json.dumps({"db": db_id, "seq": seq, "hash": hash_}),
                               encoding="utf-8")


def read_sidecar(backup: Path) -> Anchor | None:
    """The anchor a backup was written with, or None."""
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        data = json.loads(sidecar(backup).read_text(encoding="utf-8"))
        return Anchor(int(data["seq"]), str(data["hash"]), str(sidecar(backup)))
    return None
