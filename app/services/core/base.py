"""The service decorator: one transaction, one actor, an audit trail, clear errors.

Every public write service is declared with `@service("area.verb")`: it runs inside one database
transaction (SQLite: BEGIN IMMEDIATE, so read-then-write cannot race another writer), must append
at least one audit record through `audit()`, and turns driver errors into `AppError`s a clerk
understands. Read-only functions use `@query`. Both register themselves in `REGISTRY`, which the
role table (and the fuzz tests) walk.
"""

from __future__ import annotations

import contextvars
import dataclasses
import datetime as dt
import decimal
import functools
import json
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from peewee import DatabaseError as DriverError
from peewee import IntegrityError, PostgresqlDatabase, SqliteDatabase

from app.db import anchors, chain, coverage
from app.db.models import AuditHead, database
from app.errors import AppError, Conflict, PermissionDenied
from app.i18n import _
from app.services.core.actor import Actor
from app.services.core.permissions import authorize

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class ServiceInfo:
    """What the registry knows of a public service function."""

    name: str
    writes: bool
    func: Callable[..., Any]
    anonymous: bool = False
    """True for services called before login (they take no Actor)."""


REGISTRY: dict[str, ServiceInfo] = {}
_queue: contextvars.ContextVar[list[dict[str, Any]] | None] = contextvars.ContextVar(
    "audit_queue", default=None)
_depth: contextvars.ContextVar[int] = contextvars.ContextVar("service_depth", default=0)
_actor: contextvars.ContextVar[Actor | None] = contextvars.ContextVar("actor", default=None)


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return str(value)


def to_json(value: Any) -> str | None:
    """Stable JSON for audit before/after."""
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=_json_default)


def audit(action: str, entity: str, entity_id: str = "", *, before: Any = None,
          after: Any = None, event: str | None = None, merchant: str | None = None) -> None:
    """Record what the running service did. The records are appended to the chain at the end
    of the service, in its transaction, the last one with the digests of the business tables
    it changed (`app.db.coverage`)."""
    actor = _actor.get()
    queue = _queue.get()
    if actor is None or queue is None:
        raise RuntimeError("audit() is only called inside a @service function")
    queue.append(dict(actor=actor.username, action=action, entity=entity,
                      entity_id=str(entity_id), event=event, merchant=merchant,
                      before=to_json(before), after=to_json(after)))


def _flush(queue: list[dict[str, Any]]) -> tuple[int, str]:
    """Sign the rows the service changed and append its records; returns the new head.

    Raises:
        AuditTrailDamaged: the chain's end marker is missing or doubled.
    """
    end = chain.head()
    sealed = coverage.seal_changes(end.seq + len(queue))
    queue[-1]["state"] = to_json(sealed.as_state())
    return chain.append(queue)


def current_actor() -> Actor:
    """The actor of the running service."""
    actor = _actor.get()
    if actor is None:
        raise RuntimeError("no service is running")
    return actor


def _serialize_writers() -> None:
    """On PostgreSQL, take the audit head row lock first, so write services run one after the
    other as they do on SQLite (BEGIN IMMEDIATE): what a service reads stays true until it
    commits. Without it a checkout and a plan change could interleave and issue a book twice."""
    if isinstance(database.obj, PostgresqlDatabase):
        AuditHead.select(AuditHead.id).for_update().first()


def _transaction() -> Any:
    db = database.obj
    if isinstance(db, SqliteDatabase) and not db.in_transaction():
        return db.atomic("IMMEDIATE")
    return database.atomic()


def _check_actor(actor: object) -> Actor:
    if not isinstance(actor, Actor) or not isinstance(actor.username, str) or not actor.username:
        raise TypeError("services take an Actor as first argument")
    return actor


def _authorize(actor: Actor, name: str) -> Actor:
    """The actor as the database knows it, if its role may call `name`.

    Raises:
        PermissionDenied: unknown or disabled user, or a role the permission table refuses.
    """
    if any(ch == "\x00" or 0xD800 <= ord(ch) <= 0xDFFF for ch in actor.username):
        # no user is called that (and the database could not even be asked)
        raise PermissionDenied(_("User '{name}' is unknown or disabled.").format(
            name=actor.username.encode("utf-8", "backslashreplace").decode()[:64]))
    return authorize(actor, name)


def concurrent_change() -> Conflict:
    """The refusal for a change that clashes with one saved at the same moment."""
    return Conflict(_("This change clashes with data saved at the same time (e.g. a "
                      "duplicate code). Nothing was saved; please check and try again."))


