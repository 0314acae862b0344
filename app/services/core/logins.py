"""Login sessions: who is calling, verified (issue 9 point 4).

Logging in (`users.login`) opens a session and hands its secret to the caller inside the
`Actor`; every service call checks that the session is open and that its user is still active,
not locked, and the one the actor names. An actor made up in code has no session and is
refused; disabling a user ends their sessions, so an open window stops working at its next
action. Only a SHA-256 of the secret is stored.
"""

from __future__ import annotations

import hashlib
import secrets

from app.db.models import User, utcnow
from app.db.trust_models import Session
from app.errors import PermissionDenied
from app.i18n import _
from app.services.core.actor import Actor


def token_hash(token: str) -> str:
    """What the database keeps of a session secret."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(user: User) -> str:
    """A new session for `user`; returns its secret (shown to nobody, kept in the Actor)."""
    token = secrets.token_urlsafe(32)
    Session.create(user=user, token_hash=token_hash(token))
    return token


def session_user(actor: Actor) -> User:
    """The user of the actor's open session, if that user may still act.

    Raises:
        PermissionDenied: no session (an actor that did not come from a login), an ended or
            unknown session, a session of another user, a disabled or locked user.
    """
    token = actor.session if isinstance(actor.session, str) else ""
    if not token:
        raise PermissionDenied(_("Log in first: {name} has no login session.").format(
            name=actor.username[:64]))
    row = (Session.select(Session, User).join(User)
           .where(Session.token_hash == token_hash(token)).first())
    if row is None or row.ended_at is not None:
        raise PermissionDenied(_("This login session has ended; log in again."))
    user = row.user
    if user.username != actor.username or not user.active:
        raise PermissionDenied(_("User '{name}' is unknown or disabled.").format(
            name=actor.username[:64]))
    if user.locked_until and user.locked_until > utcnow():
        raise PermissionDenied(_("User '{name}' is locked; an administrator can unlock it.")
                               .format(name=actor.username[:64]))
    return user


def end_session(actor: Actor) -> None:
    """Log out: the actor's session can no longer be used (nothing happens without one)."""
    if isinstance(actor.session, str) and actor.session:
        Session.update(ended_at=utcnow()).where(
            (Session.token_hash == token_hash(actor.session)) & Session.ended_at.is_null()
        ).execute()


def end_sessions_of(user_id: str) -> int:
    """End every open session of a user (disabled, password reset); returns how many."""
    return (Session.update(ended_at=utcnow())
            .where((Session.user == user_id) & Session.ended_at.is_null()).execute())
