"""Fixtures for report tests: the worked example of DOMAIN.md, printed in Chinese."""

from __future__ import annotations

import pytest

from app import i18n
from app.demo import load_demo
from app.services.checkout.checkouts import CheckoutInfo, list_checkouts
from app.services.core.actor import Actor
from tests.conftest import ADMIN


@pytest.fixture
def zh(english):
    """Forms in Simplified Chinese (the shipped default) for this test."""
    i18n.set_language("zh_CN")
    yield
    i18n.set_language("en")


@pytest.fixture
def demo(db, zh) -> dict[str, str]:
    """The worked example: 安信地板 (3 books) and 马可波罗瓷砖 (1 book) checked out, three more
    merchants planned; ids by name."""
    return load_demo(ADMIN)


@pytest.fixture
def checkouts(demo: dict[str, str], actor: Actor) -> dict[str, CheckoutInfo]:
    """The demo's checkouts by brand."""
    return {c.brand: c for c in list_checkouts(actor, demo["event"])}
