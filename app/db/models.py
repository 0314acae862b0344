"""peewee models. Ids are UUIDv7 hex strings (app.domain.ids); money is integer fen.

All models bind to `database`, a proxy initialised by `app.db.connection.open_database`, so the
same services run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt

from peewee import (
    BigIntegerField,
    BooleanField,
    CharField,
    DatabaseProxy,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from app.domain.ids import new_id

database = DatabaseProxy()


def utcnow() -> dt.datetime:
    """Naive UTC timestamp (stored as UTC, shown in local time)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class BaseModel(Model):
    id = CharField(primary_key=True, max_length=32, default=new_id)

    class Meta:
        database = database
        legacy_table_names = False


class CoveredModel(BaseModel):
    """A business table whose rows the audit trail covers (issue 9): after each service the
    changed rows are signed (`row_sig`: the audit record's seq and digests of the row), and the
    audit record carries each changed table's digest, so a change made behind the program's
    back is found by `audit verify` (`app.db.coverage`)."""

    row_sig = TextField(null=True)


class Meta(BaseModel):
    """Key/value facts about the file itself (schema version)."""

    key = CharField(unique=True, max_length=64)
    value = TextField()


class Setting(CoveredModel):
    """Business settings (organization name, default policy values)."""

    key = CharField(unique=True, max_length=64)
    value = TextField()


class Series(CoveredModel):
    prefix = CharField(unique=True, max_length=6)
    digits = IntegerField()
    book_size = IntegerField()
    name = CharField(default="", max_length=100)
    created_at = DateTimeField(default=utcnow)


class StockBatch(CoveredModel):
    """One registration of blank stock (R1.1); a gap before it carries a reason (R1.3)."""

    series = ForeignKeyField(Series, backref="batches", on_delete="RESTRICT")
    first_no = BigIntegerField()
    last_no = BigIntegerField()
    gap_first = BigIntegerField(null=True)
    gap_last = BigIntegerField(null=True)
    gap_reason = TextField(null=True)
    registered_by = CharField(max_length=64)
    registered_at = DateTimeField(default=utcnow)
    voided_at = DateTimeField(null=True)
    voided_by = CharField(null=True, max_length=64)
    void_reason = TextField(null=True)

    class Meta:
        indexes = ((("series", "first_no"), False),)


class Merchant(CoveredModel):
    brand = CharField(unique=True, max_length=100)
    company = CharField(default="", max_length=200)
    category = CharField(default="", max_length=50)
    category_manager = CharField(default="", max_length=50)
    contact = CharField(default="", max_length=50)
    phone = CharField(default="", max_length=40)
    commission_bp = IntegerField(default=0)  # basis points: 2.5 % = 250
    active = BooleanField(default=True)


class Event(CoveredModel):
    code = CharField(unique=True, max_length=40)
    name = CharField(max_length=200)
    kind = CharField(max_length=10)  # 装大 / 专场 / 卖场
    venue = CharField(default="", max_length=200)
    start_date = DateField()
    end_date = DateField()
    deposit_per_book_fen = BigIntegerField()
    fine_per_slip_fen = BigIntegerField()
    created_at = DateTimeField(default=utcnow)


class EventManager(CoveredModel):
    event = ForeignKeyField(Event, backref="managers", on_delete="CASCADE")
    name = CharField(max_length=50)
    seq = IntegerField(default=0)

    class Meta:
        indexes = ((("event", "name"), True),)


class Estimate(CoveredModel):
    event = ForeignKeyField(Event, backref="estimates", on_delete="RESTRICT")
    merchant = ForeignKeyField(Merchant, backref="estimates", on_delete="RESTRICT")
    estimate = IntegerField()
    seq = IntegerField(default=0)

    class Meta:
        indexes = ((("event", "merchant"), True),)


class Checkout(CoveredModel):
    """A merchant signs for books and pays their deposit (R2.2, R2.3)."""

    event = ForeignKeyField(Event, backref="checkouts", on_delete="RESTRICT")
    merchant = ForeignKeyField(Merchant, backref="checkouts", on_delete="RESTRICT")
    signed_by = CharField(max_length=50)
    signed_at = DateTimeField()
    clerk = CharField(max_length=64)
    book_count = IntegerField()
    deposit_fen = BigIntegerField()
    payment_method = CharField(max_length=20)
    receipt_no = CharField(unique=True, max_length=40)
    extra = BooleanField(default=False)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("event", "merchant"), False),)


