"""Tamper evidence (issue 3, point 2): the audit trail is append-only in the database, every
record is chained to the one before by a hash, and verify names the first broken record.
Also the audit viewer's filters."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
from peewee import DatabaseError, PostgresqlDatabase

from app.db import chain
from app.db.models import AuditHead, AuditLog, database
from app.domain.audit_chain import GENESIS, record_hash
from app.services.admin import audit, settings
from app.services.checkout import checkouts as checkout
from app.services.checkout import plan
from app.services.core import books
from app.services.core.permissions import CLERK, FINANCE
from app.services.events import events, merchants
from app.services.stock import registration as stock
from tests.conftest import ADMIN as TESTER
from tests.conftest import add_user, as_user

CHAIN_FIELDS = ("seq", "at", "actor", "action", "entity", "entity_id", "event", "merchant",
                "before", "after", "state")


def _is_pg() -> bool:
    return isinstance(database.obj, PostgresqlDatabase)


def _drop_guard() -> None:
    """What an attacker with the file (or a superuser) can do: remove the append-only triggers."""
    if _is_pg():
        database.obj.execute_sql("DROP TRIGGER audit_log_no_change ON audit_log")
    else:
        database.obj.execute_sql("DROP TRIGGER audit_log_no_update")
        database.obj.execute_sql("DROP TRIGGER audit_log_no_delete")


def _write_some(n_merchants: int = 4) -> dict[str, str]:
    """A handful of audited writes by two users: series, stock, an event, merchants, a
    checkout. Returns ids for the filter tests."""
    add_user("li", CLERK)
    li = as_user("li", CLERK)
    s = stock.create_series(TESTER, "BJ", 7, 50)
    stock.register_next_books(li, s.id, 4)
    e = events.create_event(li, "E1", "春季家博会", "装大", dt.date(2026, 3, 14),
                            dt.date(2026, 3, 15))
    ids = {"series": s.id, "event": e.id}
    for i in range(n_merchants):
        m = merchants.create_merchant(li, f"品牌{i}")
        ids[f"m{i}"] = m.id
    events.set_estimate(li, e.id, ids["m0"], 60)
    plan.build_plan(li, e.id)
    checkout.checkout_merchant(li, e.id, ids["m0"], "张伟", "cash")
    settings.update_settings(TESTER, organization="组委会")
    return ids


def _verify():
    return audit.verify_chain(TESTER)


def _count() -> int:
    return AuditLog.select().count()


# --- a clean chain -------------------------------------------------------------------------

def test_rule_a_new_chain_verifies(db):
    """A new database holding only its administrator: one record (the test set-up's, as a
    service would write it), linked to the genesis hash."""
    report = _verify()
    assert (report.ok, report.records, report.broken_seq) == (True, 1, None)
    first = AuditLog.get(AuditLog.seq == 1)
    assert first.prev_hash == GENESIS and report.head_hash == first.hash == audit.chain_head(
        TESTER)


def test_rule_a_clean_chain_verifies_with_its_count_and_head(db):
    """After ordinary work the chain verifies, counts every record and ends at chain_head."""
    _write_some()
    report = _verify()
    assert report.ok and report.broken_seq is None
    assert report.records == _count() > 10
    assert report.head_hash == audit.chain_head(TESTER)
    last = AuditLog.select().order_by(AuditLog.seq.desc()).first()
    assert report.head_hash == last.hash
    rows = list(AuditLog.select().order_by(AuditLog.seq))
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
    prev = GENESIS
    for row in rows:  # recomputed independently of verify_chain
        assert row.prev_hash == prev
        assert row.hash == record_hash(prev, {k: getattr(row, k) for k in CHAIN_FIELDS})
        prev = row.hash


def test_rule_verify_pages_through_a_long_chain(db, monkeypatch):
    """verify reads the chain in pages: page boundaries change nothing."""
    _write_some()
    monkeypatch.setattr(audit, "PAGE", 3)
    report = _verify()
    assert report.ok and report.records == _count()


# --- the database refuses changes ----------------------------------------------------------

@pytest.mark.parametrize("how", ["orm update", "orm delete", "sql update", "sql delete",
                                 "delete all"])
def test_rule_the_audit_table_refuses_update_and_delete(db, how):
    """Append-only in the database itself (triggers), on SQLite and PostgreSQL alike."""
    _write_some()
    before = [tuple(r) for r in AuditLog.select().order_by(AuditLog.seq).tuples()]
    statements = {
        "orm update": lambda: AuditLog.update(actor="mallory").where(AuditLog.seq == 2).execute(),
        "orm delete": lambda: AuditLog.delete().where(AuditLog.seq == 2).execute(),
        "sql update": lambda: database.obj.execute_sql(
            "UPDATE audit_log SET after = '{}' WHERE seq = 3"),
        "sql delete": lambda: database.obj.execute_sql("DELETE FROM audit_log WHERE seq = 3"),
        "delete all": lambda: database.obj.execute_sql("DELETE FROM audit_log"),
    }
    with pytest.raises(DatabaseError, match="append-only"), database.atomic():
        statements[how]()
    assert [tuple(r) for r in AuditLog.select().order_by(AuditLog.seq).tuples()] == before
    assert _verify().ok


# --- tampering with the trigger gone -------------------------------------------------------

@pytest.mark.parametrize("field, value", [
    ("after", '{"deposit_fen": 1}'), ("before", '{"x": 1}'), ("actor", "mallory"),
    ("at", dt.datetime(2020, 1, 1, 12, 0)), ("action", "merchant.delete"),
    ("entity_id", "forged"), ("event", "forged"), ("merchant", None),
    ("hash", "f" * 64), ("prev_hash", "0" * 64),
])
@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_rule_editing_one_record_makes_verify_name_that_record(db, field, value, where):
    """An attacker with the file drops the trigger and edits one field of one record:
    verify fails and names exactly that record."""
    _write_some()
    n = _count()
    seq = {"first": 1, "middle": n // 2, "last": n}[where]
    _drop_guard()
    original = AuditLog.get(AuditLog.seq == seq)
    if getattr(original, field) == value:
        value = "other"
    AuditLog.update({field: value}).where(AuditLog.seq == seq).execute()
    report = _verify()
    assert not report.ok
    assert report.broken_seq == seq, report.message
    assert str(seq) in report.message
    assert report.records == seq - 1


def test_rule_an_edit_with_a_recomputed_hash_is_caught_at_the_next_record(db):
    """An attacker who knows the hash function and rewrites one record's hash too breaks the
    link to the next record, which verify names."""
    _write_some()
    seq = _count() // 2
    _drop_guard()
    row = AuditLog.get(AuditLog.seq == seq)
    fields = {k: getattr(row, k) for k in CHAIN_FIELDS}
    fields["after"] = json.dumps({"deposit_fen": 1})
    AuditLog.update(after=fields["after"], hash=record_hash(row.prev_hash, fields)).where(
        AuditLog.seq == seq).execute()
    report = _verify()
    assert (report.ok, report.broken_seq) == (False, seq + 1)


def test_rule_a_rewritten_last_record_is_caught_by_the_head(db):
    """Rewriting the last record with a recomputed hash: the head kept by the program no longer
    matches, and verify names the last record."""
    _write_some()
    n = _count()
    _drop_guard()
    row = AuditLog.get(AuditLog.seq == n)
    fields = {k: getattr(row, k) for k in CHAIN_FIELDS}
    fields["actor"] = "mallory"
    AuditLog.update(actor="mallory", hash=record_hash(row.prev_hash, fields)).where(
        AuditLog.seq == n).execute()
    report = _verify()
    assert (report.ok, report.broken_seq) == (False, n), report.message


@pytest.mark.parametrize("where", ["first", "middle"])
def test_rule_deleting_a_record_is_named(db, where):
    """A deleted record leaves a gap: verify names the record after it and the gap."""
    _write_some()
    n = _count()
    seq = 1 if where == "first" else n // 2
    _drop_guard()
    AuditLog.delete().where(AuditLog.seq == seq).execute()
    report = _verify()
    assert (report.ok, report.broken_seq) == (False, seq + 1), report.message
    assert str(seq + 1) in report.message and str(seq - 1) in report.message
    assert report.records == seq - 1


@pytest.mark.parametrize("cut", [1, 3])
def test_rule_deleting_the_last_records_is_detected(db, cut):
    """Cutting the end off the chain leaves a valid-looking chain, but the head the program keeps
    no longer matches: verify names the first missing record."""
    _write_some()
    n = _count()
    _drop_guard()
    AuditLog.delete().where(AuditLog.seq > n - cut).execute()
    report = _verify()
    assert not report.ok
    assert report.broken_seq == n - cut + 1, report.message
    assert report.records == n - cut


def test_rule_deleting_the_head_is_detected(db):
    """Deleting the last records and the head row too is still detected."""
    _write_some()
    n = _count()
    _drop_guard()
    AuditLog.delete().where(AuditLog.seq == n).execute()
    AuditHead.delete().execute()
    report = _verify()
    assert not report.ok, report.message
    assert report.broken_seq == n


def test_rule_a_write_after_the_head_was_deleted_is_refused_cleanly(db):
    """A damaged chain (no head row) makes writes fail with a clear AppError, not a crash."""
    from app.errors import AppError

    _write_some()
    AuditHead.delete().execute()
    before = _count()
    with pytest.raises(AppError):
        merchants.create_merchant(TESTER, "新品牌")
    assert _count() == before


def _forge(seq: int, prev: str, **over: object) -> dict[str, object]:
    record = dict(seq=seq, at=dt.datetime(2026, 1, 1, 8, 0), actor="tester",
                  action="merchant.update", entity="merchant", entity_id="x", event=None,
                  merchant=None, before=None, after='{"commission_bp": 0}')
    record.update(over)
    return record


def test_rule_an_inserted_forged_record_is_named(db):
    """A record inserted behind the program's back, even with a correct-looking hash, is not
    covered by the head: verify names it."""
    _write_some()
    n = _count()
    last = AuditLog.get(AuditLog.seq == n)
    record = _forge(n + 1, last.hash)
    AuditLog.create(**record, prev_hash=last.hash, hash=record_hash(last.hash, record))
    report = _verify()
    assert (report.ok, report.broken_seq) == (False, n + 1), report.message

    # a forged record with a wrong hash is named just the same
    record2 = _forge(n + 2, "x" * 64)
    AuditLog.create(**record2, prev_hash="x" * 64, hash="y" * 64)
    assert _verify().broken_seq == n + 1


def test_rule_a_forged_record_with_the_head_rewritten_changes_the_paper_anchor(db):
    """Someone who rewrites the whole end of the chain and the head defeats the file-internal
    check; the head hash printed on paper (chain_head) is what still exposes it."""
    _write_some()
    printed = audit.chain_head(TESTER)
    n = _count()
    record = _forge(n + 1, printed)
    digest = record_hash(printed, record)
    AuditLog.create(**record, prev_hash=printed, hash=digest)
    AuditHead.update(seq=n + 1, hash=digest).execute()
    assert _verify().ok  # the limit of an in-file chain ...
    assert audit.chain_head(TESTER) != printed  # ... which the paper anchor closes
    assert printed in {r.prev_hash for r in AuditLog.select()}


def test_rule_a_renumbered_record_is_named(db):
    """Moving a record to another place (changing seq) breaks the chain at that record."""
    _write_some()
    n = _count()
    _drop_guard()
    AuditLog.update(seq=n + 10).where(AuditLog.seq == n).execute()
    report = _verify()
    assert not report.ok and report.broken_seq == n + 10


# --- concurrency ---------------------------------------------------------------------------

def test_rule_records_written_by_concurrent_services_chain_correctly(db):
    """Two users' services running at the same time in two threads (two connections) append to
    one chain without a fork or a gap."""
    add_user("li", CLERK)
    add_user("wang", CLERK)
    errors: list[BaseException] = []
    start = threading.Barrier(2)
    per_thread = 12

    def work(user: str) -> None:
        db_obj = database.obj
        try:
            db_obj.connect(reuse_if_open=True)
            start.wait()
            for i in range(per_thread):
                merchants.create_merchant(as_user(user, CLERK), f"{user}-{i}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            if not db_obj.is_closed():
                db_obj.close()

    before = _count()
    threads = [threading.Thread(target=work, args=(u,)) for u in ("li", "wang")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    report = _verify()
    assert report.ok, report.message
    assert report.records == before + 2 * per_thread
    actors = [r.actor for r in AuditLog.select().order_by(AuditLog.seq)]
    assert actors.count("li") == actors.count("wang") == per_thread


def test_rule_interleaved_services_of_two_users_chain_correctly(db):
    """Two users' writes one after the other, alternating, form one verified chain."""
    add_user("li", CLERK)
    add_user("cai", FINANCE)
    li = as_user("li", CLERK)
    before = _count()
    for i in range(5):
        merchants.create_merchant(li, f"品牌{i}")
        audit.verify_chain(as_user("cai", FINANCE))  # reads in between change nothing
        settings.update_settings(TESTER, organization=f"组委会{i}")
    report = _verify()
    assert report.ok and report.records == before + 10
    assert [r.actor for r in AuditLog.select().where(AuditLog.seq > before)
            .order_by(AuditLog.seq)] == ["li", "tester"] * 5


