"""The requisition plan (商家订单领用表, R2.1): estimates → books, editable until checkout."""

from __future__ import annotations

from dataclasses import dataclass

from peewee import fn

from app.db.models import Book, DepositEntry, Estimate, Event, Merchant, Series
from app.domain.money import Money
from app.domain.planning import FreeBook, NotEnoughStock, assign, books_needed
from app.errors import Conflict, InputError, NotFound
from app.i18n import _
from app.services.core.actor import Actor
from app.services.core.base import audit, concurrent_change, query, service
from app.services.core.books import describe_ranges
from app.services.events.events import event_row, refuse_if_archived


@dataclass(frozen=True)
class PlanLine:
    """One merchant's row of the requisition table."""

    merchant_id: str
    brand: str
    category: str
    category_manager: str
    estimate: int
    planned_books: int
    planned_ranges: str
    issued_books: int
    issued_ranges: str
    deposit_due: Money
    """Books planned or issued × the event's deposit per book."""
    planned_deposit: Money
    """Deposit to take at checkout: books planned (not yet issued) × deposit per book."""
    deposit_held: Money
    """Deposit actually taken, less reversals."""

    @property
    def checked_out(self) -> bool:
        """True once the merchant has signed for books."""
        return self.issued_books > 0


def pick_series(series_id: str | None) -> Series:
    """The series to plan from: the given one, or the only one there is.

    Raises:
        InputError: several series and none chosen. NotFound: unknown id.
    """
    if series_id:
        row = Series.get_or_none(Series.id == series_id)
        if row is None:
            raise NotFound(_("The number series does not exist."))
        return row
    rows = list(Series.select().limit(2))
    if len(rows) != 1:
        raise InputError(_("Choose the number series to take books from."))
    return rows[0]


def free_books(series: Series) -> list[FreeBook]:
    """In-stock books of a series, in number order."""
    rows = (Book.select(Book.id, Book.first_no, Book.last_no)
            .where((Book.series == series) & (Book.state == "in_stock"))
            .order_by(Book.first_no).tuples())
    return [FreeBook(i, f, last) for i, f, last in rows]


def _assign_or_refuse(needs: list[tuple[str, int]], series: Series) -> dict[str, list[FreeBook]]:
    try:
        return assign(needs, free_books(series))
    except NotEnoughStock as exc:
        raise Conflict(_("Not enough books in stock in series {prefix}: {short} more needed. "
                         "Register stock first.").format(prefix=series.prefix, short=exc.short)
                       ) from None


def _mark_planned(event: Event, merchant_id: str, books: list[FreeBook]) -> None:
    ids = [b.id for b in books]
    marked = 0
    for start in range(0, len(ids), 500):
        marked += Book.update(state="planned", event=event, merchant=merchant_id).where(
            Book.id.in_(ids[start:start + 500]) & (Book.state == "in_stock")).execute()
    if marked != len(ids):  # a book chosen above was taken meanwhile: never move it
        raise concurrent_change()


def _release(event: Event, merchant_ids: list[str]) -> int:
    if not merchant_ids:
        return 0
    released = 0
    for start in range(0, len(merchant_ids), 500):
        released += Book.update(state="in_stock", event=None, merchant=None).where(
            (Book.event == event) & (Book.state == "planned")
            & Book.merchant.in_(merchant_ids[start:start + 500])).execute()
    return released


@service("plan.build")
def build_plan(actor: Actor, event_id: str, series_id: str | None = None) -> list[PlanLine]:
    """(Re)build the plan for every merchant of the event not yet checked out (R2.1).

    Raises:
        Conflict: not enough books in stock. InputError: no estimates, or series not chosen.
    """
    event = event_row(event_id)
    refuse_if_archived(event)
    series = pick_series(series_id)
    estimates = list(Estimate.select().where(Estimate.event == event).order_by(Estimate.seq))
    if not estimates:
        raise InputError(_("Add merchants and their estimates to the event first."))
    holding = {m for (m,) in Book.select(Book.merchant).where(
        (Book.event == event) & (Book.state == "issued")).distinct().tuples()}
    todo = [e for e in estimates if e.merchant_id not in holding]
    before = _planned_counts(event)
    _release(event, [e.merchant_id for e in todo])
    needs = [(e.merchant_id, books_needed(e.estimate, series.book_size)) for e in todo]
    plan = _assign_or_refuse(needs, series)
    for merchant_id, books in plan.items():
        _mark_planned(event, merchant_id, books)
    audit("plan.build", "event", event.id, event=event.id, before={"planned": before},
          after={"series": series.prefix, "planned": _planned_counts(event),
                 "skipped_holding_books": len(holding)})
    return _plan_lines(event)


def _planned_counts(event: Event) -> dict[str, int]:
    """Brand → number of planned books (for audit records)."""
    rows = (Book.select(Merchant.brand, fn.COUNT(Book.id)).join(Merchant)
            .where((Book.event == event) & (Book.state == "planned"))
            .group_by(Merchant.brand).tuples())
    return dict(rows)


