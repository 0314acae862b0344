"""Verified identity (issue 9 point 4): services act only for the session of a login. An actor
made up in code is refused; disabling a user or resetting their password ends their sessions,
so an open window stops at its next action; logging out ends a session."""

from __future__ import annotations

import pytest

from app.db.models import User
from app.db.trust_models import Session
from app.errors import PermissionDenied
from app.services.admin import users
from app.services.core.actor import Actor
from app.services.core.logins import token_hash
from tests.conftest import ADMIN, TEST_PASSWORD, add_user
from tests.services.conftest import row_counts
from tests.services.test_roles import ACTOR_SERVICES, call_as, seed_world


@pytest.fixture
def world(db, tmp_path):
    return seed_world(tmp_path)


@pytest.mark.parametrize("made_up", [Actor("tester", "admin"),
                                     Actor("tester", "admin", "made-up-secret"),
                                     Actor("tester", "admin", token_hash("test-session-tester"))])
def test_an_actor_made_up_in_code_is_refused_by_every_service(world, made_up):
    """A real user's name and role, without the secret of one of their sessions, do nothing:
    no session, a guessed secret, or the stored hash passed as the secret."""
    for name in ACTOR_SERVICES:
        before = row_counts()
        assert isinstance(call_as(name, made_up, world), PermissionDenied), name
        assert row_counts() == before, name


def test_a_session_is_its_users_only(db):
    """Another user's session secret under one's own name is refused."""
    add_user("li", "clerk")
    thief = Actor("li", "admin", ADMIN.session)
    with pytest.raises(PermissionDenied, match="unknown or disabled"):
        users.list_users(thief)


def test_disabling_a_user_stops_their_open_session_at_its_next_action(db):
    li = add_user("li", "admin")
    users.list_users(li)  # works while active
    users.update_user(ADMIN, User.get(User.username == "li").id, active=False)
    with pytest.raises(PermissionDenied):
        users.list_users(li)
    users.update_user(ADMIN, User.get(User.username == "li").id, active=True)
    with pytest.raises(PermissionDenied, match="ended"):
        users.list_users(li)  # the session ended with the disabling: log in again
    assert users.list_users(users.login("li", TEST_PASSWORD))


def test_a_password_reset_ends_the_users_sessions(db):
    li = add_user("li", "admin")
    users.reset_password(ADMIN, User.get(User.username == "li").id, "brand-new-pass")
    with pytest.raises(PermissionDenied, match="ended"):
        users.list_users(li)


def test_logging_out_ends_the_session_and_only_it(db):
    first = users.login("tester", TEST_PASSWORD)
    second = users.login("tester", TEST_PASSWORD)
    assert first.session != second.session
    users.logout(first)
    with pytest.raises(PermissionDenied, match="ended"):
        users.list_users(first)
    assert users.list_users(second)


def test_only_a_hash_of_the_session_secret_is_stored(db):
    actor = users.login("tester", TEST_PASSWORD)
    stored = [s.token_hash for s in Session.select()]
    assert actor.session not in stored and token_hash(actor.session) in stored
