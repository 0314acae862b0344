"""What the after-event forms print (R3.2–R3.7), gathered through the public service queries.

Each function returns a plain record for one form; the drawing modules never query. Refusals
(a refund receipt before the close-out, a fine notice without fines) happen here, before any
file is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.errors import Conflict, NotFound
from app.i18n import _
from app.services.core.actor import Actor
from app.services.events.events import EventInfo, get_event
from app.services.events.merchants import MerchantInfo, get_merchant
from app.services.returns.archive import ArchiveBag, EventStatus, archive_bag, event_status
from app.services.returns.chase import ChaseItem, MerchantFines, chase_list, get_fines
from app.services.returns.deposits import DepositStatus, get_deposit_status
from app.services.returns.reconciliation import Reconciliation, reconciliation
from app.services.returns.seals import SealInfo, get_seal


@dataclass(frozen=True)
class ReconciliationForm:
    """The reconciliation table with the event it belongs to."""

    event: EventInfo
    table: Reconciliation
    status: EventStatus
    """Where the event stands (its label is printed beside the event)."""


@dataclass(frozen=True)
class ChaseSection:
    """One category manager's part of the chase list."""

    manager: str
    """'' when no manager is named yet."""
    items: tuple[ChaseItem, ...]


@dataclass(frozen=True)
class ChaseForm:
    """The chase list (追回清单), one section per category manager."""

    event: EventInfo | None
    """The event it is limited to, None for every event."""
    manager: str | None
    """The manager it is limited to, None for every manager."""
    sections: tuple[ChaseSection, ...]


@dataclass(frozen=True)
class FineForm:
    """A merchant's fine notice (罚款通知单) for one event."""

    event: EventInfo
    merchant: MerchantInfo
    fines: MerchantFines


@dataclass(frozen=True)
class RefundForm:
    """A closed-out deposit, for the deposit refund receipt (押金退还收据)."""

    status: DepositStatus
    written_off: int
    """Slips written off (what the fines are for)."""


@dataclass(frozen=True)
class ArchiveForm:
    """The archive-bag label with the event's dates and archive record."""

    event: EventInfo
    bag: ArchiveBag
    status: EventStatus


def reconciliation_form(actor: Actor, event_id: str) -> ReconciliationForm:
    """The event's reconciliation table (R3.2).

    Raises:
        NotFound: no such event.
    """
    return ReconciliationForm(get_event(actor, event_id), reconciliation(actor, event_id),
                              event_status(actor, event_id))


def group_by_manager(items: Sequence[ChaseItem]) -> tuple[ChaseSection, ...]:
    """Chase items in sections per manager, in the order `chase_list` returns them."""
    sections: dict[str, list[ChaseItem]] = {}
    for item in items:
        sections.setdefault(item.manager, []).append(item)
    return tuple(ChaseSection(m, tuple(rows)) for m, rows in sorted(sections.items()))


def chase_form(actor: Actor, event_id: str | None = None,
               manager: str | None = None) -> ChaseForm:
    """Slips still missing (R3.3), for one event or all, one manager or all.

    Raises:
        NotFound: no such event.
    """
    event = get_event(actor, event_id) if event_id else None
    items = chase_list(actor, event_id or None, manager or None)
    return ChaseForm(event, manager or None, group_by_manager(items))


def fine_form(actor: Actor, event_id: str, merchant_id: str) -> FineForm:
    """The merchant's written-off slips and fines (R3.4).

    Raises:
        NotFound: no such event or merchant. Conflict: nothing is written off.
    """
    event, merchant = get_event(actor, event_id), get_merchant(actor, merchant_id)
    fines = get_fines(actor, event_id, merchant_id)
    if not fines.slips:
        raise Conflict(_("{brand} has no written-off slips at {code}; there is no fine to "
                         "notify.").format(brand=merchant.brand, code=event.code))
    return FineForm(event, merchant, fines)


def refund_form(actor: Actor, event_id: str, merchant_id: str) -> RefundForm:
    """The closed-out deposit (R3.5).

    Raises:
        NotFound: no such event or merchant. Conflict: the deposit is not closed out yet.
    """
    status = get_deposit_status(actor, event_id, merchant_id)
    if not status.closed_out:
        why = status.blocker
        message = _("The deposit of {brand} for {code} is not closed out yet, so there is no "
                    "refund receipt to print. Close out the deposit first.").format(
            brand=status.brand, code=status.event_code)
        if why:
            message += " " + _("It is held: {why}.").format(why=why)
        raise Conflict(message)
    fines = get_fines(actor, event_id, merchant_id)
    return RefundForm(status, len(fines.slips))


def find_seal(actor: Actor, seal_id: str, event_id: str | None = None) -> SealInfo:
    """A seal batch by its id or its seal number (in `event_id` when given).

    Raises:
        NotFound: no such seal (or not in that event).
    """
    seal = get_seal(actor, seal_id)
    if event_id and seal.event_id != event_id:
        raise NotFound(_("There is no seal {seal}.").format(seal=str(seal_id).strip()[:40]))
    return seal


def archive_form(actor: Actor, event_id: str) -> ArchiveForm:
    """The archive-bag label of the event (R3.7).

    Raises:
        NotFound: no such event. Conflict: no book was issued for it.
    """
    event, bag = get_event(actor, event_id), archive_bag(actor, event_id)
    if not bag.lines:
        raise Conflict(_("No books were issued for {code}; there is nothing to archive.")
                       .format(code=event.code))
    return ArchiveForm(event, bag, event_status(actor, event_id))
