"""The database's own guards and whether they are still in place (issue 9 point 3).

- The audit log is append-only: triggers refuse UPDATE and DELETE (and, on PostgreSQL,
  TRUNCATE); on PostgreSQL the program's database login should also have no UPDATE, DELETE or
  TRUNCATE privilege on it.
- Each business table has capture triggers (`app.db.coverage`): without them services cannot
  sign the rows they change.

`problems` names every guard that is missing, disabled or not what the program installed (a
trigger replaced by a harmless one of the same name counts as missing); `warnings` names the
privileges that still allow rewriting the log. `install` puts everything back. Verify, `db check`
and start-up report problems; an administrator restores the guards with `orderbook audit guard`
(or the Data safety menu), which is itself audited.
"""

from __future__ import annotations

import re

from peewee import Database, PostgresqlDatabase

from app.db import coverage

SQLITE_AUDIT = {
    "audit_log_no_update": "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
                           "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
    "audit_log_no_delete": "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
                           "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
}
PG_AUDIT_FUNCTION = (
    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$ BEGIN "
    "RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql")
PG_AUDIT = {
    "audit_log_no_change": "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON "
                           "audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    "audit_log_no_truncate": "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON "
                             "audit_log FOR EACH STATEMENT EXECUTE FUNCTION "
                             "audit_log_append_only()",
}
_PG_FUNCTIONS = {"audit_log_append_only": "RAISE EXCEPTION 'the audit log is append-only'",
                 "row_change_capture": "INSERT INTO row_change"}


def _squash(sql: str) -> str:
    return re.sub(r"\s+", " ", sql).strip().rstrip(";").lower()


def _expected(db: Database) -> dict[str, str]:
    if isinstance(db, PostgresqlDatabase):
        return {**PG_AUDIT, **coverage.pg_triggers()}
    return {**SQLITE_AUDIT, **coverage.sqlite_triggers()}


def _sqlite_found(db: Database) -> dict[str, str]:
    return {name: sql for name, sql in db.execute_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()}


def _pg_problems(db: Database, expected: dict[str, str]) -> list[str]:
    found = {name: (enabled, function) for name, enabled, function in db.execute_sql(
        "SELECT t.tgname, t.tgenabled, p.proname FROM pg_trigger t "
        "JOIN pg_proc p ON p.oid = t.tgfoid WHERE NOT t.tgisinternal").fetchall()}
    out = []
    for name in expected:
        wanted = "audit_log_append_only" if name.startswith("audit_log") else "row_change_capture"
        if name not in found:
            out.append(f"{name}: missing")
        elif found[name][0] == "D":
            out.append(f"{name}: disabled")
        elif found[name][1] != wanted:
            out.append(f"{name}: changed")
    sources = dict(db.execute_sql(
        "SELECT proname, prosrc FROM pg_proc WHERE proname IN (%s, %s)",
        list(_PG_FUNCTIONS)).fetchall())
    for function, marker in _PG_FUNCTIONS.items():
        if function not in sources:
            out.append(f"{function}(): missing")
        elif marker.lower() not in sources[function].lower():
            out.append(f"{function}(): changed")
    return out


def problems(db: Database) -> list[str]:
    """The guards that are missing, disabled or not the program's own (names, for reports)."""
    expected = _expected(db)
    if isinstance(db, PostgresqlDatabase):
        return _pg_problems(db, expected)
    found_sql = _sqlite_found(db)
    return [f"{name}: {'missing' if name not in found_sql else 'changed'}"
            for name, sql in expected.items()
            if name not in found_sql or _squash(found_sql[name]) != _squash(sql)]


def warnings(db: Database) -> list[str]:
    """What the database login may still do to the audit log (PostgreSQL privileges)."""
    if not isinstance(db, PostgresqlDatabase):
        return []
    superuser = db.execute_sql("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
                               ).fetchone()
    if superuser and superuser[0]:
        return ["superuser"]
    rows = db.execute_sql(
        "SELECT p FROM unnest(ARRAY['UPDATE', 'DELETE', 'TRUNCATE']) AS p "
        "WHERE has_table_privilege(current_user, 'audit_log', p)").fetchall()
    return [p for (p,) in rows]


def install(db: Database) -> None:
    """Put every guard back as the program installs it (and, on PostgreSQL, take UPDATE, DELETE
    and TRUNCATE on the audit log away from the program's login)."""
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql(PG_AUDIT_FUNCTION)
        db.execute_sql(coverage.PG_CAPTURE_FUNCTION)
        for name, sql in _expected(db).items():
            table = re.search(r' ON "?(\w+)"?', sql).group(1)  # type: ignore[union-attr]
            db.execute_sql(f'DROP TRIGGER IF EXISTS {name} ON "{table}"')
            db.execute_sql(sql)
        db.execute_sql("REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC")
        db.execute_sql("REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM CURRENT_USER")
        return
    for name, sql in _expected(db).items():
        db.execute_sql(f"DROP TRIGGER IF EXISTS {name}")
        db.execute_sql(sql)
