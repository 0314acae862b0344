"""Customer details of used slips (name, phone, deal amount, 订金), entered at the return check
or later: refunds and settlement need them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.db.models import Event, Merchant, SealBatch, Series, Slip, utcnow
from app.domain.money import Money, parse_money
from app.domain.numbers import SeriesFormat, normalize_text, parse_number
from app.domain.returns import USED
from app.errors import Conflict, InputError, NotFound
from app.i18n import _
from app.services.core.actor import Actor
from app.services.core.base import audit, query, require_text, service
from app.services.events.events import is_archived
from app.services.returns.slips import fmt_of, series_longest_prefix_first, state_label

_PHONE = re.compile(r"^[0-9+\-() ]{3,40}$")


@dataclass(frozen=True)
class SlipInfo:
    """One entered slip with its details."""

    id: str
    number: str
    state: str
    state_label: str
    event_code: str
    brand: str
    recovered: bool
    seal_no: str
    chase_manager: str
    customer_name: str
    customer_phone: str
    deal: Money | None
    customer_deposit: Money | None
    write_off_reason: str


def _locate(number: str) -> Slip:
    """The Slip row of a full slip number ``BJ0000017``.

    Raises:
        InputError: not a full slip number. NotFound: not entered in a return check.
    """
    text = normalize_text(number)
    for series in series_longest_prefix_first():
        if text.startswith(series.prefix):
            fmt = SeriesFormat(series.prefix, series.digits)
            row = Slip.get_or_none((Slip.series == series) & (Slip.number ==
                                                               parse_number(text, fmt)))
            if row is None:
                raise NotFound(_("{number} has not been entered in a return check.").format(
                    number=fmt.format(parse_number(text, fmt))))
            return row
    raise InputError(_("Type the full slip number with its prefix, e.g. BJ0000017."))


def slip_info(row: Slip) -> SlipInfo:
    """SlipInfo of a row."""
    fmt = fmt_of(Series.get_by_id(row.series_id))
    seal = SealBatch.get_by_id(row.seal_id).seal_no if row.seal_id else ""
    return SlipInfo(row.id, fmt.format(row.number), row.state, state_label(row.state),
                    Event.get_by_id(row.event_id).code, Merchant.get_by_id(row.merchant_id).brand,
                    row.recovered, seal, row.chase_manager, row.customer_name, row.customer_phone,
                    Money(row.deal_fen) if row.deal_fen is not None else None,
                    Money(row.customer_deposit_fen) if row.customer_deposit_fen is not None
                    else None, row.write_off_reason or "")


@query("returns.get_slip")
def get_slip(actor: Actor, number: str) -> SlipInfo:
    """An entered slip by its full number.

    Raises:
        InputError: not a slip number. NotFound: not entered.
    """
    return slip_info(_locate(number))


def _amount(value: object, label: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    money = value if isinstance(value, Money) else parse_money(str(value))
    if money.fen < 0:
        raise InputError(_("{field} cannot be negative.").format(field=label))
    return money.fen


@service("returns.slip_details")
def set_slip_details(actor: Actor, number: str, customer_name: str = "",
                     customer_phone: str = "", deal: object = None,
                     customer_deposit: object = None) -> SlipInfo:
    """Record the customer, phone, deal amount and 订金 of a used slip (blank clears a field).

    Raises:
        InputError: bad phone or amount, 订金 above the deal. NotFound: slip not entered.
        Conflict: the slip is not used, or its event is archived.
    """
    row = _locate(number)
    if is_archived(row.event_id):
        raise Conflict(_("Event {code} is archived; its slips cannot change.").format(
            code=Event.get_by_id(row.event_id).code))
    if row.state != USED:
        raise Conflict(_("{number} is {state}; customer details belong to used slips.").format(
            number=slip_info(row).number, state=state_label(row.state)))
    name = require_text(customer_name, _("Customer"), 50, allow_empty=True)
    phone = require_text(customer_phone, _("Phone"), 40, allow_empty=True)
    if phone and not _PHONE.match(phone):
        raise InputError(_("'{phone}' is not a phone number.").format(phone=phone))
    deal_fen = _amount(deal, _("Deal amount"))
    deposit_fen = _amount(customer_deposit, _("Customer deposit"))
    if deal_fen is not None and deposit_fen is not None and deposit_fen > deal_fen:
        raise InputError(_("The customer deposit cannot be more than the deal amount."))
    before = slip_info(row)
    Slip.update(customer_name=name, customer_phone=phone, deal_fen=deal_fen,
                customer_deposit_fen=deposit_fen, updated_by=actor.username,
                updated_at=utcnow()).where(Slip.id == row.id).execute()
    after = slip_info(Slip.get_by_id(row.id))
    audit("returns.slip_details", "slip", row.id, event=row.event_id, merchant=row.merchant_id,
          before={"customer": before.customer_name, "phone": before.customer_phone,
                  "deal": before.deal, "deposit": before.customer_deposit},
          after={"slip": after.number, "customer": name, "phone": phone, "deal_fen": deal_fen,
                 "deposit_fen": deposit_fen})
    return after
