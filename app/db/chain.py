"""Appending to the audit chain: one place that extends `audit_log` and moves `audit_head`.

Services append through `app.services.core.base` (which queues a service's records and writes
them here at its end, with the table digests); the few writes outside any service — the schema-3
baseline, a restore done without a login to the restored file — append here directly.
"""

from __future__ import annotations

import json
from typing import Any

from peewee import PostgresqlDatabase

from app.db.models import AuditHead, AuditLog, database, utcnow
from app.domain.audit_chain import record_hash
from app.errors import AppError
from app.i18n import _


class AuditTrailDamaged(AppError):
    """The chain's end marker (`audit_head`) is missing or doubled: nothing can be appended
    until an administrator checks the trail (`orderbook audit verify`)."""


def head() -> AuditHead:
    """The chain's end marker, locked for appending on PostgreSQL.

    Raises:
        AuditTrailDamaged: it is missing or there is more than one.
    """
    query = AuditHead.select().limit(2)
    if isinstance(database.obj, PostgresqlDatabase):
        query = query.for_update()
    rows = list(query)
    if len(rows) != 1:
        raise AuditTrailDamaged(_(
            "The audit trail's end marker is missing or doubled, so nothing can be recorded; "
            "an administrator must check the audit trail (orderbook audit verify)."))
    return rows[0]


def to_json(value: Any) -> str | None:
    """A before/after/state value as the chain stores it (stable key order)."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def append(records: list[dict[str, Any]]) -> tuple[int, str]:
    """Append `records` (seq, hash and time are filled in) and move the head; returns the new
    head (seq, hash). Runs inside the caller's transaction."""
    end = head()
    seq, prev = end.seq, end.hash
    for record in records:
        seq += 1
        full = {"at": utcnow(), "event": None, "merchant": None, "before": None, "after": None,
                "state": None, **record, "seq": seq}
        digest = record_hash(prev, full)
        AuditLog.create(**full, prev_hash=prev, hash=digest)
        prev = digest
    AuditHead.update(seq=seq, hash=prev).where(AuditHead.id == end.id).execute()
    return seq, prev
