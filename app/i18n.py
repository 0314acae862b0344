"""One translation mechanism for services and the GUI.

Source strings are English; Simplified Chinese (``zh_CN``) is shipped and the default.
The catalogue is every ``.po`` file under ``resources/locale/<lang>/LC_MESSAGES`` — one per
business area (``stock.po``, ``returns.po``, …) plus ``common.po`` for what areas share —, merged
and compiled in memory by Babel at start-up, so the text files are the only thing translators
edit.
"""

from __future__ import annotations

import gettext as _gettext
import io
from importlib import resources

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DEFAULT_LANGUAGE = "zh_CN"
LANGUAGES = {"zh_CN": "简体中文", "en": "English"}

_current: _gettext.NullTranslations = _gettext.NullTranslations()
_language = "en"


def _load(language: str) -> _gettext.NullTranslations:
    if language == "en":
        return _gettext.NullTranslations()
    folder = resources.files("resources").joinpath("locale", language, "LC_MESSAGES")
    catalog = None
    for po in sorted(folder.iterdir(), key=lambda p: p.name):
        if not po.name.endswith(".po"):
            continue
        with po.open("rb") as fh:
            part = read_po(fh, locale=language)
        if catalog is None:
            catalog = part
        else:
            for message in part:
                if message.id and message.string:
                    catalog[message.id] = message
    if catalog is None:
        return _gettext.NullTranslations()
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return _gettext.GNUTranslations(buf)


def set_language(language: str) -> None:
    """Switch every later `_()` call to `language` ('zh_CN' or 'en')."""
    global _current, _language
    if language not in LANGUAGES:
        language = DEFAULT_LANGUAGE
    _current = _load(language)
    _language = language


def language() -> str:
    """The language now in force."""
    return _language


def in_every_language(message: str) -> set[str]:
    """`message` as each shipped language has it (to accept a name typed in any of them)."""
    if not _catalogs:
        _catalogs.extend(_load(language) for language in LANGUAGES)
    return {catalog.gettext(message) for catalog in _catalogs}


_catalogs: list[_gettext.NullTranslations] = []


def _(message: str) -> str:
    """Translate `message` into the current language."""
    return _current.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate with plural forms."""
    return _current.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark `message` for extraction without translating it now."""
    return message