class Book(CoveredModel):
    """One physical order book: a contiguous run of slip numbers (R1.4)."""

    series = ForeignKeyField(Series, backref="books", on_delete="RESTRICT")
    batch = ForeignKeyField(StockBatch, backref="books", on_delete="RESTRICT")
    first_no = BigIntegerField()
    last_no = BigIntegerField()
    state = CharField(max_length=12, default="in_stock")  # in_stock / planned / issued
    event = ForeignKeyField(Event, null=True, backref="books", on_delete="RESTRICT")
    merchant = ForeignKeyField(Merchant, null=True, backref="books", on_delete="RESTRICT")
    checkout = ForeignKeyField(Checkout, null=True, backref="books", on_delete="RESTRICT")

    class Meta:
        indexes = (
            (("series", "first_no"), True),
            (("series", "state", "first_no"), False),
            (("event", "merchant"), False),
        )


class DepositEntry(CoveredModel):
    """Deposit money movements; never deleted, a mistake gets a reversing entry."""

    event = ForeignKeyField(Event, on_delete="RESTRICT")
    merchant = ForeignKeyField(Merchant, on_delete="RESTRICT")
    checkout = ForeignKeyField(Checkout, null=True, on_delete="RESTRICT")
    kind = CharField(max_length=20)  # taken / reversed
    amount_fen = BigIntegerField()
    note = TextField(default="")
    by = CharField(max_length=64)
    at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("event", "merchant"), False),)


class IssueReversal(CoveredModel):
    """A book issued by mistake and taken back to stock (R2.2), with its reason."""

    book = ForeignKeyField(Book, on_delete="RESTRICT")
    checkout = ForeignKeyField(Checkout, on_delete="RESTRICT")
    reason = TextField()
    by = CharField(max_length=64)
    at = DateTimeField(default=utcnow)


class User(CoveredModel):
    """A person who logs in; the role decides which services they may call."""

    username = CharField(unique=True, max_length=64)
    display_name = CharField(default="", max_length=64)
    role = CharField(max_length=20)  # clerk / manager / finance / admin
    password_hash = TextField()
    failed_logins = IntegerField(default=0)
    locked_until = DateTimeField(null=True)
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)


class AuditHead(BaseModel):
    """The end of the audit chain: one row, locked by each writer (serialises appends)."""

    seq = BigIntegerField(default=0)
    hash = CharField(max_length=64, default="0" * 64)


class AuditLog(BaseModel):
    """Who did what, when, with before/after (JSON); appended in the same transaction.
    Each record carries a SHA-256 over its content and the previous record's hash."""

    seq = BigIntegerField(unique=True)
    at = DateTimeField(default=utcnow)
    actor = CharField(max_length=64)
    action = CharField(max_length=64)
    entity = CharField(max_length=40)
    entity_id = CharField(max_length=64, default="")
    event = CharField(max_length=32, null=True, index=True)
    merchant = CharField(max_length=32, null=True, index=True)
    before = TextField(null=True)
    after = TextField(null=True)
    state = TextField(null=True)
    """Since schema 3: the digests of the business tables this record's service changed."""
    prev_hash = CharField(max_length=64, default="")
    hash = CharField(max_length=64, default="")


class MerchantReturn(CoveredModel):
    """A merchant's return check for one event (R3.1): open while slips are entered (every
    step undoable), closed when every issued slip has a state."""

    event = ForeignKeyField(Event, on_delete="RESTRICT")
    merchant = ForeignKeyField(Merchant, on_delete="RESTRICT")
    state = CharField(max_length=10, default="open")  # open / closed
    opened_by = CharField(max_length=64)
    opened_at = DateTimeField(default=utcnow)
    closed_by = CharField(null=True, max_length=64)
    closed_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("event", "merchant"), True),)


class SealBatch(CoveredModel):
    """Void slips sealed together (R3.6): seal number, date, who; the slips point here."""

    seal_no = CharField(unique=True, max_length=40)
    event = ForeignKeyField(Event, on_delete="RESTRICT")
    slip_count = IntegerField()
    sealed_by = CharField(max_length=64)
    sealed_at = DateTimeField(default=utcnow)
    note = TextField(default="")


