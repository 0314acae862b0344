"""Who may call which service: the one permission table (DOMAIN.md roles).

Services enforce it (app.services.base asks `authorize` before every call); the GUI only uses
`allowed` to hide what a role cannot do. Every public service must appear here: a test walks
the registry.
"""

from __future__ import annotations

from app.errors import PermissionDenied
from app.i18n import N_, _
from app.services.core.actor import Actor
from app.services.core.logins import session_user

CLERK, MANAGER, FINANCE, ADMIN = "clerk", "manager", "finance", "admin"
ROLES = {CLERK: N_("Order clerk"), MANAGER: N_("Category manager"), FINANCE: N_("Finance"),
         ADMIN: N_("Administrator")}
EVERYONE = frozenset(ROLES)
OFFICE = frozenset({CLERK, ADMIN})

PERMISSIONS: dict[str, frozenset[str]] = {
    # number series and blank stock: admin owns series; clerks register stock
    "stock.create_series": frozenset({ADMIN}),
    "stock.register_next": OFFICE,
    "stock.register_range": OFFICE,
    "stock.void_registration": OFFICE,
    "stock.list_series": EVERYONE,
    "stock.find_series": EVERYONE,
    "stock.report": EVERYONE,
    "stock.list_batches": EVERYONE,
    "books.find": EVERYONE,
    "books.list_event": EVERYONE,
    # merchants and events
    "merchants.create": frozenset({CLERK, MANAGER, ADMIN}),
    "merchants.update": frozenset({CLERK, MANAGER, ADMIN}),
    "merchants.list": EVERYONE,
    "merchants.get": EVERYONE,
    "merchants.find": EVERYONE,
    "events.create": OFFICE,
    "events.update": OFFICE,
    "events.list": EVERYONE,
    "events.get": EVERYONE,
    "events.find": EVERYONE,
    "events.set_estimate": frozenset({CLERK, MANAGER, ADMIN}),
    "events.remove_merchant": OFFICE,
    "events.estimates": EVERYONE,
    "excel.template": EVERYONE,
    "excel.import": OFFICE,
    # requisition plan and checkout
    "plan.build": OFFICE,
    "plan.set_books": OFFICE,
    "plan.release": OFFICE,
    "plan.view": EVERYONE,
    "checkout.merchant": OFFICE,
    "checkout.extra": frozenset({CLERK, MANAGER, ADMIN}),
    "checkout.reverse_book": OFFICE,
    "checkout.get": EVERYONE,
    "checkout.list": EVERYONE,
    # after the event: return check, chase and fines, deposit close-out, seals, archive
    "returns.open_book": EVERYONE,
    "returns.mark": frozenset({CLERK, MANAGER, ADMIN}),
    "returns.remaining": frozenset({CLERK, MANAGER, ADMIN}),
    "returns.undo": frozenset({CLERK, MANAGER, ADMIN}),
    "returns.close": OFFICE,
    "returns.steps": EVERYONE,
    "returns.merchant_counts": EVERYONE,
    "returns.reconciliation": EVERYONE,
    "returns.slip_details": frozenset({CLERK, MANAGER, ADMIN}),
    "returns.get_slip": EVERYONE,
    "returns.slip_history": EVERYONE,
    "chase.list": EVERYONE,
    "chase.assign": frozenset({CLERK, MANAGER, ADMIN}),
    "chase.recover": frozenset({CLERK, MANAGER, ADMIN}),
    "chase.write_off": OFFICE,
    "chase.reverse_write_off": OFFICE,
    "chase.fines": EVERYONE,
    "deposits.status": EVERYONE,
    "deposits.list": EVERYONE,
    "deposits.close_out": OFFICE,
    "deposits.reverse_close_out": OFFICE,
    "seals.unsealed": EVERYONE,
    "seals.seal": OFFICE,
    "seals.list": EVERYONE,
    "seals.get": EVERYONE,
    "events.status": EVERYONE,
    "events.archive": OFFICE,
    "events.archive_bag": EVERYONE,
    # settings and policy values: admin only
    "settings.get": EVERYONE,
    "settings.update": frozenset({ADMIN}),
    # users
    "users.setup_admin": EVERYONE,
    "users.login": EVERYONE,
    "users.change_password": EVERYONE,
    "users.list": frozenset({ADMIN}),
    "users.create": frozenset({ADMIN}),
    "users.update": frozenset({ADMIN}),
    "users.reset_password": frozenset({ADMIN}),
    # audit
    "audit.verify": frozenset({FINANCE, ADMIN}),
    "audit.list": frozenset({FINANCE, ADMIN}),
    "audit.head": EVERYONE,
    # data safety (app.services.data_safety): backups by the office, restore and settings admin
    "safety.backup_now": OFFICE,
    "safety.list_backups": EVERYONE,
    "safety.check": EVERYONE,
    "safety.get_keep": EVERYONE,
    "safety.set_keep": frozenset({ADMIN}),
    "safety.restore": frozenset({ADMIN}),
}


def role_label(role: str) -> str:
    """Translated name of a role."""
    return _(ROLES.get(role, role))


def allowed(role: str, service_name: str) -> bool:
    """True when `role` may call the service (for hiding what a role cannot do)."""
    return role in PERMISSIONS.get(service_name, frozenset())


def authorize(actor: Actor, service_name: str) -> Actor:
    """The actor of an open login session, with the role the database gives its user now, if
    that role may call the service.

    Raises:
        PermissionDenied: no open session (see `logins.session_user`), a disabled or locked
            user, or a role that may not call the service.
    """
    user = session_user(actor)
    if not allowed(user.role, service_name):
        raise PermissionDenied(_("A user with the role {role} may not do this ({action}).")
                               .format(role=role_label(user.role), action=service_name))
    return Actor(user.username, user.role, actor.session)
