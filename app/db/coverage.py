"""Business rows covered by the audit trail (issue 9 point 2).

Every business table (`models.BUSINESS_MODELS`) has triggers that note each inserted, changed
or deleted row in `row_change`, with the row as it was. At the end of each service, inside its
transaction, `seal_changes` signs the rows the service changed — ``row_sig`` = the seq of the
audit record that covers them, a 128-bit digest of the row, and a short digest per field — and
keeps each table's running digest (the sum of its rows' digests) in `table_digest`; the audit
record of the service carries the new digests of the tables it changed (its ``state``), inside
the hash chain. A row changed before this by someone outside the program is checked against its
old signature first and, if it does not match, named in the record (``adopted``): a later
service never quietly makes a forged row look right.

`audit verify` recomputes every row: a changed value is named by table, row and field; rows
added, deleted or re-signed behind the program's back change the table's digest, which then
differs from the one in the chain (anchored outside the database).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from peewee import (
    BooleanField,
    Database,
    DateField,
    DateTimeField,
    Field,
    ForeignKeyField,
    IntegerField,
    PostgresqlDatabase,
)

from app.db.models import BUSINESS_MODELS, CoveredModel, database
from app.db.trust_models import RowChange, TableDigest

COVERED: dict[str, type[CoveredModel]] = {m._meta.table_name: m for m in BUSINESS_MODELS}
DIGEST_BITS = 128
MASK = (1 << DIGEST_BITS) - 1
FIELD_HASH = 4
"""Hex digits of each field's digest: enough to name the field that changed."""
PAGE = 5000


def columns(model: type[CoveredModel]) -> list[Field]:
    """The columns a row's signature covers (all but ``row_sig``), in a fixed order."""
    return [f for f in model._meta.sorted_fields if f.name != "row_sig"]


