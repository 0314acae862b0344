"""File names suggested in save dialogs, made safe for Windows."""

from __future__ import annotations

import re

FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                      *(f"LPT{i}" for i in range(1, 10))})
MAX_LENGTH = 150


def safe_file_name(text: str, fallback: str = "report") -> str:
    """`text` usable as a file name on Windows: forbidden characters become '_'.

    Control characters and ``<>:"/\\|?*`` are replaced, trailing dots and spaces dropped,
    device names such as ``CON`` get a '_' appended, and an empty result becomes `fallback`.
    """
    name = FORBIDDEN.sub("_", text).strip()[:MAX_LENGTH].rstrip(". ")
    if not name:
        return fallback
    if name.split(".")[0].upper() in RESERVED:
        name = "_" + name
    return name
