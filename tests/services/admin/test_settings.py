"""Business settings in the database: organization name and default policy values."""

from __future__ import annotations

import json

import pytest

from app.domain.money import Money
from app.errors import InputError
from app.services.admin import settings
from app.services.core.policy import Settings
from tests.services.conftest import audit_rows, last_seq


def test_default_policy_values_are_200_deposit_and_100_fine(db, actor):
    """R2.2, R3.4: deposit ¥200 per book and fine ¥100 per missing slip unless changed."""
    s = settings.get_settings(actor)
    assert (s.organization, s.deposit_per_book, s.fine_per_slip) == ("", Money.yuan(200),
                                                                     Money.yuan(100))


def test_settings_update_is_kept_and_audited(db, actor):
    """Policy values are typed like money; only the given ones change; the change is audited."""
    seq = last_seq()
    s = settings.update_settings(actor, organization="上海家博会组委会", deposit_per_book="¥300")
    assert (s.organization, s.deposit_per_book, s.fine_per_slip) == (
        "上海家博会组委会", Money.yuan(300), Money.yuan(100))
    settings.update_settings(actor, fine_per_slip=Money.yuan(150))
    again = settings.get_settings(actor)
    assert (again.organization, again.deposit_per_book, again.fine_per_slip) == (
        "上海家博会组委会", Money.yuan(300), Money.yuan(150))
    first = audit_rows(seq)[0]
    assert first.action == "settings.update"
    assert json.loads(first.before)["deposit_per_book"] == {"fen": 20000}
    assert json.loads(first.after)["deposit_per_book"] == {"fen": 30000}


@pytest.mark.parametrize("kwargs", [
    {"deposit_per_book": "-200"},
    {"deposit_per_book": "abc"},
    {"fine_per_slip": Money(-1)},
    {"fine_per_slip": "1.005"},
    {"organization": "x" * 201},
])
def test_bad_settings_are_refused(db, actor, kwargs):
    """R2.2, R3.4: policy values are non-negative amounts; nothing changes on a bad value."""
    with pytest.raises(InputError):
        settings.update_settings(actor, **{"deposit_per_book": "250", "fine_per_slip": "50",
                                           **kwargs})
    assert settings.get_settings(actor) == Settings("", Money.yuan(200), Money.yuan(100))
