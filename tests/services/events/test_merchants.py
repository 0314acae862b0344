"""Merchants (商家): one brand each, with a commission rate (R6.6)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from app.errors import Conflict, InputError, NotFound
from app.services.events import merchants
from tests.services.conftest import audit_rows, last_seq, row_counts


def test_merchant_is_created_with_its_fields(db, actor):
    """R6.6: a merchant keeps brand, company, category, manager, contact and commission rate."""
    m = merchants.create_merchant(actor, " 安信地板 ", "安信伟光（上海）木材有限公司", "地板",
                                  "王芳", "张伟", "138-0000-0001", "2.5")
    assert (m.brand, m.company, m.category, m.category_manager, m.contact, m.phone) == (
        "安信地板", "安信伟光（上海）木材有限公司", "地板", "王芳", "张伟", "138-0000-0001")
    assert m.commission_rate == Decimal("0.025")
    assert m.commission_percent == "2.5"
    assert merchants.get_merchant(actor, m.id) == m
    assert merchants.find_merchant(actor, "安信地板") == m


def test_duplicate_brand_is_refused(db, actor):
    """A merchant is one brand: a second merchant with the same brand is refused."""
    merchants.create_merchant(actor, "安信地板")
    before = row_counts()
    with pytest.raises(Conflict, match="安信地板"):
        merchants.create_merchant(actor, "  安信地板")
    assert row_counts() == before


@pytest.mark.parametrize("fields", [
    {"brand": ""},
    {"brand": "   "},
    {"brand": "x" * 101},
    {"brand": "A\x00B"},
    {"brand": "A", "phone": "call me"},
    {"brand": "A", "commission_percent": "abc"},
    {"brand": "A", "commission_percent": "101"},
    {"brand": "A", "commission_percent": "-1"},
    {"brand": "A", "company": "c" * 201},
])
def test_bad_merchant_fields_are_refused(db, actor, fields):
    """Merchant input is validated; nothing is saved on a bad field."""
    with pytest.raises(InputError):
        merchants.create_merchant(actor, **fields)
    assert merchants.list_merchants(actor) == []


def test_merchant_update_changes_only_the_given_fields_and_is_audited(db, actor):
    """Every change keeps a before/after record."""
    m = merchants.create_merchant(actor, "东鹏瓷砖", "东鹏控股", "瓷砖", "王芳", "刘强",
                                  "13800000003", "3")
    seq = last_seq()
    updated = merchants.update_merchant(actor, m.id, contact="陈静", commission_percent="2.75")
    assert updated.contact == "陈静"
    assert updated.commission_rate == Decimal("0.0275")
    assert (updated.brand, updated.company, updated.phone) == ("东鹏瓷砖", "东鹏控股",
                                                               "13800000003")
    (row,) = audit_rows(seq)
    assert (row.action, row.entity_id, row.merchant) == ("merchant.update", m.id, m.id)
    assert json.loads(row.before)["contact"] == "刘强"
    assert json.loads(row.after)["contact"] == "陈静"
    assert json.loads(row.after)["commission_bp"] == 275


def test_merchant_update_refuses_taken_brand_unknown_field_and_unknown_id(db, actor):
    """Brands stay unique on update; typos in field names are not silently ignored."""
    a = merchants.create_merchant(actor, "安信地板")
    merchants.create_merchant(actor, "马可波罗瓷砖")
    with pytest.raises(Conflict, match="马可波罗瓷砖"):
        merchants.update_merchant(actor, a.id, brand="马可波罗瓷砖")
    with pytest.raises(InputError, match="colour"):
        merchants.update_merchant(actor, a.id, colour="red")
    with pytest.raises(NotFound):
        merchants.update_merchant(actor, "0" * 32, contact="x")
    assert merchants.update_merchant(actor, a.id, brand="安信地板").brand == "安信地板"
    assert merchants.get_merchant(actor, a.id).brand == "安信地板"


def test_merchants_are_listed_by_category_and_brand_and_searchable(db, actor):
    """The merchant list is ordered and filters on brand or company."""
    merchants.create_merchant(actor, "马可波罗瓷砖", "广东唯美陶瓷", "瓷砖")
    merchants.create_merchant(actor, "安信地板", "安信伟光", "地板")
    merchants.create_merchant(actor, "东鹏瓷砖", "东鹏控股", "瓷砖")
    assert [m.brand for m in merchants.list_merchants(actor)] == ["安信地板", "东鹏瓷砖",
                                                                  "马可波罗瓷砖"]
    assert [m.brand for m in merchants.list_merchants(actor, "瓷砖")] == ["东鹏瓷砖",
                                                                         "马可波罗瓷砖"]
    assert [m.brand for m in merchants.list_merchants(actor, "唯美")] == ["马可波罗瓷砖"]
    with pytest.raises(NotFound):
        merchants.find_merchant(actor, "九牧卫浴")
    with pytest.raises(NotFound):
        merchants.get_merchant(actor, "0" * 32)
