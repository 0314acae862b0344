"""README's command-line tour runs as written (issue 8: every command in it is run, so it cannot
rot): each `export` line sets the environment, each `orderbook` line runs in a fresh folder and
must succeed; the figures the tour's comments promise are checked at the end."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

from app.cli import main

README = Path(__file__).resolve().parents[2] / "README.md"


def tour_lines() -> list[list[str]]:
    """The shell lines of the first code block of README's "Command line" section."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Command line"):]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block, "README's Command line section has no bash block"
    lines = [shlex.split(line, comments=True) for line in block.group(1).splitlines()]
    return [words for words in lines if words]


def test_the_tour_names_only_orderbook_and_export():
    assert {words[0] for words in tour_lines()} == {"export", "orderbook"}


def test_readme_tour_runs_from_an_empty_folder_to_the_archive(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    for name in ("ORDERBOOK_DB", "ORDERBOOK_USER", "ORDERBOOK_PASSWORD", "ORDERBOOK_LANG"):
        monkeypatch.delenv(name, raising=False)
    ran = 0
    for words in tour_lines():
        if words[0] == "export":
            for assignment in words[1:]:
                name, _sep, value = assignment.partition("=")
                monkeypatch.setenv(name, value)
            continue
        code = main(words[1:])
        out, err = capsys.readouterr()
        assert code == 0, f"{shlex.join(words)} → {code}\n{out}\n{err}"
        ran += 1
    assert ran >= 30
    assert (tmp_path / "shop.sqlite3").exists() and (tmp_path / "bag.pdf").exists()
    main(["--lang", "en", "deposit", "list", "--event", "2026-SH-01", "--json"])
    refunds = {d["brand"]: d["refund"] for d in json.loads(capsys.readouterr().out)}
    assert refunds == {"安信地板": "400.00", "马可波罗瓷砖": "200.00"}
    main(["--lang", "en", "return", "reconcile", "--event", "2026-SH-01", "--json"])
    lines = {line["brand"]: line["counts"] for line in json.loads(capsys.readouterr().out)["lines"]}
    assert [lines["安信地板"][k] for k in ("issued", "used", "unused", "void")] == [150, 98, 45, 5]
    assert lines["马可波罗瓷砖"]["used"] == 22 and lines["马可波罗瓷砖"]["unused"] == 27
