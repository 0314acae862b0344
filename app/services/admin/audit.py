"""The audit trail: verifying its hash chain, and reading it with filters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.db.models import AuditHead, AuditLog
from app.domain.audit_chain import GENESIS, record_hash
from app.errors import InputError
from app.i18n import _
from app.services.core.actor import Actor
from app.services.core.base import query

PAGE = 2000


@dataclass(frozen=True)
class ChainReport:
    """Outcome of verifying the audit chain."""

    ok: bool
    records: int
    """How many records were checked."""
    head_hash: str
    """Hash of the last record: print it on paper to anchor the chain."""
    broken_seq: int | None
    """The first record that does not verify (edited, inserted or missing before it)."""
    message: str


@dataclass(frozen=True)
class AuditEntry:
    """One audit record for the viewer."""

    seq: int
    at: dt.datetime
    """UTC."""
    actor: str
    action: str
    entity: str
    entity_id: str
    event: str | None
    merchant: str | None
    before: str | None
    after: str | None


def _head() -> AuditHead | None:
    """The chain's end marker, or None when it is missing (or doubled) — both tampering."""
    heads = list(AuditHead.select().limit(2))
    return heads[0] if len(heads) == 1 else None


def _page(after_seq: int) -> list[AuditLog]:
    return list(AuditLog.select().where(AuditLog.seq > after_seq).order_by(AuditLog.seq)
                .limit(PAGE))


@query("audit.verify")
def verify_chain(actor: Actor) -> ChainReport:
    """Recompute every record's hash; name the first record that breaks the chain.

    The head (seq and hash of the newest record, written with it in one transaction) covers the
    end of the chain: a record past the head was added behind the program's back, a head past
    the last record means records were cut off, and a head hash that differs from the last
    record's means the last record was rewritten. Records appended while verifying are
    followed (the head is read again before anything is called broken)."""
    prev, expected_seq, count = GENESIS, 1, 0
    head = _head()
    rows = _page(0)
    while rows:
        for row in rows:
            if head is not None and row.seq > head.seq:
                head = _head()  # appended since the head was read?
            if head is not None and row.seq > head.seq:
                return ChainReport(False, count, prev, row.seq, _(
                    "Record {seq} does not follow the record before it.").format(seq=row.seq))
            problem = _check(row, prev, expected_seq)
            if problem:
                return ChainReport(False, count, prev, row.seq, problem)
            prev, expected_seq, count = row.hash, row.seq + 1, count + 1
        rows = _page(count)
        if not rows:
            head = _head()
            if head is not None and head.seq > count:
                rows = _page(count)  # records appended meanwhile, or really missing
    if head is None or head.seq > count:
        return ChainReport(False, count, prev, count + 1, _(
            "Records after number {seq} are missing (the chain ends early).").format(seq=count))
    if head.hash != prev:
        return ChainReport(False, max(count - 1, 0), prev, max(count, 1), _(
            "Record {seq} was changed after it was written.").format(seq=max(count, 1)))
    return ChainReport(True, count, prev, None, _("The audit trail is intact: {n} records.")
                       .format(n=count))


def _check(row: AuditLog, prev: str, expected_seq: int) -> str:
    if row.seq != expected_seq:
        return _("Record {seq} follows record {prev}: records in between are missing.").format(
            seq=row.seq, prev=expected_seq - 1)
    if row.prev_hash != prev:
        return _("Record {seq} does not follow the record before it.").format(seq=row.seq)
    fields = {k: getattr(row, k) for k in ("seq", "at", "actor", "action", "entity",
                                           "entity_id", "event", "merchant", "before", "after",
                                           "state")}
    if record_hash(prev, fields) != row.hash:
        return _("Record {seq} was changed after it was written.").format(seq=row.seq)
    return ""


@query("audit.head")
def chain_head(actor: Actor) -> str:
    """The hash of the newest audit record (printed on reports to anchor the chain on paper)."""
    head = AuditHead.select().first()
    return head.hash if head else GENESIS


def _filter_date(value: object, label: str) -> dt.date | None:
    """A date filter from a date, a datetime (its day) or ``YYYY-MM-DD`` text; None/"" = none.

    Raises:
        InputError: anything else.
    """
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        if isinstance(value, str):
            return dt.date.fromisoformat(value.strip())
    except ValueError:
        pass
    raise InputError(_("{field}: '{value}' is not a date (YYYY-MM-DD).").format(
        field=label, value=str(value)[:30]))


def _utc_start_of(day: dt.date) -> dt.datetime:
    """Local midnight of `day` as the naive UTC time the records are stored in."""
    try:
        local = dt.datetime.combine(day, dt.time()).astimezone()
        return local.astimezone(dt.UTC).replace(tzinfo=None)
    except (OverflowError, ValueError, OSError):  # the first or last days of the calendar
        return dt.datetime.combine(day, dt.time())


@query("audit.list")
def list_audit(actor: Actor, user: str = "", since: dt.date | None = None,
               until: dt.date | None = None, event_id: str = "", merchant_id: str = "",
               text: str = "", limit: int = 1000) -> list[AuditEntry]:
    """Newest records first, filtered by user, date range (local calendar days),
    event, merchant, and free text in the record (e.g. a slip or book number)."""
    since = _filter_date(since, _("Start date"))
    until = _filter_date(until, _("End date"))
    rows = AuditLog.select().order_by(AuditLog.seq.desc())
    if user:
        rows = rows.where(AuditLog.actor == str(user))
    if since:
        rows = rows.where(AuditLog.at >= _utc_start_of(since))
    if until and until < dt.date.max:
        rows = rows.where(AuditLog.at < _utc_start_of(until + dt.timedelta(days=1)))
    if event_id:
        rows = rows.where(AuditLog.event == str(event_id))
    if merchant_id:
        rows = rows.where(AuditLog.merchant == str(merchant_id))
    if text:
        needle = str(text).strip()
        rows = rows.where(AuditLog.before.contains(needle) | AuditLog.after.contains(needle)
                          | (AuditLog.entity_id == needle) | AuditLog.action.contains(needle))
    limit = max(1, min(int(limit), 100_000)) if isinstance(limit, int) else 1000
    return [AuditEntry(r.seq, r.at, r.actor, r.action, r.entity, r.entity_id, r.event,
                       r.merchant, r.before, r.after) for r in rows.limit(limit)]
