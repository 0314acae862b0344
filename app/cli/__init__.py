# PYTHON_ARGCOMPLETE_OK
"""The `orderbook` command line: ``orderbook AREA VERB``, a command for every window action.

Each area module (`app.cli.stock`, `events`, `checkout`, `returns`, `returns_after`, `admin`,
`reports`) registers its commands; `main` parses the line, opens the database, logs in when a
command needs it, and turns a refusal into ``Error: …`` with exit status 2 (see `app.cli.core`
for every exit status). Help and messages follow ``--lang`` (default Simplified Chinese).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import traceback
from collections.abc import Sequence
from typing import Any

from app import __version__, i18n
from app.cli import core
from app.cli.core import EXIT_BUG, EXIT_OK, EXIT_REFUSED, Context, Tree, UsageError
from app.db import connection
from app.errors import AppError
from app.i18n import N_, _

ENV_LANG = "ORDERBOOK_LANG"
START_BACKUP_GAP = dt.timedelta(hours=1)
"""A command backs the file up first unless a backup is younger than this (decision 0011)."""
ARGPARSE_TEXT = [
    N_("usage: "), N_("positional arguments"), N_("options"),
    N_("show this help message and exit"),
    N_("the following arguments are required: %s"), N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("argument %(argument_name)s: %(message)s"), N_("expected one argument"),
    N_("expected at least one argument"), N_("expected at most one argument"),
    N_("invalid %(type)s value: %(value)r"), N_("not allowed with argument %s"),
    N_("one of the arguments %s is required"), N_("ignored explicit argument %r"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
    N_("can't open '%(filename)s': %(error)s"),
]
"""argparse's own words, translated through our catalog (argparse looks `_` up at call time)."""


