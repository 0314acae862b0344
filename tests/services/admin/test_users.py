"""Users and passwords (issue 3, point 1): first admin, login, lock-out, password rules, Argon2id
hashes, and the last administrator."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from app.db import schema
from app.db.models import AuditLog, User, utcnow
from app.db.trust_models import Session
from app.errors import Conflict, InputError, PermissionDenied
from app.services.admin import users
from app.services.core.actor import Actor
from app.services.core.permissions import ADMIN, CLERK, FINANCE, MANAGER
from tests.conftest import ADMIN as TESTER
from tests.conftest import TEST_PASSWORD, add_user
from tests.services.conftest import audit_rows, last_seq, row_counts

CHINESE_30 = "我的密码是一句很长的中文句子用来测试不会被截断的情况对吧好的"
assert len(CHINESE_30) == 30 and len(CHINESE_30.encode()) == 90


def _user(name: str) -> User:
    return User.get(User.username == name)


def _create(name: str, role: str = CLERK, password: str = TEST_PASSWORD) -> Actor:
    users.create_user(TESTER, name, role, password)
    return users.login(name, password)


# --- first administrator -------------------------------------------------------------------

def test_rule_first_admin_only_on_an_empty_database(db):
    """setup_admin creates the first admin of a database without users, and never again."""
    Session.delete().execute()
    User.delete().execute()
    assert not users.has_users()
    seq = last_seq()
    actor = users.setup_admin("boss", "s3cret-pass", "老板")
    assert actor == Actor("boss", ADMIN)
    assert users.has_users()
    (row,) = audit_rows(seq)
    assert (row.action, row.actor) == ("user.setup_admin", "boss")
    assert users.login("boss", "s3cret-pass") == actor

    before = row_counts()
    with pytest.raises(Conflict):
        users.setup_admin("mallory", "another-password")
    assert row_counts() == before
    assert not User.select().where(User.username == "mallory").exists()


def test_rule_first_admin_is_refused_once_any_user_exists(db):
    """Even a lone clerk (no admin) blocks a new 'first' admin: no anonymous admin creation."""
    Session.delete().execute()
    User.delete().execute()
    add_user("li", CLERK)
    with pytest.raises(Conflict):
        users.setup_admin("mallory", "another-password")
    assert User.select().count() == 1


@pytest.mark.parametrize("name, password", [
    ("", "long-enough"), ("a", "long-enough"), ("has space", "long-enough"),
    ("x" * 65, "long-enough"), ("李", "long-enough"), ("boss", "short"), ("boss", ""),
    ("boss", None), ("boss", 12345678),
])
def test_rule_first_admin_needs_a_valid_name_and_password(db, name, password):
    """A first admin with a bad name or too short a password is refused and nothing written."""
    Session.delete().execute()
    User.delete().execute()
    before = row_counts()
    with pytest.raises(InputError):
        users.setup_admin(name, password)
    assert row_counts() == before


# --- logging in ----------------------------------------------------------------------------

def test_rule_login_with_the_right_password(db):
    """The right password gives the Actor with the role from the database, and is recorded."""
    add_user("wang", MANAGER)
    seq = last_seq()
    assert users.login("wang", TEST_PASSWORD) == Actor("wang", MANAGER)
    (row,) = audit_rows(seq)
    assert (row.action, row.actor, row.entity_id) == ("user.login", "wang", _user("wang").id)


@pytest.mark.parametrize("name, password", [
    ("tester", "wrong-password"), ("tester", TEST_PASSWORD.upper()), ("tester", ""),
    ("tester", None), ("tester", 42), ("TESTER", TEST_PASSWORD), ("nobody", TEST_PASSWORD),
    ("", ""), ("tester", TEST_PASSWORD + " "), ("x" * 10_000, "y" * 10_000),
])
def test_rule_wrong_name_or_password_is_refused_and_recorded(db, name, password):
    """Every failed attempt is refused with the same message (no hint which part was wrong)
    and leaves exactly one audit record."""
    seq = last_seq()
    with pytest.raises(PermissionDenied, match="Wrong user name or password"):
        users.login(name, password)
    (row,) = audit_rows(seq)
    assert row.action == "user.login_failed"
    assert len(row.actor) <= 64


def test_rule_disabled_user_cannot_log_in(db):
    """A disabled user is refused like a wrong password."""
    clerk = _create("li")
    users.update_user(TESTER, _user("li").id, active=False)
    with pytest.raises(PermissionDenied):
        users.login(clerk.username, TEST_PASSWORD)


def test_rule_wrong_passwords_slow_down_and_never_lock_the_right_one_out(db, monkeypatch):
    """Issue 9: after a few wrong passwords each further attempt waits longer (capped), but the
    right password always gets in — nobody can lock the administrator out by typing wrong
    passwords. Every attempt is on record."""
    add_user("li", CLERK)
    seq = last_seq()
    waits = [users.attempt_login("li", "wrong-password").wait for _ in range(10)]
    assert waits[:users.SLOW_AFTER - 1] == [0.0] * (users.SLOW_AFTER - 1)
    assert waits[users.SLOW_AFTER - 1:users.SLOW_AFTER + 2] == [1.0, 2.0, 4.0]
    assert max(waits) == users.MAX_WAIT and waits == sorted(waits)
    slept: list[float] = []
    monkeypatch.setattr(users.time, "sleep", slept.append)
    with pytest.raises(PermissionDenied, match="Wrong"):
        users.login("li", "wrong-password")
    assert slept == [users.MAX_WAIT]  # the refusal comes only after the wait
    assert users.login("li", TEST_PASSWORD) == Actor("li", CLERK)
    assert slept == [users.MAX_WAIT]  # the right password does not wait
    assert (_user("li").failed_logins, _user("li").locked_until) == (0, None)
    actions = [r.action for r in audit_rows(seq)]
    assert actions == ["user.login_failed"] * 11 + ["user.login"]
    assert json.loads(audit_rows(seq)[10].after) == {"failures": 11}


def test_rule_an_unknown_user_costs_a_password_check_too(db, monkeypatch):
    """Issue 9: a login for a name nobody has takes as long as one for a real user (a password
    hash is checked either way), so timing does not tell which names exist."""
    checked: list[str] = []
    real = users._hasher

    class Counting:
        def __getattr__(self, name):
            return getattr(real, name)

        def verify(self, hashed, password):
            checked.append(password)
            return real.verify(hashed, password)

    monkeypatch.setattr(users, "_hasher", Counting())
    add_user("li", CLERK)
    assert not users.attempt_login("li", "wrong-password").actor
    assert not users.attempt_login("nobody.here", "wrong-password").actor
    assert checked == ["wrong-password", "wrong-password"]


def test_rule_an_admin_unlock_or_password_reset_forgets_the_wrong_passwords(db):
    add_user("li", CLERK)
    for _ in range(5):
        users.attempt_login("li", "wrong-password")
    users.update_user(TESTER, _user("li").id, unlock=True)
    assert _user("li").failed_logins == 0
    for _ in range(5):
        users.attempt_login("li", "wrong-password")
    users.reset_password(TESTER, _user("li").id, "brand-new-pass")
    assert users.attempt_login("li", "brand-new-pass").wait == 0.0
    assert users.login("li", "brand-new-pass") == Actor("li", CLERK)
    with pytest.raises(PermissionDenied):
        users.login("li", TEST_PASSWORD)


def test_rule_a_lock_left_by_an_earlier_release_still_holds_until_it_ends(db):
    """Schema 2 locked a user for 15 minutes after five wrong passwords; such a lock still
    refuses that user's open sessions until it ends (or an admin unlocks)."""
    li = add_user("li", CLERK)
    User.update(locked_until=utcnow() + dt.timedelta(minutes=5)).where(
        User.username == "li").execute()
    with pytest.raises(PermissionDenied, match="locked"):
        users.change_password(li, TEST_PASSWORD, "new-password-1")
    users.update_user(TESTER, _user("li").id, unlock=True)
    users.change_password(li, TEST_PASSWORD, "new-password-1")