def canonical(value: Any, column: Field) -> Any:
    """One stored value in a form that is the same whether it was read from SQLite, from
    PostgreSQL, or from a trigger's JSON copy of the row."""
    if value is None:
        return None
    if isinstance(column, DateTimeField):
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value.replace("T", " "))
        return str(value.replace(tzinfo=None))
    if isinstance(column, DateField):
        return str(value)[:10]
    if isinstance(column, BooleanField):
        return int(bool(value)) if not isinstance(value, str) else int(value in ("1", "true"))
    if isinstance(column, IntegerField) and not isinstance(column, ForeignKeyField):
        return int(value)
    return str(value)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def digest(tbl: str, values: list[Any], seq: int) -> str:
    """The row's digest (hex, 128 bits) for the audit record `seq`."""
    return _sha(json.dumps([tbl, seq, values], ensure_ascii=False,
                           separators=(",", ":")))[:DIGEST_BITS // 4]


def field_digests(tbl: str, model: type[CoveredModel], values: list[Any]) -> str:
    """Short digests of each field's value, concatenated (for naming a changed field)."""
    return "".join(_sha(json.dumps([tbl, f.column_name, v], ensure_ascii=False))[:FIELD_HASH]
                   for f, v in zip(columns(model), values, strict=True))


def signature(tbl: str, values: list[Any], seq: int) -> str:
    """``seq:digest:field-digests`` for a row's values."""
    return f"{seq}:{digest(tbl, values, seq)}:{field_digests(tbl, COVERED[tbl], values)}"


@dataclass(frozen=True)
class Sig:
    """A parsed `row_sig`."""

    seq: int
    digest: str
    fields: str


def parse(sig: str | None) -> Sig | None:
    """A stored signature, or None when there is none or it is not one."""
    if not sig:
        return None
    parts = sig.split(":")
    if len(parts) != 3 or not parts[0].isdigit() or len(parts[1]) != DIGEST_BITS // 4:
        return None
    return Sig(int(parts[0]), parts[1], parts[2])


def changed_fields(tbl: str, values: list[Any], sig: Sig) -> list[str]:
    """The columns whose value no longer matches the signature (all, when the signature's
    field digests are unreadable); empty when the row is as it was signed."""
    model = COVERED[tbl]
    if digest(tbl, values, sig.seq) == sig.digest:
        return []
    now = field_digests(tbl, model, values)
    names = [f.column_name for f in columns(model)]
    if len(sig.fields) != len(now):
        return names
    step = FIELD_HASH
    different = [names[i // step] for i in range(0, len(now), step)
                 if now[i:i + step] != sig.fields[i:i + step]]
    return different or names  # a change the short digests cannot tell apart


def values_of(tbl: str, row: dict[str, Any]) -> list[Any]:
    """A row (column name → stored value) as the canonical list its signature covers."""
    return [canonical(row.get(c.column_name), c) for c in columns(COVERED[tbl])]


def add(total: int, hex_digest: str) -> int:
    """`total` with a row's digest added (the table digest is a sum, mod 2^128)."""
    return (total + int(hex_digest, 16)) & MASK


def subtract(total: int, hex_digest: str) -> int:
    """`total` without a row's digest."""
    return (total - int(hex_digest, 16)) & MASK


# ------------------------------------------------------------------------------ reading rows

def _select(model: type[CoveredModel]) -> str:
    names = ", ".join(f'"{c.column_name}"' for c in columns(model))
    return f'SELECT {names}, "row_sig" FROM "{model._meta.table_name}"'


def _as_dict(model: type[CoveredModel], row: tuple) -> dict[str, Any]:
    return {c.column_name: v for c, v in zip(columns(model), row, strict=False)}


def fetch(tbl: str, ids: list[str]) -> dict[str, tuple[list[Any], str | None]]:
    """Rows by id: their canonical values and stored signature (missing ids are left out)."""
    model = COVERED[tbl]
    out: dict[str, tuple[list[Any], str | None]] = {}
    mark = database.obj.param
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        sql = _select(model) + f' WHERE "id" IN ({", ".join([mark] * len(chunk))})'
        for row in database.execute_sql(sql, chunk).fetchall():
            as_dict = _as_dict(model, row)
            out[as_dict["id"]] = (values_of(tbl, as_dict), row[-1])
    return out


def stream(tbl: str) -> Iterator[tuple[str, list[Any], str | None]]:
    """Every row of a table in id order, a page at a time: id, canonical values, signature."""
    model = COVERED[tbl]
    mark = database.obj.param
    last = ""
    while True:
        sql = _select(model) + f' WHERE "id" > {mark} ORDER BY "id" LIMIT {PAGE}'
        rows = database.execute_sql(sql, [last]).fetchall()
        for row in rows:
            as_dict = _as_dict(model, row)
            yield as_dict["id"], values_of(tbl, as_dict), row[-1]
        if len(rows) < PAGE:
            return
        last = rows[-1][0]


# ------------------------------------------------------------------------------ signing

@dataclass
class Sealed:
    """What `seal_changes` did: each changed table's new digest and the rows it found changed
    behind the program's back."""

    tables: dict[str, tuple[int, str]] = field(default_factory=dict)
    """Table → (rows, digest) after the service."""
    adopted: list[tuple[str, str, list[str]]] = field(default_factory=list)
    """(table, row id, fields) of rows that did not match their signature before the change
    (["(unsigned)"] for a row that never had one)."""

    def as_state(self) -> dict[str, Any] | None:
        """The ``state`` of the service's audit record (None when nothing was changed)."""
        if not self.tables and not self.adopted:
            return None
        state: dict[str, Any] = {"tables": {t: [n, d] for t, (n, d) in sorted(
            self.tables.items())}}
        if self.adopted:
            state["adopted"] = [list(a) for a in self.adopted]
        return state


def clear_foreign_changes() -> None:
    """At the start of a service on SQLite: forget changes noted outside any service (made
    behind the program's back: they are never signed, so `audit verify` finds them)."""
    if not isinstance(database.obj, PostgresqlDatabase):
        RowChange.delete().execute()


def _my_changes() -> list[RowChange]:
    query = RowChange.select().order_by(RowChange.id)
    if isinstance(database.obj, PostgresqlDatabase):
        query = query.where(RowChange.txid == database.execute_sql(
            "SELECT txid_current()").fetchone()[0])
    return list(query)


def _digests() -> dict[str, tuple[int, int]]:
    return {d.tbl: (d.rows, int(d.total, 16)) for d in TableDigest.select()}


def seal_changes(seq: int) -> Sealed:
    """Sign every business row this transaction changed for audit record `seq`, and update the
    table digests (inside the service's transaction, before its audit record is written)."""
    sealed = Sealed()
    first: dict[tuple[str, str], RowChange] = {}
    for change in _my_changes():
        first.setdefault((change.tbl, change.row_id), change)
    if not first:
        return sealed
    digests = _digests()
    by_table: dict[str, list[str]] = {}
    for tbl, row_id in first:
        by_table.setdefault(tbl, []).append(row_id)
    for tbl, ids in by_table.items():
        rows, total = digests.get(tbl, (0, 0))
        current = fetch(tbl, ids)
        updates = []
        for row_id in ids:
            rows, total = _unsign(tbl, first[(tbl, row_id)], rows, total, sealed)
            if row_id in current:
                sig = signature(tbl, current[row_id][0], seq)
                updates.append((sig, row_id))
                rows, total = rows + 1, add(total, parse(sig).digest)  # type: ignore[union-attr]
        _write_sigs(tbl, updates)
        sealed.tables[tbl] = (rows, format(total, "x"))
        TableDigest.insert(tbl=tbl, total=format(total, "x"), rows=rows).on_conflict(
            conflict_target=[TableDigest.tbl],
            update={TableDigest.total: format(total, "x"), TableDigest.rows: rows}).execute()
    ids = [c.id for c in _my_changes()]
    for start in range(0, len(ids), 500):
        RowChange.delete().where(RowChange.id.in_(ids[start:start + 500])).execute()
    return sealed


def _unsign(tbl: str, change: RowChange, rows: int, total: int, sealed: Sealed
            ) -> tuple[int, int]:
    """Take a row's old state out of the table digest, checking it against its signature."""
    if change.old_row is None:  # inserted by this service
        return rows, total
    old = parse(change.old_sig)
    if old is None:
        sealed.adopted.append((tbl, change.row_id, ["(unsigned)"]))
        return rows, total
    fields = changed_fields(tbl, values_of(tbl, json.loads(change.old_row)), old)
    if fields:
        sealed.adopted.append((tbl, change.row_id, fields))
    return rows - 1, subtract(total, old.digest)


def _write_sigs(tbl: str, updates: list[tuple[str, str]]) -> None:
    if not updates:
        return
    mark = database.obj.param
    sql = f'UPDATE "{tbl}" SET "row_sig" = {mark} WHERE "id" = {mark}'
    cursor = database.cursor()
    for start in range(0, len(updates), 1000):
        cursor.executemany(sql, updates[start:start + 1000])


def baseline(seq: int) -> Sealed:
    """Sign every existing business row for audit record `seq` and set every table digest
    (a new schema-3 database, or one upgraded from schema 2: its rows are taken as they are)."""
    sealed = Sealed()
    for tbl in COVERED:
        rows, total, updates = 0, 0, []
        for row_id, values, _sig in stream(tbl):
            sig = signature(tbl, values, seq)
            updates.append((sig, row_id))
            rows, total = rows + 1, add(total, digest(tbl, values, seq))
            if len(updates) >= 5000:
                _write_sigs(tbl, updates)
                updates = []
        _write_sigs(tbl, updates)
        sealed.tables[tbl] = (rows, format(total, "x"))
        TableDigest.delete().where(TableDigest.tbl == tbl).execute()
        TableDigest.create(tbl=tbl, total=format(total, "x"), rows=rows)
    RowChange.delete().execute()
    return sealed


# ------------------------------------------------------------------------------ triggers

def _cols(model: type[CoveredModel]) -> list[str]:
    return [c.column_name for c in columns(model)]


def sqlite_triggers() -> dict[str, str]:
    """The SQLite capture triggers by name (their SQL as `sqlite_master` keeps it)."""
    out = {}
    for tbl, model in COVERED.items():
        cols = _cols(model)
        old_json = "json_object(" + ", ".join(f"'{c}', OLD.\"{c}\"" for c in cols) + ")"
        watched = ", ".join(f'"{c}"' for c in cols)
        out[f"cover_{tbl}_ins"] = (
            f'CREATE TRIGGER cover_{tbl}_ins AFTER INSERT ON "{tbl}" BEGIN '
            f"INSERT INTO row_change (tbl, row_id) VALUES ('{tbl}', NEW.\"id\"); END")
        out[f"cover_{tbl}_upd"] = (
            f'CREATE TRIGGER cover_{tbl}_upd AFTER UPDATE OF {watched} ON "{tbl}" BEGIN '
            f"INSERT INTO row_change (tbl, row_id, old_sig, old_row) VALUES "
            f"('{tbl}', NEW.\"id\", OLD.\"row_sig\", {old_json}); END")
        out[f"cover_{tbl}_del"] = (
            f'CREATE TRIGGER cover_{tbl}_del AFTER DELETE ON "{tbl}" BEGIN '
            f"INSERT INTO row_change (tbl, row_id, old_sig, old_row) VALUES "
            f"('{tbl}', OLD.\"id\", OLD.\"row_sig\", {old_json}); END")
    return out


PG_CAPTURE_FUNCTION = (
    "CREATE OR REPLACE FUNCTION row_change_capture() RETURNS trigger AS $$ BEGIN "
    "IF TG_OP = 'INSERT' THEN "
    "INSERT INTO row_change (tbl, row_id, txid) VALUES (TG_TABLE_NAME, NEW.id, txid_current()); "
    "ELSIF TG_OP = 'UPDATE' THEN "
    "IF (to_jsonb(NEW) - 'row_sig') = (to_jsonb(OLD) - 'row_sig') THEN RETURN NULL; END IF; "
    "INSERT INTO row_change (tbl, row_id, old_sig, old_row, txid) VALUES (TG_TABLE_NAME, "
    "NEW.id, OLD.row_sig, (to_jsonb(OLD) - 'row_sig')::text, txid_current()); "
    "ELSE INSERT INTO row_change (tbl, row_id, old_sig, old_row, txid) VALUES (TG_TABLE_NAME, "
    "OLD.id, OLD.row_sig, (to_jsonb(OLD) - 'row_sig')::text, txid_current()); "
    "END IF; RETURN NULL; END; $$ LANGUAGE plpgsql")


def pg_triggers() -> dict[str, str]:
    """The PostgreSQL capture triggers by name."""
    return {f"cover_{tbl}": (f'CREATE TRIGGER cover_{tbl} AFTER INSERT OR UPDATE OR DELETE ON '
                             f'"{tbl}" FOR EACH ROW EXECUTE FUNCTION row_change_capture()')
            for tbl in COVERED}


def add_signature_columns(db: Database) -> None:
    """Schema 3 on an older database: the ``row_sig`` and ``state`` columns."""
    for tbl, column in [*((t, "row_sig") for t in COVERED), ("audit_log", "state")]:
        if column not in {c.name for c in db.get_columns(tbl)}:  # tables made by step 2 have it
            db.execute_sql(f'ALTER TABLE "{tbl}" ADD COLUMN {column} TEXT')
