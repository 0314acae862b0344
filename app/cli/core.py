"""What every `orderbook AREA VERB` command shares: the command table, logging in, finding an
event, merchant or series by the code a person types, and printing for people or as JSON.

Exit status: 0 done, 1 a check found a problem (`audit verify`, `db check`), 2 refused or bad
input (`Error: …` on standard error, nothing written), 3 an unexpected failure (a bug: the
traceback follows the `Error:` line).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import getpass
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from app.cli.output import out, to_jsonable
from app.domain.numbers import first_number
from app.errors import AppError, InputError, NotFound
from app.i18n import _, in_every_language
from app.services.core.actor import Actor

EXIT_OK, EXIT_FAILED, EXIT_REFUSED, EXIT_BUG = 0, 1, 2, 3
ENV_DB, ENV_USER = "ORDERBOOK_DB", "ORDERBOOK_USER"
ENV_PASSWORD, ENV_NEW_PASSWORD = "ORDERBOOK_PASSWORD", "ORDERBOOK_NEW_PASSWORD"


class UsageError(AppError):
    """The command line itself is wrong (unknown command or option, missing argument)."""


@dataclass(frozen=True)
class Command:
    """One `orderbook GROUP VERB` command."""

    name: str
    """``event create``."""
    func: Callable[[Context], int | None]
    help: str
    services: tuple[str, ...]
    """The registered services it calls (for the test that every write service has one)."""
    shape: Any = None
    """What ``--json`` prints: a dataclass, ``list[dataclass]``, or None (no JSON output)."""
    opens: bool = True
    """False for commands that open the database themselves (init, demo) or never (backup)."""
    file_level: bool = False
    """True for the commands that work on the SQLite file without a login (no start backup)."""


COMMANDS: dict[str, Command] = {}
"""Every command by name, filled as the area modules register theirs."""

NOT_ON_COMMAND_LINE = {
    "users.login": "every command calls it when it logs in (Context.actor), none on its own",
    "safety.restore": "the GUI's restore records itself through it; `orderbook db restore` works "
                      "on the file without a login (for scheduled tasks) and writes the same "
                      "audit record itself (app.db.restore.append_restore_record)",
}
"""Registered write services no command names, and why (the one documented exception list)."""

READS_ELSEWHERE = {
    "events.get": "event show (finds the event by its code: events.find)",
    "merchants.get": "merchant show (finds the merchant by its brand: merchants.find)",
    "checkout.get": "checkout show (finds the checkout by its receipt number)",
    "safety.backup_now": "db backup (on the file, no login, for scheduled tasks)",
    "safety.list_backups": "db backups (on the file, no login)",
    "safety.check": "db check --full (on the file, no login)",
}
"""Reads the GUI offers that a command gives another way (by code instead of id, or on the
file without a login)."""


class Tree:
    """Adds command groups to the top-level parser."""

    def __init__(self, subparsers: Any, common: argparse.ArgumentParser) -> None:
        self._subparsers = subparsers
        self._common = common
        self._groups: dict[str, Group] = {}

    def group(self, name: str, help_text: str) -> Group:
        """The group `name` (``event``), created on first use."""
        if name not in self._groups:
            parser = self._subparsers.add_parser(name, help=help_text, description=help_text,
                                                 parents=[self._common])
            verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
            self._groups[name] = Group(name, verbs, self._common)
        return self._groups[name]

    def single(self, name: str, func: Callable[[Context], int | None], help_text: str,
               build: Callable[[argparse.ArgumentParser], object], *, opens: bool = True,
               file_level: bool = False) -> None:
        """A command without verbs (``report``)."""
        command = Command(name, func, help_text, (), None, opens, file_level)
        COMMANDS[name] = command
        parser = self._subparsers.add_parser(name, help=help_text, description=help_text,
                                             parents=[self._common])
        build(parser)
        parser.set_defaults(command=command)

    def alias(self, old: str, target: str, build: Callable[[argparse.ArgumentParser], object]
              ) -> None:
        """An old command name kept for one release: same options, a note on stderr."""
        parser = self._subparsers.add_parser(old, parents=[self._common])
        build(parser)
        parser.set_defaults(command=COMMANDS[target], alias_of=(old, target))


class Group:
    """One command group (``event``) and its verbs."""

    def __init__(self, name: str, verbs: Any, common: argparse.ArgumentParser) -> None:
        self.name = name
        self._verbs = verbs
        self._common = common

    def command(self, verb: str, func: Callable[[Context], int | None], help_text: str, *,
                services: Sequence[str] = (), shape: Any = None, opens: bool = True,
                file_level: bool = False) -> argparse.ArgumentParser:
        """Add ``GROUP VERB``; returns its parser for the command's own arguments."""
        command = Command(f"{self.name} {verb}", func, help_text, tuple(services), shape, opens,
                          file_level)
        COMMANDS[command.name] = command
        parser = self._verbs.add_parser(verb, help=help_text, description=help_text,
                                        parents=[self._common])
        parser.set_defaults(command=command)
        if shape is not None:
            parser.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                                help=_("print JSON (field names: docs/cli-json.md)"))
        return parser


# ------------------------------------------------------------------ who is calling