# --- passwords -----------------------------------------------------------------------------

def test_rule_password_change_needs_the_old_password(db):
    """A wrong old password changes nothing; the right one replaces the password."""
    li = add_user("li", CLERK)
    old_hash = _user("li").password_hash
    before = row_counts()
    with pytest.raises(PermissionDenied):
        users.change_password(li, "not-my-password", "new-password-1")
    assert row_counts() == before and _user("li").password_hash == old_hash

    seq = last_seq()
    users.change_password(li, TEST_PASSWORD, "new-password-1")
    assert [r.action for r in audit_rows(seq)] == ["user.change_password"]
    assert users.login("li", "new-password-1") == li
    with pytest.raises(PermissionDenied):
        users.login("li", TEST_PASSWORD)


def test_rule_password_change_is_for_ones_own_password_only(db):
    """change_password always changes the caller's password, whatever it is passed."""
    li = add_user("li", CLERK)
    users.change_password(li, TEST_PASSWORD, "new-password-1")
    assert users.login("tester", TEST_PASSWORD) == TESTER


@pytest.mark.parametrize("password", [
    "", "1234567", "       ", "密码短", None, 12345678, b"bytes-password", "a\ud800bcdefghi",
    "x" * 1025,
])
def test_rule_passwords_below_min_length_or_unusable_are_refused(db, password):
    """Fewer than 8 characters, non-text, broken characters or absurd lengths are refused in
    every place a password is set, and nothing is written."""
    li = add_user("li", CLERK)
    calls = [
        lambda: users.create_user(TESTER, "newbie", CLERK, password),
        lambda: users.change_password(li, TEST_PASSWORD, password),
        lambda: users.reset_password(TESTER, _user("li").id, password),
    ]
    for call in calls:
        before = row_counts()
        with pytest.raises(InputError):
            call()
        assert row_counts() == before
    assert _user("li").password_hash == User.get(User.username == "tester").password_hash


