"""`orderbook return|slip …`: the return check after an event (R3.1, R3.2) and one slip's
history. Chase and fines, deposits, seals and the archive are in `app.cli.returns_after`.

Numbers are typed as on the return screen: full numbers or book codes, lists and ranges
(``BJ0000017, 0000088``, ``10-12, 60``; short numbers mean the merchant's series). Without
--merchant the merchant is the one whose book holds the first full number, as when a book is
scanned.
"""

from __future__ import annotations

import argparse
import re

from app.cli.core import Context, Tree, coded
from app.cli.output import fields, out, table
from app.domain.numbers import SeriesFormat, format_ranges, ranges_from_numbers
from app.domain.returns import NOT_ENTERED, RETURN_STATES, STATE_LABELS, Counts
from app.i18n import _
from app.services.returns import entry, reconciliation, slip_details, slip_history
from app.services.returns.entry import BookReturn, StepInfo
from app.services.returns.reconciliation import Reconciliation
from app.services.returns.slip_details import SlipInfo
from app.services.returns.slip_history import SlipHistory
from app.services.returns.slips import state_label


def counts_line(c: Counts) -> str:
    """``issued 150 = used 97 + unused 45 + void 5 + missing 3`` (+ not entered)."""
    text = _("issued {issued} = used {used} + unused {unused} + void {void} + missing "
             "{missing}").format(issued=c.issued, used=c.used, unused=c.unused, void=c.void,
                                 missing=c.missing_total)
    if c.not_entered:
        text += " " + _("+ not entered {n}").format(n=c.not_entered)
    return text


def _numbers(ctx: Context) -> str:
    return " ".join(ctx.args.numbers)


def return_enter(ctx: Context) -> None:
    event = ctx.event()
    numbers = _numbers(ctx)
    merchant = ctx.merchant_of_numbers(event, numbers)
    n = entry.mark_slips(ctx.actor, event.id, merchant.id, numbers, ctx.args.state)
    counts = entry.get_merchant_counts(ctx.actor, event.id, merchant.id)
    ctx.emit(counts, lambda c: out(_("{brand}: {n} slips entered as {state}. {line}").format(
        brand=merchant.brand, n=n, state=state_label(ctx.args.state), line=counts_line(c))))


def return_remaining(ctx: Context) -> None:
    event = ctx.event()
    merchant = ctx.merchant_of_numbers(event, ctx.args.book)
    n = entry.mark_remaining(ctx.actor, event.id, merchant.id, ctx.args.book, ctx.args.state)
    counts = entry.get_merchant_counts(ctx.actor, event.id, merchant.id)
    ctx.emit(counts, lambda c: out(_("{brand}: the {n} remaining slips of the book entered as "
                                     "{state}. {line}").format(
        brand=merchant.brand, n=n, state=state_label(ctx.args.state), line=counts_line(c))))


def return_undo(ctx: Context) -> None:
    step = entry.undo_last(ctx.actor, ctx.event().id, ctx.merchant().id)
    ctx.emit(step, lambda s: out(_("Undone: {numbers} as {state}.").format(
        numbers=s.numbers, state=state_label(s.state))))


def return_close(ctx: Context) -> None:
    event, merchant = ctx.event(), ctx.merchant()
    counts = entry.close_return(ctx.actor, event.id, merchant.id)
    ctx.emit(counts, lambda c: out(_("The return of {brand} is closed: {line}.").format(
        brand=merchant.brand, line=counts_line(c))))


def return_show(ctx: Context) -> None:
    counts = entry.get_merchant_counts(ctx.actor, ctx.event().id, ctx.merchant().id)
    ctx.emit(counts, lambda c: fields([
        (_("Issued"), c.issued), (_("Used"), c.used), (_("Unused"), c.unused),
        (_("Void"), c.void), (_("Missing"), c.missing), (_("Written off"), c.written_off),
        (_("Not entered"), c.not_entered), (_("Adds up"), c.balanced)]))


