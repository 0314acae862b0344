"""`orderbook series|stock|book …`: number series, blank stock (R1.1–R1.4), finding books."""

from __future__ import annotations

import argparse

from app.cli.core import Context, Tree, UsageError
from app.cli.output import fields, out, table
from app.i18n import _
from app.services.core import books
from app.services.core.books import BookInfo, state_label
from app.services.stock import batches, registration, report
from app.services.stock.batches import BatchInfo
from app.services.stock.registration import Registration, SeriesInfo
from app.services.stock.report import SeriesStock


def series_create(ctx: Context) -> None:
    a = ctx.args
    info = registration.create_series(ctx.actor, a.prefix, a.digits, a.book_size, a.name)
    ctx.emit(info, lambda i: out(_("Series {prefix} created: {digits} digits, {size} slips per "
                                   "book.").format(prefix=i.prefix, digits=i.digits,
                                                    size=i.book_size)))


def _last(s: SeriesInfo) -> str:
    return s.format.format(s.last_number) if s.last_number else "-"


def series_list(ctx: Context) -> None:
    ctx.emit(registration.list_series(ctx.actor), lambda rows: table(rows, [
        (_("Prefix"), lambda s: s.prefix), (_("Digits"), lambda s: s.digits),
        (_("Slips per book"), lambda s: s.book_size), (_("Last registered"), _last),
        (_("Name"), lambda s: s.name)]))


def series_show(ctx: Context) -> None:
    ctx.emit(ctx.series(ctx.args.prefix), lambda s: fields([
        (_("Prefix"), s.prefix), (_("Digits"), s.digits), (_("Slips per book"), s.book_size),
        (_("Last registered"), _last(s)), (_("Name"), s.name)]))


def register(ctx: Context) -> None:
    a = ctx.args
    series = ctx.series(a.prefix)
    if (a.books is None) == (a.range is None):
        raise UsageError(_("Give either --books N or --range FIRST-LAST."))
    if a.books is not None:
        reg = registration.register_next_books(ctx.actor, series.id, a.books)
    else:
        reg = registration.register_range(ctx.actor, series.id, a.range, a.gap_reason or "")
    ctx.emit(reg, _said_registered)


def _said_registered(reg: Registration) -> None:
    out(_("Registered {first}–{last}: {books} books, {slips} slips.").format(
        first=reg.first, last=reg.last, books=reg.books, slips=reg.slips))


def stock_report(ctx: Context) -> None:
    series_id = ctx.series(ctx.args.series).id if ctx.args.series else None
    ctx.emit(report.stock_report(ctx.actor, series_id), _print_report)


def _print_report(items: list[SeriesStock]) -> None:
    for s in items:
        out(_("Series {prefix} ({digits} digits, {size} per book)").format(
            prefix=s.series.prefix, digits=s.series.digits, size=s.series.book_size))
        for r in s.ranges:
            owner = f"{r.event_code} {r.brand}".strip()
            out(f"  {state_label(r.state)}\t{r.first}–{r.last}\t{r.books}\t{r.slips}\t{owner}")
        for state, (count, slips) in s.totals.items():
            out("  " + _("Total {state}: {books} books, {slips} slips").format(
                state=state_label(state), books=count, slips=slips))
        for g in s.gaps:
            out("  " + _("Gap {first}–{last} ({slips} slips): {reason}").format(
                first=g.first, last=g.last, slips=g.slips, reason=g.reason))


def stock_batches(ctx: Context) -> None:
    ctx.emit(batches.list_batches(ctx.actor, ctx.series(ctx.args.prefix).id),
             lambda rows: table(rows, [
                 (_("Id"), lambda b: b.id), (_("First"), lambda b: b.first),
                 (_("Last"), lambda b: b.last), (_("Books"), lambda b: b.books),
                 (_("Registered"), lambda b: b.registered_at),
                 (_("By"), lambda b: b.registered_by), (_("Voided"), lambda b: b.voided),
                 (_("Gap"), lambda b: b.gap)]))


