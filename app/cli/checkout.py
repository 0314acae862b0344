"""`orderbook plan|checkout …`: the requisition plan (R2.1), checkout against the deposit and
extra books (R2.2, R2.3), a book taken back. The forms (requisition table, checkout sheet,
deposit receipt, labels) are written by `orderbook report`."""

from __future__ import annotations

import argparse

from app.cli.core import Context, Tree, coded, local_datetime
from app.cli.output import fields, out, table
from app.domain.payments import PAYMENT_METHODS, payment_label
from app.errors import NotFound
from app.i18n import _
from app.services.checkout import checkouts, plan
from app.services.checkout.checkouts import CheckoutInfo, ReversalInfo
from app.services.checkout.plan import PlanLine


def _plan_table(rows: list[PlanLine]) -> None:
    table(rows, [
        (_("Brand"), lambda p: p.brand), (_("Estimated orders"), lambda p: p.estimate),
        (_("Planned books"), lambda p: p.planned_books), (_("Planned"), lambda p: p.planned_ranges),
        (_("Issued books"), lambda p: p.issued_books), (_("Issued"), lambda p: p.issued_ranges),
        (_("Deposit due"), lambda p: p.deposit_due), (_("Deposit held"), lambda p: p.deposit_held)])


def plan_show(ctx: Context) -> None:
    ctx.emit(plan.plan_view(ctx.actor, ctx.event().id), _plan_table)


def plan_apply(ctx: Context) -> None:
    series_id = ctx.series(ctx.args.series).id if ctx.args.series else None
    ctx.emit(plan.build_plan(ctx.actor, ctx.event().id, series_id), _plan_table)


def plan_set(ctx: Context) -> None:
    series_id = ctx.series(ctx.args.series).id if ctx.args.series else None
    line = plan.set_planned_books(ctx.actor, ctx.event().id, ctx.merchant().id, ctx.args.books,
                                  series_id)
    ctx.emit(line, lambda p: out(_("{brand}: {n} books planned ({ranges}).").format(
        brand=p.brand, n=p.planned_books, ranges=p.planned_ranges or "-")))


def plan_release(ctx: Context) -> None:
    merchant_id = ctx.merchant().id if ctx.args.merchant else None
    n = plan.release_plan(ctx.actor, ctx.event().id, merchant_id)
    out(_("{n} reserved books went back to stock.").format(n=n))


def _checkout_fields(c: CheckoutInfo) -> None:
    fields([(_("Receipt number"), c.receipt_no), (_("Event"), c.event_code),
            (_("Merchant"), c.brand), (_("Books"), len(c.books)), (_("Ranges"), c.ranges),
            (_("Deposit"), c.deposit), (_("Payment method"), payment_label(c.payment_method)),
            (_("Signed by"), c.signed_by), (_("Signed at"), c.signed_at), (_("Clerk"), c.clerk),
            (_("Extra books"), c.extra), (_("Id"), c.id)])


def checkout_issue(ctx: Context) -> None:
    a = ctx.args
    signed_at = local_datetime(a.signed_at) if a.signed_at else None
    info = checkouts.checkout_merchant(ctx.actor, ctx.event().id, ctx.merchant().id, a.signed_by,
                                       a.payment, a.receipt or "", signed_at)
    ctx.emit(info, _said_issued)


def _said_issued(c: CheckoutInfo) -> None:
    out(_("{brand} signed for {n} books ({ranges}); deposit {deposit}, receipt {receipt}.")
        .format(brand=c.brand, n=len(c.books), ranges=c.ranges, deposit=c.deposit,
                receipt=c.receipt_no))


def checkout_extra(ctx: Context) -> None:
    a = ctx.args
    series_id = ctx.series(a.series).id if a.series else None
    info = checkouts.issue_extra_books(ctx.actor, ctx.event().id, ctx.merchant().id, a.books,
                                       a.signed_by, a.payment, a.receipt or "", series_id)
    ctx.emit(info, _said_issued)


def checkout_list(ctx: Context) -> None:
    merchant_id = ctx.merchant().id if ctx.args.merchant else None
    rows = checkouts.list_checkouts(ctx.actor, ctx.event().id, merchant_id)
    ctx.emit(rows, lambda items: table(items, [
        (_("Receipt number"), lambda c: c.receipt_no), (_("Merchant"), lambda c: c.brand),
        (_("Ranges"), lambda c: c.ranges), (_("Deposit"), lambda c: c.deposit),
        (_("Signed at"), lambda c: c.signed_at), (_("Extra books"), lambda c: c.extra),
        (_("Id"), lambda c: c.id)]))


