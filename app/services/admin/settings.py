"""Business settings kept in the database: organization name, default policy values."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from app.db.models import Setting
from app.domain.money import Money, parse_money
from app.errors import InputError
from app.i18n import _
from app.services.core.base import Actor, audit, query, require_text, service

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


@query("settings.get")
def get_settings(actor: Actor) -> Settings:
    """The settings in force."""
    return read_settings()


def _policy_amount(text: str | Money, label: str) -> Money:
    amount = text if isinstance(text, Money) else parse_money(text)
    if amount.fen < 0:
        raise InputError(_("{field} cannot be negative.").format(field=label))
    return amount


@service("settings.update")
def update_settings(actor: Actor, organization: str | None = None,
                    deposit_per_book: str | Money | None = None,
                    fine_per_slip: str | Money | None = None) -> Settings:
    """Change settings; arguments left as None stay as they are.

    Raises:
        InputError: a bad amount or organization name.
    """
    before = read_settings()
    new: dict[str, str] = {}
    if organization is not None:
        new["organization"] = require_text(organization, _("Organization name"), 200,
                                           allow_empty=True)
    if deposit_per_book is not None:
        new["deposit_per_book_fen"] = str(_policy_amount(deposit_per_book, _("Deposit")).fen)
    if fine_per_slip is not None:
        new["fine_per_slip_fen"] = str(_policy_amount(fine_per_slip, _("Fine")).fen)
    for key, value in new.items():
        if not Setting.update(value=value).where(Setting.key == key).execute():
            Setting.create(key=key, value=value)
    after = read_settings()
    audit("settings.update", "settings", "", before=asdict(before), after=asdict(after))
    return after
