"""Schema versions with forward migrations.

A new file gets the current schema and is stamped `CURRENT_VERSION`. An older file is upgraded by
running each step after its stamped version, in order, in one transaction per step. A file stamped
newer than this release is refused (it could hold data this release would misread).

To change the schema: edit the models, append a step to `STEPS` that brings a file of the previous
version to the new one (playhouse.migrate), and bump nothing else: the version is len(STEPS).
"""

from __future__ import annotations

from collections.abc import Callable

from peewee import Database

from app.db import anchors, chain, coverage, guards
from app.db.models import RETURN_MODELS, AuditHead, Meta
from app.db.schema import ALL_MODELS
from app.db.trust_models import TRUST_MODELS
from app.errors import DatabaseError
from app.i18n import _


def _v2_returns(db: Database) -> None:
    """Version 2: return check, slips, seals, fines, deposit close-out, archive (issue 4)."""
    db.create_tables(RETURN_MODELS)


def _v3_trust(db: Database) -> None:
    """Version 3 (issue 9): login sessions, signed business rows and table digests, the
    guards, an id for anchors; the rows as they are now are signed in one baseline record."""
    db.create_tables(TRUST_MODELS)
    coverage.add_signature_columns(db)
    guards.install(db)
    _baseline()


def _baseline() -> None:
    """Sign every business row and record the table digests (a new or upgraded database)."""
    anchors.database_id()
    end = chain.head()
    sealed = coverage.baseline(end.seq + 1)
    chain.append([{"actor": "system", "action": "audit.baseline", "entity": "database",
                   "entity_id": "", "state": chain.to_json(sealed.as_state() or {})}])


# STEPS[i] upgrades a file of version i+1 to version i+2. Version 1 is the first release.
STEPS: list[Callable[[Database], None]] = [_v2_returns, _v3_trust]
CURRENT_VERSION = 1 + len(STEPS)


def stored_version(db: Database) -> int | None:
    """The version stamped in the file, or None for an empty database."""
    if not db.table_exists(Meta._meta.table_name):
        return None
    row = Meta.get_or_none(Meta.key == "schema_version")
    return int(row.value) if row else None


def _stamp(version: int) -> None:
    updated = Meta.update(value=str(version)).where(Meta.key == "schema_version").execute()
    if not updated:
        Meta.create(key="schema_version", value=str(version))


def upgrade(db: Database, *, create: bool = True,
            before_steps: Callable[[int], object] | None = None) -> int:
    """Bring the database to `CURRENT_VERSION`; return the version it had before (0 if new).

    `before_steps(version)` runs once before the first step changes an existing database
    (`open_database` passes the pre-migration backup of a SQLite file).

    Raises:
        DatabaseError: the file is newer than this release, or empty while `create` is False,
            or what `before_steps` raises (then no step ran).
    """
    version = stored_version(db)
    if version is None:
        if not create:
            raise DatabaseError(_("This database is empty; create it first."))
        with db.atomic():
            db.create_tables(ALL_MODELS)
            AuditHead.create()
            guards.install(db)
            anchors.database_id()
            _stamp(CURRENT_VERSION)
        return 0
    if version > CURRENT_VERSION:
        raise DatabaseError(_("This database was written by a newer OrderBook Desk (schema "
                              "{found}, this program knows {known}). Please update the program.")
                            .format(found=version, known=CURRENT_VERSION))
    if version < CURRENT_VERSION and before_steps is not None:
        before_steps(version)
    for step_version in range(version, CURRENT_VERSION):
        with db.atomic():
            STEPS[step_version - 1](db)
            _stamp(step_version + 1)
    return version
