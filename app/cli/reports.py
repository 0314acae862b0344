"""`orderbook report NAME OUTPUT`: any printed form or export (`app.reports.registry`), and
`orderbook completion bash|powershell`: the shell's tab completion for `orderbook`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.cli.core import Context, Tree, UsageError
from app.cli.output import out
from app.i18n import _

REPORT_NAMES = ("stock", "requisition", "checkout_sheet", "deposit_receipt", "labels_a4",
                "labels_single", "reconciliation", "chase_list", "fine_notice",
                "deposit_refund", "seal_label", "archive_label")
"""`app.reports.registry.REPORTS` by name (listed here so `--help` does not load reportlab)."""
SHELLS = ("bash", "powershell")


def _report_params(ctx: Context) -> dict[str, Any]:
    """write_report parameters from the options given (codes and brands looked up)."""
    a = ctx.args
    params: dict[str, Any] = {}
    if a.event:
        params["event_id"] = ctx.event().id
    if a.series:
        params["series_id"] = ctx.series(a.series).id
    if a.merchant:
        params["merchant_id"] = ctx.merchant().id
    if a.books:
        params["book_codes"] = [c.strip() for c in a.books.split(",") if c.strip()]
    if a.checkout:
        params["checkout_id"] = _checkout_id(ctx, a.checkout)
    for key, name in (("seal", "seal_id"), ("manager", "manager")):
        if getattr(a, key):
            params[name] = getattr(a, key)
    for key in ("columns", "rows", "first_position", "width_mm", "height_mm"):
        if getattr(a, key) is not None:
            params[key] = getattr(a, key)
    if a.a4:
        params["a4"] = True
    return params


OPTIONS = {"event_id": "--event", "merchant_id": "--merchant", "checkout_id": "--checkout",
           "seal_id": "--seal", "series_id": "--series"}
"""The option that gives each report parameter."""


def _checkout_id(ctx: Context, text: str) -> str:
    """A checkout id from --checkout: its receipt number (with --event) or its id."""
    from app.services.checkout import checkouts

    if ctx.args.event:
        for c in checkouts.list_checkouts(ctx.actor, ctx.event().id):
            if text in (c.receipt_no, c.id):
                return c.id
    return text


def report(ctx: Context) -> None:
    from app.reports.registry import REPORTS, REQUIRED, write_report

    params = _report_params(ctx)
    spec = REPORTS[ctx.args.name]
    if ctx.args.checkout and "event_id" not in spec.params:
        params.pop("event_id", None)  # --event only helped find the receipt number
    missing = [OPTIONS.get(key, key) for key, default in spec.params.items()
               if default is REQUIRED and key not in params]
    if missing:
        raise UsageError(_("The report {name} needs {options}.").format(
            name=ctx.args.name, options=" ".join(missing)))
    path = write_report(ctx.actor, ctx.args.name, Path(ctx.args.output), **params)
    out(_("Written: {path}").format(path=path))


def completion(ctx: Context) -> None:
    import argcomplete

    out(argcomplete.shellcode(["orderbook"], shell=ctx.args.shell))


def _report_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", choices=REPORT_NAMES, help=_("which form or export"))
    p.add_argument("output", help=_("output file, .pdf or .xlsx"))
    p.add_argument("--event", help=_("event code"))
    p.add_argument("--series", help=_("series prefix"))
    p.add_argument("--checkout", help=_("receipt number (with --event) or checkout id (see "
                                        "`checkout list`)"))
    p.add_argument("--books", help=_("book codes, comma separated"))
    p.add_argument("--merchant", help=_("merchant brand (fine_notice, deposit_refund)"))
    p.add_argument("--manager", help=_("category manager (chase_list)"))
    p.add_argument("--seal", help=_("seal number (seal_label)"))
    p.add_argument("--columns", type=int, help=_("label columns on the A4 sheet"))
    p.add_argument("--rows", type=int, help=_("label rows on the A4 sheet"))
    p.add_argument("--first-position", type=int, help=_("first free label on the sheet"))
    p.add_argument("--width-mm", type=float, help=_("label width in mm (single labels)"))
    p.add_argument("--height-mm", type=float, help=_("label height in mm (single labels)"))
    p.add_argument("--a4", action="store_true", help=_("seal_label on one A4 page"))


def register_commands(tree: Tree) -> None:
    """Add `report` and `completion`."""
    tree.single("report", report, _("write a printed form or export to .pdf or .xlsx"),
                _report_args)
    tree.single("completion", completion, _(
        "print the tab-completion script for bash or PowerShell (see README)"),
        lambda p: p.add_argument("shell", choices=SHELLS), opens=False, file_level=True)