def os_user() -> str:
    """The operating-system user name (the default --user)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return "admin"


def secret(variable: str, prompt: str, *, confirm: bool = False) -> str:
    """A password from the environment (scheduled tasks) or typed at a hidden prompt.

    Raises:
        InputError: none given and no terminal to ask on, or the two typed differ.
    """
    value = os.environ.get(variable)
    if value is not None:
        return value
    if sys.stdin is None or not sys.stdin.isatty():
        raise InputError(_("No password: set {variable} or run the command in a terminal.")
                         .format(variable=variable))
    value = getpass.getpass(prompt)
    if confirm and getpass.getpass(_("Again: ")) != value:
        raise InputError(_("The two passwords differ; nothing was changed."))
    return value


class Context:
    """A running command: its arguments, the logged-in actor, lookups and output."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self._actor: Actor | None = None
        self.password = ""
        """The password this command logged in with (`user passwd` needs it again)."""

    @property
    def json(self) -> bool:
        """True when --json was given."""
        return bool(getattr(self.args, "json", False))

    @property
    def user(self) -> str:
        """Who logs in: --user, else $ORDERBOOK_USER, else the operating-system user."""
        return self.args.user or os.environ.get(ENV_USER) or os_user()

    @property
    def actor(self) -> Actor:
        """The logged-in user (logs in on first use).

        Raises:
            PermissionDenied: wrong name or password, locked out or disabled.
        """
        if self._actor is None:
            from app.services.admin import users

            self.password = secret(ENV_PASSWORD, _("Password for {user}: ").format(
                user=self.user))
            self._actor = users.login(self.user, self.password)
        return self._actor

    def log_out(self) -> None:
        """End the command's login session (if it logged in and the database is still open)."""
        if self._actor is not None:
            from app.services.admin import users

            with contextlib.suppress(Exception):  # a refusal was already reported
                users.logout(self._actor)
            self._actor = None

    # --------------------------------------------------------------- lookups by typed code

    def event(self, code: str | None = None) -> Any:
        """The event of --event (or `code`).

        Raises:
            UsageError: no event given. NotFound: no such event.
        """
        from app.services.events import events

        code = code if code is not None else getattr(self.args, "event", None)
        if not code:
            raise UsageError(_("Name the event: --event CODE."))
        return events.find_event(self.actor, code)

    def merchant(self, brand: str | None = None) -> Any:
        """The merchant of --merchant (or `brand`).

        Raises:
            UsageError: none given. NotFound: no such brand.
        """
        from app.services.events import merchants

        brand = brand if brand is not None else getattr(self.args, "merchant", None)
        if not brand:
            raise UsageError(_("Name the merchant: --merchant BRAND."))
        return merchants.find_merchant(self.actor, brand)

    def series(self, prefix: str) -> Any:
        """The number series of a prefix. Raises NotFound."""
        from app.services.stock import registration

        return registration.find_series(self.actor, prefix)

    def merchant_of_numbers(self, event: Any, numbers: str) -> Any:
        """--merchant, or else the merchant whose book holds the first typed number (as the
        return screen does when a book is scanned).

        Raises:
            UsageError: no --merchant and the first number is not a full number.
            NotFound: no book holds it. InputError: its book is not issued, or for another
                event.
        """
        from app.services.core import books
        from app.services.events import merchants

        if getattr(self.args, "merchant", None):
            return self.merchant()
        first = first_number(numbers)
        if not first[:1].isalpha():
            raise UsageError(_("Name the merchant (--merchant BRAND), or start with a full slip "
                               "number or book code, e.g. BJ0000017."))
        book = books.find_book(self.actor, first)
        if not book.brand:
            raise InputError(_("{number} is in book {book}, which is not issued to a merchant "
                               "({state}); nothing was changed.").format(
                number=first, book=book.code, state=books.state_label(book.state)))
        if book.event_code != event.code:
            raise InputError(_("{number} is in book {book} of event {other}, not {event}; "
                               "nothing was changed.").format(
                number=first, book=book.code, other=book.event_code or "-", event=event.code))
        return merchants.find_merchant(self.actor, book.brand)

    # --------------------------------------------------------------- output

    def emit(self, value: Any, human: Callable[[Any], None]) -> int:
        """Print `value` as JSON (--json) or through `human`."""
        if self.json:
            out(json.dumps(to_jsonable(value), ensure_ascii=False, indent=2))
        else:
            human(value)
        return EXIT_OK


def coded(labels: dict[str, str]) -> Callable[[str], str]:
    """An argparse type that takes a code (``used``) or its name in either language (``已开``,
    ``Used``), so a clerk can type what the screens show; anything else is left for argparse's
    `choices` to refuse, naming the codes."""
    def convert(text: str) -> str:
        wanted = text.strip().casefold()
        for code, label in labels.items():
            if wanted == code or wanted in {n.casefold() for n in in_every_language(label)}:
                return code
        return text
    return convert


def user_id(actor: Actor, name: str) -> str:
    """The id of the user called `name`. Raises NotFound."""
    from app.services.admin import users

    for info in users.list_users(actor):
        if info.username == name:
            return info.id
    raise NotFound(_("There is no user called '{name}'.").format(name=name[:64]))


def local_datetime(text: str) -> dt.datetime:
    """``2026-03-14 09:30`` (local time) as an aware datetime.

    Raises:
        InputError: not a date and time.
    """
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise InputError(_("'{text}' is not a date and time like 2026-03-14 09:30.").format(
            text=text[:40])) from exc
    return value if value.tzinfo else value.astimezone()
