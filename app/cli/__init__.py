# PYTHON_ARGCOMPLETE_OK
"""The `orderbook` command line: ``orderbook AREA VERB``, a command for every window action.

Each area module (`app.cli.stock`, `events`, `checkout`, `returns`, `returns_after`, `admin`,
`reports`) registers its commands; `main` parses the line, opens the database, logs in when a
command needs it, and turns a refusal into ``Error: …`` with exit status 2 (see `app.cli.core`
for every exit status). Help and messages follow ``--lang`` (default Simplified Chinese).
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence

from app import __version__, i18n
from app.cli import core
from app.cli.core import EXIT_BUG, EXIT_OK, EXIT_REFUSED, Context, Tree, UsageError
from app.db import connection
from app.errors import AppError
from app.i18n import N_, _

ENV_LANG = "ORDERBOOK_LANG"
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
    """An argument parser whose mistakes are refusals like any other (exit status 2)."""

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
    """The --lang value (``--lang en`` or ``--lang=en``, else $ORDERBOOK_LANG), read before the
    parser is built so that its help text is translated too."""
    for idx, arg in enumerate(argv):
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
        if arg == "--lang" and idx + 1 < len(argv):
            return argv[idx + 1]
    return os.environ.get(ENV_LANG) or i18n.DEFAULT_LANGUAGE


def _before(args: argparse.Namespace, command: core.Command) -> None:
    """For a SQLite file: warn on stderr when it lies on a network share, and make the start
    backup (skipped when nothing changed since the newest one) before any other command."""
    from app.db import backup, integrity, location

    path = location.sqlite_path(args.db)
    if path is None:
        return
    warning = integrity.network_warning(path)
    if warning:
        _stderr(warning)
    if not command.file_level:
        backup.backup_at_start(path)


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
        connection.open_database(args.db)
    code = command.func(Context(args))
    return EXIT_OK if code is None else code


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
    for stream in (sys.stdout, sys.stderr):  # a redirected console on Windows may not be UTF-8
        if stream is not None and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
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
