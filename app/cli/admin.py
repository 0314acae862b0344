"""`orderbook user|audit|settings|db …`: users and roles, the audit trail, business settings,
and the database itself (create, demo data, backups, restore, checks).

`db backup`, `db backups`, `db restore` and `db check` work on the SQLite file without a login,
for scheduled tasks; everything else logs in.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.cli.core import (
    ENV_NEW_PASSWORD,
    ENV_PASSWORD,
    EXIT_FAILED,
    EXIT_OK,
    Context,
    Tree,
    coded,
    os_user,
    secret,
    user_id,
)
from app.cli.output import fields, out, table
from app.db import backup, connection, integrity, location, migrations
from app.db.backup import BackupInfo
from app.errors import AppError, InputError
from app.i18n import _
from app.services.admin import audit, data_safety, settings, users
from app.services.admin.audit import AuditEntry, ChainReport
from app.services.admin.users import UserInfo
from app.services.core.permissions import ROLES, role_label
from app.services.core.policy import Settings


def db_init(ctx: Context) -> int:
    db = connection.open_database(ctx.args.db)
    if not users.has_users():
        name = ctx.args.admin or ctx.user
        users.setup_admin(name, secret(ENV_PASSWORD, _(
            "New password for administrator {user}: ").format(user=name), confirm=True))
        out(_("Administrator {user} created.").format(user=name))
    out(_("Database ready: {url} (schema {version})").format(
        url=location.to_url(ctx.args.db), version=migrations.stored_version(db)))
    return EXIT_OK


def db_demo(ctx: Context) -> None:
    from app.demo import DEMO_PASSWORD, load_demo

    connection.open_database(ctx.args.db)
    if users.has_users():
        raise AppError(_("This database is in use already; the demo loads into an empty one."))
    load_demo(after_event=True)
    out(_("Demo data loaded: series BJ, event 2026-SH-01, 5 merchants. Log in as admin, "
          "clerk, manager or finance, password {password}.").format(password=DEMO_PASSWORD))


def _sqlite_file(ctx: Context, refusal: str) -> Path:
    path = location.sqlite_path(ctx.args.db)
    if path is None:
        raise AppError(refusal)
    return path


def db_backup(ctx: Context) -> None:
    path = _sqlite_file(ctx, _("`orderbook db backup` is for SQLite database files; back up a "
                               "PostgreSQL server with its own tools (pg_dump)."))
    to = Path(ctx.args.to).expanduser() if ctx.args.to else None
    info = backup.make_backup(path, "manual", to)
    out(_("Backup written and checked: {path}").format(path=info.path))


def db_backups(ctx: Context) -> None:
    path = _sqlite_file(ctx, _("PostgreSQL keeps no backup files here; use the server's tools."))
    ctx.emit(backup.list_backups(path), lambda rows: table(rows, [
        (_("Made"), lambda b: b.created.strftime("%Y-%m-%d %H:%M")),
        (_("Reason"), lambda b: b.reason), (_("Size"), lambda b: b.size),
        (_("File"), lambda b: b.path)], _("No backups yet.")))


def _confirm_restore(path: Path, yes: bool) -> Callable[[Path], None]:
    def confirm(source: Path) -> None:
        if yes:
            return
        if sys.stdin is None or not sys.stdin.isatty():
            raise AppError(_("Not confirmed: add --yes to restore without a question (e.g. in "
                             "a scheduled task). Nothing was changed."))
        answer = input(_("Replace {database} with the backup {backup}? The current file is "
                         "kept as …-replaced-<time>. Type yes to go on: ").format(
            database=path, backup=source))
        if answer.strip().lower() not in {"yes", "y", _("yes")}:
            raise AppError(_("Not confirmed; nothing was changed."))
    return confirm


def db_restore(ctx: Context) -> None:
    from app.db import restore

    path = _sqlite_file(ctx, _("`orderbook db restore` works on SQLite database files only; "
                               "restore a PostgreSQL server with its own tools (pg_restore)."))
    outcome = restore.restore_file(path, Path(ctx.args.backup_file).expanduser(),
                                   precheck=_confirm_restore(path, ctx.args.yes))
    restore.append_restore_record(outcome, "cli:" + os_user(), "command line")
    out(_("Restored {backup} into {database}.").format(backup=outcome.source,
                                                      database=outcome.database))
    if outcome.replaced:
        out(_("The replaced file was kept as {path}.").format(path=outcome.replaced[0]))


def db_check(ctx: Context) -> int:
    path = location.sqlite_path(ctx.args.db)
    if path is None:
        out(_("PostgreSQL keeps its own storage consistent; check it with the server's tools."))
        return EXIT_OK
    if not path.is_file():
        raise AppError(_("There is no database file at {path}.").format(path=path))
    problems = integrity.check_file(path, full=ctx.args.full)
    if not problems:
        out(_("{path}: no problems found.").format(path=path))
        return EXIT_OK
    out(_("{path} is damaged:").format(path=path))
    for line in problems[:50]:
        out("  " + line)
    out(backup.backup_hint(backup.newest_good_backup(path)))
    return EXIT_FAILED


def db_keep(ctx: Context) -> None:
    if ctx.args.count is None:
        out(_("The newest {n} backups are kept.").format(
            n=data_safety.get_backup_keep(ctx.actor)))
        return
    n = data_safety.set_backup_keep(ctx.actor, ctx.args.count)
    out(_("From the next backup on, the newest {n} are kept.").format(n=n))


def user_add(ctx: Context) -> None:
    a = ctx.args
    actor = ctx.actor
    password = secret(ENV_NEW_PASSWORD, _("Password for the new user {user}: ").format(
        user=a.name), confirm=True)
    info = users.create_user(actor, a.name, a.role, password, a.display_name or "")
    ctx.emit(info, lambda u: out(_("User {user} added as {role}.").format(
        user=u.username, role=role_label(u.role))))


def user_list(ctx: Context) -> None:
    ctx.emit(users.list_users(ctx.actor), lambda rows: table(rows, [
        (_("User"), lambda u: u.username), (_("Name"), lambda u: u.display_name),
        (_("Role"), lambda u: role_label(u.role)), (_("Active"), lambda u: u.active),
        (_("Locked until"), lambda u: u.locked_until)]))


def _user_change(**change: Any) -> Callable[[Context], None]:
    def run(ctx: Context) -> None:
        values: dict[str, Any] = dict(change)
        if "role" in values:
            values["role"] = ctx.args.role
        info = users.update_user(ctx.actor, user_id(ctx.actor, ctx.args.name), **values)
        ctx.emit(info, lambda u: out(_("User {user}: {role}, {state}.").format(
            user=u.username, role=role_label(u.role),
            state=_("active") if u.active else _("disabled"))))
    return run


def user_reset_password(ctx: Context) -> None:
    actor = ctx.actor
    password = secret(ENV_NEW_PASSWORD, _("New password for {user}: ").format(
        user=ctx.args.name), confirm=True)
    users.reset_password(actor, user_id(actor, ctx.args.name), password)
    out(_("The password of {user} was reset.").format(user=ctx.args.name))


def user_passwd(ctx: Context) -> None:
    actor = ctx.actor  # logging in asked for the current password
    new = secret(ENV_NEW_PASSWORD, _("New password: "), confirm=True)
    users.change_password(actor, ctx.password, new)
    out(_("Your password was changed."))


def audit_verify(ctx: Context) -> int:
    report = audit.verify_chain(ctx.actor)
    if ctx.json:
        ctx.emit(report, lambda r: None)
    else:
        out(report.message)
        out(_("Newest record's hash: {hash}").format(hash=report.head_hash))
        if not report.ok:
            out(_("First record that does not verify: {seq}").format(seq=report.broken_seq))
    return EXIT_OK if report.ok else EXIT_FAILED


def _day(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise InputError(_("'{text}' is not a date like 2026-03-14.").format(
            text=text[:40])) from exc


def audit_list(ctx: Context) -> None:
    a = ctx.args
    event_id = ctx.event().id if a.event else ""
    merchant_id = ctx.merchant().id if a.merchant else ""
    rows = audit.list_audit(ctx.actor, a.by or "", _day(a.since), _day(a.until), event_id,
                            merchant_id, a.text or "", a.limit)
    ctx.emit(rows, lambda items: table(items, [
        (_("No."), lambda e: e.seq), (_("At"), lambda e: e.at), (_("User"), lambda e: e.actor),
        (_("Action"), lambda e: e.action), (_("What"), lambda e: e.after or e.before)]))


def audit_head(ctx: Context) -> None:
    out(audit.chain_head(ctx.actor))


def settings_show(ctx: Context) -> None:
    ctx.emit(settings.get_settings(ctx.actor), lambda s: fields([
        (_("Organization name"), s.organization), (_("Deposit per book"), s.deposit_per_book),
        (_("Fine per missing slip"), s.fine_per_slip)]))


def settings_set(ctx: Context) -> None:
    a = ctx.args
    info = settings.update_settings(ctx.actor, a.organization, a.deposit, a.fine)
    ctx.emit(info, lambda s: out(_("Settings saved.")))


def _register_db(tree: Tree) -> None:
    grp = tree.group("db", _("the database: create, demo data, backups, restore, checks"))
    grp.command("init", db_init, _("create or upgrade the database (and its first "
                                   "administrator)"), services=["users.setup_admin"],
                opens=False).add_argument("--admin", help=_("user name of the first "
                                                            "administrator"))
    grp.command("demo", db_demo, _("load the worked example from DOMAIN.md into an empty "
                                   "database"), opens=False)
    grp.command("backup", db_backup, _("back up the SQLite database file now (no login needed)"),
                opens=False, file_level=True).add_argument("--to", metavar="DIR", help=_(
                    "backup folder (default: backups beside the database file)"))
    grp.command("backups", db_backups, _("list the backups beside the database file"),
                shape=list[BackupInfo], opens=False, file_level=True)
    p = grp.command("restore", db_restore, _("put a backup in place of the SQLite database "
                                             "file; the replaced file is kept"), opens=False,
                    file_level=True)
    p.add_argument("backup_file", metavar="BACKUP_FILE")
    p.add_argument("--yes", action="store_true", help=_("do not ask for confirmation"))
    grp.command("check", db_check, _("check the SQLite database file; exit status 1 when it is "
                                     "damaged"), opens=False, file_level=True).add_argument(
        "--full", action="store_true", help=_("full integrity_check and foreign_key_check "
                                              "(slower)"))
    grp.command("keep", db_keep, _("how many backups to keep (show, or set with a number)"),
                services=["safety.get_keep", "safety.set_keep"]).add_argument(
        "count", nargs="?", help=_("keep this many"))


def _register_users(tree: Tree) -> None:
    grp = tree.group("user", _("users and roles (administrators)"))
    p = grp.command("add", user_add, _("add a user; the password comes from "
                                       "ORDERBOOK_NEW_PASSWORD or a prompt"),
                    services=["users.create"], shape=UserInfo)
    p.add_argument("name", help=_("user name"))
    p.add_argument("--role", required=True, choices=list(ROLES), type=coded(ROLES),
                   help=_("role"))
    p.add_argument("--display-name", help=_("full name"))
    grp.command("list", user_list, _("all users"), services=["users.list"], shape=list[UserInfo])
    for verb, change, text in (
            ("disable", {"active": False}, _("disable a user (nobody can log in as it)")),
            ("enable", {"active": True}, _("enable a disabled user")),
            ("unlock", {"unlock": True}, _("lift a lock-out after wrong passwords")),
            ("role", {"role": None}, _("give a user another role"))):
        p = grp.command(verb, _user_change(**change), text, services=["users.update"],
                        shape=UserInfo)
        p.add_argument("name", help=_("user name"))
        if verb == "role":
            p.add_argument("role", choices=list(ROLES), type=coded(ROLES), help=_("role"))
    grp.command("reset-password", user_reset_password, _(
        "set a new password for a user who forgot theirs (ORDERBOOK_NEW_PASSWORD or a prompt)"),
        services=["users.reset_password"]).add_argument("name", help=_("user name"))
    grp.command("passwd", user_passwd, _("change your own password"),
                services=["users.change_password"])


def _register_audit(tree: Tree) -> None:
    grp = tree.group("audit", _("the audit trail: who did what, and its hash chain"))
    grp.command("verify", audit_verify, _("verify the hash chain (exit status 1 when a record "
                                          "was altered)"),
                services=["audit.verify"], shape=ChainReport)
    p = grp.command("list", audit_list, _("audit records, newest first"),
                    services=["audit.list"], shape=list[AuditEntry])
    p.add_argument("--by", help=_("only this user's"))
    p.add_argument("--since", help=_("from this day, YYYY-MM-DD"))
    p.add_argument("--until", help=_("to this day, YYYY-MM-DD"))
    p.add_argument("--event", help=_("only this event's (code)"))
    p.add_argument("--merchant", help=_("only this merchant's (brand)"))
    p.add_argument("--text", help=_("only records containing this text"))
    p.add_argument("--limit", type=int, default=1000, help=_("at most this many"))
    grp.command("head", audit_head, _("the newest record's hash (printed on forms)"),
                services=["audit.head"])


def _register_settings(tree: Tree) -> None:
    grp = tree.group("settings", _("organization name and policy values (administrators)"))
    grp.command("show", settings_show, _("the settings in force"), services=["settings.get"],
                shape=Settings)
    p = grp.command("set", settings_set, _("change settings (the options given only)"),
                    services=["settings.update"], shape=Settings)
    p.add_argument("--organization", help=_("organization name printed on forms"))
    p.add_argument("--deposit", help=_("default deposit per book for new events"))
    p.add_argument("--fine", help=_("default fine per missing slip for new events"))


def register_commands(tree: Tree) -> None:
    """Add the admin commands."""
    _register_db(tree)
    _register_users(tree)
    _register_audit(tree)
    _register_settings(tree)

    def file_only(p: argparse.ArgumentParser) -> None:
        p.add_argument("--to", metavar="DIR")

    tree.alias("init", "db init", lambda p: p.add_argument("--admin"))
    tree.alias("demo", "db demo", lambda p: None)
    tree.alias("backup", "db backup", file_only)
    def old_restore(p: argparse.ArgumentParser) -> None:
        p.add_argument("backup_file")
        p.add_argument("--yes", action="store_true")

    tree.alias("restore", "db restore", old_restore)
    tree.alias("check", "db check", lambda p: p.add_argument("--full", action="store_true"))