def return_steps(ctx: Context) -> None:
    ctx.emit(entry.list_steps(ctx.actor, ctx.event().id, ctx.merchant().id), lambda rows: table(
        rows, [(_("Step"), lambda s: s.seq), (_("State"), lambda s: state_label(s.state)),
               (_("Slips"), lambda s: s.count), (_("Numbers"), lambda s: s.numbers),
               (_("By"), lambda s: s.by), (_("At"), lambda s: s.at),
               (_("Undone"), lambda s: s.undone)]))


def _format_of(book: BookReturn) -> SeriesFormat:
    prefix = re.match(r"[A-Z]*", book.book.first).group()  # type: ignore[union-attr]
    return SeriesFormat(prefix, len(book.book.first) - len(prefix))


def _book_states(book: BookReturn) -> None:
    fmt = _format_of(book)
    fields([(_("Book"), book.book.code), (_("Merchant"), book.brand),
            (_("This book"), counts_line(book.counts)),
            (_("The merchant"), counts_line(book.merchant_counts))])
    for state in (*RETURN_STATES, "written_off", NOT_ENTERED):
        numbers = [book.first_no + i for i, s in enumerate(book.states) if s == state]
        if numbers:
            out(f"  {state_label(state)}: "
                f"{format_ranges(ranges_from_numbers(numbers), fmt)}")


def return_book(ctx: Context) -> None:
    merchant_id = ctx.merchant().id if ctx.args.merchant else None
    ctx.emit(entry.open_book(ctx.actor, ctx.event().id, ctx.args.code, merchant_id), _book_states)


def _recon(r: Reconciliation) -> None:
    columns = [(_("Brand"), lambda line: line[0]), (_("Issued"), lambda line: line[1].issued),
               (_("Used"), lambda line: line[1].used), (_("Unused"), lambda line: line[1].unused),
               (_("Void"), lambda line: line[1].void),
               (_("Missing"), lambda line: line[1].missing_total),
               (_("Not entered"), lambda line: line[1].not_entered)]
    table([(line.brand, line.counts) for line in r.lines] + [(_("Total"), r.total)], columns)
    out(_("Audit anchor: {hash}").format(hash=r.audit_head))


def return_reconcile(ctx: Context) -> None:
    ctx.emit(reconciliation.reconciliation(ctx.actor, ctx.event().id), _recon)


def return_details(ctx: Context) -> None:
    a = ctx.args
    now = slip_details.get_slip(ctx.actor, a.number)  # an option left out keeps its value
    info = slip_details.set_slip_details(
        ctx.actor, a.number, now.customer_name if a.customer is None else a.customer,
        now.customer_phone if a.phone is None else a.phone,
        now.deal if a.deal is None else a.deal,
        now.customer_deposit if a.deposit is None else a.deposit)
    ctx.emit(info, lambda s: out(_("Details of {number} saved.").format(number=s.number)))


def slip_show(ctx: Context) -> None:
    ctx.emit(slip_history.slip_history(ctx.actor, ctx.args.number), _history)


def _history(h: SlipHistory) -> None:
    pairs: list[tuple[str, object]] = [
        (_("Slip"), h.number), (_("State"), h.state_label), (_("Book"), h.book),
             (_("Event"), h.event_code), (_("Merchant"), h.brand)]
    if h.details is not None:
        pairs += _detail_pairs(h.details)
    fields(pairs)
    table(h.lines, [(_("At"), lambda line: line.at), (_("By"), lambda line: line.by),
                    (_("What happened"), lambda line: line.what)])


def _detail_pairs(s: SlipInfo) -> list[tuple[str, object]]:
    return [(_("Customer"), s.customer_name), (_("Phone"), s.customer_phone),
            (_("Deal amount"), s.deal), (_("Customer deposit"), s.customer_deposit),
            (_("Seal batch"), s.seal_no), (_("Chased by"), s.chase_manager),
            (_("Recovered"), s.recovered), (_("Write-off reason"), s.write_off_reason)]


