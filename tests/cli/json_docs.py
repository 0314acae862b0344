"""docs/cli-json.md from the commands themselves: what each `--json` prints, field by field.

The field names are the services' record fields, so renaming one changes a script's input:
`tests/cli/test_json_docs.py` fails until this file is regenerated and the change is seen in
review (``python -m tests.cli.json_docs``).
"""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import inspect
import textwrap
import types
import typing
from decimal import Decimal
from pathlib import Path

from app.cli import build_parser
from app.cli.core import COMMANDS
from app.domain.money import Money

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli-json.md"
HEAD = """# `orderbook … --json`: what scripts get

Every read and list command (and most changes) print JSON with `--json`: one object, or a list
of them. Field names are stable: a change to them is a change to this file, made on purpose.
Values: money is a decimal string of yuan (`"600.00"`, negative for reversals), rates a decimal
string (`"0.03"` for 3 %), dates `YYYY-MM-DD`, times ISO 8601 in UTC (`2026-03-14T09:30:00Z`),
ids opaque text. Exit status: 0 done, 1 a check found a problem (`audit verify`, `db check`),
2 refused or bad input (`Error: …` on standard error, nothing written), 3 a bug.

This file is generated from the code: `python -m tests.cli.json_docs`.

## Commands
"""


GLOSSARY = {
    "id": "Record id (opaque; other commands accept it where they ask for an id).",
    "event_id": "Id of the event.", "merchant_id": "Id of the merchant.",
    "series_id": "Id of the number series.", "slip_id": "Id of the slip record.",
    "batch_id": "Id of the registration batch.",
    "event_code": "Event code, e.g. `2026-SH-01`.", "event_name": "Event name.",
    "brand": "Merchant brand, e.g. `安信地板`.", "company": "Merchant's company name.",
    "category": "Merchant category (品类), e.g. `地板`.",
    "category_manager": "Category manager (类目经理) in charge.",
    "number": "Full slip number, e.g. `BJ0000088`.", "book_code": "Book code (barcode text).",
    "first": "First slip number.", "last": "Last slip number.", "first_no": "First slip "
    "number as an integer.", "slips": "Number of slips (or the slips themselves, as numbers).",
    "books": "Number of books (or the books themselves).",
    "ranges": "Slip numbers as ranges, e.g. `BJ0000001–0000150`.",
    "state": "State code (English, stable); `state_label` is its translation.",
    "state_label": "The state in the chosen language.", "label": "Text in the chosen language.",
    "total": "Total amount.", "count": "How many.", "lines": "The lines, in order.",
    "seq": "Sequence number.", "reason": "Why (as typed).", "note": "Note (as typed).",
    "receipt_no": "Receipt number.", "payment_method": "cash, wechat, alipay, card or "
    "transfer.", "seal_no": "Seal number.", "deposit_per_book": "Deposit per book (R2.2).",
    "fine_per_slip": "Fine per missing slip written off (R3.4).", "name": "Name.",
    "estimate": "Estimated orders.", "by": "User who did it.", "at": "When (UTC).",
    "used": "Used slips.", "unused": "Unused slips.", "void": "Void slips.",
    "issued": "Issued slips.", "prefix": "Series prefix, e.g. `BJ`.",
}


def _attribute_docs(cls: type) -> dict[str, str]:
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    body = tree.body[0].body  # type: ignore[attr-defined]
    docs: dict[str, str] = {}
    for node, following in zip(body, body[1:], strict=False):
        if (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
                and isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)):
            docs[node.target.id] = " ".join(following.value.value.split())
    return docs


def _type(hint: object, found: list[type]) -> str:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        return " or ".join(_type(a, found) for a in rest) + " or null"
    if origin in (list, tuple):
        return "list of " + _type(args[0], found)
    if origin is dict:
        return "object"
    if dataclasses.is_dataclass(hint) and hint is not Money:
        found.append(hint)  # type: ignore[arg-type]
        return f"[{hint.__name__}](#{hint.__name__.lower()})"  # type: ignore[union-attr]
    names = {str: "text", int: "integer", bool: "true/false", Money: "money",
             Decimal: "decimal", dt.date: "date", dt.datetime: "time", Path: "text (a path)"}
    return names.get(hint, str(hint))  # type: ignore[call-overload]


def _record(cls: type, found: list[type]) -> list[str]:
    hints = typing.get_type_hints(cls)
    docs = _attribute_docs(cls)
    lines = [f"### {cls.__name__}", "", (inspect.getdoc(cls) or "").split("\n")[0], "",
             "| field | type | meaning |", "| --- | --- | --- |"]
    for f in dataclasses.fields(cls):
        meaning = docs.get(f.name) or GLOSSARY.get(f.name, "")
        lines.append(f"| `{f.name}` | {_type(hints[f.name], found)} | {meaning} |")
    return [*lines, ""]


def render() -> str:
    """The whole of docs/cli-json.md."""
    build_parser()
    lines = [HEAD]
    found: list[type] = []
    for name, command in sorted(COMMANDS.items()):
        if command.shape is not None:
            lines.append(f"- `orderbook {name} --json`: {_type(command.shape, found)}")
    lines += ["", "## Records", ""]
    records: dict[str, list[str]] = {}
    while found:
        cls = found.pop(0)
        if cls.__name__ not in records:
            records[cls.__name__] = _record(cls, found)
    for name in sorted(records):
        lines += records[name]
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    DOC.write_text(render(), encoding="utf-8")
