"""Merchants (商家): one brand each."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from decimal import Decimal

from app.db.models import Merchant
from app.domain.money import parse_rate_percent
from app.errors import Conflict, InputError, NotFound
from app.i18n import _
from app.services.core.actor import Actor
from app.services.core.base import audit, query, require_text, service

PHONE_RE = re.compile(r"^\+?[0-9()\- ]{3,30}(?:\s*(?:转|ext\.?|x)\s*\d{1,6})?$", re.IGNORECASE)
FIELDS = ("brand", "company", "category", "category_manager", "contact", "phone",
          "commission_percent")


@dataclass(frozen=True)
class MerchantInfo:
    """A merchant as screens, reports and imports see it."""

    id: str
    brand: str
    company: str
    category: str
    category_manager: str
    contact: str
    phone: str
    commission_rate: Decimal
    """Fraction, e.g. Decimal('0.03') for 3 %."""

    @property
    def commission_percent(self) -> str:
        """``3`` or ``2.5`` (percent, for display)."""
        pct = (self.commission_rate * 100).normalize()
        return f"{pct:f}"


def _info(row: Merchant) -> MerchantInfo:
    return MerchantInfo(row.id, row.brand, row.company, row.category, row.category_manager,
                        row.contact, row.phone, Decimal(row.commission_bp) / 10000)


def clean_merchant_fields(values: dict) -> dict:
    """Validate and normalise merchant fields typed by a clerk or read from Excel.

    Raises:
        InputError: a field is empty where required, too long, or malformed.
    """
    out = {
        "brand": require_text(values.get("brand"), _("Brand"), 100),
        "company": require_text(values.get("company"), _("Company"), 200, allow_empty=True),
        "category": require_text(values.get("category"), _("Category"), 50, allow_empty=True),
        "category_manager": require_text(values.get("category_manager"),
                                         _("Category manager"), 50, allow_empty=True),
        "contact": require_text(values.get("contact"), _("Contact"), 50, allow_empty=True),
        "phone": require_text(values.get("phone"), _("Phone"), 40, allow_empty=True),
    }
    if out["phone"] and not PHONE_RE.match(out["phone"]):
        raise InputError(_("'{phone}' is not a phone number.").format(phone=out["phone"]))
    rate = parse_rate_percent(str(values.get("commission_percent") or "0"))
    out["commission_bp"] = int(rate * 10000)
    return out


def _row(merchant_id: str) -> Merchant:
    row = Merchant.get_or_none(Merchant.id == merchant_id)
    if row is None:
        raise NotFound(_("The merchant does not exist."))
    return row


def _refuse_duplicate_brand(brand: str, exclude_id: str | None = None) -> None:
    query_ = Merchant.select().where(Merchant.brand == brand)
    if exclude_id:
        query_ = query_.where(Merchant.id != exclude_id)
    if query_.exists():
        raise Conflict(_("A merchant with brand '{brand}' already exists.").format(brand=brand))


@service("merchants.create")
def create_merchant(actor: Actor, brand: str, company: str = "", category: str = "",
                    category_manager: str = "", contact: str = "", phone: str = "",
                    commission_percent: str = "0") -> MerchantInfo:
    """Add a merchant.

    Raises:
        InputError: bad field. Conflict: brand exists.
    """
    values = clean_merchant_fields(dict(
        brand=brand, company=company, category=category, category_manager=category_manager,
        contact=contact, phone=phone, commission_percent=commission_percent))
    _refuse_duplicate_brand(values["brand"])
    row = Merchant.create(**values)
    audit("merchant.create", "merchant", row.id, after=values, merchant=row.id)
    return _info(row)


@service("merchants.update")
def update_merchant(actor: Actor, merchant_id: str, **changes: str) -> MerchantInfo:
    """Change a merchant's fields (any of brand, company, category, category_manager, contact,
    phone, commission_percent).

    Raises:
        NotFound: no such merchant. InputError: bad field. Conflict: brand taken.
    """
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise InputError(_("Unknown merchant field: {name}").format(
            name=", ".join(sorted(unknown))))
    row = _row(merchant_id)
    before = asdict(_info(row))
    current = {**before, "commission_percent": _info(row).commission_percent}
    values = clean_merchant_fields({**current, **changes})
    _refuse_duplicate_brand(values["brand"], row.id)
    Merchant.update(**values).where(Merchant.id == row.id).execute()
    audit("merchant.update", "merchant", row.id, before=before, after=values, merchant=row.id)
    return _info(_row(row.id))


@query("merchants.list")
def list_merchants(actor: Actor, search: str = "") -> list[MerchantInfo]:
    """All merchants by category and brand, optionally filtered by brand/company text."""
    rows = Merchant.select().order_by(Merchant.category, Merchant.brand)
    text = str(search or "").strip()
    if text:
        rows = rows.where(Merchant.brand.contains(text) | Merchant.company.contains(text))
    return [_info(r) for r in rows]


@query("merchants.get")
def get_merchant(actor: Actor, merchant_id: str) -> MerchantInfo:
    """One merchant.

    Raises:
        NotFound: no such merchant.
    """
    return _info(_row(merchant_id))


@query("merchants.find")
def find_merchant(actor: Actor, brand: str) -> MerchantInfo:
    """The merchant of a brand.

    Raises:
        NotFound: no such brand.
    """
    row = Merchant.get_or_none(Merchant.brand == str(brand).strip())
    if row is None:
        raise NotFound(_("There is no merchant '{brand}'.").format(brand=str(brand)[:100]))
    return _info(row)
