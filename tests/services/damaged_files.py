"""Really damaging a closed SQLite file, the way a failing disk or a broken network copy does."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path


def _leaf_pages(path: Path, table: str) -> tuple[list[int], int]:
    con = sqlite3.connect(path)
    try:
        pages = [p for (p,) in con.execute(
            "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno",
            (table,))]
        size = con.execute("PRAGMA page_size").fetchone()[0]
    finally:
        con.close()
    return [p for p in pages if p >= 3], size


def damage_table_page(path: Path, table: str = "book", seed: int = 3) -> int:
    """Overwrite the middle half of one data page of `table` (page 3 or later, in the middle of
    the table) with random bytes; return the page number. The file must be closed (no -wal)."""
    path = Path(path)
    assert not Path(str(path) + "-wal").exists(), "close the database first (its WAL holds pages)"
    pages, size = _leaf_pages(path, table)
    assert pages, f"{table} has no data page to damage"
    page = pages[len(pages) // 2]
    with open(path, "r+b") as fh:
        fh.seek((page - 1) * size + size // 4)
        fh.write(random.Random(seed).randbytes(size // 2))
    return page


def damage_header(path: Path) -> None:
    """Overwrite the file header: SQLite no longer recognises the file as a database."""
    with open(path, "r+b") as fh:
        fh.write(b"\xff" * 100)
