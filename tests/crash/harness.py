"""Crash harness: SIGKILL a child process in the middle of a large operation, then prove that the
database holds all of the operation or none of it, is intact, and its audit chain verifies.

Operations
----------
An operation is registered by name with three functions. Each is called with the database URL
while that database is open and bound to the models (``app.db.models.database``), and the admin
user ``tester`` (`ACTOR`) exists:

``setup(db_url)``
    In the test process, once per backend: prepares the data the operation needs. The prepared
    database becomes a template; every run gets a fresh copy of it (SQLite: online backup API;
    PostgreSQL: ``CREATE DATABASE … TEMPLATE``), so a slow setup is paid once.
``run(db_url)``
    The operation itself, in a child process (``python -m tests.crash.child``, started with the
    interpreter running the tests, i.e. the venv's). It calls services as `ACTOR`, exactly as the
    application does; one service call is one transaction.
``check(db_url, completed, outcome)``
    In the test process after the child ended, killed or not, and after the harness proved the
    database intact (SQLite: ``PRAGMA integrity_check`` and ``foreign_key_check``; PostgreSQL: it
    opens). It asserts all-or-nothing. ``completed`` is True when ``run()`` returned, False when
    the child died before the operation's first COMMIT, None in between (some of several
    transactions committed, or a COMMIT was in flight when the kill came). ``outcome.commits`` is
    the range of COMMIT counts that may have reached the database (exact unless a COMMIT was in
    flight): `Outcome.assert_units` checks a count of complete units (registrations, checkouts)
    against it. ``outcome.baseline`` holds the row count of every table after setup.
    After ``check`` the harness verifies the audit chain (``verify_chain``), that the audit head
    matches the last record, and that a new write goes through (the dead writer left no lock)
    and extends the chain.

Kill points
-----------
The child patches ``peewee.Database.execute_sql`` and ``peewee.Database.commit``: every statement
executed inside a transaction, and every COMMIT, is one *step*. Started with ``kill_at=K``, the
child at step K (after executing that statement, or right before that COMMIT) writes ``mid K`` to
its protocol pipe, flushes, and sleeps with the transaction open; the parent then sends SIGKILL.
An uninterrupted run counts the steps (N), notes which are COMMITs and how long it took; this
calibration is cached per operation and backend. `kill_plan` turns a named point into a kill:
``early`` / ``middle`` / ``late`` draw K from that third of 1…N, ``commit`` picks a random COMMIT
step (the unit being committed must be absent), and ``race`` does not pause at all: SIGKILL lands
at a random moment within the measured run time, so it can hit inside a statement, an fsync or a
COMMIT. K and the delay come from ``random.Random(seed, point)``; the seed is in every failure
message (set ORDERBOOK_CRASH_SEED to replay it).

The child writes ``start``, ``committing``/``committed`` around every COMMIT, ``mid K C`` (C=1 when
paused before a COMMIT) and ``done N SECONDS COMMIT-STEPS`` on a pipe (its original stdout; its
own prints go to stderr, which the harness keeps for failure messages).

Adding an operation (closing a return, finalising a settlement, …)
------------------------------------------------------------------
Create ``tests/crash/ops_<area>.py``; every ``ops_*`` module in this folder is imported by
`load` (in the test process and in the child), so nothing else needs editing::

    from tests.crash.harness import ACTOR, Outcome, operation

    def setup(db_url: str) -> None:       # e.g. an event with checkouts and returned books
        ...
    def run(db_url: str) -> None:         # e.g. returns.close_return(ACTOR, ...)
        ...
    def check(db_url: str, completed: bool | None, outcome: Outcome) -> None:
        present = ...                     # how many units of the operation are in the database
        outcome.assert_units(present, total=1)
        ...                               # and each unit is whole: rows, money, audit records

    operation("returns.close", setup, run, check)

``tests/crash/test_kill.py`` then runs it uninterrupted and at every kill point, on SQLite and,
when ORDERBOOK_TEST_PG names a server, on PostgreSQL. ``run`` and ``check`` find their records
by code or name (the child receives only the URL). Keep ``run`` within a few seconds (the module
should stay under a minute), and make ``check`` cover every table the operation writes,
including money totals and its audit records.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import queue
import random
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from tests.conftest import as_user

ROOT = Path(__file__).resolve().parents[2]
ACTOR = as_user("tester", "admin")
CHILD_TIMEOUT = 120.0
POINTS = ("early", "middle", "late", "commit", "race")


@dataclass(frozen=True)
class Outcome:
    """What the parent knows about a child run."""

    completed: bool | None
    """True: run() returned. False: killed before its first COMMIT. None: in between."""
    commits: range
    """COMMIT counts that may have reached the database (one value unless one was in flight)."""
    killed: bool
    kill_at: int | None = None
    """The step the child paused at (pause kills), else None."""
    before_commit: bool = False
    """The pause was right before a COMMIT."""
    steps: int = 0
    """Steps counted by an uninterrupted run."""
    commit_steps: tuple[int, ...] = ()
    """Steps that were COMMITs (uninterrupted run)."""
    seconds: float = 0.0
    """Duration of run() (uninterrupted run)."""
    baseline: dict[str, int] = field(default_factory=dict)
    """Rows per table after setup."""
    label: str = ""
    """Operation, backend, kill point and seed: for failure messages."""

    def assert_units(self, present: int, total: int) -> None:
        """`present` complete units (each one transaction) of `total` agree with the kill."""
        assert 0 <= present <= total, f"{self.label}: {present} units of {total}?"
        if self.completed is True:
            assert present == total, f"{self.label}: run completed but {present}/{total} there"
        if self.completed is False:
            assert present == 0, f"{self.label}: killed before any COMMIT, {present} units there"
        assert present in self.commits, (
            f"{self.label}: {present} units in the database, but the child committed "
            f"{self.commits.start}" + (f"–{self.commits.stop - 1}" if len(self.commits) > 1
                                      else "") + " (lost or phantom commit)")


BOOKKEEPING = {"TableDigest", "RowChange", "Session"}
"""Tables any service may add to: a changed table's digest, the change notes, a login."""


