"""`orderbook event|merchant|estimate …`: events, merchants, their estimated orders (the input
of the requisition plan, R2.1), and the merchant workbook (Excel import and template)."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.core import Context, Tree
from app.cli.output import fields, out, table
from app.i18n import _
from app.services.events import events, excel_io, excel_template, merchants
from app.services.events.events import EstimateInfo, EventInfo, kind_label
from app.services.events.excel_io import ImportSummary
from app.services.events.merchants import MerchantInfo


def _event_fields(e: EventInfo) -> None:
    fields([(_("Event code"), e.code), (_("Event name"), e.name), (_("Kind"), kind_label(e.kind)),
            (_("Dates"), f"{e.start_date} – {e.end_date}"), (_("Venue"), e.venue),
            (_("Category managers"), e.managers), (_("Deposit per book"), e.deposit_per_book),
            (_("Fine per missing slip"), e.fine_per_slip)])


def event_create(ctx: Context) -> None:
    a = ctx.args
    info = events.create_event(ctx.actor, a.code, a.name, a.kind, a.start, a.end or a.start,
                               a.venue or "", a.manager or [], a.deposit, a.fine)
    ctx.emit(info, lambda e: out(_("Event {code} created.").format(code=e.code)))


def event_update(ctx: Context) -> None:
    a = ctx.args
    e = ctx.event(a.code)
    info = events.update_event(
        ctx.actor, e.id, a.new_code or e.code, a.name or e.name, a.kind or e.kind,
        a.start or e.start_date, a.end or e.end_date, e.venue if a.venue is None else a.venue,
        list(e.managers) if a.manager is None else a.manager,
        a.deposit if a.deposit is not None else e.deposit_per_book,
        a.fine if a.fine is not None else e.fine_per_slip)
    ctx.emit(info, lambda i: out(_("Event {code} changed.").format(code=i.code)))


def event_list(ctx: Context) -> None:
    ctx.emit(events.list_events(ctx.actor), lambda rows: table(rows, [
        (_("Event code"), lambda e: e.code), (_("Event name"), lambda e: e.name),
        (_("Kind"), lambda e: kind_label(e.kind)), (_("Start"), lambda e: e.start_date),
        (_("End"), lambda e: e.end_date), (_("Venue"), lambda e: e.venue)]))


def event_show(ctx: Context) -> None:
    ctx.emit(ctx.event(ctx.args.code), _event_fields)


def _merchant_fields(m: MerchantInfo) -> None:
    fields([(_("Brand"), m.brand), (_("Company"), m.company), (_("Category"), m.category),
            (_("Category manager"), m.category_manager), (_("Contact"), m.contact),
            (_("Phone"), m.phone), (_("Commission %"), m.commission_percent)])


def merchant_add(ctx: Context) -> None:
    a = ctx.args
    info = merchants.create_merchant(ctx.actor, a.brand, a.company or "", a.category or "",
                                     a.manager or "", a.contact or "", a.phone or "",
                                     a.commission or "0")
    ctx.emit(info, lambda m: out(_("Merchant {brand} added.").format(brand=m.brand)))


def merchant_update(ctx: Context) -> None:
    a = ctx.args
    changes = {key: value for key, value in (
        ("brand", a.new_brand), ("company", a.company), ("category", a.category),
        ("category_manager", a.manager), ("contact", a.contact), ("phone", a.phone),
        ("commission_percent", a.commission)) if value is not None}
    info = merchants.update_merchant(ctx.actor, ctx.merchant(a.brand).id, **changes)
    ctx.emit(info, lambda m: out(_("Merchant {brand} changed.").format(brand=m.brand)))


def merchant_list(ctx: Context) -> None:
    ctx.emit(merchants.list_merchants(ctx.actor, ctx.args.search or ""), lambda rows: table(rows, [
        (_("Brand"), lambda m: m.brand), (_("Category"), lambda m: m.category),
        (_("Category manager"), lambda m: m.category_manager), (_("Company"), lambda m: m.company),
        (_("Phone"), lambda m: m.phone), (_("Commission %"), lambda m: m.commission_percent)]))


def merchant_show(ctx: Context) -> None:
    ctx.emit(ctx.merchant(ctx.args.brand), _merchant_fields)


def merchant_import(ctx: Context) -> None:
    summary = excel_io.import_workbook(ctx.actor, Path(ctx.args.path))
    ctx.emit(summary, lambda s: out(s.describe()))


def merchant_template(ctx: Context) -> None:
    event_id = ctx.event().id if ctx.args.event else None
    path = excel_template.export_template(ctx.actor, Path(ctx.args.output), event_id)
    out(_("Written: {path}").format(path=path))


def estimate_set(ctx: Context) -> None:
    e, m = ctx.event(), ctx.merchant()
    info = events.set_estimate(ctx.actor, e.id, m.id, ctx.args.orders)
    ctx.emit(info, lambda i: out(_("{brand}: {n} orders estimated for {code}.").format(
        brand=i.brand, n=i.estimate, code=e.code)))


def estimate_list(ctx: Context) -> None:
    ctx.emit(events.list_estimates(ctx.actor, ctx.event().id), lambda rows: table(rows, [
        (_("Brand"), lambda i: i.brand), (_("Category"), lambda i: i.category),
        (_("Category manager"), lambda i: i.category_manager),
        (_("Estimated orders"), lambda i: i.estimate)]))


def estimate_remove(ctx: Context) -> None:
    e, m = ctx.event(), ctx.merchant()
    released = events.remove_merchant_from_event(ctx.actor, e.id, m.id)
    out(_("{brand} is no longer on {code}; {n} reserved books went back to stock.").format(
        brand=m.brand, code=e.code, n=released))


def _event_args(p: argparse.ArgumentParser, *, new: bool) -> None:
    p.add_argument("code", help=_("event code, e.g. 2026-SH-01"))
    if not new:
        p.add_argument("--new-code", help=_("a new event code"))
    p.add_argument("--name", required=new, help=_("event name"))
    p.add_argument("--kind", required=new, help=_("装大 (expo), 专场 (special) or 卖场 (store)"))
    p.add_argument("--start", required=new, help=_("first day, YYYY-MM-DD"))
    p.add_argument("--end", help=_("last day, YYYY-MM-DD (default: the first day)"))
    p.add_argument("--venue", help=_("venue"))
    p.add_argument("--manager", action="append", help=_("a category manager (repeat for more)"))
    p.add_argument("--deposit", help=_("deposit per book (default: the settings, ¥200)"))
    p.add_argument("--fine", help=_("fine per missing slip (default: the settings, ¥100)"))


def _merchant_args(p: argparse.ArgumentParser, *, new: bool) -> None:
    p.add_argument("brand", help=_("brand, e.g. 安信地板"))
    if not new:
        p.add_argument("--new-brand", help=_("a new brand name"))
    p.add_argument("--company", help=_("company name"))
    p.add_argument("--category", help=_("category, e.g. 地板"))
    p.add_argument("--manager", help=_("category manager"))
    p.add_argument("--contact", help=_("contact person"))
    p.add_argument("--phone", help=_("phone"))
    p.add_argument("--commission", help=_("commission in percent, e.g. 3 or 2.5"))


def _event_merchant(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    p.add_argument("--event", required=True, help=_("event code"))
    p.add_argument("--merchant", required=True, help=_("merchant brand"))
    return p


def register_commands(tree: Tree) -> None:
    """Add the events area's commands."""
    event = tree.group("event", _("events: create, change, list, show, status"))
    _event_args(event.command("create", event_create, _("create an event"),
                              services=["events.create"], shape=EventInfo), new=True)
    _event_args(event.command("update", event_update, _("change an event (options given only)"),
                              services=["events.find", "events.update"], shape=EventInfo),
                new=False)
    event.command("list", event_list, _("all events, newest first"), services=["events.list"],
                  shape=list[EventInfo])
    event.command("show", event_show, _("one event"), services=["events.find"],
                  shape=EventInfo).add_argument("code", help=_("event code"))

    merchant = tree.group("merchant", _("merchants: add, change, list, show, Excel import"))
    _merchant_args(merchant.command("add", merchant_add, _("add a merchant"),
                                    services=["merchants.create"], shape=MerchantInfo), new=True)
    _merchant_args(merchant.command("update", merchant_update, _("change a merchant"),
                                    services=["merchants.update"], shape=MerchantInfo), new=False)
    merchant.command("list", merchant_list, _("all merchants"), services=["merchants.list"],
                     shape=list[MerchantInfo]).add_argument(
        "--search", help=_("only brands or companies containing this text"))
    merchant.command("show", merchant_show, _("one merchant"), services=["merchants.find"],
                     shape=MerchantInfo).add_argument("brand", help=_("merchant brand"))
    merchant.command("import", merchant_import, _("import merchants and estimates from an Excel "
                                                  "file, all or nothing"),
                     services=["excel.import"], shape=ImportSummary).add_argument(
        "path", help=_("the .xlsx file"))
    p = merchant.command("template", merchant_template, _("write the Excel import template"),
                         services=["excel.template"])
    p.add_argument("output", help=_("the .xlsx file to write"))
    p.add_argument("--event", help=_("pre-fill the estimates sheet for this event code"))

    estimate = tree.group("estimate", _("estimated orders of an event's merchants"))
    p = _event_merchant(estimate.command("set", estimate_set, _(
        "set a merchant's estimated orders (adds it to the event)"),
        services=["events.set_estimate"], shape=EstimateInfo))
    p.add_argument("orders", help=_("estimated orders, a whole number"))
    estimate.command("list", estimate_list, _("the event's merchants and estimates"),
                     services=["events.estimates"], shape=list[EstimateInfo]).add_argument(
        "--event", required=True, help=_("event code"))
    _event_merchant(estimate.command("remove", estimate_remove, _(
        "take a merchant off an event (its reserved books go back to stock)"),
        services=["events.remove_merchant"]))

    def template_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("output")
        p.add_argument("--event")

    tree.alias("template", "merchant template", template_args)
    tree.alias("import", "merchant import", lambda p: p.add_argument("path"))
