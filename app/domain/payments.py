"""How money changes hands: deposits (R2.2), deposit refunds (R3.5), and later customer refunds
and the petty-cash float, all name one of these payment methods."""

from __future__ import annotations

from app.errors import InputError
from app.i18n import N_, _

PAYMENT_METHODS = {"cash": N_("Cash"), "wechat": N_("WeChat Pay"), "alipay": N_("Alipay"),
                   "card": N_("Bank card"), "transfer": N_("Bank transfer")}
"""Code → English name (translated by `payment_label`); cash first."""


def payment_label(method: str) -> str:
    """Translated name of a payment method."""
    return _(PAYMENT_METHODS.get(method, method))


def check_payment_method(method: str) -> str:
    """`method` if it is a known payment method code.

    Raises:
        InputError: an unknown method.
    """
    if method not in PAYMENT_METHODS:
        raise InputError(_("Choose a payment method: cash, WeChat Pay, Alipay, bank card or "
                           "bank transfer."))
    return method