def assert_unchanged_except(outcome: Outcome, touched: set[str]) -> None:
    """Every table not in `touched` (or the bookkeeping) still has its row count from after
    setup."""
    now = row_counts()
    changed = {t: (c, now[t]) for t, c in outcome.baseline.items()
               if t not in touched | BOOKKEEPING and now[t] != c}
    assert not changed, f"{outcome.label}: rows changed (before, after): {changed}"


@dataclass(frozen=True)
class Operation:
    """A large operation the crash tests kill midway."""

    name: str
    setup: Callable[[str], None]
    run: Callable[[str], None]
    check: Callable[[str, bool | None, Outcome], None]
    timeout: float = CHILD_TIMEOUT


REGISTRY: dict[str, Operation] = {}


def operation(name: str, setup: Callable[[str], None], run: Callable[[str], None],
              check: Callable[[str, bool | None, Outcome], None], *,
              timeout: float = CHILD_TIMEOUT) -> Operation:
    """Register an operation under `name` (see the module docstring)."""
    if name in REGISTRY and REGISTRY[name].run is not run:
        raise ValueError(f"crash operation {name} registered twice")
    REGISTRY[name] = Operation(name, setup, run, check, timeout)
    return REGISTRY[name]


def load() -> dict[str, Operation]:
    """Import every ``tests/crash/ops_*.py`` module; return the registry."""
    for info in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if info.name.startswith("ops_"):
            importlib.import_module(f"{__package__}.{info.name}")
    return REGISTRY


# --- running the child --------------------------------------------------------------------------

def run_child(name: str, db_url: str, *, kill_at: int | None = None,
              kill_after: float | None = None, timeout: float = CHILD_TIMEOUT,
              label: str = "") -> Outcome:
    """Run operation `name` on `db_url` in a child process.

    kill_at: pause at that step and SIGKILL the child there. kill_after: SIGKILL the child that
    many seconds after it started the operation (unless it finished first). Neither: let it finish.

    Raises:
        AssertionError: the child failed, hung, or did not reach the kill point.
    """
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.crash.child", name, db_url, str(kill_at or 0)],
            cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err)
        lines: queue.Queue[str | None] = queue.Queue()

        def pump() -> None:
            assert proc.stdout is not None
            for raw in proc.stdout:
                lines.put(raw.decode().strip())
            lines.put(None)

        reader = threading.Thread(target=pump, daemon=True)
        reader.start()
        seen: list[str] = []
        killed = False
        deadline = time.monotonic() + timeout
        kill_deadline: float | None = None
        try:
            while True:
                now = time.monotonic()
                if kill_deadline is not None and now >= kill_deadline:
                    proc.kill()
                    killed = True
                    break
                wait_until = min(deadline, kill_deadline) if kill_deadline else deadline
                if now >= deadline:
                    raise AssertionError(f"{label}: child hung (no report in {timeout:.0f} s)")
                try:
                    line = lines.get(timeout=max(0.0, wait_until - now))
                except queue.Empty:
                    continue
                if line is None:
                    break
                seen.append(line)
                if line.startswith("mid "):
                    proc.kill()
                    killed = True
                    break
                if line == "start" and kill_after is not None:
                    kill_deadline = time.monotonic() + kill_after
        finally:
            if proc.poll() is None and not killed:
                proc.kill()
            proc.wait()
            reader.join(timeout=10)
        while True:  # lines written before the kill are still in the pipe
            try:
                line = lines.get_nowait()
            except queue.Empty:
                break
            if line is not None and line not in ("",):
                seen.append(line)
        err.seek(0)
        stderr = err.read().decode(errors="replace")
    return _outcome(seen, killed, proc.returncode, stderr, kill_at, label)


