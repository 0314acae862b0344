"""Tables of the trust machinery added in schema 3 (issue 9): login sessions, the changes a
service has made (read back to sign its rows), and each business table's digest."""

from __future__ import annotations

from peewee import AutoField, BigIntegerField, CharField, DateTimeField, ForeignKeyField, TextField

from app.db.models import BaseModel, User, database, utcnow


class Session(BaseModel):
    """A login. Services act only for an open session of an active user: an `Actor` made up
    in code has no session and is refused. Only a hash of the session's secret is stored, so
    reading the database does not give anyone a session."""

    user = ForeignKeyField(User, backref="sessions", on_delete="RESTRICT")
    token_hash = CharField(unique=True, max_length=64)
    started_at = DateTimeField(default=utcnow)
    ended_at = DateTimeField(null=True)


class RowChange(BaseModel):
    """A business row inserted, changed or deleted, written by the capture triggers and read
    (then emptied) by the service that changed it, which signs the row."""

    id = AutoField()
    tbl = CharField(max_length=40)
    row_id = CharField(max_length=32)
    old_sig = TextField(null=True)
    old_row = TextField(null=True)
    """The row before the change, as JSON (checked against its signature: a change made behind
    the program's back is found even when a service changes the row afterwards)."""
    txid = BigIntegerField(null=True)
    """PostgreSQL: the transaction that made the change (others' changes are not signed)."""

    class Meta:
        database = database
        table_name = "row_change"


class TableDigest(BaseModel):
    """The running digest of a business table: the sum of its rows' digests, and their count."""

    tbl = CharField(unique=True, max_length=40)
    total = CharField(max_length=64, default="0")
    rows = BigIntegerField(default=0)


TRUST_MODELS: list[type[BaseModel]] = [Session, RowChange, TableDigest]
"""Added in schema version 3."""
