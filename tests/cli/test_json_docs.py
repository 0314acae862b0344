"""docs/cli-json.md lists exactly what `--json` prints (issue 8: stable, documented names)."""

from __future__ import annotations

from tests.cli import json_docs


def test_json_field_names_are_documented():
    """A renamed field or a new command changes the generated text: regenerate the file with
    `python -m tests.cli.json_docs` so the change is seen in review."""
    assert json_docs.DOC.read_text(encoding="utf-8") == json_docs.render(), (
        "docs/cli-json.md is out of date: run python -m tests.cli.json_docs")


def test_records_are_documented_field_by_field():
    text = json_docs.render()
    assert "| `deposit` | money |" in text
    assert "| `lines` | list of [HistoryLine](#historyline) |" in text
    assert "- `orderbook slip show --json`: [SlipHistory](#sliphistory)" in text
