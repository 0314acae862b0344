"""Translation catalogs by area: which catalog a message belongs in, and re-filing them.

One catalog per business area (``stock.po``, ``events.po``, ``checkout.po``, ``returns.po``,
``admin.po``; later ``refunds.po``, ``cash.po``, ``settlement.po``) holds the messages used only
in that area's services, reports, screens and commands; ``common.po`` holds what two or more
areas share and what the shared cores say. `tests/test_translations.py` checks the filing.

After moving code between areas, re-file the existing translations with
``python -m tests.i18n_catalogs`` (new messages still need their Chinese text written by hand,
in the catalog the test names).
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = "zh_CN"
FOLDER = ROOT / "resources" / "locale" / LOCALE / "LC_MESSAGES"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
AREAS = ("stock", "events", "checkout", "returns", "refunds", "cash", "settlement", "admin")
COMMON = "common"
# modules outside the area packages that belong to one area
MODULE_AREAS = {
    "app/domain/planning.py": "checkout",
    "app/domain/returns.py": "returns",
    "app/db/backup.py": "admin",
    "app/db/restore.py": "admin",
    "app/db/integrity.py": "admin",
}
STAMP = dt.datetime(2026, 12, 4, tzinfo=dt.UTC)
"""A fixed header date, so re-filing changes no line but the moved messages."""
HEADER = "Simplified Chinese translation of OrderBook Desk: the {area} area ({what})."
WHAT = {COMMON: "what several areas share, the shared cores, the main window and the "
                "command line's own words",
        "stock": "number series, blank stock", "events": "events, merchants, estimates",
        "checkout": "requisition plan, checkout, deposits, labels",
        "returns": "return check, chase, fines, deposit close-out, seals, archive",
        "refunds": "customer refunds, refund ledger", "cash": "petty-cash floats",
        "settlement": "monthly merchant settlement",
        "admin": "users, audit trail, data safety, settings"}


def area_of(path: str) -> str:
    """The area a source file belongs to (``common`` for the shared cores and the shell)."""
    posix = PurePosixPath(path)
    parts = posix.parts
    if str(posix) in MODULE_AREAS:
        candidate = MODULE_AREAS[str(posix)]
    elif parts[0] == "app" and len(parts) > 3 and parts[1] in ("services", "reports"):
        candidate = parts[2]
    elif parts[0] == "app" and parts[1] == "cli" and len(parts) == 3:
        candidate = posix.stem.split("_")[0]  # cli/returns_after.py is the returns area
    elif parts[0] == "ui" and len(parts) > 2:
        candidate = parts[1]
    else:
        candidate = COMMON
    return candidate if candidate in AREAS else COMMON


def message_id(message: str | tuple[str, ...]) -> str:
    """The key of a message (the singular of a plural one)."""
    return message[0] if isinstance(message, tuple) else message


def source_areas() -> dict[str, set[str]]:
    """Each message id in app/ and ui/, with the areas of the files that use it."""
    found: dict[str, set[str]] = {}
    for package in ("app", "ui"):
        for filename, _line, message, _comments, _context in extract_from_dir(
                str(ROOT / package), method_map=[("**.py", "python")], keywords=KEYWORDS):
            if message_id(message):
                area = area_of(f"{package}/{filename}")
                found.setdefault(message_id(message), set()).add(area)
    return found


def home(areas: Iterable[str]) -> str:
    """The catalog a message used in `areas` belongs in."""
    unique = set(areas)
    return unique.pop() if len(unique) == 1 else COMMON


def read_catalogs() -> dict[str, Catalog]:
    """Every catalog file by its area name."""
    out = {}
    for po in sorted(FOLDER.glob("*.po")):
        with po.open("rb") as fh:
            out[po.stem] = read_po(fh, locale=LOCALE)
    return out


def write_catalogs() -> list[str]:
    """File every translated message in its area's catalog; returns the untranslated ones."""
    translated: dict[str, Message] = {}
    for catalog in read_catalogs().values():
        for message in catalog:
            if message.id and message.string:
                translated[message_id(message.id)] = message
    by_area: dict[str, Catalog] = {}
    missing = []
    for msgid, areas in sorted(source_areas().items()):
        message = translated.get(msgid)
        if message is None:
            missing.append(msgid)
            continue
        area = home(areas)
        catalog = by_area.setdefault(area, _new_catalog(area))
        catalog[message.id] = Message(message.id, message.string, flags=message.flags)
    for po in FOLDER.glob("*.po"):
        po.unlink()
    for area, catalog in by_area.items():
        with (FOLDER / f"{area}.po").open("wb") as fh:
            write_po(fh, catalog, width=100, omit_header=False, sort_output=True,
                     ignore_obsolete=True)
    return missing


def _new_catalog(area: str) -> Catalog:
    return Catalog(locale=LOCALE, project="orderbook-desk", version="0.1",
                   header_comment="# " + HEADER.format(area=area, what=WHAT[area]),
                   msgid_bugs_address="", last_translator="OrderBook Desk",
                   language_team="zh_CN", creation_date=STAMP, revision_date=STAMP, fuzzy=False)


if __name__ == "__main__":
    untranslated = write_catalogs()
    for msgid in untranslated:
        sys.stdout.write(f"untranslated: {msgid}\n")
