"""A TrueType CJK font for reportlab, found and registered once.

reportlab embeds (as a subset) only TrueType outlines; Noto/Source Han ``.otf`` (CFF) fonts are
refused, and the built-in ``STSong-Light`` CID font embeds nothing (viewers then substitute). So
every form uses one TrueType CJK font, searched in this order:

1. the file named by the environment variable ``ORDERBOOK_CJK_FONT`` (``path`` or
   ``path#index`` for a collection);
2. any ``.ttf``/``.ttc`` dropped into ``resources/fonts/`` (see its README);
3. system fonts: WenQuanYi Zen Hei / Micro Hei and AR PL UMing on Linux; SimSun, Microsoft
   YaHei and SimHei on Windows; Arial Unicode on macOS.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from app.errors import AppError
from app.i18n import _

FONT_NAME = "OrderBookCJK"
"""The name every report style uses."""

_LINUX_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc",
    "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
)
_WINDOWS_FONTS = ("simsun.ttc", "msyh.ttc", "simhei.ttf", "msyh.ttf")
_MAC_FONTS = ("/Library/Fonts/Arial Unicode.ttf",
              "/System/Library/Fonts/Supplemental/Arial Unicode.ttf")


@dataclass(frozen=True)
class FontChoice:
    """The font file in use."""

    path: Path
    subfont_index: int


_registered: FontChoice | None = None


def _env_candidate() -> list[FontChoice]:
    raw = os.environ.get("ORDERBOOK_CJK_FONT", "").strip()
    if not raw:
        return []
    path, _sep, index = raw.partition("#")
    return [FontChoice(Path(path), int(index) if index.isdigit() else 0)]


def bundled_font_dir() -> Path:
    """``resources/fonts``: where a font file can be dropped to ship with the program."""
    return Path(str(resources.files("resources").joinpath("fonts")))


def _bundled_candidates() -> list[FontChoice]:
    folder = bundled_font_dir()
    if not folder.is_dir():
        return []
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".ttf", ".ttc"))
    return [FontChoice(p, 0) for p in files]


def _system_candidates() -> list[FontChoice]:
    if sys.platform.startswith("win"):
        windir = Path(os.environ.get("WINDIR", r"C:\Windows"))
        return [FontChoice(windir / "Fonts" / name, 0) for name in _WINDOWS_FONTS]
    paths = _MAC_FONTS if sys.platform == "darwin" else _LINUX_FONTS
    return [FontChoice(Path(p), 0) for p in paths]


def candidates() -> list[FontChoice]:
    """Every font file that would be tried, in order."""
    return _env_candidate() + _bundled_candidates() + _system_candidates()


def _try_register(choice: FontChoice) -> bool:
    if not choice.path.is_file():
        return False
    try:
        font = TTFont(FONT_NAME, str(choice.path), subfontIndex=choice.subfont_index)
    except (TTFError, OSError, ValueError):
        return False
    if not all(ord(ch) in font.face.charToGlyph for ch in "订单本¥"):
        return False
    pdfmetrics.registerFont(font)
    return True


def register_cjk_font() -> str:
    """Register the CJK font with reportlab (once) and return its name for styles.

    Raises:
        AppError: no usable TrueType Chinese font is installed or bundled.
    """
    global _registered
    if _registered is not None:
        return FONT_NAME
    for choice in candidates():
        if _try_register(choice):
            _registered = choice
            return FONT_NAME
    raise AppError(_(
        "No Chinese TrueType font was found for printing. Install one (Linux: the package "
        "fonts-wqy-zenhei; Windows: SimSun or Microsoft YaHei) or copy a .ttf/.ttc file into "
        "{folder}.").format(folder=bundled_font_dir()))


def font_in_use() -> FontChoice | None:
    """The registered font file, or None before the first report."""
    return _registered