def checkout_show(ctx: Context) -> None:
    wanted = ctx.args.receipt
    for c in checkouts.list_checkouts(ctx.actor, ctx.event().id):
        if wanted in (c.receipt_no, c.id):
            ctx.emit(c, _checkout_fields)
            return
    raise NotFound(_("Event {code} has no checkout with receipt number {receipt}.").format(
        code=ctx.args.event, receipt=wanted[:40]))


def checkout_reverse(ctx: Context) -> None:
    info = checkouts.reverse_issue(ctx.actor, ctx.args.book, ctx.args.reason)
    ctx.emit(info, lambda r: out(_("Book {code} is back in stock; deposit returned: {amount}.")
                                 .format(code=r.book_code, amount=r.deposit_returned)))


def _signing(p: argparse.ArgumentParser) -> None:
    p.add_argument("--signed-by", required=True, help=_("who signs for the books"))
    p.add_argument("--payment", required=True, choices=list(PAYMENT_METHODS),
                   type=coded(PAYMENT_METHODS),
                   help=_("how the deposit is paid"))
    p.add_argument("--receipt", help=_("receipt number (default: the next one)"))


def _event_opt(p: argparse.ArgumentParser, merchant: str = "") -> argparse.ArgumentParser:
    p.add_argument("--event", required=True, help=_("event code"))
    if merchant == "required":
        p.add_argument("--merchant", required=True, help=_("merchant brand"))
    elif merchant == "optional":
        p.add_argument("--merchant", help=_("only this merchant (brand)"))
    return p


def register_commands(tree: Tree) -> None:
    """Add the checkout area's commands."""
    grp = tree.group("plan", _("the requisition plan of an event"))
    _event_opt(grp.command("show", plan_show, _("the requisition table: estimates, books, "
                                                "ranges, deposits"),
                           services=["plan.view"], shape=list[PlanLine]))
    p = _event_opt(grp.command("apply", plan_apply, _("(re)build the plan from the estimates, "
                                                      "books in number order"),
                               services=["plan.build"], shape=list[PlanLine]))
    p.add_argument("--series", help=_("take books from this series prefix"))
    p = _event_opt(grp.command("set", plan_set, _("change how many books one merchant gets"),
                               services=["plan.set_books"], shape=PlanLine), "required")
    p.add_argument("books", type=int, help=_("number of books"))
    p.add_argument("--series", help=_("take books from this series prefix"))
    _event_opt(grp.command("release", plan_release, _("send reserved books back to stock"),
                           services=["plan.release"]), "optional")

    grp = tree.group("checkout", _("books signed out to merchants against their deposit"))
    p = _event_opt(grp.command("issue", checkout_issue, _("issue a merchant's planned books"),
                               services=["checkout.merchant"], shape=CheckoutInfo), "required")
    _signing(p)
    p.add_argument("--signed-at", help=_("when it was signed, YYYY-MM-DD HH:MM (default: now)"))
    p = _event_opt(grp.command("extra", checkout_extra, _("issue more books during the event"),
                               services=["checkout.extra"], shape=CheckoutInfo), "required")
    p.add_argument("--books", type=int, required=True, help=_("number of books"))
    _signing(p)
    p.add_argument("--series", help=_("take books from this series prefix"))
    _event_opt(grp.command("list", checkout_list, _("an event's checkouts"),
                           services=["checkout.list"], shape=list[CheckoutInfo]), "optional")
    p = _event_opt(grp.command("show", checkout_show, _("one checkout with its books"),
                               services=["checkout.list"], shape=CheckoutInfo))
    p.add_argument("receipt", help=_("receipt number or checkout id"))
    p = grp.command("reverse", checkout_reverse, _("take a book issued by mistake back to stock"),
                    services=["checkout.reverse_book"], shape=ReversalInfo)
    p.add_argument("book", help=_("book code or one of its slip numbers"))
    p.add_argument("--reason", required=True, help=_("why"))

    def old_checkouts(p: argparse.ArgumentParser) -> None:
        p.add_argument("event")
        p.set_defaults(merchant=None)

    tree.alias("checkouts", "checkout list", old_checkouts)