def _event_merchant(p: argparse.ArgumentParser, merchant: str = "required"
                    ) -> argparse.ArgumentParser:
    p.add_argument("--event", required=True, help=_("event code"))
    if merchant == "required":
        p.add_argument("--merchant", required=True, help=_("merchant brand"))
    else:
        p.add_argument("--merchant", help=_("merchant brand (default: the owner of the first "
                                            "full number)"))
    return p


def _state(p: argparse.ArgumentParser, states: tuple[str, ...] = RETURN_STATES) -> None:
    p.add_argument("--state", required=True, choices=states, type=coded(STATE_LABELS),
                   help=_("used, unused, void or missing"))


def register_commands(tree: Tree) -> None:
    """Add the return check's commands."""
    grp = tree.group("return", _("the return check after an event"))
    p = _event_merchant(grp.command("enter", return_enter, _(
        "enter returned slips with their state: numbers, lists, ranges, book codes"),
        services=["returns.mark", "returns.merchant_counts"], shape=Counts), "optional")
    _state(p)
    p.add_argument("numbers", nargs="+", help=_("e.g. BJ0000017, 0000088 or 10-12 60"))
    p = _event_merchant(grp.command("remaining", return_remaining, _(
        "enter every slip of a book not entered yet (e.g. all remaining used)"),
        services=["returns.remaining", "returns.merchant_counts"], shape=Counts), "optional")
    _state(p)
    p.add_argument("--book", required=True, help=_("book code or one of its slip numbers"))
    _event_merchant(grp.command("undo", return_undo, _("undo the merchant's last entry"),
                                services=["returns.undo"], shape=StepInfo))
    _event_merchant(grp.command("close", return_close, _(
        "close the merchant's return; missing slips go on the chase list"),
        services=["returns.close"], shape=Counts))
    _event_merchant(grp.command("show", return_show, _("the merchant's counts"),
                                services=["returns.merchant_counts"], shape=Counts))
    _event_merchant(grp.command("steps", return_steps, _("the merchant's entries, newest first"),
                                services=["returns.steps"], shape=list[StepInfo]))
    p = _event_merchant(grp.command("book", return_book, _("the state of each slip of one book"),
                                    services=["returns.open_book"], shape=BookReturn), "optional")
    p.add_argument("code", help=_("book code or one of its slip numbers"))
    p = grp.command("reconcile", return_reconcile, _(
        "the event's reconciliation table: issued = used + unused + void + missing"),
        services=["returns.reconciliation"], shape=Reconciliation)
    p.add_argument("--event", required=True, help=_("event code"))
    p = grp.command("details", return_details, _(
        "record a used slip's customer, phone, deal amount and 订金 (an option left out keeps "
        "its value; \"\" clears it)"),
        services=["returns.get_slip", "returns.slip_details"], shape=SlipInfo)
    p.add_argument("number", help=_("full slip number, e.g. BJ0000002"))
    p.add_argument("--customer", help=_("customer name"))
    p.add_argument("--phone", help=_("customer phone"))
    p.add_argument("--deal", help=_("deal amount"))
    p.add_argument("--deposit", help=_("the customer's deposit (订金)"))

    slip = tree.group("slip", _("one slip number"))
    slip.command("show", slip_show, _("a slip's whole history, from registration to archive"),
                 services=["returns.slip_history"], shape=SlipHistory).add_argument(
        "number", help=_("full slip number, e.g. BJ0000088"))
    slip.command("details", lambda ctx: ctx.emit(
        slip_details.get_slip(ctx.actor, ctx.args.number),
        lambda s: fields([(_("Slip"), s.number), (_("State"), s.state_label),
                          *_detail_pairs(s)])),
        _("an entered slip with its customer details"),
        services=["returns.get_slip"], shape=SlipInfo).add_argument(
        "number", help=_("full slip number, e.g. BJ0000088"))

