"""Is the SQLite file sound, and is it somewhere SQLite can keep it sound?

- `quick_check` runs on every open (`app.db.connection.open_database`): a damaged file is refused
  with `DatabaseDamaged` (`app.db.backup.damaged_error`), whose message names the newest backup
  that passes its own check.
- `run_checks(..., full=True)` is the full `integrity_check` plus `foreign_key_check`, for the
  menu and `orderbook db check --full`.
- `network_warning(path)`: SQLite's locking is not safe over SMB/NFS (sqlite.org/useovernet.html),
  so a file on a network share gets a warning recommending PostgreSQL for several PCs.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from app.i18n import _

BUSY_MS = 10_000
NETWORK_FS = frozenset({"cifs", "smb3", "smbfs", "nfs", "nfs4", "sshfs", "fuse.sshfs", "9p",
                        "afs"})
DRIVE_REMOTE = 4  # GetDriveTypeW
_DAMAGE_WORDS = ("malformed", "not a database", "corrupt", "disk image")


@contextlib.contextmanager
def open_file(path: Path) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection to the existing file `path`, closed afterwards. (No
    ``file:`` URI: SQLite refuses URIs naming a server, i.e. UNC paths.)

    Raises:
        sqlite3.Error: the file is missing or SQLite cannot open it.
    """
    if not Path(path).is_file():
        raise sqlite3.OperationalError(f"unable to open database file {path}")
    con = sqlite3.connect(str(path), timeout=BUSY_MS / 1000, isolation_level=None)
    try:
        yield con
    finally:
        con.close()


def is_damage(exc: BaseException) -> bool:
    """True when a driver error says the file itself is broken (not merely busy or missing)."""
    text = str(exc).lower()
    return any(word in text for word in _DAMAGE_WORDS)


def run_checks(con: sqlite3.Connection, *, full: bool = False,
               references: bool | None = None) -> list[str]:
    """Problems SQLite finds: `quick_check`, or `integrity_check` when `full`, then
    `foreign_key_check` when `references` (default: when `full`). An empty list means sound.

    Copies (backups, restores) are verified without the reference check: a broken reference is
    a data problem to report, not a damaged file, and must not stop every backup."""
    references = full if references is None else references
    try:
        rows = con.execute("PRAGMA integrity_check" if full else "PRAGMA quick_check").fetchall()
        problems = [line for (text,) in rows for line in str(text).splitlines()
                    if line.strip() and line.strip() != "ok"]
        if references and not problems:
            problems = [_foreign_key_problem(*row)
                        for row in con.execute("PRAGMA foreign_key_check").fetchall()]
    except sqlite3.DatabaseError as exc:  # the check itself trips over the damage
        problems = [str(exc)]
    return problems


def _foreign_key_problem(table: str, rowid: int | None, parent: str, _fkid: int) -> str:
    return _("Table {table}, row {rowid}: refers to a {parent} record that does not exist."
             ).format(table=table, rowid=rowid, parent=parent)


def check_file(path: Path, *, full: bool = False, references: bool | None = None
               ) -> list[str]:
    """`run_checks` on the file at `path`; a file SQLite cannot read at all is one problem."""
    if not Path(path).is_file():
        return [_("The file {path} does not exist.").format(path=path)]
    try:
        with open_file(path) as con:
            return run_checks(con, full=full, references=references)
    except sqlite3.Error as exc:
        return [str(exc)]


# ---------------------------------------------------------------------------- network shares

def is_unc_path(text: str) -> bool:
    r"""True for Windows UNC paths: ``\\server\share\…``, ``//server/share/…`` and
    ``\\?\UNC\server\share\…`` (but not ``\\?\C:\…`` or device paths ``\\.\…``)."""
    norm = str(text).replace("/", "\\")
    if norm.upper().startswith("\\\\?\\UNC\\"):
        return True
    if norm.startswith(("\\\\?\\", "\\\\.\\")):
        return False
    parts = norm[2:].split("\\") if norm.startswith("\\\\") else []
    return len(parts) >= 2 and all(parts[:2])


def _unescape_mount(field: str) -> str:
    r"""/proc/mounts writes space, tab, newline and backslash as octal (``\040``)."""
    out, i = [], 0
    while i < len(field):
        chunk = field[i + 1:i + 4]
        if field[i] == "\\" and len(chunk) == 3 and all(c in "01234567" for c in chunk):
            out.append(chr(int(chunk, 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def parse_proc_mounts(text: str) -> list[tuple[str, str]]:
    """(mount point, file system type) of each line of /proc/mounts."""
    mounts = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 3:
            mounts.append((_unescape_mount(fields[1]), fields[2]))
    return mounts


def parse_bsd_mount(text: str) -> list[tuple[str, str]]:
    """(mount point, type) from macOS `mount` output: ``//u@srv/share on /Volumes/x (smbfs, …)``."""
    mounts = []
    for line in text.splitlines():
        head, sep, tail = line.rpartition(" (")
        _device, on, point = head.partition(" on ")
        if sep and on and point:
            mounts.append((point, tail.split(",")[0].strip(" )")))
    return mounts


def mount_type(path: str, mounts: list[tuple[str, str]]) -> str | None:
    """File system type of the mount holding `path` (the longest mount point above it)."""
    target = PurePosixPath(path)
    best: tuple[int, str] | None = None
    for point, fstype in mounts:
        base = PurePosixPath(point)
        if (target == base or base in target.parents) and (
                best is None or len(base.parts) >= best[0]):
            best = (len(base.parts), fstype)
    return best[1] if best else None


def _mounts() -> list[tuple[str, str]]:
    try:
        if sys.platform == "darwin":
            out = subprocess.run(["/sbin/mount"], capture_output=True, text=True, timeout=5)
            return parse_bsd_mount(out.stdout)
        return parse_proc_mounts(Path("/proc/mounts").read_text(encoding="utf-8",
                                                                errors="replace"))
    except (OSError, subprocess.SubprocessError):
        return []


def _windows_drive_is_remote(path: str) -> bool:
    drive = os.path.splitdrive(path)[0]
    if len(drive) != 2 or drive[1] != ":":
        return False
    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    return int(kernel32.GetDriveTypeW(drive + "\\")) == DRIVE_REMOTE


def network_kind(path: str | Path) -> str | None:
    """What makes `path` a network location: ``unc``, ``drive`` (a mapped network drive) or the
    mount's file system type (``cifs``, ``nfs4``…); None when it is on this computer's own disk
    (or this cannot be told)."""
    text = str(path)
    if is_unc_path(text):
        return "unc"
    if sys.platform == "win32":
        with contextlib.suppress(OSError):
            resolved = str(Path(text).resolve())
            if is_unc_path(resolved):
                return "unc"
            if _windows_drive_is_remote(resolved):
                return "drive"
        return None
    kind = mount_type(os.path.realpath(text), _mounts())
    return kind if kind in NETWORK_FS else None


def network_warning(path: str | Path) -> str | None:
    """A translated warning when the SQLite file `path` is on a network share, else None."""
    kind = network_kind(path)
    if kind is None:
        return None
    labels = {"unc": _("a network path"), "drive": _("a mapped network drive")}
    kind = labels.get(kind, _("a {type} network mount").format(type=kind))
    return _("Warning: the database file {path} is on {kind}. SQLite files "
             "shared over a network can be damaged. Keep the file on this computer's own disk; "
             "when several PCs must work on the same data, use a PostgreSQL server instead "
             "(see README, Data safety).").format(path=path, kind=kind)
