"""SIGKILL in the middle of large operations (issue 3, point 5): afterwards the database passes
its integrity check, holds each operation (or each of its transactions) entirely or not at all,
and the audit chain verifies. Operations come from tests/crash/ops_*.py (see harness.py);
every one runs uninterrupted and killed at each point of `harness.POINTS`, on SQLite and, when
ORDERBOOK_TEST_PG names a server, on PostgreSQL. Kill points are random per run; the seed is
in failure messages (ORDERBOOK_CRASH_SEED replays it)."""

from __future__ import annotations

import os
import random
import sys

import pytest

from tests.crash import harness

OPERATIONS = sorted(harness.load())
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    not os.environ.get("ORDERBOOK_TEST_PG"), reason="ORDERBOOK_TEST_PG is not set"))]
SEED = int(os.environ.get("ORDERBOOK_CRASH_SEED") or random.SystemRandom().randrange(2**32))

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


@pytest.fixture(scope="module", params=BACKENDS)
def lab(request, tmp_path_factory):
    """Template databases per operation on one backend (set up once), a copy per run."""
    lab = harness.Lab(request.param, tmp_path_factory.mktemp(f"crash-{request.param}"),
                      os.environ.get("ORDERBOOK_TEST_PG"), SEED)
    yield lab
    lab.close()


@pytest.mark.parametrize("name", OPERATIONS)
def test_uninterrupted_run_completes(lab: harness.Lab, name: str):
    """Not killed, the operation completes and checks as complete (also calibrates kills)."""
    outcome = lab.calibration(harness.REGISTRY[name])
    assert outcome.completed is True and not outcome.killed
    assert len(outcome.commit_steps) >= 1


@pytest.mark.parametrize("point", harness.POINTS)
@pytest.mark.parametrize("name", OPERATIONS)
def test_killed_midway_leaves_all_or_nothing(lab: harness.Lab, name: str, point: str):
    outcome = lab.run(harness.REGISTRY[name], point)
    assert outcome.killed or point == "race", outcome.label
    if point != "race":
        assert outcome.completed is not True, f"{outcome.label}: finished before the kill"
    if point == "commit":
        assert outcome.before_commit, outcome.label
