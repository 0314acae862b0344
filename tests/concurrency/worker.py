"""One writer process of the concurrency test:
``python -m tests.concurrency.worker ROLE DB_URL USERNAME SEED SECONDS``.

Opens the database, prints ``{"ready": true}``, waits for ``go`` on stdin, then calls services of
its ROLE as USERNAME for SECONDS (at least MIN_CALLS calls), with at most THINK seconds between
calls; the planner's first three calls are one of each kind. Every call is reported as one JSON
line on stdout: ``{"call": …, "ok": true, …what it wrote…}`` or ``{"call": …, "ok": false,
"error": "Conflict", "message": …}`` for an AppError. Anything else ends the worker with
``{"crash": traceback}``.
"""

from __future__ import annotations

import json
import random
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

from app.db import connection
from app.db.models import Estimate, Event, Series
from app.errors import AppError
from app.services.checkout import checkouts as checkout
from app.services.checkout import plan
from app.services.core.actor import Actor
from app.services.events import events
from app.services.stock import registration as stock
from tests.conftest import as_user

SERIES = "CC"
EVENT = "CONC-01"
OWN_ESTIMATES = range(20, 40)
"""Merchants (by estimate order) whose estimates only the planner changes."""
MIN_CALLS = 6
"""Calls each worker makes even if SQLite's busy waits starve it past the time limit."""
THINK = 0.003
"""Up to this many seconds between calls: lets a waiting writer in (SQLite polls for its lock)."""


def _say(record: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _checkout(info: checkout.CheckoutInfo) -> dict[str, Any]:
    return {"checkout": info.id, "merchant": info.merchant_id, "deposit": info.deposit.fen,
            "books": sorted(b.id for b in info.books)}


class Worker:
    """The calls one role makes; each returns what the parent must find in the database."""

    def __init__(self, actor: Actor, rng: random.Random) -> None:
        self.actor = actor
        self.rng = rng
        self.calls = 0
        self.series_id = Series.get(Series.prefix == SERIES).id
        self.event_id = Event.get(Event.code == EVENT).id
        self.merchants = [e.merchant_id for e in Estimate.select().where(
            Estimate.event == self.event_id).order_by(Estimate.seq)]

    def stock(self) -> tuple[str, Callable[[], dict[str, Any]]]:
        books = self.rng.randint(1, 3)

        def call() -> dict[str, Any]:
            r = stock.register_next_books(self.actor, self.series_id, books)
            first, last = int(r.first[len(SERIES):]), int(r.last[len(SERIES):])
            return {"batch": r.batch_id, "first": first, "last": last, "books": r.books}

        return "stock.register_next", call

    def planner(self) -> tuple[str, Callable[[], dict[str, Any]]]:
        self.calls += 1
        roll = (0.0, 0.6, 0.9)[self.calls - 1] if self.calls <= 3 else self.rng.random()
        if roll < 0.5:
            merchant = self.merchants[self.rng.choice(OWN_ESTIMATES)]
            value = self.rng.randint(1, 150)

            def set_estimate() -> dict[str, Any]:
                info = events.set_estimate(self.actor, self.event_id, merchant, value)
                return {"merchant": merchant, "estimate": info.estimate}

            return "events.set_estimate", set_estimate
        if roll < 0.7:
            def build() -> dict[str, Any]:
                plan.build_plan(self.actor, self.event_id, self.series_id)
                return {}

            return "plan.build", build
        merchant = self.rng.choice(self.merchants)
        books = self.rng.randint(0, 3)  # 0 releases the merchant's planned books

        def set_books() -> dict[str, Any]:
            line = plan.set_planned_books(self.actor, self.event_id, merchant, books,
                                          self.series_id)
            return {"merchant": merchant, "planned": line.planned_books}

        return "plan.set_books", set_books

    def checkout(self) -> tuple[str, Callable[[], dict[str, Any]]]:
        merchant = self.rng.choice(self.merchants)

        def call() -> dict[str, Any]:
            return _checkout(checkout.checkout_merchant(
                self.actor, self.event_id, merchant, "签收人", "cash"))

        return "checkout.merchant", call

    def extra(self) -> tuple[str, Callable[[], dict[str, Any]]]:
        merchant = self.rng.choice(self.merchants)
        books = self.rng.randint(1, 2)

        def call() -> dict[str, Any]:
            return _checkout(checkout.issue_extra_books(
                self.actor, self.event_id, merchant, books, "签收人", "wechat",
                series_id=self.series_id))

        return "checkout.extra", call


def main(argv: list[str]) -> int:
    role, url, username, seed, seconds = argv[1], argv[2], argv[3], int(argv[4]), float(argv[5])
    try:
        connection.open_database(url, create=False)
        worker = Worker(as_user(username, "clerk"), random.Random(seed))
        choose = getattr(worker, role)
        _say({"ready": True})
        if sys.stdin.readline().strip() != "go":
            return 1
        end = time.monotonic() + seconds
        made = 0
        while made < MIN_CALLS or time.monotonic() < end:
            name, call = choose()
            started = time.perf_counter()
            try:
                record = {"call": name, "ok": True, **call()}
            except AppError as exc:
                record = {"call": name, "ok": False, "error": type(exc).__name__,
                          "message": str(exc)}
            _say(dict(record, ms=round((time.perf_counter() - started) * 1000)))
            made += 1
            time.sleep(worker.rng.uniform(0, THINK))
    except BaseException:
        _say({"crash": traceback.format_exc()})
        return 1
    finally:
        connection.close_database()
    _say({"end": True})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
