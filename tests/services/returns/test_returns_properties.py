"""Random return checks (R3.1–R3.5) explored with hypothesis: marking lists and ranges, "all
remaining", undo, close, recovery, write-off and its reversal, deposit close-out and its
reversal, in any order.

After every step the tables are read back with plain queries (not through the reconciliation
service) and compared with a model of what the successful calls should have done: every issued
slip is counted exactly once, fines and deposits add up, and refused calls change nothing."""

from __future__ import annotations

import itertools
import string
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from hypothesis import HealthCheck, given, settings
from hypothesis import event as tally
from hypothesis import strategies as st

from app.db.models import Book, DepositCloseOut, DepositEntry, Fine, MerchantReturn, Slip
from app.domain.numbers import SeriesFormat, format_ranges, ranges_from_numbers
from app.domain.returns import MISSING, RECOVERED_STATES, RETURN_STATES, WRITTEN_OFF
from app.errors import AppError
from app.services.checkout import checkouts as checkout
from app.services.checkout import plan
from app.services.events import events, merchants
from app.services.returns import chase, deposits, reconciliation
from app.services.returns import entry as returns
from app.services.stock import registration as stock
from tests.services.conftest import last_seq, row_counts

SIZE = 10
DEPOSIT, FINE = 20_000, 10_000
_prefixes = ("".join(p) for p in itertools.product(string.ascii_uppercase, repeat=3))
_codes = (f"RP-{n}" for n in itertools.count())
_brands = (f"退品{n}" for n in itertools.count())

ENTERING = ("mark", "mark", "mark", "mark", "mark_any", "remaining", "undo", "close",
            "recover", "write_off", "close_out")
"""Step kinds while returns are open (weights by repetition): chase calls are premature."""
CHASING = ("recover", "recover", "write_off", "write_off", "write_off", "reverse", "reverse",
           "close_out", "close_out", "reverse_close_out", "mark_any", "undo")
"""Step kinds once every return is closed: marking and undo are too late."""


@dataclass
class Model:
    """What the successful calls should have left: per merchant, slip states and undo steps."""

    own: dict[str, list[Book]]
    states: dict[str, dict[int, str]] = field(default_factory=dict)
    steps: dict[str, list[list[int]]] = field(default_factory=dict)
    closed: set[str] = field(default_factory=set)
    closed_out: set[str] = field(default_factory=set)

    def numbers(self, m: str) -> list[int]:
        return [n for b in self.own[m] for n in range(b.first_no, b.last_no + 1)]

    def in_state(self, m: str, wanted: str | None) -> list[int]:
        """The merchant's slips in a state (None: not entered yet)."""
        if wanted is None:
            return [n for n in self.numbers(m) if n not in self.states[m]]
        return sorted(n for n, s in self.states[m].items() if s == wanted)

    def mark(self, m: str, numbers: list[int], state: str) -> None:
        self.states[m].update(dict.fromkeys(numbers, state))
        self.steps[m].append(numbers)


@dataclass(frozen=True)
class Step:
    """One service call, whether the model says it must succeed, and its effect on the model."""

    kind: str
    merchant: str
    call: Callable[[], object]
    ok: bool
    effect: Callable[[], None]


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(st.integers(1, 3), min_size=2, max_size=4), st.data())
def test_every_issued_slip_is_counted_once_and_money_adds_up(db, actor, books, data):
    """R3.1–R3.5: issued = used + unused + void + missing + written off + not entered for every
    merchant and the event; fines = policy × written-off slips; close-out refund − shortfall =
    deposit − fines; deposit entries match; refused calls write nothing.

    Random steps run while the returns are open; then every return is finished ("all remaining
    used", close); then random steps again, now mostly the chase, fines and close-out."""
    series = stock.create_series(actor, next(_prefixes), 6, SIZE)   # fresh data per example
    stock.register_next_books(actor, series.id, sum(books) + 2)      # 2 books stay in stock
    event = events.create_event(actor, next(_codes), "e", "装大", "2026-03-14", "2026-03-15",
                                "", ["王芳"], deposit_per_book="200", fine_per_slip="100")
    ms = [merchants.create_merchant(actor, next(_brands)).id for _ in books]
    for m, n in zip(ms, books, strict=True):
        events.set_estimate(actor, event.id, m, n * SIZE)
    plan.build_plan(actor, event.id, series.id)
    for m in ms:
        checkout.checkout_merchant(actor, event.id, m, "签字人", "cash")
    model = Model({m: list(Book.select().where(Book.merchant == m).order_by(Book.first_no))
                   for m in ms})
    for m in ms:
        model.states[m], model.steps[m] = {}, []
    maker = Maker(actor, event.id, series.format, ms, model, data)
    for kind in data.draw(st.lists(st.sampled_from(ENTERING), min_size=3, max_size=10)):
        _run(actor, event.id, ms, model, maker.step(kind))
    for m in ms:
        for book in model.own[m]:
            _run(actor, event.id, ms, model, maker.remaining(m, book, "used"))
        _run(actor, event.id, ms, model, maker.close(m))
    for kind in data.draw(st.lists(st.sampled_from(CHASING), min_size=3, max_size=10)):
        _run(actor, event.id, ms, model, maker.step(kind))


