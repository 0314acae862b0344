"""Finding a TrueType CJK font (PITFALLS: only TrueType outlines can be embedded)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.errors import AppError
from app.reports.core import fonts

WQY = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")


def test_no_font_gives_a_clear_error_naming_what_to_install(monkeypatch):
    monkeypatch.setattr(fonts, "_registered", None)
    monkeypatch.setattr(fonts, "candidates", lambda: [fonts.FontChoice(Path("/no/font.ttc"), 0)])
    with pytest.raises(AppError) as caught:
        fonts.register_cjk_font()
    assert "fonts-wqy-zenhei" in str(caught.value) and "SimSun" in str(caught.value)
    assert str(fonts.bundled_font_dir()) in str(caught.value)


def test_unusable_files_are_skipped(monkeypatch, tmp_path: Path):
    """A broken or non-TrueType file is passed over for the next candidate."""
    if not WQY.is_file():
        pytest.skip("fonts-wqy-zenhei is not installed")
    broken = tmp_path / "broken.ttf"
    broken.write_bytes(b"not a font")
    monkeypatch.setattr(fonts, "_registered", None)
    monkeypatch.setattr(fonts, "candidates", lambda: [fonts.FontChoice(broken, 0),
                                                      fonts.FontChoice(WQY, 0)])
    assert fonts.register_cjk_font() == fonts.FONT_NAME
    assert fonts.font_in_use() == fonts.FontChoice(WQY, 0)


def test_environment_then_bundled_then_system_fonts(monkeypatch, tmp_path: Path):
    bundled = tmp_path / "fonts"
    bundled.mkdir()
    (bundled / "mine.ttc").write_bytes(b"")
    (bundled / "README.md").write_text("not a font")
    monkeypatch.setattr(fonts, "bundled_font_dir", lambda: bundled)
    monkeypatch.setenv("ORDERBOOK_CJK_FONT", "/opt/x.ttc#2")
    found = fonts.candidates()
    assert found[0] == fonts.FontChoice(Path("/opt/x.ttc"), 2)
    assert found[1] == fonts.FontChoice(bundled / "mine.ttc", 0)
    assert len([c for c in found if c.path.parent == bundled]) == 1
    assert len(found) > 2


def test_windows_fonts_come_from_windir(monkeypatch):
    monkeypatch.setattr(fonts.sys, "platform", "win32")
    monkeypatch.setenv("WINDIR", r"D:\Win")
    names = [c.path.name for c in fonts._system_candidates()]
    assert names[:3] == ["simsun.ttc", "msyh.ttc", "simhei.ttf"]
