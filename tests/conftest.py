"""Shared fixtures: a real database file per test (SQLite), or PostgreSQL when
ORDERBOOK_TEST_PG is set to a server URL (each test gets a fresh schema). Each database has
the admin user `tester`; `add_user` adds more."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from app import i18n
from app.db import connection
from app.services.core.actor import Actor

TEST_PASSWORD = "test-password"
_HASH: list[str] = []


def session_token(username: str) -> str:
    """The login session secret `add_user` opens for a test user (tests act through it)."""
    return f"test-session-{username}"


def as_user(username: str, role: str = "clerk") -> Actor:
    """The logged-in actor of a user made by `add_user` (the role it claims does not matter:
    services read the role from the database)."""
    return Actor(username, role, session_token(username))


ADMIN = as_user("tester", "admin")


def add_user(username: str, role: str) -> Actor:
    """A user straight in the database with an open login session (test set-up, no admin
    needed); password TEST_PASSWORD. The row is signed and recorded as a service would
    (`seal_setup`), so `audit verify` finds the test database untouched. The Argon2 hash is
    computed once per run: hashing is deliberately slow."""
    from app.db.models import User, database
    from app.db.trust_models import Session
    from app.services.core.logins import token_hash

    if not _HASH:
        from argon2 import PasswordHasher

        _HASH.append(PasswordHasher().hash(TEST_PASSWORD))
    with database.atomic():
        row = User.create(username=username, role=role, password_hash=_HASH[0])
        Session.create(user=row, token_hash=token_hash(session_token(username)))
        seal_setup(f"test.add_user {username}")
    return as_user(username, role)


def seal_setup(what: str) -> None:
    """Sign the business rows a test wrote directly in the running transaction and record them
    in the audit chain, as a service does at its end."""
    from app.db import chain, coverage

    end = chain.head()
    sealed = coverage.seal_changes(end.seq + 1)
    chain.append([{"actor": "test", "action": "test.setup", "entity": "", "entity_id": what,
                   "state": chain.to_json(sealed.as_state())}])


@pytest.fixture(autouse=True, scope="session")
def anchor_folder(tmp_path_factory):
    """Anchors go to a folder of the test run, never to the tester's own data folder."""
    folder = tmp_path_factory.mktemp("anchors")
    old = os.environ.get("ORDERBOOK_ANCHORS")
    os.environ["ORDERBOOK_ANCHORS"] = str(folder)
    yield folder
    if old is None:
        os.environ.pop("ORDERBOOK_ANCHORS", None)
    else:
        os.environ["ORDERBOOK_ANCHORS"] = old


@pytest.fixture(autouse=True)
def english():
    """Service messages in English unless a test switches language."""
    i18n.set_language("en")
    yield
    i18n.set_language("en")


def _postgres_url() -> str | None:
    return os.environ.get("ORDERBOOK_TEST_PG") or None


PG_SUITES = ("services", "concurrency", "crash")


def pytest_generate_tests(metafunc):
    """Service-level tests run on SQLite and, when ORDERBOOK_TEST_PG names a server, on
    PostgreSQL too; GUI and report tests use SQLite only."""
    if "backend" not in metafunc.fixturenames:
        return
    backends = ["sqlite"]
    suite = Path(str(metafunc.definition.path)).relative_to(Path(__file__).parent).parts[0]
    if _postgres_url() and suite in PG_SUITES:
        backends.append("postgresql")
    metafunc.parametrize("backend", backends)


@pytest.fixture
def db(tmp_path: Path, backend: str):
    """A fresh, migrated database bound to the models, with the admin user `tester`."""
    if backend == "postgresql":
        yield from _postgres_db()
    else:
        handle = connection.open_database(tmp_path / "test.sqlite3")
        add_user(ADMIN.username, ADMIN.role)
        yield handle
        connection.close_database()


def _postgres_db():
    import psycopg2

    pg = _postgres_url()
    assert pg
    name = "t_" + uuid.uuid4().hex[:12]
    admin = psycopg2.connect(pg)
    admin.autocommit = True
    admin.cursor().execute(f"CREATE DATABASE {name}")
    try:
        handle = connection.open_database(pg.rsplit("/", 1)[0] + "/" + name)
        add_user(ADMIN.username, ADMIN.role)
        yield handle
    finally:
        connection.close_database()
        admin.cursor().execute(f"DROP DATABASE {name} WITH (FORCE)")
        admin.close()


@pytest.fixture
def actor() -> Actor:
    """An admin actor."""
    return ADMIN