class Parser(argparse.ArgumentParser):
    """An argument parser whose mistakes are refusals like any other (exit status 2), and which
    takes options only as written (no abbreviations: ``--a`` is not silently ``--all``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message + "\n" + _("See `{prog} --help`.").format(prog=self.prog))


def _area_modules() -> list:
    from app.cli import admin, checkout, events, reports, returns, returns_after, stock

    return [stock, events, checkout, returns, returns_after, admin, reports]


def build_parser() -> Parser:
    """The whole `orderbook` parser (every area's commands)."""
    common = Parser(add_help=False, argument_default=argparse.SUPPRESS)
    _global_options(common.add_argument_group(_("options of every command")), defaults=False)
    parser = Parser(prog="orderbook", description=_(
        "OrderBook Desk command line: every window action as `orderbook AREA VERB`. "
        "Exit status: 0 done, 1 a check found a problem, 2 refused or bad input, 3 a bug."),
        epilog=_("Old names kept until the next release: init, demo, series-create, "
                 "series-list, register, stock-report, checkouts, template, import, backup, "
                 "restore, check."))
    parser.add_argument("--version", action="version", version=__version__,
                        help=_("show the version and exit"))
    _global_options(parser, defaults=True)
    subparsers = parser.add_subparsers(dest="group", required=True, metavar="AREA")
    tree = Tree(subparsers, common)
    for module in _area_modules():
        module.register_commands(tree)
    return parser


def _global_options(p: argparse.ArgumentParser | argparse._ArgumentGroup, *, defaults: bool
                    ) -> None:
    """--db, --user, --lang: before the command or after it."""
    def default(value: object) -> object:
        return value if defaults else argparse.SUPPRESS

    p.add_argument("--db", default=default(os.environ.get(core.ENV_DB)), help=_(
        "database file or URL (default: $ORDERBOOK_DB, else the per-user data file)"))
    p.add_argument("--user", default=default(None), help=_(
        "log in as this user (default: $ORDERBOOK_USER, else your system user name); the "
        "password comes from $ORDERBOOK_PASSWORD or a prompt"))
    p.add_argument("--lang", choices=sorted(i18n.LANGUAGES), default=default(None),
                   help=_("message language (default: $ORDERBOOK_LANG, else zh_CN)"))


def language_from(argv: Sequence[str]) -> str:
    """The last --lang value (``--lang en`` or ``--lang=en``), else $ORDERBOOK_LANG (``en_US.UTF-8``
    counts as ``en``), read before the parser is built so that its help is translated too."""
    chosen = None
    for idx, arg in enumerate(argv):
        if arg.startswith("--lang="):
            chosen = arg.split("=", 1)[1]
        elif arg == "--lang" and idx + 1 < len(argv):
            chosen = argv[idx + 1]
    if chosen is not None:
        return chosen
    env = os.environ.get(ENV_LANG, "")
    for code in i18n.LANGUAGES:
        if env == code or env.split(".")[0].split("_")[0] == code.split("_")[0]:
            return code
    return i18n.DEFAULT_LANGUAGE


def _before(args: argparse.Namespace, command: core.Command) -> None:
    """For a SQLite file: warn on stderr when it lies on a network share, and make the start
    backup before the command (skipped when nothing changed since the newest backup or it is
    less than an hour old)."""
    from app.db import backup, integrity, location

    path = location.sqlite_path(args.db)
    if path is None:
        return
    warning = integrity.network_warning(path)
    if warning:
        _stderr(warning)
    if not command.file_level:
        backup.backup_at_start(path, unless_newer_than=START_BACKUP_GAP)


def _stderr(text: str) -> None:
    if sys.stderr is not None:
        sys.stderr.write(text + "\n")


def _run(args: argparse.Namespace) -> int:
    command: core.Command = args.command
    if getattr(args, "alias_of", None):
        old, new = args.alias_of
        _stderr(_("Note: `orderbook {old}` is now `orderbook {new}`; the old name goes in the "
                  "next release.").format(old=old, new=new))
    if command.name != "completion":
        _before(args, command)
    if command.opens:
        _refuse_missing_file(args.db)
        connection.open_database(args.db)
    ctx = Context(args)
    try:
        code = command.func(ctx)
    finally:
        ctx.log_out()
    return EXIT_OK if code is None else code


def _refuse_missing_file(target: str | None) -> None:
    """A mistyped --db must not quietly create an empty database (only `db init` and `db demo`
    create one).

    Raises:
        AppError: the SQLite file does not exist.
    """
    from app.db import location

    path = location.sqlite_path(target)
    if path is not None and not path.exists():
        raise AppError(_("There is no database at {path}: check --db (or ORDERBOOK_DB), or "
                         "create one with `orderbook db init`.").format(path=path))


def _complete(parser: argparse.ArgumentParser) -> None:
    """Answer the shell's tab completion (only when the shell asks: $_ARGCOMPLETE is set)."""
    if "_ARGCOMPLETE" in os.environ:
        import argcomplete

        argcomplete.autocomplete(parser)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `orderbook`; returns the exit status (2 for a refused action)."""
    raw = list(sys.argv[1:] if argv is None else argv)
    i18n.set_language(language_from(raw))
    argparse._ = i18n._  # type: ignore[attr-defined]
    argparse.ngettext = i18n.ngettext  # type: ignore[attr-defined]
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and hasattr(stream, "reconfigure"):
            # redirected to a file or a pipe: UTF-8 (a Chinese Windows would write GBK, which has
            # no ¥ and which JSON readers do not expect); a console keeps its own encoding
            tty = stream.isatty()
            stream.reconfigure(**({"errors": "replace"} if tty else
                                  {"encoding": "utf-8", "errors": "replace"}))
    try:
        parser = build_parser()
        _complete(parser)
        return _run(parser.parse_args(raw))
    except SystemExit as exc:  # --help, --version
        return exc.code if isinstance(exc.code, int) else EXIT_OK
    except BrokenPipeError:  # output piped into `head` and the like
        return EXIT_OK
    except AppError as exc:
        _stderr(_("Error: {message}").format(message=exc.message))
        return EXIT_REFUSED
    except KeyboardInterrupt:
        _stderr(_("Error: interrupted; nothing more was done."))
        return EXIT_REFUSED
    except Exception as exc:  # a bug: say so, with the traceback for whoever fixes it
        _stderr(_("Error: unexpected failure (a bug, please report it): {error}").format(
            error=f"{type(exc).__name__}: {exc}"))
        if sys.stderr is not None:
            traceback.print_exc()
        return EXIT_BUG
    finally:
        connection.close_database()