def _run(actor, event_id: str, ms: list[str], model: Model, step: Step) -> None:
    """Call, compare the outcome with the model, then check every invariant."""
    before, seq = None if step.ok else row_counts(), last_seq()
    try:
        step.call()
        done = True
    except AppError:
        done = False
    tally(f"{step.kind} {'done' if done else 'refused'}")
    assert done == step.ok, (step.kind, "done" if done else "refused")
    assert before is None or row_counts() == before, step.kind    # a refusal writes nothing
    assert last_seq() == seq + done, step.kind                    # one audit record per write
    if done:
        step.effect()
    _check(actor, event_id, ms, model, step.merchant)


class Maker:
    """Builds random steps from what the model says is there, so most calls reach real work."""

    def __init__(self, actor, event_id: str, fmt: SeriesFormat, ms: list[str], model: Model,
                 data) -> None:  # noqa: ANN001 - hypothesis' data object
        self.actor, self.event_id, self.fmt, self.ms = actor, event_id, fmt, ms
        self.model, self.data = model, data

    def draw(self, strategy):  # noqa: ANN001, ANN201 - hypothesis strategies
        return self.data.draw(strategy)

    def text(self, numbers: list[int]) -> str:
        return format_ranges(ranges_from_numbers(numbers), self.fmt)

    def pick(self, pool: list[int], most: int) -> list[int]:
        """A run of up to `most` consecutive entries of `pool`."""
        start = self.draw(st.integers(0, len(pool) - 1))
        return pool[start:start + self.draw(st.integers(1, most))]

    def merchant(self, state: str | None, *, open_only: bool = False) -> str:
        """A merchant with slips in `state`, if any has some."""
        having = [m for m in self.ms if self.model.in_state(m, state)
                  and not (open_only and m in self.model.closed)]
        return self.draw(st.sampled_from(having or self.ms))

    def step(self, kind: str) -> Step:
        if kind in ("recover", "write_off", "reverse"):
            return self.chase(kind)
        if kind == "mark":
            return self.mark()
        if kind == "mark_any":
            return self.mark_any()
        m = self.draw(st.sampled_from(self.ms))
        if kind == "remaining":
            return self.remaining(m, self.draw(st.sampled_from(self.model.own[m])),
                                  self.draw(st.sampled_from(RETURN_STATES)))
        if kind == "undo":
            stepped = [x for x in self.ms if self.model.steps[x]]
            return self.undo(self.draw(st.sampled_from(stepped)) if stepped else m)
        if kind == "reverse_close_out":
            done = sorted(self.model.closed_out)
            return self.reverse_close_out(self.draw(st.sampled_from(done)) if done else m)
        return self.close(m) if kind == "close" else self.close_out(m)

    def mark(self) -> Step:
        """Slips not entered yet, as a list of ranges."""
        m = self.merchant(None, open_only=True)
        pool = self.model.in_state(m, None) or self.model.numbers(m)
        return self.marking(m, self.pick(pool, 6), self.draw(st.sampled_from(
            RETURN_STATES + (MISSING, MISSING))))

    def mark_any(self) -> Step:
        """A range anywhere near the event's books: another merchant's, in stock, entered."""
        m = self.draw(st.sampled_from(self.ms))
        first = self.draw(st.integers(1, max(len(self.model.numbers(x)) for x in self.ms) * 4))
        numbers = list(range(first, first + self.draw(st.integers(1, 8))))
        return self.marking(m, numbers, self.draw(st.sampled_from(RETURN_STATES)))

    def marking(self, m: str, numbers: list[int], state: str) -> Step:
        model = self.model
        ok = (m not in model.closed and set(numbers) <= set(model.numbers(m))
              and not set(numbers) & set(model.states[m]))
        text = self.text(numbers)
        return Step("mark", m, lambda: returns.mark_slips(self.actor, self.event_id, m, text,
                                                          state),
                    ok, lambda: model.mark(m, numbers, state))

    def remaining(self, m: str, book: Book, state: str) -> Step:
        rest = [n for n in range(book.first_no, book.last_no + 1)
                if n not in self.model.states[m]]
        code = self.fmt.format(book.first_no)
        return Step("remaining", m, lambda: returns.mark_remaining(
            self.actor, self.event_id, m, code, state), m not in self.model.closed and bool(rest),
            lambda: self.model.mark(m, rest, state))

    def undo(self, m: str) -> Step:
        model = self.model

        def effect() -> None:
            for n in model.steps[m].pop():
                del model.states[m][n]
        return Step("undo", m, lambda: returns.undo_last(self.actor, self.event_id, m),
                    m not in model.closed and bool(model.steps[m]), effect)

    def close(self, m: str) -> Step:
        model = self.model
        return Step("close", m, lambda: returns.close_return(self.actor, self.event_id, m),
                    m not in model.closed and not model.in_state(m, None),
                    lambda: model.closed.add(m))

    def reverse_close_out(self, m: str) -> Step:
        model = self.model
        return Step("reverse_close_out", m, lambda: deposits.reverse_close_out(
            self.actor, self.event_id, m, "误操作"), m in model.closed_out,
            lambda: model.closed_out.discard(m))

    def close_out(self, m: str) -> Step:
        model = self.model
        ok = m in model.closed and m not in model.closed_out and not model.in_state(m, MISSING)
        return Step("close_out", m, lambda: deposits.close_out_deposit(
            self.actor, self.event_id, m, "cash", "签收人"), ok, lambda: model.closed_out.add(m))

    def chase(self, kind: str) -> Step:
        """Recover, write off or reverse: mostly slips in the right state, sometimes any."""
        model = self.model
        source = WRITTEN_OFF if kind == "reverse" else MISSING
        there = {s for m in self.ms for s in model.states[m].values()} - {source}
        wrong = tuple(sorted(there)) or ("used",)
        wrong += tuple(s for s in wrong if s in (MISSING, WRITTEN_OFF))   # the tempting ones
        target = self.draw(st.sampled_from((source,) * len(wrong) + wrong))
        m = self.merchant(target)
        pool = model.in_state(m, target) or model.numbers(m)
        numbers = sorted(set(self.pick(pool, 3)))
        text = self.text(numbers)
        ok = m in model.closed and all(model.states[m].get(n) == source for n in numbers)
        if kind == "recover":
            state = self.draw(st.sampled_from(RECOVERED_STATES))
            return Step(kind, m, lambda: chase.recover_slips(self.actor, self.event_id, m, text,
                                                             state),
                        ok, lambda: model.states[m].update(dict.fromkeys(numbers, state)))
        after = WRITTEN_OFF if kind == "write_off" else MISSING
        service = chase.write_off if kind == "write_off" else chase.reverse_write_off
        return Step(kind, m, lambda: service(self.actor, self.event_id, m, text, "原因"),
                    ok and m not in model.closed_out,
                    lambda: model.states[m].update(dict.fromkeys(numbers, after)))


