"""The `orderbook` command line: database admin, demo data, stock, reports."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path

from app import __version__, i18n
from app.db import connection, location, migrations
from app.errors import AppError
from app.i18n import _
from app.services.core.actor import Actor


def _password(prompt: str) -> str:
    """The password from ORDERBOOK_PASSWORD (scheduled tasks) or typed at a prompt."""
    secret = os.environ.get("ORDERBOOK_PASSWORD")
    if secret is not None:
        return secret
    if sys.stdin is None or not sys.stdin.isatty():
        raise AppError(_("No password: set ORDERBOOK_PASSWORD or run the command in a terminal."))
    return getpass.getpass(prompt)


def _actor(args: argparse.Namespace) -> Actor:
    """Log in as --user (default: the operating-system user) with a password."""
    from app.services.admin import users

    name = args.user or _os_user()
    return users.login(name, _password(_("Password for {user}: ").format(user=name)))


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return "admin"


def _print(text: str = "") -> None:
    stream = sys.stdout
    if stream is not None:  # windowed builds have no stdout
        stream.write(text + "\n")


def cmd_init(args: argparse.Namespace) -> int:
    from app.services.admin import users

    db = connection.open_database(args.db)
    if not users.has_users():
        name = args.admin or args.user or _os_user()
        users.setup_admin(name, _password(_("New password for administrator {user}: ").format(
            user=name)))
        _print(_("Administrator {user} created.").format(user=name))
    _print(_("Database ready: {url} (schema {version})").format(
        url=location.to_url(args.db), version=migrations.stored_version(db)))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from app.demo import DEMO_PASSWORD, load_demo
    from app.services.admin import users

    connection.open_database(args.db)
    if users.has_users():
        raise AppError(_("This database is in use already; the demo loads into an empty one."))
    load_demo(after_event=True)
    _print(_("Demo data loaded: series BJ, event 2026-SH-01, 5 merchants. Log in as admin, "
             "clerk, manager or finance, password {password}.").format(password=DEMO_PASSWORD))
    return 0


def cmd_series_create(args: argparse.Namespace) -> int:
    from app.services.stock import registration as stock

    connection.open_database(args.db)
    info = stock.create_series(_actor(args), args.prefix, args.digits, args.book_size, args.name)
    _print(_("Series {prefix} created: {digits} digits, {size} slips per book.").format(
        prefix=info.prefix, digits=info.digits, size=info.book_size))
    return 0


def cmd_series_list(args: argparse.Namespace) -> int:
    from app.services.stock import registration as stock

    connection.open_database(args.db)
    for s in stock.list_series(_actor(args)):
        last = s.format.format(s.last_number) if s.last_number else "-"
        _print(f"{s.prefix}\t{s.digits}\t{s.book_size}\t{last}\t{s.name}")
    return 0


def cmd_register(args: argparse.Namespace) -> int:
    from app.services.stock import registration as stock

    connection.open_database(args.db)
    actor = _actor(args)
    series = stock.find_series(actor, args.prefix)
    if (args.books is None) == (args.range is None):
        raise AppError(_("Give either --books N or --range FIRST-LAST."))
    if args.books is not None:
        reg = stock.register_next_books(actor, series.id, args.books)
    else:
        reg = stock.register_range(actor, series.id, args.range, args.gap_reason or "")
    _print(_("Registered {first}–{last}: {books} books, {slips} slips.").format(
        first=reg.first, last=reg.last, books=reg.books, slips=reg.slips))
    return 0


def cmd_stock_report(args: argparse.Namespace) -> int:
    from app.services.core.books import state_label
    from app.services.stock import report as stock_report

    connection.open_database(args.db)
    for s in stock_report.stock_report(_actor(args)):
        _print(_("Series {prefix} ({digits} digits, {size} per book)").format(
            prefix=s.series.prefix, digits=s.series.digits, size=s.series.book_size))
        for r in s.ranges:
            owner = f"{r.event_code} {r.brand}".strip()
            _print(f"  {state_label(r.state)}\t{r.first}–{r.last}\t{r.books}\t"
                   f"{r.slips}\t{owner}")
        for state, (books, slips) in s.totals.items():
            _print("  " + _("Total {state}: {books} books, {slips} slips").format(
                state=state_label(state), books=books, slips=slips))
        for g in s.gaps:
            _print("  " + _("Gap {first}–{last} ({slips} slips): {reason}").format(
                first=g.first, last=g.last, slips=g.slips, reason=g.reason))
    return 0


REPORT_NAMES = ("stock", "requisition", "checkout_sheet", "deposit_receipt", "labels_a4",
                "labels_single", "reconciliation", "chase_list", "fine_notice",
                "deposit_refund", "seal_label", "archive_label")
"""`app.reports.REPORTS` by name (listed here so `--help` does not load reportlab)."""


def _report_params(actor: Actor, args: argparse.Namespace) -> dict:
    """write_report parameters from the options given (codes and brands looked up)."""
    from app.services.events import events, merchants
    from app.services.stock import registration as stock

    params: dict = {}
    if args.event:
        params["event_id"] = events.find_event(actor, args.event).id
    if args.series:
        params["series_id"] = stock.find_series(actor, args.series).id
    if args.merchant:
        params["merchant_id"] = merchants.find_merchant(actor, args.merchant).id
    if args.books:
        params["book_codes"] = [c.strip() for c in args.books.split(",") if c.strip()]
    for key, name in (("checkout", "checkout_id"), ("seal", "seal_id"),
                      ("manager", "manager")):
        if getattr(args, key):
            params[name] = getattr(args, key)
    for key in ("columns", "rows", "first_position", "width_mm", "height_mm"):
        if getattr(args, key) is not None:
            params[key] = getattr(args, key)
    if args.a4:
        params["a4"] = True
    return params


def cmd_report(args: argparse.Namespace) -> int:
    from app.reports.registry import write_report

    connection.open_database(args.db)
    actor = _actor(args)
    path = write_report(actor, args.name, Path(args.output), **_report_params(actor, args))
    _print(_("Written: {path}").format(path=path))
    return 0


def cmd_checkouts(args: argparse.Namespace) -> int:
    from app.services.checkout import checkouts as checkout
    from app.services.events import events

    connection.open_database(args.db)
    actor = _actor(args)
    event = events.find_event(actor, args.event)
    for c in checkout.list_checkouts(actor, event.id):
        _print(f"{c.id}\t{c.receipt_no}\t{c.brand}\t{c.ranges}\t{c.deposit}")
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from app.services.events import events, excel_template

    connection.open_database(args.db)
    actor = _actor(args)
    event_id = events.find_event(actor, args.event).id if args.event else None
    _print(_("Written: {path}").format(path=excel_template.export_template(actor, Path(args.output),
                                                                        event_id)))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from app.services.events import excel_io

    connection.open_database(args.db)
    summary = excel_io.import_workbook(_actor(args), Path(args.path))
    _print(str(summary))
    return 0


def _sqlite_file(args: argparse.Namespace, refusal: str) -> Path:
    """The SQLite file of --db (no login: backup, restore and check are file-level)."""

    path = location.sqlite_path(args.db)
    if path is None:
        raise AppError(refusal)
    return path


def cmd_backup(args: argparse.Namespace) -> int:
    from app.db import backup

    path = _sqlite_file(args, _("`orderbook backup` is for SQLite database files; back up a "
                                "PostgreSQL server with its own tools (pg_dump)."))
    info = backup.make_backup(path, "manual", Path(args.to).expanduser() if args.to else None)
    _print(_("Backup written and checked: {path}").format(path=info.path))
    return 0


def _confirm_restore(path: Path, yes: bool) -> Callable[[Path], None]:
    def confirm(source: Path) -> None:
        if yes:
            return
        if sys.stdin is None or not sys.stdin.isatty():
            raise AppError(_("Not confirmed: add --yes to restore without a question (e.g. in "
                             "a scheduled task). Nothing was changed."))
        answer = input(_("Replace {database} with the backup {backup}? The current file is "
                         "kept as …-replaced-<time>. Type yes to go on: ").format(
            database=path, backup=source))
        if answer.strip().lower() not in {"yes", "y", _("yes")}:
            raise AppError(_("Not confirmed; nothing was changed."))
    return confirm


def cmd_restore(args: argparse.Namespace) -> int:
    from app.db import restore

    path = _sqlite_file(args, _("`orderbook restore` works on SQLite database files only; "
                                "restore a PostgreSQL server with its own tools (pg_restore)."))
    outcome = restore.restore_file(path, Path(args.backup_file).expanduser(),
                                   precheck=_confirm_restore(path, args.yes))
    restore.append_restore_record(outcome, "cli:" + _os_user(), "command line")
    _print(_("Restored {backup} into {database}.").format(backup=outcome.source,
                                                          database=outcome.database))
    if outcome.replaced:
        _print(_("The replaced file was kept as {path}.").format(path=outcome.replaced[0]))
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    """`orderbook audit verify`: check the hash chain; exit status 1 when it is broken."""
    from app.services.admin import audit

    connection.open_database(args.db)
    report = audit.verify_chain(_actor(args))
    _print(report.message)
    _print(_("Newest record's hash: {hash}").format(hash=report.head_hash))
    if not report.ok:
        _print(_("First record that does not verify: {seq}").format(seq=report.broken_seq))
        return 1
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from app.db import backup, integrity

    path = location.sqlite_path(args.db)
    if path is None:
        _print(_("PostgreSQL keeps its own storage consistent; check it with the server's "
                 "tools."))
        return 0
    if not path.is_file():
        raise AppError(_("There is no database file at {path}.").format(path=path))
    problems = integrity.check_file(path, full=args.full)
    if not problems:
        _print(_("{path}: no problems found.").format(path=path))
        return 0
    _print(_("{path} is damaged:").format(path=path))
    for line in problems[:50]:
        _print("  " + line)
    _print(backup.backup_hint(backup.newest_good_backup(path)))
    return 1


def _before_command(args: argparse.Namespace) -> None:
    """For a SQLite file: warn on stderr when it lies on a network share, and make the start
    backup (skipped when nothing changed since the newest one) before any other command."""
    from app.db import backup, integrity

    path = location.sqlite_path(args.db)
    if path is None:
        return
    warning = integrity.network_warning(path)
    if warning and sys.stderr is not None:
        sys.stderr.write(warning + "\n")
    if args.func not in (cmd_backup, cmd_restore, cmd_check):
        backup.backup_at_start(path)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="orderbook", description=_(
        "OrderBook Desk command line: database, stock, reports."))
    p.add_argument("--version", action="version", version=__version__)
    p.add_argument("--db", help=_("database file or URL (default: the per-user data file)"))
    p.add_argument("--user", help=_("log in as this user (default: your system user name); the "
                                    "password comes from ORDERBOOK_PASSWORD or a prompt"))
    p.add_argument("--lang", choices=sorted(i18n.LANGUAGES), help=_("message language"))
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, func: Callable[[argparse.Namespace], int], text: str
            ) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, help=text, description=text)
        sp.set_defaults(func=func)
        return sp

    sp = add("init", cmd_init, _("create or upgrade the database (and its first administrator)"))
    sp.add_argument("--admin", help=_("user name of the first administrator"))
    add("demo", cmd_demo, _("load the worked example from DOMAIN.md into an empty database"))
    sp = add("series-create", cmd_series_create, _("create a number series"))
    sp.add_argument("prefix")
    sp.add_argument("--digits", type=int, default=7)
    sp.add_argument("--book-size", type=int, default=50)
    sp.add_argument("--name", default="")
    add("series-list", cmd_series_list, _("list number series"))
    sp = add("register", cmd_register, _("register blank stock in a series"))
    sp.add_argument("prefix")
    sp.add_argument("--books", type=int, help=_("register the next N books"))
    sp.add_argument("--range", help=_("register an explicit range, e.g. BJ0002001-BJ0003000"))
    sp.add_argument("--gap-reason", help=_("why numbers before the range are skipped"))
    add("stock-report", cmd_stock_report, _("print the stock report"))
    sp = add("report", cmd_report, _("write a report to .pdf or .xlsx"))
    sp.add_argument("name", choices=REPORT_NAMES)
    sp.add_argument("output", help=_("output file, .pdf or .xlsx"))
    sp.add_argument("--event", help=_("event code"))
    sp.add_argument("--series", help=_("series prefix"))
    sp.add_argument("--checkout", help=_("checkout id (see `checkouts`)"))
    sp.add_argument("--books", help=_("book codes, comma separated"))
    sp.add_argument("--merchant", help=_("merchant brand (fine_notice, deposit_refund)"))
    sp.add_argument("--manager", help=_("category manager (chase_list)"))
    sp.add_argument("--seal", help=_("seal number (seal_label)"))
    sp.add_argument("--columns", type=int)
    sp.add_argument("--rows", type=int)
    sp.add_argument("--first-position", type=int)
    sp.add_argument("--width-mm", type=float, help=_("label width in mm (single labels)"))
    sp.add_argument("--height-mm", type=float, help=_("label height in mm (single labels)"))
    sp.add_argument("--a4", action="store_true", help=_("seal_label on one A4 page"))
    sp = add("checkouts", cmd_checkouts, _("list an event's checkouts"))
    sp.add_argument("event", help=_("event code"))
    sp = add("template", cmd_template, _("write the Excel import template"))
    sp.add_argument("output")
    sp.add_argument("--event", help=_("pre-fill the estimates sheet for this event code"))
    sp = add("import", cmd_import, _("import merchants and estimates from an Excel file"))
    sp.add_argument("path")
    sp = add("backup", cmd_backup, _("back up the SQLite database file now (no login needed)"))
    sp.add_argument("--to", metavar="DIR", help=_("backup folder (default: backups beside the "
                                                  "database file)"))
    sp = add("restore", cmd_restore, _("put a backup in place of the SQLite database file; the "
                                       "replaced file is kept"))
    sp.add_argument("backup_file", metavar="BACKUP_FILE")
    sp.add_argument("--yes", action="store_true", help=_("do not ask for confirmation"))
    sp = add("audit", cmd_audit, _("verify the audit trail's hash chain (exit status 1 when "
                                   "a record was altered)"))
    sp.add_argument("action", choices=["verify"])
    sp = add("check", cmd_check, _("check the SQLite database file; exit status 1 when it is "
                                   "damaged"))
    sp.add_argument("--full", action="store_true", help=_("full integrity_check and "
                                                          "foreign_key_check (slower)"))
    return p


def _language_from(argv: list[str]) -> str:
    """The --lang value (``--lang en`` or ``--lang=en``), read before the parser is built so
    that its help text is translated too."""
    for idx, arg in enumerate(argv):
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
        if arg == "--lang" and idx + 1 < len(argv):
            return argv[idx + 1]
    return i18n.DEFAULT_LANGUAGE


def main(argv: list[str] | None = None) -> int:
    """Entry point of `orderbook`; returns the exit code (2 for a refused action)."""
    raw = sys.argv[1:] if argv is None else argv
    i18n.set_language(_language_from(raw))
    for stream in (sys.stdout, sys.stderr):  # a redirected console on Windows may not be UTF-8
        if stream is not None and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    args = _parser().parse_args(raw)
    try:
        _before_command(args)
        return args.func(args)
    except BrokenPipeError:  # output piped into `head` and the like
        return 0
    except AppError as exc:
        if sys.stderr is not None:
            sys.stderr.write(_("Error: {message}").format(message=exc.message) + "\n")
        return 2
    finally:
        connection.close_database()


if __name__ == "__main__":
    sys.exit(main())
