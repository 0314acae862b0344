"""Every table of the current schema, for creating a new database."""

from __future__ import annotations

from app.db.models import (
    RETURN_MODELS,
    AuditHead,
    AuditLog,
    Book,
    Checkout,
    DepositEntry,
    Estimate,
    Event,
    EventManager,
    IssueReversal,
    Merchant,
    Meta,
    Series,
    Setting,
    StockBatch,
    User,
)
from app.db.trust_models import TRUST_MODELS

ALL_MODELS = [
    Meta, Setting, Series, StockBatch, Merchant, Event, EventManager, Estimate, Checkout, Book,
    DepositEntry, IssueReversal, User, AuditHead, AuditLog, *RETURN_MODELS, *TRUST_MODELS,
]
