"""Fixtures of the command-line tests: stage databases, running `orderbook` in-process, and
recording which registered services a command called."""

from __future__ import annotations

import functools
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.cli import main
from app.cli.core import ENV_DB, ENV_NEW_PASSWORD, ENV_PASSWORD, ENV_USER
from app.services.core.base import REGISTRY
from tests.cli import world
from tests.services.test_roles import load_all_services

LOGIN_ACTIONS = ("user.login", "user.login_failed", "user.login_refused")


@pytest.fixture(scope="session")
def stages(tmp_path_factory) -> dict[str, Path]:
    """The worked example's stage databases (built once)."""
    return world.build_stages(tmp_path_factory.mktemp("stages"))


@dataclass
class Result:
    """What one `orderbook` run did."""

    code: int
    out: str
    err: str


@pytest.fixture
def orderbook(capsys, monkeypatch) -> Callable[..., Result]:
    """Run `orderbook ARGV…` in-process (English, user boss); returns code, stdout, stderr."""
    monkeypatch.setenv(ENV_USER, "boss")
    monkeypatch.setenv(ENV_PASSWORD, world.PASSWORD)
    monkeypatch.setenv(ENV_NEW_PASSWORD, "a-new-password")
    monkeypatch.setenv("ORDERBOOK_LANG", "en")
    monkeypatch.delenv(ENV_DB, raising=False)

    def run(*argv: str) -> Result:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return run


@pytest.fixture
def called(monkeypatch) -> list[str]:
    """Names of the registered services called from now on (through their modules)."""
    load_all_services()
    calls: list[str] = []
    for name, info in REGISTRY.items():
        module = sys.modules[info.func.__module__]
        original = getattr(module, info.func.__name__)

        def record(*args, _name=name, _original=original, **kwargs):
            calls.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, info.func.__name__, functools.wraps(original)(record))
    return calls


def fingerprint(path: Path) -> dict[str, list]:
    """Every row of every table of a SQLite file, except what logging in writes (every command
    logs in, and a login is on record even when the command is then refused): its audit
    record, its session, and the audit head."""
    con = sqlite3.connect(path)
    try:
        tables = [t for (t,) in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        rows = {}
        for table in tables:
            if table in ("audit_head", "session"):
                continue
            query = f'SELECT * FROM "{table}"'
            if table == "audit_log":
                query += " WHERE action NOT IN ('" + "','".join(LOGIN_ACTIONS) + "')"
            elif table == "user":
                query = 'SELECT id, username, role, active FROM "user"'
            elif table == "table_digest":  # a login changes the user row (failed logins)
                query += " WHERE tbl != 'user'"
            rows[table] = sorted(map(repr, con.execute(query)))
        return rows
    finally:
        con.close()