class Slip(CoveredModel):
    """The returned state of one slip (R3.1–R3.6). Only slips entered in a return check have a
    row (decision 0004); an issued slip without one is not entered yet."""

    series = ForeignKeyField(Series, on_delete="RESTRICT")
    number = BigIntegerField()
    book = ForeignKeyField(Book, on_delete="RESTRICT")
    event = ForeignKeyField(Event, on_delete="RESTRICT")
    merchant = ForeignKeyField(Merchant, on_delete="RESTRICT")
    state = CharField(max_length=12)  # used / unused / void / missing / written_off
    recovered = BooleanField(default=False)
    seal = ForeignKeyField(SealBatch, null=True, backref="slips", on_delete="RESTRICT")
    chase_manager = CharField(default="", max_length=50)
    chase_due = DateField(null=True)
    write_off_reason = TextField(null=True)
    customer_name = CharField(default="", max_length=50)
    customer_phone = CharField(default="", max_length=40)
    deal_fen = BigIntegerField(null=True)
    customer_deposit_fen = BigIntegerField(null=True)
    updated_by = CharField(max_length=64)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("series", "number"), True),
            (("event", "merchant", "state"), False),
            (("book", "number"), False),
        )


class ReturnStep(CoveredModel):
    """One entry of a return check and the states it replaced, so it can be undone until the
    merchant's return is closed."""

    merchant_return = ForeignKeyField(MerchantReturn, backref="steps", on_delete="RESTRICT")
    seq = IntegerField()
    action = CharField(max_length=20)  # mark / remaining
    state = CharField(max_length=12)
    series = ForeignKeyField(Series, on_delete="RESTRICT")
    changes = TextField()  # JSON [[number, previous state or null], ...]
    by = CharField(max_length=64)
    at = DateTimeField(default=utcnow)
    undone_by = CharField(null=True, max_length=64)
    undone_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("merchant_return", "seq"), True),)


class Fine(CoveredModel):
    """A fine for a written-off slip (R3.4); a reversal is another row with a negative amount."""

    event = ForeignKeyField(Event, on_delete="RESTRICT")
    merchant = ForeignKeyField(Merchant, on_delete="RESTRICT")
    slip = ForeignKeyField(Slip, on_delete="RESTRICT")
    amount_fen = BigIntegerField()
    reason = TextField()
    by = CharField(max_length=64)
    at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("event", "merchant"), False),)


class DepositCloseOut(CoveredModel):
    """A merchant's deposit settled after the return (R3.5): refund = deposit − fines, or the
    shortfall the merchant owes (carried to settlement, R6.6)."""

    event = ForeignKeyField(Event, on_delete="RESTRICT")
    merchant = ForeignKeyField(Merchant, on_delete="RESTRICT")
    deposit_fen = BigIntegerField()
    fines_fen = BigIntegerField()
    refund_fen = BigIntegerField()
    shortfall_fen = BigIntegerField()
    receipt_no = CharField(unique=True, max_length=40)
    payment_method = CharField(max_length=20)
    received_by = CharField(default="", max_length=50)
    by = CharField(max_length=64)
    at = DateTimeField(default=utcnow)
    reversed_by = CharField(null=True, max_length=64)
    reversed_at = DateTimeField(null=True)
    reversal_reason = TextField(null=True)
    """A close-out made by mistake is reversed (never deleted); a new one may follow."""

    class Meta:
        indexes = ((("event", "merchant"), False),)


class EventArchive(CoveredModel):
    """An event archived (R3.7) once no slip is unresolved."""

    event = ForeignKeyField(Event, unique=True, on_delete="RESTRICT")
    by = CharField(max_length=64)
    at = DateTimeField(default=utcnow)
    note = TextField(default="")


RETURN_MODELS: list[type[BaseModel]] = [
    MerchantReturn, SealBatch, Slip, ReturnStep, Fine, DepositCloseOut, EventArchive,
]
"""Added in schema version 2 (issue 4: after the event)."""


BUSINESS_MODELS: list[type[CoveredModel]] = [
    Setting, Series, StockBatch, Merchant, Event, EventManager, Estimate, Checkout, Book,
    DepositEntry, IssueReversal, User, MerchantReturn, SealBatch, Slip, ReturnStep, Fine,
    DepositCloseOut, EventArchive,
]
"""The tables the audit trail covers row by row (`app.db.coverage`)."""