def _outcome(seen: list[str], killed: bool, returncode: int, stderr: str, kill_at: int | None,
             label: str) -> Outcome:
    done = [line for line in seen if line.startswith("done ")]
    committed = seen.count("committed")
    in_flight = bool(seen) and "committing" in seen and (
        max(i for i, s in enumerate(seen) if s == "committing")
        > max((i for i, s in enumerate(seen) if s == "committed"), default=-1))
    if done:
        _, steps, seconds, commit_steps = (done[0].split(" ") + [""])[:4]
        return Outcome(True, range(committed, committed + 1), killed, steps=int(steps),
                       seconds=float(seconds),
                       commit_steps=tuple(int(s) for s in commit_steps.split(",") if s),
                       label=label)
    if not killed:
        raise AssertionError(f"{label}: child exited with {returncode} before finishing:\n"
                             f"{stderr[-4000:]}")
    if kill_at is not None and not any(s.startswith("mid ") for s in seen):
        raise AssertionError(f"{label}: child never reached step {kill_at}:\n{stderr[-4000:]}")
    mid = next((s.split(" ") for s in seen if s.startswith("mid ")), None)
    commits = range(committed, committed + 1 + int(in_flight))
    completed = False if commits.stop == 1 else None
    return Outcome(completed, commits, True, kill_at=int(mid[1]) if mid else None,
                   before_commit=bool(mid and mid[2] == "1"), label=label)


# --- databases ----------------------------------------------------------------------------------

def _pg_admin(pg_url: str):  # noqa: ANN202 - psycopg2 connection
    import psycopg2

    conn = psycopg2.connect(pg_url)
    conn.autocommit = True
    return conn


def pg_database_url(pg_url: str, name: str) -> str:
    """The URL of database `name` on the server of `pg_url`."""
    return pg_url.rsplit("/", 1)[0] + "/" + name


def pg_create(pg_url: str, template: str | None = None) -> str:
    """Create a fresh database ``t_<hex>`` (optionally a copy of `template`); return its name."""
    name = "t_" + uuid.uuid4().hex[:12]
    conn = _pg_admin(pg_url)
    try:
        sql = f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else "")
        conn.cursor().execute(sql)
    finally:
        conn.close()
    return name


def pg_drop(pg_url: str, name: str) -> None:
    """Drop database `name`, disconnecting whoever is still on it."""
    conn = _pg_admin(pg_url)
    try:
        conn.cursor().execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        conn.close()


def row_counts() -> dict[str, int]:
    """Rows per model of the bound database."""
    from app.db import schema

    return {m.__name__: m.select().count() for m in schema.ALL_MODELS}


