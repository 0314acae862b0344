"""Every user-visible string in app/ and ui/ has a Simplified Chinese translation, and the
translation keeps the same {placeholders} (a missing one would crash .format at run time)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from app import i18n

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
