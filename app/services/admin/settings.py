"""Changing the business settings (administrators); reading them is `core.policy`."""

from __future__ import annotations

from dataclasses import asdict

from app.db.models import Setting
from app.domain.money import Money
from app.i18n import _
from app.services.core.actor import Actor
from app.services.core.base import audit, query, require_text, service
from app.services.core.policy import Settings, policy_amount, read_settings


@query("settings.get")
def get_settings(actor: Actor) -> Settings:
    """The settings in force."""
    return read_settings()


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
        new["deposit_per_book_fen"] = str(policy_amount(deposit_per_book, _("Deposit")).fen)
    if fine_per_slip is not None:
        new["fine_per_slip_fen"] = str(policy_amount(fine_per_slip, _("Fine")).fen)
    for key, value in new.items():
        if not Setting.update(value=value).where(Setting.key == key).execute():
            Setting.create(key=key, value=value)
    after = read_settings()
    audit("settings.update", "settings", "", before=asdict(before), after=asdict(after))
    return after