def _translate_db_error(exc: Exception) -> AppError:
    if isinstance(exc, IntegrityError):
        return concurrent_change()
    text = str(exc).lower()
    if "locked" in text or "busy" in text or "deadlock" in text or "serializ" in text:
        return Conflict(_("The database is busy with another user's change. Nothing was saved; "
                          "please try again in a moment."))
    return AppError(_("The database refused the change: {reason}").format(reason=exc))


def _unstorable_text() -> AppError:
    from app.errors import InputError

    return InputError(_("The text contains characters that cannot be stored (a broken "
                        "character from a scanner or copy and paste?)."))


def _translate(exc: Exception) -> AppError | None:
    """The AppError for a driver or encoding failure, or None for a genuine bug.

    Drivers refuse some values outright: a lone surrogate or undecodable bytes (UnicodeError),
    NUL in a PostgreSQL string or a file name (ValueError), a value of the wrong type in a query
    (PostgreSQL: ProgrammingError/DataError). The input is bad, not the program.
    """
    if isinstance(exc, DriverError):
        return _translate_db_error(exc)
    if isinstance(exc, UnicodeError):
        return _unstorable_text()
    if isinstance(exc, ValueError) and ("NUL" in str(exc) or "null byte" in str(exc)):
        return _unstorable_text()
    return None


def service(name: str, *, anonymous: bool = False
            ) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Declare a public write service called `name` (e.g. ``stock.register``).

    The first argument is the calling `Actor`, checked against the permission table, unless
    `anonymous` (logging in, creating the first admin): then the function names the audit
    actor itself with `set_audit_actor`.
    """

    def wrap(func: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(func)
        def inner(*args: P.args, **kwargs: P.kwargs) -> R:
            queue: list[dict[str, Any]] = []
            token_q = _queue.set(queue)
            token_a = _actor.set(Actor("anonymous", "") if anonymous else None)
            outermost = _depth.get() == 0
            token_d = _depth.set(_depth.get() + 1)
            try:
                if not anonymous:
                    _actor.set(_authorize(
                        _check_actor(args[0] if args else kwargs.get("actor")), name))
                with _transaction():
                    _serialize_writers()
                    if outermost:
                        coverage.clear_foreign_changes()
                    result = func(*args, **kwargs)
                    if not queue:
                        raise RuntimeError(f"service {name} wrote no audit record")
                    head = _flush(queue)
                if outermost:
                    anchors.after_commit(*head)
                return result
            except (DriverError, UnicodeError, ValueError) as exc:
                error = _translate(exc)
                if error is None:
                    raise
                raise error from exc
            finally:
                _depth.reset(token_d)
                _actor.reset(token_a)
                _queue.reset(token_q)

        REGISTRY[name] = ServiceInfo(name, True, inner, anonymous)
        inner.service_name = name  # type: ignore[attr-defined]
        return inner

    return wrap


def set_audit_actor(username: str) -> None:
    """Inside an anonymous service: who the audit records name."""
    _actor.set(Actor(username, ""))


def query(name: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Declare a public read-only service called `name`."""

    def wrap(func: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(func)
        def inner(*args: P.args, **kwargs: P.kwargs) -> R:
            actor = _check_actor(args[0] if args else kwargs.get("actor"))
            try:
                _authorize(actor, name)
                return func(*args, **kwargs)
            except (DriverError, UnicodeError, ValueError) as exc:
                error = _translate(exc)
                if error is None:
                    raise
                raise error from exc

        REGISTRY[name] = ServiceInfo(name, False, inner, False)
        inner.service_name = name  # type: ignore[attr-defined]
        return inner

    return wrap


def require_text(value: object, label: str, max_len: int = 200, *, allow_empty: bool = False
                 ) -> str:
    """Trimmed text of at most `max_len` characters.

    Raises:
        InputError: empty (unless allowed), too long, or containing control characters or
            invisible/direction-changing ones (bidi controls, zero-width characters), which
            could make a name look like another.
    """
    from app.errors import InputError

    text = "" if value is None else str(value).strip()
    if not text and not allow_empty:
        raise InputError(_("{field} must not be empty.").format(field=label))
    if len(text) > max_len:
        raise InputError(_("{field} is too long (at most {n} characters).").format(
            field=label, n=max_len))
    if any(ord(ch) < 32 or 0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        raise InputError(_("{field} contains characters that cannot be stored.").format(
            field=label))
    if any(unicodedata.category(ch) == "Cf" for ch in text):
        raise InputError(_("{field} contains invisible or direction-changing characters (from "
                           "copying and pasting?); type it again.").format(field=label))
    return text