def _check(actor, event_id: str, ms: list[str], model: Model, touched: str) -> None:
    """Read the tables back with plain queries and compare with the model, the reconciliation
    and (for the merchant the step named) the merchant's counts and deposit status."""
    books = {b.id: b for b in Book.select().where((Book.event == event_id)
                                                  & (Book.state == "issued"))}
    slips = list(Slip.select().where(Slip.event == event_id))
    closed = {r.merchant_id for r in MerchantReturn.select().where(
        (MerchantReturn.event == event_id) & (MerchantReturn.state == "closed"))}
    assert closed == model.closed & set(ms)
    money = _money_rows(event_id)
    table = reconciliation.reconciliation(actor, event_id)
    lines = {x.merchant_id: x.counts.as_tuple() for x in table.lines}
    total = [0] * 7
    for m in ms:
        issued = {n for b in books.values() if b.merchant_id == m
                  for n in range(b.first_no, b.last_no + 1)}
        mine = [s for s in slips if s.merchant_id == m]
        numbers = [s.number for s in mine]
        assert len(numbers) == len(set(numbers)) and set(numbers) <= issued
        assert all(books[s.book_id].first_no <= s.number <= books[s.book_id].last_no
                   and books[s.book_id].merchant_id == m for s in mine)
        assert {s.number: s.state for s in mine} == model.states[m]
        by_state = Counter(s.state for s in mine)
        not_entered = len(issued - set(numbers))
        line = (len(issued), by_state["used"], by_state["unused"], by_state["void"],
                by_state[MISSING], by_state[WRITTEN_OFF], not_entered)
        assert len(issued) == sum(line[1:])                                        # R3.2
        assert lines[m] == line
        assert m not in closed or not_entered == 0
        total = [a + b for a, b in zip(total, line, strict=True)]
        _check_money(actor, event_id, m, len(issued) // SIZE, mine, money, m == touched)
    assert returns.get_merchant_counts(actor, event_id, touched).as_tuple() == lines[touched]
    assert table.total.as_tuple() == tuple(total)


def _money_rows(event_id: str) -> tuple[list[Fine], list[DepositEntry], list[DepositCloseOut]]:
    return (list(Fine.select().where(Fine.event == event_id)),
            list(DepositEntry.select().where(DepositEntry.event == event_id)),
            list(DepositCloseOut.select().where(DepositCloseOut.event == event_id)))


def _check_money(actor, event_id: str, m: str, books: int, mine: list[Slip], money,
                 service: bool) -> None:
    """R3.4–R3.5: each written-off slip carries one fine, others none; deposits add up, and
    every close-out, reversed ones included, is refund − shortfall = deposit − fines."""
    fines, entries, closeouts = money
    per_slip = Counter()
    for f in fines:
        if f.merchant_id == m:
            per_slip[f.slip_id] += f.amount_fen
    assert {s.id: per_slip[s.id] for s in mine} == {
        s.id: FINE if s.state == WRITTEN_OFF else 0 for s in mine}
    fined = sum(per_slip.values())
    kinds = Counter()
    for e in entries:
        if e.merchant_id == m:
            kinds[e.kind] += e.amount_fen
    held = kinds["taken"] + kinds["reversed"]
    assert held == DEPOSIT * books and set(kinds) <= {"taken", "refunded", "refund_reversed"}
    mine_outs = [c for c in closeouts if c.merchant_id == m]
    for c in mine_outs:
        assert c.refund_fen - c.shortfall_fen == c.deposit_fen - c.fines_fen
        assert min(c.refund_fen, c.shortfall_fen) == 0 and c.deposit_fen == held
    active = [c for c in mine_outs if c.reversed_at is None]
    assert len(active) <= 1
    done = active[0] if active else None
    assert kinds["refunded"] == -sum(c.refund_fen for c in mine_outs)
    assert kinds["refund_reversed"] == sum(c.refund_fen for c in mine_outs if c.reversed_at)
    assert sum(kinds.values()) == held - (done.refund_fen if done else 0)
    if done is not None:
        assert done.fines_fen == fined
    if service:
        status = deposits.get_deposit_status(actor, event_id, m)
        assert status.closed_out == (done is not None)
        assert status.missing == sum(s.state == MISSING for s in mine)
        assert status.fines.fen == fined and status.deposit.fen == held
        assert status.refund.fen - status.shortfall.fen == held - fined