# --- the viewer ----------------------------------------------------------------------------

def test_rule_list_audit_filters_by_user_event_merchant_and_text(db):
    """The viewer filters by user, event, merchant and free text (a book code, a brand), newest
    first; filters combine."""
    ids = _write_some()
    everything = audit.list_audit(TESTER)
    assert [e.seq for e in everything] == list(range(_count(), 0, -1))

    by_li = audit.list_audit(TESTER, user="li")
    assert by_li and {e.actor for e in by_li} == {"li"}
    assert {e.actor for e in audit.list_audit(TESTER, user="tester")} == {"tester"}
    assert audit.list_audit(TESTER, user="nobody") == []

    by_event = audit.list_audit(TESTER, event_id=ids["event"])
    assert by_event and all(e.event == ids["event"] for e in by_event)
    assert {e.action for e in by_event} >= {"event.create", "checkout.issue"}

    by_m1 = audit.list_audit(TESTER, merchant_id=ids["m1"])
    assert [e.action for e in by_m1] == ["merchant.create"]
    by_m0 = audit.list_audit(TESTER, merchant_id=ids["m0"])
    assert {e.action for e in by_m0} >= {"merchant.create", "estimate.set", "checkout.issue"}

    code = books.find_book(TESTER, "BJ0000001").code
    by_book = audit.list_audit(TESTER, text="BJ0000001")
    assert by_book and all("BJ0000001" in (e.before or "") + (e.after or "")
                           or e.entity_id == "BJ0000001" for e in by_book)
    assert "checkout.issue" in {e.action for e in by_book}, code
    by_brand = audit.list_audit(TESTER, text="品牌3")
    assert [e.action for e in by_brand] == ["merchant.create"]
    assert audit.list_audit(TESTER, text="%") == []  # wildcards are literal
    assert audit.list_audit(TESTER, text="品_3") == []

    both = audit.list_audit(TESTER, user="li", merchant_id=ids["m0"], event_id=ids["event"])
    assert both and all(e.actor == "li" and e.merchant == ids["m0"] for e in both)
    assert len(audit.list_audit(TESTER, limit=3)) == 3


