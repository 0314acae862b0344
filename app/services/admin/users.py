"""Users, passwords (Argon2id) and logging in (issue 9 point 4).

Logging in opens a session (`core.logins`); services act only for an open session. Wrong
passwords slow the next attempts down (`LoginResult.wait`, honoured by `login` and the login
window) instead of locking the user out, so nobody can lock the administrator out by typing
wrong passwords; an unknown user name costs as long as a known one. Passwords have at least
`MIN_PASSWORD` characters and are none of the most common ones.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import time
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.db.models import User, utcnow
from app.errors import Conflict, InputError, NotFound, PermissionDenied
from app.i18n import _
from app.services.core.actor import Actor
from app.services.core.base import audit, query, require_text, service, set_audit_actor
from app.services.core.logins import end_session, end_sessions_of, open_session
from app.services.core.permissions import ROLES

SLOW_AFTER = 3
"""Wrong passwords in a row before each further attempt is slowed down."""
MAX_WAIT = 30.0
"""Seconds: the longest a login waits after repeated wrong passwords."""
MIN_PASSWORD = 8
MAX_PASSWORD = 1024
USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{1,63}$")
_hasher = PasswordHasher()
_dummy_hash: list[str] = []
COMMON_PASSWORDS = frozenset("""
123456 123456789 12345678 password qwerty123 qwerty 1q2w3e4r 111111 123123 1234567890 000000
abc123 password1 iloveyou 1qaz2wsx qwertyuiop 123qwe 666666 888888 5201314 a123456 a12345678
abcd1234 woaini1314 admin123 administrator 11111111 00000000 88888888 12341234 87654321
66666666 aa123456 qq123456 123456aa 1234qwer qwer1234 asdf1234 zxcvbnm zxcvbnm123 asdfghjkl
passw0rd p@ssw0rd welcome1 welcome123 changeme letmein123 iloveyou1 password123 abcdefgh
abcdefg1 q1w2e3r4 1q2w3e4r5t 147258369 123654789 789456123 159753 112233445566 123321123
woaini520 wodemima 123456abc abc123456 a1b2c3d4 orderbook123
""".split())  # noqa: SIM905 (a word list reads best as text)
"""The commonest passwords (public leak lists, Chinese ones included), refused when set."""


@dataclass(frozen=True)
class UserInfo:
    """A user as the admin screen sees it (never the hash)."""

    id: str
    username: str
    display_name: str
    role: str
    active: bool
    locked_until: dt.datetime | None
    """UTC; None when not locked (only a lock left by an earlier release)."""
    failed_logins: int = 0
    """Wrong passwords in a row since the last good one (each slows the next login down)."""


@dataclass(frozen=True)
class LoginResult:
    """Outcome of a login attempt (a failure is recorded before it is reported)."""

    actor: Actor | None
    """With its session; None when refused."""
    message: str
    wait: float = 0.0
    """Seconds the caller waits before the next attempt (wrong passwords in a row)."""


def _info(row: User) -> UserInfo:
    locked = row.locked_until if row.locked_until and row.locked_until > utcnow() else None
    return UserInfo(row.id, row.username, row.display_name, row.role, row.active, locked,
                    row.failed_logins)


def _username(text: object) -> str:
    name = str(text or "").strip()
    if not USERNAME_RE.match(name):
        raise InputError(_("A user name is 2–64 letters, digits, '.', '-' or '_'."))
    return name


def _password(text: object, username: str = "") -> str:
    if not isinstance(text, str) or len(text) < MIN_PASSWORD:
        raise InputError(_("A password has at least {n} characters.").format(n=MIN_PASSWORD))
    if len(text) > MAX_PASSWORD or any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        raise InputError(_("This password cannot be used."))
    folded = text.casefold()
    if folded in COMMON_PASSWORDS or len(set(folded)) < 3 or (
            username and username.casefold() in folded):
        raise InputError(_("This password is too easy to guess (a common one, the user name, "
                           "or one character repeated); choose another."))
    return text


def backoff(failures: int) -> float:
    """Seconds to wait after `failures` wrong passwords in a row: none for the first few, then
    doubling up to `MAX_WAIT`."""
    if failures < SLOW_AFTER:
        return 0.0
    return min(MAX_WAIT, 2.0 ** (failures - SLOW_AFTER))


def _role(role: object) -> str:
    if not isinstance(role, str) or role not in ROLES:
        raise InputError(_("Choose a role: order clerk, category manager, finance or "
                           "administrator."))
    return str(role)


def has_users() -> bool:
    """True once a first admin exists (asked before anyone logs in)."""
    return User.select().exists()


@service("users.setup_admin", anonymous=True)
def setup_admin(username: str, password: str, display_name: str = "") -> Actor:
    """Create the first administrator of an empty database; returns their logged-in actor.

    Raises:
        Conflict: users exist already. InputError: bad name or password.
    """
    name = _username(username)
    secret = _password(password, name)
    if User.select().exists():
        raise Conflict(_("An administrator exists already; log in instead."))
    set_audit_actor(name)
    row = User.create(username=name, display_name=require_text(
        display_name, _("Name"), 64, allow_empty=True), role="admin",
        password_hash=_hasher.hash(secret))
    audit("user.setup_admin", "user", row.id, after={"username": name, "role": "admin"})
    return Actor(name, "admin", open_session(row))


@service("users.login", anonymous=True)
def attempt_login(username: str, password: str) -> LoginResult:
    """Check a password and open a session. A wrong one is recorded and makes the next
    attempts wait (`LoginResult.wait`); a right one always gets in."""
    name = str(username or "").strip()[:64]
    # a name with NUL or a lone surrogate is no user's, and cannot even be looked up or
    # recorded as typed: the attempt is recorded with those characters escaped
    shown = name.encode("utf-8", "backslashreplace").decode().replace("\x00", "\\x00")[:64]
    set_audit_actor(shown or "?")
    row = User.get_or_none(User.username == name) if shown == name else None
    if row is None or not row.active:
        _verify_nobody(password)  # as slow as a real check: the name's existence stays secret
        audit("user.login_failed", "user", shown, after={"reason": "unknown or disabled"})
        return LoginResult(None, _("Wrong user name or password."))
    if not _verify(row, password):
        failures = row.failed_logins + 1
        User.update(failed_logins=failures).where(User.id == row.id).execute()
        audit("user.login_failed", "user", row.id, after={"failures": failures})
        return LoginResult(None, _("Wrong user name or password."), backoff(failures))
    User.update(failed_logins=0, locked_until=None).where(User.id == row.id).execute()
    if _hasher.check_needs_rehash(row.password_hash):
        User.update(password_hash=_hasher.hash(password)).where(User.id == row.id).execute()
    audit("user.login", "user", row.id)
    return LoginResult(Actor(row.username, row.role, open_session(row)), "")


def login(username: str, password: str) -> Actor:
    """Log in and return the Actor (with its session) to pass to services. After wrong
    passwords in a row the refusal comes only after the wait (`backoff`).

    Raises:
        PermissionDenied: wrong name or password (the attempt is on record).
    """
    result = attempt_login(username, password)
    if result.actor is None:
        time.sleep(result.wait)
        raise PermissionDenied(result.message)
    return result.actor


def logout(actor: Actor) -> None:
    """End the actor's session (closing the window, the end of a command)."""
    end_session(actor)


def _verify_nobody(password: object) -> None:
    if not _dummy_hash:
        _dummy_hash.append(_hasher.hash("not a password of anyone"))
    if isinstance(password, str) and len(password) <= MAX_PASSWORD:
        with contextlib.suppress(VerificationError, InvalidHashError):
            _hasher.verify(_dummy_hash[0], password)


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
    User.update(password_hash=_hasher.hash(_password(new_password, row.username))).where(
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
    name, role = _username(username), _role(role)
    secret = _password(password, name)
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
    """Change a user's role, enable or disable it (disabling ends their sessions), or lift a
    lock-out (forget their wrong passwords).

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
    if active is False:
        end_sessions_of(row.id)  # an open window of theirs stops at its next action
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
    User.update(password_hash=_hasher.hash(_password(new_password, row.username)),
                failed_logins=0, locked_until=None).where(User.id == row.id).execute()
    end_sessions_of(row.id)  # whoever knew the old password is logged out
    audit("user.reset_password", "user", row.id, after={"username": row.username})
