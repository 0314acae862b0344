"""Write buttons a role may not use are hidden (the services refuse them anyway), and come back
when a user who may use them logs in."""

from __future__ import annotations

from tests.conftest import add_user, as_user
from ui.checkout.checkout_view import CheckoutView
from ui.stock.stock_view import StockView


def test_a_clerk_sees_no_new_series_button_and_an_admin_does(qtbot, ctx):
    """Only admin changes number series (DOMAIN.md roles); clerks register stock."""
    view = StockView(ctx)
    qtbot.addWidget(view)
    assert not view.new_button.isHidden() and not view.register_button.isHidden()
    ctx.switch_actor(add_user("li.clerk", "clerk"))
    ctx.bridge.database_changed.emit()
    assert view.new_button.isHidden()
    assert not view.register_button.isHidden()


def test_finance_sees_no_checkout_buttons(qtbot, ctx):
    add_user("zhang.finance", "finance")
    ctx.switch_actor(as_user("zhang.finance", "finance"))
    view = CheckoutView(ctx)
    qtbot.addWidget(view)
    assert view.checkout_button.isHidden() and view.extra_button.isHidden()
    assert view.reverse_button.isHidden()
    assert not view.sheet_button.isHidden()  # reprinting is reading
