"""`orderbook chase|deposit|seal|archive …`: after the return check — missing slips chased,
recovered or written off and fined (R3.3, R3.4), deposits closed out (R3.5), voids sealed
(R3.6), the event archived (R3.7)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.cli.core import Context, Tree, UsageError, coded
from app.cli.output import fields, out, table
from app.domain.payments import PAYMENT_METHODS, payment_label
from app.domain.returns import RECOVERED_STATES, STATE_LABELS
from app.i18n import _
from app.services.returns import archive, chase, deposits, seals
from app.services.returns.archive import ArchiveBag, EventStatus
from app.services.returns.chase import ChaseItem, MerchantFines
from app.services.returns.deposits import DepositStatus
from app.services.returns.seals import SealInfo
from app.services.returns.slips import state_label


def _slips(ctx: Context) -> tuple[Any, str, Any]:
    """The event, the typed numbers and the merchant they belong to."""
    event = ctx.event()
    numbers = " ".join(ctx.args.numbers)
    return event, numbers, ctx.merchant_of_numbers(event, numbers)


def chase_list(ctx: Context) -> None:
    a = ctx.args
    event_id = ctx.event().id if a.event else None
    rows = chase.chase_list(ctx.actor, event_id, a.manager, a.written_off)
    ctx.emit(rows, lambda items: table(items, [
        (_("Slip"), lambda c: c.number), (_("Event"), lambda c: c.event_code),
        (_("Merchant"), lambda c: c.brand), (_("Category manager"), lambda c: c.manager),
        (_("Due"), lambda c: c.due), (_("Overdue"), lambda c: c.overdue),
        (_("State"), lambda c: state_label(c.state))], _("No missing slips.")))


def chase_assign(ctx: Context) -> None:
    event, numbers, merchant = _slips(ctx)
    n = chase.assign_chase(ctx.actor, event.id, merchant.id, numbers, ctx.args.manager,
                           ctx.args.due)
    out(_("{n} slips of {brand} are chased by {manager}, due {due}.").format(
        n=n, brand=merchant.brand, manager=ctx.args.manager, due=ctx.args.due))


def chase_recover(ctx: Context) -> None:
    event, numbers, merchant = _slips(ctx)
    n = chase.recover_slips(ctx.actor, event.id, merchant.id, numbers, ctx.args.state)
    out(_("{n} slips of {brand} recovered as {state}.").format(
        n=n, brand=merchant.brand, state=state_label(ctx.args.state)))


def _fines_said(f: MerchantFines, brand: str) -> None:
    out(_("Fines of {brand}: {n} slips × {per} = {total}.").format(
        brand=brand, n=len(f.slips), per=f.per_slip, total=f.total))


def _fining(change: Callable[..., MerchantFines]) -> Callable[[Context], None]:
    """A command that writes off slips or takes a write-off back, then tells the fines."""
    def run(ctx: Context) -> None:
        event, numbers, merchant = _slips(ctx)
        fines = change(ctx.actor, event.id, merchant.id, numbers, ctx.args.reason)
        ctx.emit(fines, lambda f: _fines_said(f, merchant.brand))
    return run


def chase_fines(ctx: Context) -> None:
    merchant = ctx.merchant()

    def said(fines: MerchantFines) -> None:
        _fines_said(fines, merchant.brand)
        out("  " + ", ".join(fines.slips))

    ctx.emit(chase.get_fines(ctx.actor, ctx.event().id, merchant.id), said)


def _deposit_fields(d: DepositStatus) -> None:
    fields([(_("Merchant"), d.brand), (_("Deposit"), d.deposit), (_("Fines"), d.fines),
            (_("Missing"), d.missing), (_("Return closed"), d.return_closed),
            (_("Refund"), d.refund), (_("Shortfall"), d.shortfall),
            (_("Closed out"), d.closed_out), (_("Receipt number"), d.receipt_no),
            (_("Payment method"), payment_label(d.payment_method) if d.payment_method else ""),
            (_("Received by"), d.received_by), (_("Closed at"), d.closed_at)])


def deposit_list(ctx: Context) -> None:
    ctx.emit(deposits.list_deposit_status(ctx.actor, ctx.event().id), lambda rows: table(rows, [
        (_("Merchant"), lambda d: d.brand), (_("Deposit"), lambda d: d.deposit),
        (_("Fines"), lambda d: d.fines), (_("Missing"), lambda d: d.missing),
        (_("Refund"), lambda d: d.refund), (_("Shortfall"), lambda d: d.shortfall),
        (_("Closed out"), lambda d: d.closed_out), (_("Receipt number"), lambda d: d.receipt_no)]))


def deposit_show(ctx: Context) -> None:
    ctx.emit(deposits.get_deposit_status(ctx.actor, ctx.event().id, ctx.merchant().id),
             _deposit_fields)


def deposit_close_out(ctx: Context) -> None:
    a = ctx.args
    status = deposits.close_out_deposit(ctx.actor, ctx.event().id, ctx.merchant().id, a.payment,
                                        a.received_by, a.receipt or "")
    ctx.emit(status, lambda d: out(_(
        "Deposit of {brand} closed out: refund {refund}, shortfall {shortfall}, receipt "
        "{receipt}.").format(brand=d.brand, refund=d.refund, shortfall=d.shortfall,
                             receipt=d.receipt_no)))


def deposit_reverse(ctx: Context) -> None:
    status = deposits.reverse_close_out(ctx.actor, ctx.event().id, ctx.merchant().id,
                                        ctx.args.reason)
    ctx.emit(status, lambda d: out(_("The close-out of {brand} is reversed; its deposit of "
                                     "{deposit} is held again.").format(brand=d.brand,
                                                                       deposit=d.deposit)))


def _seal_fields(s: SealInfo) -> None:
    fields([(_("Seal number"), s.seal_no), (_("Event"), s.event_code), (_("Slips"), s.count),
            (_("Ranges"), s.ranges), (_("Sealed by"), s.sealed_by), (_("Sealed at"), s.sealed_at)])


def seal_unsealed(ctx: Context) -> None:
    ctx.emit(seals.unsealed_voids(ctx.actor, ctx.event().id),
             lambda rows: out(", ".join(rows) if rows else _("No unsealed void slips.")))


def seal_create(ctx: Context) -> None:
    a = ctx.args
    if bool(a.numbers) == a.all:
        raise UsageError(_("Give the void slips to seal, or --all for every unsealed void."))
    info = seals.seal_voids(ctx.actor, ctx.event().id, a.seal_no,
                            None if a.all else " ".join(a.numbers), a.note or "")
    ctx.emit(info, lambda s: out(_("Seal {seal}: {n} void slips sealed ({ranges}).").format(
        seal=s.seal_no, n=s.count, ranges=s.ranges)))


def seal_list(ctx: Context) -> None:
    ctx.emit(seals.list_seals(ctx.actor, ctx.event().id), lambda rows: table(rows, [
        (_("Seal number"), lambda s: s.seal_no), (_("Slips"), lambda s: s.count),
        (_("Ranges"), lambda s: s.ranges), (_("Sealed at"), lambda s: s.sealed_at)]))


def seal_show(ctx: Context) -> None:
    ctx.emit(seals.get_seal(ctx.actor, ctx.args.seal_no), _seal_fields)


def seal_label(ctx: Context) -> None:
    from app.reports.registry import write_report  # reportlab loads only when printing

    a = ctx.args
    params = {"seal_id": a.seal_no, "a4": a.a4}
    path = write_report(ctx.actor, "seal_label", Path(a.output), **params)
    out(_("Written: {path}").format(path=path))


def _status_fields(s: EventStatus) -> None:
    from app.cli.returns import counts_line

    fields([(_("Event state"), s.label), (_("Slips"), counts_line(s.totals)),
            (_("Archived by"), s.archived_by), (_("Archived at"), s.archived_at)])
    for line in s.blockers:
        out("  - " + line)


def archive_status(ctx: Context) -> None:
    ctx.emit(archive.event_status(ctx.actor, ctx.event().id), _status_fields)


def archive_run(ctx: Context) -> None:
    status = archive.archive_event(ctx.actor, ctx.event().id, ctx.args.note or "")
    ctx.emit(status, lambda s: out(_("Event {code} is archived.").format(code=ctx.args.event)))


def _bag(bag: ArchiveBag) -> None:
    table(bag.lines, [(_("Brand"), lambda line: line.brand),
                      (_("Slips"), lambda line: line.slips),
                      (_("Ranges"), lambda line: line.ranges)])
    out(_("Total slips: {n}").format(n=bag.total_slips))


def archive_bag(ctx: Context) -> None:
    ctx.emit(archive.archive_bag(ctx.actor, ctx.event().id), _bag)


def archive_label(ctx: Context) -> None:
    from app.reports.registry import write_report

    path = write_report(ctx.actor, "archive_label", Path(ctx.args.output),
                        event_id=ctx.event().id)
    out(_("Written: {path}").format(path=path))


def _event(p: argparse.ArgumentParser, merchant: str = "") -> argparse.ArgumentParser:
    p.add_argument("--event", required=merchant != "none", help=_("event code"))
    if merchant == "required":
        p.add_argument("--merchant", required=True, help=_("merchant brand"))
    elif merchant == "optional":
        p.add_argument("--merchant", help=_("merchant brand (default: the owner of the first "
                                            "full number)"))
    return p


def _numbers_arg(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    p.add_argument("numbers", nargs="+", help=_("slip numbers, lists and ranges"))
    return p


def _register_chase(tree: Tree) -> None:
    grp = tree.group("chase", _("missing slips: chase list, recovery, write-off and fines"))
    p = _event(grp.command("list", chase_list, _("missing slips being chased"),
                           services=["chase.list"], shape=list[ChaseItem]), "none")
    p.add_argument("--manager", help=_("only this category manager's"))
    p.add_argument("--written-off", action="store_true", help=_("include written-off slips"))
    p = _numbers_arg(_event(grp.command("assign", chase_assign, _(
        "name who chases missing slips and by when"), services=["chase.assign"]), "optional"))
    p.add_argument("--manager", required=True, help=_("category manager"))
    p.add_argument("--due", required=True, help=_("due date, YYYY-MM-DD"))
    p = _numbers_arg(_event(grp.command("recover", chase_recover, _(
        "missing slips found again, with their state"), services=["chase.recover"]),
        "optional"))
    p.add_argument("--state", required=True, choices=RECOVERED_STATES,
                   type=coded(STATE_LABELS),
                   help=_("used, unused or void"))
    for verb, func, text, service in (
            ("write-off", _fining(lambda *a: chase.write_off(*a)),
             _("write off missing slips and fine them"), "chase.write_off"),
            ("reinstate", _fining(lambda *a: chase.reverse_write_off(*a)),
             _("take back a write-off made by mistake"), "chase.reverse_write_off")):
        p = _numbers_arg(_event(grp.command(verb, func, text, services=[service],
                                      shape=MerchantFines), "optional"))
        p.add_argument("--reason", required=True, help=_("why"))
    _event(grp.command("fines", chase_fines, _("a merchant's fines for an event"),
                       services=["chase.fines"], shape=MerchantFines), "required")


def _register_deposits(tree: Tree) -> None:
    grp = tree.group("deposit", _("deposits after the return: refund or shortfall"))
    _event(grp.command("list", deposit_list, _("every merchant's deposit, fines and refund"),
                       services=["deposits.list"], shape=list[DepositStatus]))
    _event(grp.command("show", deposit_show, _("one merchant's deposit"),
                       services=["deposits.status"], shape=DepositStatus), "required")
    p = _event(grp.command("close-out", deposit_close_out, _(
        "refund deposit − fines (or record the shortfall)"), services=["deposits.close_out"],
        shape=DepositStatus), "required")
    p.add_argument("--payment", required=True, choices=list(PAYMENT_METHODS),
                   type=coded(PAYMENT_METHODS),
                   help=_("how the refund is paid"))
    p.add_argument("--received-by", required=True, help=_("who receives the refund"))
    p.add_argument("--receipt", help=_("receipt number (default: the next one)"))
    p = _event(grp.command("reverse", deposit_reverse, _("reverse a close-out made by mistake"),
                           services=["deposits.reverse_close_out"], shape=DepositStatus),
               "required")
    p.add_argument("--reason", required=True, help=_("why"))


def _register_seals(tree: Tree) -> None:
    grp = tree.group("seal", _("void slips sealed in batches"))
    _event(grp.command("unsealed", seal_unsealed, _("void slips not sealed yet"),
                       services=["seals.unsealed"], shape=list[str]))
    p = _event(grp.command("create", seal_create, _("seal void slips under a seal number"),
                           services=["seals.seal"], shape=SealInfo))
    p.add_argument("--seal", dest="seal_no", required=True, help=_(
        "the seal number (an option, so a slip number typed first is never taken for it)"))
    p.add_argument("numbers", nargs="*", help=_("void slips to seal"))
    p.add_argument("--all", action="store_true", help=_("every unsealed void of the event"))
    p.add_argument("--note", help=_("a note"))
    _event(grp.command("list", seal_list, _("the event's seal batches"), services=["seals.list"],
                       shape=list[SealInfo]))
    grp.command("show", seal_show, _("one seal batch"), services=["seals.get"],
                shape=SealInfo).add_argument("seal_no", help=_("the seal number"))
    p = grp.command("label", seal_label, _("write a seal batch's label (PDF)"))
    p.add_argument("seal_no", help=_("the seal number"))
    p.add_argument("output", help=_("the .pdf file to write"))
    p.add_argument("--a4", action="store_true", help=_("on one A4 page instead of 60 × 40 mm"))


def _register_archive(tree: Tree) -> None:
    grp = tree.group("archive", _("the event's stage and archive"))
    _event(grp.command("status", archive_status, _("where the event stands and what blocks it"),
                       services=["events.status"], shape=EventStatus))
    p = _event(grp.command("run", archive_run, _("archive the event once nothing is unresolved"),
                           services=["events.archive"], shape=EventStatus))
    p.add_argument("--note", help=_("a note"))
    _event(grp.command("bag", archive_bag, _("the archive-bag label's lines: slips and ranges "
                                             "per brand"),
                       services=["events.archive_bag"], shape=ArchiveBag))
    p = _event(grp.command("label", archive_label, _("write the archive-bag label (PDF)")))
    p.add_argument("output", help=_("the .pdf file to write"))
    event = tree.group("event", _("events: create, change, list, show, status"))
    _event(event.command("status", archive_status, _("where the event stands and what blocks it"),
                         services=["events.status"], shape=EventStatus))


def register_commands(tree: Tree) -> None:
    """Add the commands after the return check."""
    _register_chase(tree)
    _register_deposits(tree)
    _register_seals(tree)
    _register_archive(tree)