@service("plan.set_books")
def set_planned_books(actor: Actor, event_id: str, merchant_id: str, books: int,
                      series_id: str | None = None) -> PlanLine:
    """Change how many books are planned (reserved, not yet issued) for one merchant;
    0 releases them all. Books it already holds are not touched.

    Books are added from stock (right after its own books where free) or taken off its end.

    Raises:
        InputError: count outside 0–10,000. NotFound: not on the event. Conflict: stock short.
    """
    event = event_row(event_id)
    refuse_if_archived(event)
    if not isinstance(books, int) or isinstance(books, bool) or not 0 <= books <= 10_000:
        raise InputError(_("Plan between 0 and 10,000 books for a merchant."))
    _require_estimate(event, merchant_id)
    current = list(Book.select().where((Book.event == event) & (Book.merchant == merchant_id)
                                       & (Book.state == "planned")).order_by(Book.first_no))
    before = len(current)
    if books < before:
        drop = [b.id for b in current[books:]]
        dropped = Book.update(state="in_stock", event=None, merchant=None).where(
            Book.id.in_(drop) & (Book.state == "planned")).execute()
        if dropped != len(drop):  # checked out meanwhile: never take back issued books here
            raise concurrent_change()
    elif books > before:
        own = current or list(Book.select().where((Book.event == event) & (
            Book.merchant == merchant_id)).order_by(Book.first_no))
        series = own[-1].series if own and not series_id else pick_series(series_id)
        after = own[-1].last_no if own and own[-1].series_id == series.id else 0
        _mark_planned(event, merchant_id, next_free_after(series, after, books - before))
    audit("plan.set_books", "event", event.id, event=event.id, merchant=merchant_id,
          before={"planned_books": before}, after={"planned_books": books})
    return next(line for line in _plan_lines(event) if line.merchant_id == merchant_id)


@service("plan.release")
def release_plan(actor: Actor, event_id: str, merchant_id: str | None = None) -> int:
    """Send books reserved for the event (or one merchant of it) back to stock; books already
    issued stay issued. Returns how many books were released.

    Raises:
        NotFound: no such event, or the merchant is not on it.
    """
    event = event_row(event_id)
    refuse_if_archived(event)
    if merchant_id is not None:
        _require_estimate(event, merchant_id)
    before = _planned_counts(event)
    where = (Book.event == event) & (Book.state == "planned")
    if merchant_id is not None:
        where &= Book.merchant == merchant_id
    released = Book.update(state="in_stock", event=None, merchant=None).where(where).execute()
    audit("plan.release", "event", event.id, event=event.id, merchant=merchant_id,
          before={"planned": before}, after={"released": released})
    return released


def next_free_after(series: Series, after_no: int, count: int) -> list[FreeBook]:
    """`count` free books, preferring a contiguous run right after `after_no`.

    Raises:
        Conflict: fewer free books than `count`.
    """
    by_first = {b.first: b for b in free_books(series)} if after_no else {}
    run: list[FreeBook] = []
    while len(run) < count and (after_no + 1) in by_first:
        run.append(by_first[after_no + 1])
        after_no = run[-1].last
    if len(run) == count:
        return run
    return _assign_or_refuse([("x", count)], series)["x"]


def _require_estimate(event: Event, merchant_id: str) -> None:
    if not Estimate.select().where((Estimate.event == event) & (Estimate.merchant == merchant_id)
                                   ).exists():
        raise NotFound(_("The merchant is not on this event's list."))


@query("plan.view")
def plan_view(actor: Actor, event_id: str) -> list[PlanLine]:
    """The requisition table: per merchant, estimate, planned and issued books, deposits."""
    return _plan_lines(event_row(event_id))


def _plan_lines(event: Event) -> list[PlanLine]:
    series_by_id = {s.id: s for s in Series.select()}
    books: dict[str, list[Book]] = {}
    for b in Book.select().where(Book.event == event).order_by(Book.first_no):
        books.setdefault(b.merchant_id, []).append(b)
    held: dict[str, int] = {}
    for m, amount in (DepositEntry.select(DepositEntry.merchant, DepositEntry.amount_fen)
                      .where(DepositEntry.event == event).tuples()):
        held[m] = held.get(m, 0) + amount
    rows = (Estimate.select(Estimate, Merchant).join(Merchant).where(Estimate.event == event)
            .order_by(Estimate.seq, Merchant.brand))
    return [_line(event, e, books.get(e.merchant_id, []), held.get(e.merchant_id, 0),
                  series_by_id) for e in rows]


def _line(event: Event, est: Estimate, books: list[Book], held: int,
          series_by_id: dict[str, Series]) -> PlanLine:
    planned = [b for b in books if b.state == "planned"]
    issued = [b for b in books if b.state == "issued"]
    m = est.merchant
    per_book = Money(event.deposit_per_book_fen)
    return PlanLine(m.id, m.brand, m.category, m.category_manager, est.estimate, len(planned),
                    describe_ranges(planned, series_by_id), len(issued),
                    describe_ranges(issued, series_by_id),
                    per_book * (len(planned) + len(issued)), per_book * len(planned),
                    Money(held))