def test_rule_list_audit_filters_by_date_range(db, monkeypatch):
    """Records of three days: since/until select whole days, both ends included."""
    add_user("li", CLERK)
    li = as_user("li", CLERK)
    days = [dt.date(2026, 3, 13), dt.date(2026, 3, 14), dt.date(2026, 3, 15)]
    for i, day in enumerate(days):
        for hour in (0, 23):
            stamp = dt.datetime.combine(day, dt.time(hour, 59, 59, 999999 if hour else 0))
            monkeypatch.setattr(chain, "utcnow", lambda stamp=stamp: stamp)
            merchants.create_merchant(li, f"品牌{i}-{hour}")
    monkeypatch.undo()
    assert _verify().ok

    def dates(**kw) -> list[dt.date]:
        return sorted(e.at.date() for e in audit.list_audit(TESTER, user="li", **kw))

    assert dates(since=days[1]) == [days[1]] * 2 + [days[2]] * 2
    assert dates(until=days[1]) == [days[0]] * 2 + [days[1]] * 2
    assert dates(since=days[1], until=days[1]) == [days[1]] * 2
    assert dates(since=days[2], until=days[0]) == []
    assert dates(since=dt.date(1, 1, 1), until=dt.date(9999, 12, 31)) == sorted(days * 2)


