"""Who calls a service: every public service takes an `Actor` as its first argument."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """Who calls a service."""

    username: str
    """Login name, written into every audit record."""
    role: str = "admin"
    """Role name; the permission table (issue 3) decides from it."""
