"""Users, passwords (Argon2id) and logging in, with lock-out after repeated failures."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.db.models import User, utcnow
from app.errors import Conflict, InputError, NotFound, PermissionDenied
from app.i18n import _
from app.services.core.actor import Actor
from app.services.core.base import audit, query, require_text, service, set_audit_actor
from app.services.core.permissions import ROLES

MAX_FAILURES = 5
LOCK_MINUTES = 15
MIN_PASSWORD = 8
MAX_PASSWORD = 1024
USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{1,63}$")
_hasher = PasswordHasher()


@dataclass(frozen=True)
class UserInfo:
    """A user as the admin screen sees it (never the hash)."""

    id: str
    username: str
    display_name: str
    role: str
    active: bool
    locked_until: dt.datetime | None
    """UTC; None when not locked."""


@dataclass(frozen=True)
class LoginResult:
    """Outcome of a login attempt (a failure is recorded before it is reported)."""

    actor: Actor | None
    message: str


def _info(row: User) -> UserInfo:
    locked = row.locked_until if row.locked_until and row.locked_until > utcnow() else None
    return UserInfo(row.id, row.username, row.display_name, row.role, row.active, locked)


def _username(text: object) -> str:
    name = str(text or "").strip()
    if not USERNAME_RE.match(name):
        raise InputError(_("A user name is 2–64 letters, digits, '.', '-' or '_'."))
    return name


def _password(text: object) -> str:
    if not isinstance(text, str) or len(text) < MIN_PASSWORD:
        raise InputError(_("A password has at least {n} characters.").format(n=MIN_PASSWORD))
    if len(text) > MAX_PASSWORD or any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        raise InputError(_("This password cannot be used."))
    return text


def _role(role: object) -> str:
    if not isinstance(role, str) or role not in ROLES:
        raise InputError(_("Choose a role: order clerk, category manager, finance or "
                           "administrator."))
    return str(role)


def has_users() -> bool:
    """True once a first admin exists (asked before anyone logs in)."""
    return User.select().exists()


def first_admin() -> Actor:
    """The first active administrator by name (for loading demo data without a login).

    Raises:
        NotFound: there is none.
    """
    row = (User.select().where((User.role == "admin") & User.active)
           .order_by(User.username).first())
    if row is None:
        raise NotFound(_("There is no active administrator."))
    return Actor(row.username, row.role)


@service("users.setup_admin", anonymous=True)
def setup_admin(username: str, password: str, display_name: str = "") -> Actor:
    """Create the first administrator of an empty database.

    Raises:
        Conflict: users exist already. InputError: bad name or password.
    """
    name, secret = _username(username), _password(password)
    if User.select().exists():
        raise Conflict(_("An administrator exists already; log in instead."))
    set_audit_actor(name)
    row = User.create(username=name, display_name=require_text(
        display_name, _("Name"), 64, allow_empty=True), role="admin",
        password_hash=_hasher.hash(secret))
    audit("user.setup_admin", "user", row.id, after={"username": name, "role": "admin"})
    return Actor(name, "admin")


@service("users.login", anonymous=True)
def attempt_login(username: str, password: str) -> LoginResult:
    """Check a password; failures are counted and lock the user out after five tries."""
    name = str(username or "").strip()[:64]
    # a name with NUL or a lone surrogate is no user's, and cannot even be looked up or
    # recorded as typed: the attempt is recorded with those characters escaped
    shown = name.encode("utf-8", "backslashreplace").decode().replace("\x00", "\\x00")[:64]
    set_audit_actor(shown or "?")
    row = User.get_or_none(User.username == name) if shown == name else None
    now = utcnow()
    if row is None or not row.active:
        audit("user.login_failed", "user", shown, after={"reason": "unknown or disabled"})
        return LoginResult(None, _("Wrong user name or password."))
    if row.locked_until and row.locked_until > now:
        audit("user.login_refused", "user", row.id, after={"reason": "locked"})
        local = row.locked_until.replace(tzinfo=dt.UTC).astimezone()
        return LoginResult(None, _("Too many wrong passwords: this user is locked until "
                                   "{time}, or until an administrator unlocks it.").format(
                                       time=local.strftime("%H:%M")))
    if not _verify(row, password):
        failures = row.failed_logins + 1
        locked = now + dt.timedelta(minutes=LOCK_MINUTES) if failures >= MAX_FAILURES else None
        User.update(failed_logins=0 if locked else failures, locked_until=locked).where(
            User.id == row.id).execute()
        audit("user.login_failed", "user", row.id, after={"failures": failures,
                                                           "locked": locked is not None})
        return LoginResult(None, _("Wrong user name or password."))
    User.update(failed_logins=0, locked_until=None).where(User.id == row.id).execute()
    if _hasher.check_needs_rehash(row.password_hash):
        User.update(password_hash=_hasher.hash(password)).where(User.id == row.id).execute()
    audit("user.login", "user", row.id)
    return LoginResult(Actor(row.username, row.role), "")


def login(username: str, password: str) -> Actor:
    """Log in and return the Actor to pass to services.

    Raises:
        PermissionDenied: wrong name or password, or locked out (the attempt is on record).
    """
    result = attempt_login(username, password)
    if result.actor is None:
        raise PermissionDenied(result.message)
    return result.actor


def _verify(row: User, password: object) -> bool:
    if not isinstance(password, str) or len(password) > MAX_PASSWORD:
        return False  # no password that long can be set: do not spend a hash on it
    try:
        return _hasher.verify(row.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@service("users.change_password")
def change_password(actor: Actor, old_password: str, new_password: str) -> None:
    """Change one's own password.

    Raises:
        PermissionDenied: the old password is wrong. InputError: the new one is too short.
    """
    row = User.get(User.username == actor.username)
    if not _verify(row, old_password):
        raise PermissionDenied(_("The current password is wrong."))
    User.update(password_hash=_hasher.hash(_password(new_password))).where(
        User.id == row.id).execute()
    audit("user.change_password", "user", row.id)


@query("users.list")
def list_users(actor: Actor) -> list[UserInfo]:
    """All users by name."""
    return [_info(r) for r in User.select().order_by(User.username)]


@service("users.create")
def create_user(actor: Actor, username: str, role: str, password: str,
                display_name: str = "") -> UserInfo:
    """Add a user with a role and a first password.

    Raises:
        InputError: bad name, role or password. Conflict: the name is taken.
    """
    name, role, secret = _username(username), _role(role), _password(password)
    if User.select().where(User.username == name).exists():
        raise Conflict(_("User name '{name}' is taken.").format(name=name))
    row = User.create(username=name, role=role, password_hash=_hasher.hash(secret),
                      display_name=require_text(display_name, _("Name"), 64, allow_empty=True))
    audit("user.create", "user", row.id, after={"username": name, "role": role})
    return _info(row)


def _user_row(user_id: str) -> User:
    row = User.get_or_none(User.id == user_id)
    if row is None:
        raise NotFound(_("The user does not exist."))
    return row


@service("users.update")
def update_user(actor: Actor, user_id: str, role: str | None = None,
                active: bool | None = None, unlock: bool = False,
                display_name: str | None = None) -> UserInfo:
    """Change a user's role, enable or disable it, or lift a lock-out.

    Raises:
        NotFound: no such user. InputError: bad role.
        Conflict: the change would leave no active administrator.
    """
    row = _user_row(user_id)
    before = _info(row)
    changes: dict[str, object] = {}
    if role is not None:
        changes["role"] = _role(role)
    if active is not None:
        changes["active"] = bool(active)
    if unlock:
        changes.update(failed_logins=0, locked_until=None)
    if display_name is not None:
        changes["display_name"] = require_text(display_name, _("Name"), 64, allow_empty=True)
    if changes:
        User.update(**changes).where(User.id == row.id).execute()
    if not User.select().where((User.role == "admin") & User.active).exists():
        raise Conflict(_("At least one active administrator must remain."))
    after = _info(_user_row(row.id))
    audit("user.update", "user", row.id, before=before, after=after)
    return after


@service("users.reset_password")
def reset_password(actor: Actor, user_id: str, new_password: str) -> None:
    """Set a new password for a user who forgot theirs (and lift any lock-out).

    Raises:
        NotFound: no such user. InputError: password too short.
    """
    row = _user_row(user_id)
    User.update(password_hash=_hasher.hash(_password(new_password)), failed_logins=0,
                locked_until=None).where(User.id == row.id).execute()
    audit("user.reset_password", "user", row.id, after={"username": row.username})