@pytest.mark.parametrize("kwargs", [
    {"since": "2026-03-14"}, {"until": "yesterday"}, {"since": 20260314},
    {"until": dt.date.max}, {"since": dt.date.min}, {"limit": -5}, {"limit": 10**30},
    {"limit": "10"}, {"text": "a\ud800"}, {"user": "x" * 10**6}, {"event_id": 5},
    {"merchant_id": ["x"]}, {"text": "\x00"},
])
def test_rule_list_audit_answers_bad_filters_clearly(db, kwargs):
    """Odd filter values give results or an AppError, never a crash."""
    from app.errors import AppError

    _write_some(1)
    try:
        result = audit.list_audit(TESTER, **kwargs)
    except AppError:
        return
    assert isinstance(result, list)


def test_rule_only_finance_and_admin_read_or_verify_the_trail(db):
    """Reading the trail is for finance and admin; everyone can read the head (printed)."""
    from app.errors import PermissionDenied

    _write_some(1)
    li = as_user("li", CLERK)
    for call in (audit.verify_chain, audit.list_audit):
        with pytest.raises(PermissionDenied):
            call(li)
    assert audit.chain_head(li) == audit.chain_head(TESTER)


def test_rule_a_doubled_head_is_detected(db):
    """A second head row (to hide a forged end of the chain) is itself a broken chain."""
    _write_some(1)
    AuditHead.create(seq=0, hash=GENESIS)
    report = _verify()
    assert not report.ok and report.broken_seq == _count() + 1