def stock_void(ctx: Context) -> None:
    info = batches.void_registration(ctx.actor, ctx.args.batch_id, ctx.args.reason)
    ctx.emit(info, lambda b: out(_("Registration {first}–{last} voided.").format(
        first=b.first, last=b.last)))


def _book_fields(b: BookInfo) -> None:
    fields([(_("Book"), b.code), (_("First"), b.first), (_("Last"), b.last),
            (_("Slips"), b.slips), (_("State"), state_label(b.state)),
            (_("Event"), b.event_code), (_("Merchant"), b.brand)])


def book_show(ctx: Context) -> None:
    ctx.emit(books.find_book(ctx.actor, ctx.args.code), _book_fields)


def book_list(ctx: Context) -> None:
    event = ctx.event()
    merchant_id = ctx.merchant().id if ctx.args.merchant else None
    ctx.emit(books.list_event_books(ctx.actor, event.id, merchant_id), lambda rows: table(rows, [
        (_("Book"), lambda b: b.code), (_("State"), lambda b: state_label(b.state)),
        (_("Merchant"), lambda b: b.brand)]))


def _register_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("prefix", help=_("series prefix, e.g. BJ"))
    p.add_argument("--books", type=int, help=_("register the next N books"))
    p.add_argument("--range", help=_("register an explicit range, e.g. BJ0002001-BJ0003000"))
    p.add_argument("--gap-reason", help=_("why numbers before the range are skipped"))


def _series_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("prefix", help=_("series prefix, e.g. BJ"))
    p.add_argument("--digits", type=int, default=7, help=_("digits after the prefix"))
    p.add_argument("--book-size", type=int, default=50, help=_("slips per book"))
    p.add_argument("--name", default="", help=_("a name for the series"))


def register_commands(tree: Tree) -> None:
    """Add the stock area's commands."""
    series = tree.group("series", _("number series: create, list, show"))
    _series_args(series.command("create", series_create, _("create a number series"),
                                services=["stock.create_series"], shape=SeriesInfo))
    series.command("list", series_list, _("list the number series"),
                   services=["stock.list_series"], shape=list[SeriesInfo])
    series.command("show", series_show, _("show one number series"),
                   services=["stock.find_series"], shape=SeriesInfo).add_argument(
        "prefix", help=_("series prefix, e.g. BJ"))

    stock = tree.group("stock", _("blank stock: register, report, batches, void a batch"))
    _register_args(stock.command("register", register, _("register blank stock"),
                                 services=["stock.register_next", "stock.register_range"],
                                 shape=Registration))
    stock.command("report", stock_report, _("the stock report: ranges by state, totals, gaps"),
                  services=["stock.report"], shape=list[SeriesStock]).add_argument(
        "--series", help=_("only this series prefix"))
    stock.command("batches", stock_batches, _("a series' registrations, newest first"),
                  services=["stock.list_batches"], shape=list[BatchInfo]).add_argument(
        "prefix", help=_("series prefix, e.g. BJ"))
    p = stock.command("void-batch", stock_void, _("void a registration made by mistake"),
                      services=["stock.void_registration"], shape=BatchInfo)
    p.add_argument("batch_id", help=_("the batch id (see `stock batches`)"))
    p.add_argument("--reason", required=True, help=_("why it is voided"))

    book = tree.group("book", _("order books: find one by code or slip number, list an event's"))
    book.command("show", book_show, _("the book holding a code or slip number"),
                 services=["books.find"], shape=BookInfo).add_argument(
        "code", help=_("book code or slip number, e.g. BJ0000017"))
    p = book.command("list", book_list, _("an event's planned and issued books"),
                     services=["books.list_event"], shape=list[BookInfo])
    p.add_argument("--event", help=_("event code"))
    p.add_argument("--merchant", help=_("only this merchant's books (brand)"))

    tree.alias("series-create", "series create", _series_args)
    tree.alias("series-list", "series list", lambda p: None)
    tree.alias("register", "stock register", _register_args)
    tree.alias("stock-report", "stock report",
               lambda p: p.add_argument("--series", help=argparse.SUPPRESS))
