"""The event's reconciliation table (R3.2): per merchant issued, used, unused, void, missing,
with totals that add up by construction."""

from __future__ import annotations

from dataclasses import dataclass

from peewee import fn

from app.db.models import AuditHead, Book, Event, Merchant, MerchantReturn, Slip
from app.domain.returns import ZERO, Counts, counts_from_states
from app.services.core.actor import Actor
from app.services.core.base import query
from app.services.events.events import event_row


@dataclass(frozen=True)
class ReconLine:
    """One merchant's line."""

    merchant_id: str
    brand: str
    category_manager: str
    counts: Counts
    return_state: str
    """``not_started`` / ``open`` / ``closed``."""


@dataclass(frozen=True)
class Reconciliation:
    """The event's table with its total line."""

    event_id: str
    event_code: str
    event_name: str
    lines: tuple[ReconLine, ...]
    total: Counts
    audit_head: str
    """The audit chain's latest hash, printed so paper anchors the chain (PITFALLS.md)."""


def issued_per_merchant(event: Event) -> dict[str, int]:
    """Slips in issued books per merchant."""
    size = Book.last_no - Book.first_no + 1
    return {m: int(n) for m, n in Book.select(Book.merchant, fn.SUM(size)).where(
        (Book.event == event) & (Book.state == "issued")).group_by(Book.merchant).tuples()}


def states_per_merchant(event: Event) -> dict[str, dict[str, int]]:
    """Entered slips per merchant and state."""
    out: dict[str, dict[str, int]] = {}
    for merchant, state, n in (Slip.select(Slip.merchant, Slip.state, fn.COUNT(Slip.id))
                               .where(Slip.event == event)
                               .group_by(Slip.merchant, Slip.state).tuples()):
        out.setdefault(merchant, {})[state] = int(n)
    return out


def build(event: Event) -> Reconciliation:
    """The reconciliation of `event` (shared by the query, reports and event status)."""
    issued = issued_per_merchant(event)
    states = states_per_merchant(event)
    returns = dict(MerchantReturn.select(MerchantReturn.merchant, MerchantReturn.state)
                   .where(MerchantReturn.event == event).tuples())
    ids = set(issued) | set(states)
    merchants = {m.id: m for m in Merchant.select().where(Merchant.id.in_(list(ids)))} \
        if ids else {}
    lines = tuple(sorted(
        (ReconLine(m, merchants[m].brand, merchants[m].category_manager,
                   counts_from_states(issued.get(m, 0), states.get(m, {})),
                   returns.get(m, "not_started")) for m in ids),
        key=lambda line: line.brand))
    total = ZERO
    for line in lines:
        total = total + line.counts
    head = AuditHead.select().first()
    return Reconciliation(event.id, event.code, event.name, lines, total,
                          head.hash if head else "")


@query("returns.reconciliation")
def reconciliation(actor: Actor, event_id: str) -> Reconciliation:
    """The event's reconciliation table, per merchant and in total (R3.2)."""
    return build(event_row(event_id))
