"""Return check rules (R3.1–R3.7): slip states, their changes, reconciliation, deposit close-out.

Pure values, no database. The services apply them; tests check them without one.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.money import Money
from app.i18n import N_

USED, UNUSED, VOID, MISSING, WRITTEN_OFF = "used", "unused", "void", "missing", "written_off"
RETURN_STATES = (USED, UNUSED, VOID, MISSING)
"""What a clerk records for a slip coming back (R3.1)."""
RECOVERED_STATES = (USED, UNUSED, VOID)
"""What a recovered missing slip becomes (R3.3)."""
STATE_LABELS = {USED: N_("Used"), UNUSED: N_("Unused"), VOID: N_("Void"),
                MISSING: N_("Missing"), WRITTEN_OFF: N_("Written off")}
NOT_ENTERED = "not_entered"

OPEN, CLOSED = "open", "closed"

PLANNING, CHECKED_OUT, RETURNING, RECONCILED, ARCHIVED = (
    "planning", "checked_out", "returning", "reconciled", "archived")
EVENT_STATES = (PLANNING, CHECKED_OUT, RETURNING, RECONCILED, ARCHIVED)
EVENT_STATE_LABELS = {PLANNING: N_("Planning"), CHECKED_OUT: N_("Checked out"),
                      RETURNING: N_("Returning"), RECONCILED: N_("Reconciled"),
                      ARCHIVED: N_("Archived")}


@dataclass(frozen=True)
class Counts:
    """One reconciliation line (R3.2): where the issued slips stand."""

    issued: int
    used: int
    unused: int
    void: int
    missing: int
    """Still missing (on the chase list)."""
    written_off: int
    """Missing slips written off and fined; part of the missing column of R3.2."""
    not_entered: int
    """Issued slips the return check has not reached yet (0 once the return is closed)."""

    @property
    def missing_total(self) -> int:
        """Missing in the sense of R3.2: still missing plus written off."""
        return self.missing + self.written_off

    @property
    def balanced(self) -> bool:
        """issued = used + unused + void + missing (+ not yet entered)."""
        return self.issued == (self.used + self.unused + self.void + self.missing_total
                               + self.not_entered)

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(a + b for a, b in zip(self.as_tuple(), other.as_tuple(), strict=True)))

    def as_tuple(self) -> tuple[int, ...]:
        """The fields in order."""
        return (self.issued, self.used, self.unused, self.void, self.missing, self.written_off,
                self.not_entered)


ZERO = Counts(0, 0, 0, 0, 0, 0, 0)


def counts_from_states(issued: int, states: dict[str, int]) -> Counts:
    """A reconciliation line from the issued count and the number of slips in each state.

    `not_entered` is what is left, so the line adds up by construction; a state count larger
    than the issued slips can only come from a damaged database.
    """
    entered = sum(states.values())
    if entered > issued:
        raise ValueError(f"{entered} slips entered but only {issued} issued")
    return Counts(issued, states.get(USED, 0), states.get(UNUSED, 0), states.get(VOID, 0),
                  states.get(MISSING, 0), states.get(WRITTEN_OFF, 0), issued - entered)


@dataclass(frozen=True)
class CloseOut:
    """What a merchant's deposit comes to (R3.5)."""

    deposit: Money
    fines: Money
    refund: Money
    """Paid back to the merchant (0 when fines reach the deposit)."""
    shortfall: Money
    """Owed by the merchant when fines exceed the deposit; offset in settlement (R6.6)."""


def close_out(deposit: Money, fines: Money) -> CloseOut:
    """Refund = deposit − fines; a negative result is a shortfall the merchant owes (R3.5)."""
    if deposit.fen < 0 or fines.fen < 0:
        raise ValueError("deposit and fines are never negative")
    rest = deposit.fen - fines.fen
    return CloseOut(deposit, fines, Money(max(rest, 0)), Money(max(-rest, 0)))


def event_state(*, checked_out: bool, returns_started: bool, all_closed: bool,
                missing: int, archived: bool) -> str:
    """Where an event stands: planning → checked out → returning → reconciled → archived."""
    if archived:
        return ARCHIVED
    if not checked_out:
        return PLANNING
    if not returns_started:
        return CHECKED_OUT
    if all_closed and missing == 0:
        return RECONCILED
    return RETURNING
