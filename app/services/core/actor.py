"""Who calls a service: every public service takes an `Actor` as its first argument."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Actor:
    """Who calls a service: the result of logging in (`users.login`), never made up."""

    username: str
    """Login name, written into every audit record."""
    role: str = "admin"
    """Role name as the login found it; services read the role from the database each call."""
    session: str = field(default="", compare=False, repr=False)
    """The secret of the login session; services refuse an actor without an open session."""