def test_rule_eight_characters_are_enough(db):
    """Exactly the minimum length is accepted."""
    _create("li", password="k9#mq2!x")
    assert users.login("li", "k9#mq2!x") == Actor("li", CLERK)


@pytest.mark.parametrize("password", ["12345678", "password", "PASSWORD1", "qwerty123",
                                      "woaini1314", "aaaaaaaaaaaa", "abababababab",
                                      "li-is-my-name", "zhang.li2026"])
def test_rule_common_or_guessable_passwords_are_refused(db, password):
    """Issue 9: the commonest passwords, one or two characters repeated, or the user's own
    name inside are refused wherever a password is set."""
    add_user("zhang.li", CLERK)
    with pytest.raises(InputError, match="too easy to guess"):
        if password == "li-is-my-name":
            users.create_user(TESTER, "li", CLERK, password)
        else:
            users.reset_password(TESTER, _user("zhang.li").id, password)


def test_rule_a_long_chinese_password_works_in_full(db):
    """A 30-character Chinese password (90 bytes, over bcrypt's 72) works, and every character
    counts: one differing after byte 72 is refused."""
    _create("li", password=CHINESE_30)
    assert users.login("li", CHINESE_30) == Actor("li", CLERK)
    same_first_72_bytes = CHINESE_30[:24] + "完全不同的尾"
    with pytest.raises(PermissionDenied):
        users.login("li", same_first_72_bytes)
    li = users.login("li", CHINESE_30)
    users.change_password(li, CHINESE_30, "全角ＰＡＳＳＷＯＲＤ１２３🙂‮")
    assert users.login("li", "全角ＰＡＳＳＷＯＲＤ１２３🙂‮") == li


def test_rule_hashes_are_argon2id_and_the_password_is_stored_nowhere(db):
    """Stored hashes are Argon2id; no table (audit included) holds the password itself."""
    secret = "Very-Secret-口令-2026"
    li = _create("li", password=secret)
    users.change_password(li, secret, secret + "-2")
    users.reset_password(TESTER, _user("li").id, secret + "-3")
    with pytest.raises(PermissionDenied):
        users.login("li", secret + "-wrong")
    hashes = [u.password_hash for u in User.select()]
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert len(set(hashes)) == len(hashes)  # salted
    for model in schema.ALL_MODELS:
        for row in model.select().dicts():
            for value in row.values():
                assert secret not in str(value), f"password found in {model.__name__}"
    for info in users.list_users(TESTER):
        assert not hasattr(info, "password_hash")


# --- managing users ------------------------------------------------------------------------

def test_rule_admin_creates_users_with_a_role_and_names_are_unique(db):
    """A new user can log in with its role; a taken name or an unknown role is refused."""
    for role in (CLERK, MANAGER, FINANCE, ADMIN):
        _create(f"u.{role}", role)
        assert users.login(f"u.{role}", TEST_PASSWORD).role == role
    before = row_counts()
    with pytest.raises(Conflict):
        users.create_user(TESTER, "u.clerk", CLERK, TEST_PASSWORD)
    for role in ("root", "", None, "Admin", ["admin"]):
        with pytest.raises(InputError):
            users.create_user(TESTER, "another", role, TEST_PASSWORD)
    assert row_counts() == before


