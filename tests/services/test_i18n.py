"""Service error messages reach the clerk in the UI language (STYLE: one gettext mechanism)."""

from __future__ import annotations

import ast
import gettext
import io
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from app import i18n
from app.errors import Conflict
from app.services.stock import registration as stock

OVERLAP = "Numbers {numbers} are already registered (R1.2); nothing was registered."
APP = Path(__file__).resolve().parents[2] / "app"


def fake_catalog(messages: dict[str, str]) -> gettext.GNUTranslations:
    catalog = Catalog(locale="zh_CN")
    for msgid, msgstr in messages.items():
        catalog.add(msgid, msgstr)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def overlap_message(actor, series_id) -> str:
    with pytest.raises(Conflict) as err:
        stock.register_range(actor, series_id, "951-1050")
    return err.value.message


def test_service_error_is_translated_when_raised_with_its_values_filled_in(stocked, actor,
                                                                           monkeypatch):
    """R1.2: the overlap message is looked up when raised (not at import) and the named
    numbers are filled into the translated text."""
    monkeypatch.setattr(i18n, "_current", fake_catalog({OVERLAP: "重叠：{numbers}"}))
    assert overlap_message(actor, stocked.id) == "重叠：BJ0000951–0001000"


def test_switching_to_chinese_changes_service_messages(stocked, actor):
    """R1.2: with zh_CN chosen, a refusal reads as the catalogue says (falling back to English
    only where no translation exists yet)."""
    english = overlap_message(actor, stocked.id)
    i18n.set_language("zh_CN")
    assert i18n.language() == "zh_CN"
    chinese = overlap_message(actor, stocked.id)
    assert chinese == i18n._(OVERLAP).format(numbers="BJ0000951–0001000")
    assert (chinese != english) == (i18n._(OVERLAP) != OVERLAP)
    i18n.set_language("en")
    assert overlap_message(actor, stocked.id) == english


def test_unknown_language_falls_back_to_simplified_chinese():
    """Chinese is the shipped default."""
    i18n.set_language("xx")
    assert i18n.language() == i18n.DEFAULT_LANGUAGE == "zh_CN"


def _translated_calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                node.func.id in {"_", "N_", "ngettext"}:
            yield node


@pytest.mark.parametrize("source", sorted(APP.rglob("*.py")), ids=lambda p: p.name)
def test_messages_are_literal_so_they_can_be_extracted(source):
    """STYLE: no f-strings or computed text inside _(); values go in with .format afterwards."""
    bad = []
    for call in _translated_calls(ast.parse(source.read_text(encoding="utf-8"))):
        for arg in call.args:
            if isinstance(arg, ast.JoinedStr | ast.BinOp) or (
                    isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute)
                    and arg.func.attr == "format"):
                bad.append(f"{source.name}:{call.lineno}")
    assert not bad