class Lab:
    """Template databases per operation on one backend, fresh copies for every run."""

    def __init__(self, backend: str, workdir: Path, pg_url: str | None = None,
                 seed: int = 0) -> None:
        if backend == "postgresql" and not pg_url:
            raise ValueError("PostgreSQL needs a server URL")
        self.backend = backend
        self.workdir = workdir
        self.pg_url = pg_url
        self.seed = seed
        self._templates: dict[str, tuple[str, dict[str, int]]] = {}
        self._calibrations: dict[str, Outcome] = {}
        self._pg_names: list[str] = []
        self._count = 0

    # databases
    def _url(self, ref: str) -> str:
        if self.backend == "postgresql":
            assert self.pg_url
            return pg_database_url(self.pg_url, ref)
        return "sqlite:///" + ref

    def _new_ref(self, template: str | None = None) -> str:
        if self.backend == "postgresql":
            assert self.pg_url
            name = pg_create(self.pg_url, template)
            self._pg_names.append(name)
            return name
        self._count += 1
        path = self.workdir / f"run-{self._count}.sqlite3"
        if template:
            src, dst = sqlite3.connect(template), sqlite3.connect(path)
            try:
                src.backup(dst)
            finally:
                src.close()
                dst.close()
        return str(path)

    def template(self, op: Operation) -> tuple[str, dict[str, int]]:
        """The set-up database of `op` (created once) and its row counts."""
        if op.name not in self._templates:
            from app.db import connection
            from tests.conftest import add_user

            ref = self._new_ref()
            url = self._url(ref)
            connection.open_database(url)
            try:
                add_user(ACTOR.username, ACTOR.role)
                op.setup(url)
                baseline = row_counts()
            finally:
                connection.close_database()
            self._templates[op.name] = (ref, baseline)
        return self._templates[op.name]

    def fresh(self, op: Operation) -> tuple[str, dict[str, int]]:
        """A new copy of `op`'s template: its URL and the baseline row counts."""
        ref, baseline = self.template(op)
        return self._url(self._new_ref(ref)), baseline

    def discard(self, url: str) -> None:
        """Delete a copy that passed its checks."""
        if self.backend == "postgresql":
            assert self.pg_url
            name = url.rsplit("/", 1)[1]
            pg_drop(self.pg_url, name)
            self._pg_names.remove(name)
        else:
            path = url[len("sqlite:///"):]
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(path + suffix).unlink(missing_ok=True)

    def close(self) -> None:
        """Drop every PostgreSQL database this lab created."""
        if self.pg_url:
            for name in list(self._pg_names):
                pg_drop(self.pg_url, name)
            self._pg_names.clear()

    # runs
    def label(self, op: Operation, point: str) -> str:
        """Names a run in failure messages."""
        return (f"[{op.name} on {self.backend}, {point}, ORDERBOOK_CRASH_SEED={self.seed}]")

    def run(self, op: Operation, point: str = "uninterrupted") -> Outcome:
        """One run of `op` on a fresh copy, killed at `point`, then verified."""
        label = self.label(op, point)
        kill_at, kill_after = (None, None) if point == "uninterrupted" else self.kill_plan(
            op, point)
        if kill_at is not None or kill_after is not None:
            label += f" kill_at={kill_at} kill_after={kill_after}"
        url, baseline = self.fresh(op)
        outcome = run_child(op.name, url, kill_at=kill_at, kill_after=kill_after,
                            timeout=op.timeout, label=label)
        outcome = replace(outcome, baseline=baseline)
        verify(op, url, outcome, self.backend)
        self.discard(url)
        return outcome

    def calibration(self, op: Operation) -> Outcome:
        """An uninterrupted, verified run of `op` (cached)."""
        if op.name not in self._calibrations:
            outcome = self.run(op)
            assert outcome.completed and outcome.steps and outcome.commit_steps, outcome
            self._calibrations[op.name] = outcome
        return self._calibrations[op.name]

    def kill_plan(self, op: Operation, point: str) -> tuple[int | None, float | None]:
        """(kill_at, kill_after) for a named kill point, drawn from the seeded RNG."""
        cal = self.calibration(op)
        rng = random.Random(f"{self.seed}:{op.name}:{self.backend}:{point}")
        n = cal.steps
        if point in ("early", "middle", "late"):
            third = ("early", "middle", "late").index(point)
            lo, hi = 1 + third * n // 3, max(1 + third * n // 3, (third + 1) * n // 3)
            return rng.randint(lo, hi), None
        if point == "commit":
            return rng.choice(cal.commit_steps), None
        if point == "race":
            return None, rng.uniform(0.0, cal.seconds)
        raise ValueError(f"unknown kill point {point}")


def verify(op: Operation, url: str, outcome: Outcome, backend: str) -> None:
    """Integrity, the operation's all-or-nothing check, and the audit chain."""
    from app.db import connection
    from app.db.models import AuditHead, AuditLog
    from app.services.admin.audit import verify_chain
    from app.services.events import merchants

    if backend == "sqlite":
        path = url[len("sqlite:///"):]
        raw = sqlite3.connect(path)
        try:
            integrity = raw.execute("PRAGMA integrity_check").fetchall()
            foreign = raw.execute("PRAGMA foreign_key_check").fetchall()
        finally:
            raw.close()
        assert integrity == [("ok",)], f"{outcome.label}: integrity_check says {integrity}"
        assert foreign == [], f"{outcome.label}: foreign_key_check says {foreign[:5]}"
    db = connection.open_database(url, create=False)
    try:
        op.check(url, outcome.completed, outcome)
        report = verify_chain(ACTOR)
        assert report.ok, f"{outcome.label}: audit chain broken: {report.message}"
        head = AuditHead.select().get()
        assert (head.seq, head.hash) == (report.records, report.head_hash), outcome.label
        assert AuditLog.select().count() == report.records, outcome.label
        # The crashed writer left no lock behind: a new write goes through and extends the chain.
        if connection.is_postgres(db):
            db.execute_sql("SET lock_timeout = '10s'")
        merchants.create_merchant(ACTOR, f"after crash {uuid.uuid4().hex[:8]}")
        after = verify_chain(ACTOR)
        assert after.ok and after.records == report.records + 1, (
            f"{outcome.label}: after a new write: {after.message}")
    finally:
        connection.close_database()