def test_rule_the_last_active_admin_cannot_be_demoted_or_disabled(db):
    """At least one active administrator always remains."""
    me = _user("tester").id
    before = row_counts()
    for change in ({"role": CLERK}, {"active": False}, {"role": FINANCE, "active": False}):
        with pytest.raises(Conflict):
            users.update_user(TESTER, me, **change)
        assert row_counts() == before
        assert (_user("tester").role, _user("tester").active) == (ADMIN, True)

    # a disabled second admin does not count
    _create("boss", ADMIN)
    users.update_user(TESTER, _user("boss").id, active=False)
    with pytest.raises(Conflict):
        users.update_user(TESTER, me, role=CLERK)

    # with another active admin, the change is allowed
    users.update_user(TESTER, _user("boss").id, active=True)
    boss = users.login("boss", TEST_PASSWORD)
    users.update_user(TESTER, me, role=CLERK)
    assert _user("tester").role == CLERK
    with pytest.raises(Conflict):
        users.update_user(boss, _user("boss").id, active=False)


def test_rule_a_demoted_admin_loses_admin_rights_at_once(db):
    """Role changes apply to the very next call of an open session, not at the next login;
    disabling ends the session (issue 9)."""
    boss = _create("boss", ADMIN)
    users.list_users(boss)
    users.update_user(TESTER, _user("boss").id, role=CLERK)
    with pytest.raises(PermissionDenied, match="role"):
        users.list_users(boss)
    users.update_user(TESTER, _user("boss").id, active=False)
    with pytest.raises(PermissionDenied):
        users.change_password(boss, TEST_PASSWORD, "new-password-1")
    users.update_user(TESTER, _user("boss").id, active=True)
    with pytest.raises(PermissionDenied, match="ended"):
        users.change_password(boss, TEST_PASSWORD, "new-password-1")  # log in again


def test_rule_user_changes_are_audited_without_secrets(db):
    """Creating, changing and resetting users is on record, and the records hold no hash."""
    seq = last_seq()
    users.create_user(TESTER, "li", CLERK, TEST_PASSWORD)
    users.update_user(TESTER, _user("li").id, role=FINANCE, display_name="李")
    users.reset_password(TESTER, _user("li").id, "brand-new-pass")
    rows = audit_rows(seq)
    assert [r.action for r in rows] == ["user.create", "user.update", "user.reset_password"]
    assert all(r.actor == "tester" for r in rows)
    assert json.loads(rows[1].before)["role"] == CLERK
    assert json.loads(rows[1].after)["role"] == FINANCE
    for row in AuditLog.select():
        assert "$argon2" not in (row.before or "") + (row.after or "")


def test_rule_unknown_user_id_is_not_found(db):
    """Changing a user that does not exist is a clear error."""
    from app.errors import NotFound

    for call in (lambda: users.update_user(TESTER, "nope", role=CLERK),
                 lambda: users.reset_password(TESTER, "nope", "brand-new-pass")):
        with pytest.raises(NotFound):
            call()


@pytest.mark.parametrize("name", ["tester\x00", "\x00", "li\ud800", "a\udfffb" * 30])
def test_rule_a_login_with_a_broken_name_is_refused_and_still_recorded(db, name):
    """A name with NUL or a lone surrogate (PostgreSQL cannot even look it up) is a wrong
    name like any other, and the attempt is on record with those characters escaped."""
    seq = last_seq()
    with pytest.raises(PermissionDenied, match="Wrong user name or password"):
        users.login(name, TEST_PASSWORD)
    (row,) = audit_rows(seq)
    assert row.action == "user.login_failed"
    assert "\x00" not in row.actor + row.entity_id and len(row.actor) <= 64
    assert row.actor.encode("utf-8")  # storable as typed back


def test_rule_an_absurdly_long_password_is_refused_without_hashing(db, monkeypatch):
    """A megabyte 'password' at the login is refused at once (no hash spent on it)."""
    calls: list[int] = []

    class Counting:
        def verify(self, hashed: str, password: str) -> bool:
            calls.append(len(password))
            return False

    monkeypatch.setattr(users, "_hasher", Counting())
    with pytest.raises(PermissionDenied):
        users.login("tester", "x" * 1_000_000)
    assert calls == []
