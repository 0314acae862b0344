"""Business settings every area reads: the organization name printed on forms and the default
policy values (deposit per book R2.2, fine per missing slip R3.4). Administrators change them
through `app.services.admin.settings`."""

from __future__ import annotations

from dataclasses import dataclass

from app.db.models import Setting
from app.domain.money import Money, parse_money
from app.errors import InputError
from app.i18n import _

DEFAULTS = {
    "organization": "",
    "deposit_per_book_fen": "20000",
    "fine_per_slip_fen": "10000",
}


@dataclass(frozen=True)
class Settings:
    """Settings in force."""

    organization: str
    """Printed on every form."""
    deposit_per_book: Money
    """Default deposit per book for new events (R2.2)."""
    fine_per_slip: Money
    """Default fine per missing slip for new events (R3.4)."""


def read_settings() -> Settings:
    """Settings without an actor (for reports built inside services)."""
    values = {**DEFAULTS, **dict(Setting.select(Setting.key, Setting.value).tuples())}
    return Settings(values["organization"], Money(int(values["deposit_per_book_fen"])),
                    Money(int(values["fine_per_slip_fen"])))



def policy_amount(text: str | Money, label: str) -> Money:
    """A policy amount typed by a user: an exact amount, not negative.

    Raises:
        InputError: not an amount, or negative.
    """
    amount = text if isinstance(text, Money) else parse_money(text)
    if amount.fen < 0:
        raise InputError(_("{field} cannot be negative.").format(field=label))
    return amount
