"""The role matrix (issue 3, point 1): every role × every public service is allowed or refused
exactly as the one permission table says; refusals write nothing; the role comes from the
database, never from what the caller claims."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import itertools
import pkgutil
from dataclasses import dataclass
from pathlib import Path

import pytest

import app.services
from app.db.models import User
from app.errors import AppError, PermissionDenied
from app.services.checkout import checkouts as checkout
from app.services.checkout import plan
from app.services.core.actor import Actor
from app.services.core.base import REGISTRY, ServiceInfo
from app.services.core.permissions import (
    ADMIN,
    CLERK,
    EVERYONE,
    FINANCE,
    MANAGER,
    PERMISSIONS,
    ROLES,
    allowed,
    authorize,
)
from app.services.events import events, merchants
from app.services.stock import batches as stock_batches
from app.services.stock import registration as stock
from tests.conftest import ADMIN as TESTER
from tests.conftest import TEST_PASSWORD, add_user, as_user
from tests.services.conftest import row_counts

ANONYMOUS = {"users.login", "users.setup_admin"}


def load_all_services() -> dict[str, ServiceInfo]:
    """Import every module of app.services so that REGISTRY holds every public service."""
    for module in pkgutil.walk_packages(app.services.__path__, "app.services."):
        importlib.import_module(module.name)
    return dict(REGISTRY)


SERVICES = load_all_services()
ACTOR_SERVICES = sorted(n for n, info in SERVICES.items() if not info.anonymous)


@dataclass(frozen=True)
class World:
    """A small database with one of everything a service may refer to."""

    series_id: str
    prefix: str
    batch_id: str
    event_id: str
    event_code: str
    merchant_id: str
    brand: str
    other_merchant_id: str
    checkout_id: str
    book_code: str
    victim_id: str
    """A clerk that user-management calls may change (never the caller)."""
    tmp: Path


def seed_world(tmp: Path) -> World:
    """Series BJ (10 books), event E1 with two merchants, a plan, one checkout, a spare clerk."""
    s = stock.create_series(TESTER, "BJ", 7, 50, "北京")
    stock.register_next_books(TESTER, s.id, 10)
    batch = stock_batches.list_batches(TESTER, s.id)[0]
    e = events.create_event(TESTER, "E1", "春季家博会", "装大", dt.date(2026, 3, 14),
                            dt.date(2026, 3, 15), "上海", ["王芳"])
    m1 = merchants.create_merchant(TESTER, "安信地板", category="地板", phone="13800000001",
                                   commission_percent="3")
    m2 = merchants.create_merchant(TESTER, "马可波罗瓷砖", category="瓷砖")
    events.set_estimate(TESTER, e.id, m1.id, 60)
    events.set_estimate(TESTER, e.id, m2.id, 40)
    plan.build_plan(TESTER, e.id)
    co = checkout.checkout_merchant(TESTER, e.id, m1.id, "张伟", "cash")
    victim = add_user("victim.clerk", CLERK)
    victim_id = User.get(User.username == victim.username).id
    return World(s.id, "BJ", batch.id, e.id, "E1", m1.id, "安信地板", m2.id, co.id,
                 "BJ0000001", victim_id, tmp)


_unique = itertools.count(1)


def _letters(n: int) -> str:
    out = ""
    while True:
        n, r = divmod(n, 26)
        out = chr(65 + r) + out
        if not n:
            return out


def plausible_args(name: str, w: World) -> dict[str, object]:
    """Keyword arguments a clerk could plausibly send to service `name` (required ones only,
    plus a few that make the call meaningful). Fresh names each call, so writes do not clash."""
    n = next(_unique)
    by_param: dict[str, object] = {
        "series_id": w.series_id, "batch_id": w.batch_id, "event_id": w.event_id,
        "merchant_id": w.other_merchant_id, "checkout_id": w.checkout_id,
        "book_code": w.book_code, "user_id": w.victim_id, "text": w.book_code,
        "prefix": "Z" + _letters(n)[-5:], "digits": 7, "book_size": 50, "books": 1,
        "numbers": "BJ0000501-BJ0000550", "reason": "测试", "gap_reason": "测试",
        "code": f"R{n}", "name": f"展会{n}", "kind": "装大", "start_date": dt.date(2026, 4, 1),
        "end_date": dt.date(2026, 4, 2), "estimate": 10, "signed_by": "张伟",
        "payment_method": "cash", "brand": f"品牌{n}", "username": f"user{n}", "role": CLERK,
        "password": TEST_PASSWORD, "old_password": TEST_PASSWORD,
        "new_password": TEST_PASSWORD, "path": w.tmp / f"file{n}.xlsx",
        "organization": "组委会",
    }
    overrides: dict[str, dict[str, object]] = {
        "events.find": {"code": w.event_code},
        "merchants.find": {"brand": w.brand},
        "stock.find_series": {"prefix": w.prefix},
        "audit.list": {"text": ""},
    }
    func = SERVICES[name].func
    params = list(inspect.signature(func).parameters.values())[1:]  # after the actor
    kwargs = {p.name: by_param.get(p.name, _by_hint(p, w, n)) for p in params
              if p.default is inspect.Parameter.empty
              and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)}
    if name == "settings.update":
        kwargs["organization"] = "组委会"
    if name == "merchants.update":
        kwargs["category"] = "地板"
    kwargs.update(overrides.get(name, {}))
    return kwargs


def _by_hint(param: inspect.Parameter, w: World, n: int) -> object:
    """A value for a parameter this file does not know by name (a service added later)."""
    hint = str(param.annotation)
    if any(word in param.name for word in ("path", "folder", "file", "dir")):
        return w.tmp / f"{param.name}{n}"
    if "int" in hint:
        return 1
    if "bool" in hint:
        return False
    if "date" in hint:
        return dt.date(2026, 4, 1)
    return f"值{n}"


def call_as(name: str, actor: Actor, w: World) -> AppError | None:
    """Call the real service; return the AppError it raised (None on success).
    Anything else than success or an AppError is a failure of the service itself."""
    try:
        SERVICES[name].func(actor, **plausible_args(name, w))
    except AppError as exc:
        return exc
    return None


@pytest.fixture
def world(db, tmp_path) -> World:
    return seed_world(tmp_path)


def test_rule_every_service_is_in_the_permission_table_and_nothing_else():
    """A new public service cannot be forgotten in the table; the table names no ghost."""
    assert set(SERVICES) - set(PERMISSIONS) == set(), "services missing from PERMISSIONS"
    assert set(PERMISSIONS) - set(SERVICES) == set(), "PERMISSIONS names unknown services"
    for name, roles in PERMISSIONS.items():
        assert roles, f"{name}: nobody may call it"
        assert roles <= set(ROLES), f"{name}: unknown role in {roles}"


def test_rule_only_login_and_first_admin_run_without_a_user():
    """A service that runs without a logged-in user is a hole unless it is deliberate."""
    assert {n for n, info in SERVICES.items() if info.anonymous} == ANONYMOUS
    for name in ANONYMOUS:
        params = inspect.signature(SERVICES[name].func).parameters
        assert "actor" not in params


def test_rule_matrix_follows_domain_roles():
    """DOMAIN.md: only admin changes policy values and series and manages users; finance (and
    admin) read the audit trail; everyone may change their own password."""
    assert PERMISSIONS["settings.update"] == {ADMIN}
    assert PERMISSIONS["stock.create_series"] == {ADMIN}
    for name in ("users.list", "users.create", "users.update", "users.reset_password"):
        assert PERMISSIONS[name] == {ADMIN}, name
    assert PERMISSIONS["users.change_password"] == EVERYONE
    # every other user-management or settings write is admin-only too (future services)
    for name, info in SERVICES.items():
        area = name.split(".")[0]
        if area in {"users", "settings"} and info.writes and not info.anonymous \
                and name != "users.change_password":
            assert PERMISSIONS[name] == {ADMIN}, name
        if "series" in name and info.writes:
            assert PERMISSIONS[name] == {ADMIN}, name
        if any(word in name for word in ("top_up", "topup", "close_month")):
            assert PERMISSIONS[name] == {FINANCE}, name  # DOMAIN: only finance
    # the float and the audit are not the order clerk's to check on their own
    assert CLERK not in PERMISSIONS["audit.verify"] and CLERK not in PERMISSIONS["audit.list"]
    # category managers work at the event: no stock registration, no checkout reversal
    for name in ("stock.register_next", "stock.register_range", "stock.void_registration",
                 "checkout.reverse_book", "settings.update"):
        assert MANAGER not in PERMISSIONS[name], name


@pytest.mark.parametrize("role", sorted(ROLES))
def test_rule_authorize_follows_the_table_for_every_role_and_service(db, role):
    """permissions.authorize allows exactly what PERMISSIONS lists, for every service."""
    user = add_user(f"u.{role}", role)
    for name in ACTOR_SERVICES:
        if role in PERMISSIONS[name]:
            assert authorize(user, name) == Actor(user.username, role), name
            assert allowed(role, name)
        else:
            with pytest.raises(PermissionDenied):
                authorize(user, name)
            assert not allowed(role, name)


@pytest.mark.parametrize("role", sorted(ROLES))
def test_rule_every_service_enforces_the_table_for_every_role(world, role):
    """Calling the real service function as each role: refused with PermissionDenied exactly
    where the table says, and a refused call writes no row (audit included); an allowed call
    is never refused for permission (other AppErrors are fine)."""
    user = add_user(f"u.{role}", role) if role != ADMIN else TESTER
    for name in ACTOR_SERVICES:
        before = row_counts()
        error = call_as(name, user, world)
        if role in PERMISSIONS[name]:
            assert not isinstance(error, PermissionDenied), f"{role} refused {name}: {error}"
        else:
            assert isinstance(error, PermissionDenied), f"{role} may call {name}"
            assert row_counts() == before, f"refused {name} wrote rows"


def test_rule_refused_user_management_names_the_role(world):
    """A clerk trying to add a user is told why, and no user or audit row appears."""
    clerk = add_user("li", CLERK)
    before = row_counts()
    with pytest.raises(PermissionDenied, match=r"users\.create"):
        SERVICES["users.create"].func(clerk, "mallory", ADMIN, TEST_PASSWORD)
    assert row_counts() == before
    assert not User.select().where(User.username == "mallory").exists()


@pytest.mark.parametrize("who", ["disabled", "unknown", "odd role"])
def test_rule_disabled_unknown_and_roleless_users_are_refused_everywhere(world, who):
    """A disabled user, a name not in the database, or a user whose stored role is not one of
    the four may call no service at all, and such calls write nothing."""
    if who == "disabled":
        actor = add_user("gone", ADMIN)
        User.update(active=False).where(User.username == "gone").execute()
    elif who == "unknown":
        actor = Actor("nobody", ADMIN)
    else:
        actor = add_user("odd", "superuser")
    for name in ACTOR_SERVICES:
        before = row_counts()
        error = call_as(name, actor, world)
        assert isinstance(error, PermissionDenied), f"{who} user may call {name}"
        assert row_counts() == before, name


def test_rule_the_role_comes_from_the_database_not_the_actor(world):
    """Actor("li", "admin") for a clerk is still a clerk; Actor("boss", "clerk") for an admin
    is still an admin; a role changed in the database applies at the next call."""
    add_user("li", CLERK)
    liar = as_user("li", ADMIN)
    for name in ("settings.update", "stock.create_series", "users.create", "users.list",
                 "audit.verify"):
        assert isinstance(call_as(name, liar, world), PermissionDenied), name
    assert authorize(liar, "merchants.list") == Actor("li", CLERK)

    add_user("boss", ADMIN)
    modest = as_user("boss", CLERK)
    for name in ("settings.update", "stock.create_series", "users.list", "audit.verify"):
        assert not isinstance(call_as(name, modest, world), PermissionDenied), name

    User.update(role=FINANCE).where(User.username == "li").execute()
    assert isinstance(call_as("stock.register_next", liar, world), PermissionDenied)
    assert call_as("audit.verify", liar, world) is None


def test_rule_user_names_are_matched_exactly(world):
    """'TESTER', ' tester' or 'tester' with a NUL or a broken character is not the admin
    'tester': refused like any unknown user (on PostgreSQL too, where NUL cannot be sent)."""
    for fake in ("TESTER", " tester", "tester ", "tester\x00", "tester\ud800", "tester\u200b"):
        for name in ("settings.update", "merchants.list"):
            before = row_counts()
            assert isinstance(call_as(name, Actor(fake, ADMIN), world), PermissionDenied), fake
            assert row_counts() == before
        if "\x00" not in fake and "\ud800" not in fake:
            with pytest.raises(PermissionDenied):
                authorize(Actor(fake, ADMIN), "settings.update")
