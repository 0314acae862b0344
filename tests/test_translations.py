"""Every user-visible string in app/ and ui/ has a Simplified Chinese translation, and the
translation keeps the same {placeholders} (a missing one would crash .format at run time)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from app import i18n
from tests import i18n_catalogs as catalogs

ROOT = Path(__file__).resolve().parents[1]
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")


def _source_messages() -> list[tuple[str, str]]:
    found = []
    for package in ("app", "ui"):
        folder = ROOT / package
        if not folder.exists():
            continue
        for filename, _lineno, message, _comments, _ctx in extract_from_dir(
                str(folder), method_map=[("**.py", "python")], keywords=KEYWORDS):
            messages = message if isinstance(message, tuple) else (message,)
            found += [(f"{package}/{filename}", m) for m in messages if m]
    return found


@pytest.fixture
def chinese():
    i18n.set_language("zh_CN")
    yield
    i18n.set_language("en")


def test_every_message_has_a_chinese_translation(chinese):
    missing = [f"{where}: {msg}" for where, msg in _source_messages()
               if i18n._(msg) == msg and not re.fullmatch(r"[\W\d_]*", msg)]
    assert not missing, "untranslated:\n" + "\n".join(missing)


def test_translations_keep_placeholders(chinese):
    broken = [msg for _where, msg in _source_messages()
              if set(PLACEHOLDER.findall(msg)) != set(PLACEHOLDER.findall(i18n._(msg)))]
    assert not broken, "placeholders differ:\n" + "\n".join(broken)


def test_english_is_the_source_text():
    i18n.set_language("en")
    assert i18n._("Cash") == "Cash"
    i18n.set_language("zh_CN")
    assert i18n._("Cash") == "现金"


def test_each_message_is_filed_in_its_areas_catalog():
    """One catalog per area (issue 8): a message used by one area only is in that area's
    catalog, one used by several (or by a shared core) in common.po; nothing is filed twice and
    no catalog keeps messages the code no longer uses. `python -m tests.i18n_catalogs` re-files
    them after code moves."""
    used = catalogs.source_areas()
    misplaced, twice, unused = [], [], []
    seen: dict[str, str] = {}
    for area, catalog in catalogs.read_catalogs().items():
        for message in catalog:
            msgid = catalogs.message_id(message.id)
            if not msgid:
                continue
            if msgid in seen:
                twice.append(f"{msgid!r} in {seen[msgid]}.po and {area}.po")
            seen[msgid] = area
            if msgid not in used:
                unused.append(f"{area}.po: {msgid!r}")
            elif catalogs.home(used[msgid]) != area:
                misplaced.append(f"{msgid!r} is in {area}.po, belongs in "
                                 f"{catalogs.home(used[msgid])}.po")
    assert not (misplaced or twice or unused), "\n".join(misplaced + twice + unused)


def test_catalogs_are_named_after_areas():
    names = {po.stem for po in catalogs.FOLDER.glob("*.po")}
    assert names <= {catalogs.COMMON, *catalogs.AREAS}, names


def test_area_of_source_files():
    assert catalogs.area_of("app/services/returns/chase.py") == "returns"
    assert catalogs.area_of("app/reports/checkout/labels.py") == "checkout"
    assert catalogs.area_of("ui/admin/users_view.py") == "admin"
    assert catalogs.area_of("app/cli/stock.py") == "stock"
    assert catalogs.area_of("app/services/core/base.py") == "common"
    assert catalogs.area_of("ui/common/widgets.py") == "common"
    assert catalogs.area_of("ui/main_window.py") == "common"
    assert catalogs.area_of("app/db/backup.py") == "admin"


def test_translations_keep_percent_placeholders(chinese):
    """argparse's own words (app/cli) use %-placeholders; a lost one breaks its messages."""
    percent = re.compile(r"%(?:\(\w+\))?[sr]")
    broken = [msg for _where, msg in _source_messages()
              if sorted(percent.findall(msg)) != sorted(percent.findall(i18n._(msg)))]
    assert not broken, "placeholders differ:\n" + "\n".join(broken)
