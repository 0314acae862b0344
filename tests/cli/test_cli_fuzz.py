"""Bad input on the command line (issue 8), the service fuzz test (tests/services/
test_fuzz_services.py) extended to `orderbook`: each command's valid run, with one argument
replaced by something wrong, must either work or be refused with `Error: …` and exit status 2,
leaving every table as it was (only the login is on record) — never a traceback.

The named refusals first (unknown event, merchant, slip; reversed range; wrong state), then a
hypothesis search over every command; FUZZ_EXAMPLES in the environment raises its count.
"""

from __future__ import annotations

import os
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cli.cases import CASES, fill
from tests.cli.conftest import fingerprint
from tests.cli.world import ANXIN, EVENT, copy_stage
from tests.services.test_fuzz_services import ODD_TEXT

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
E = ("--event", EVENT)
BAD_VALUES = [
    "NO-SUCH-EVENT", "不存在的品牌", "BJ9999999", "XX0000001", "BJ0000050-BJ0000001",
    "0000050-0000001", "usedd", "missing", "-1", "0", "1e309", "9" * 40, "2026-02-30",
    "BJ0000017, BJ0000017", "BJ0000001-0000100000", "all", "--", "-", "--json",
    *[t for t in ODD_TEXT if "\x00" not in t and len(t) < 1000],
]
"""Wrong values of every kind; NUL is left out (an operating system never passes it in an
argument) and so is the megabyte string (the service fuzz test covers it)."""

NAMED = {
    "unknown event": (
        "returning", ("return", "enter", "--event", "NO-SUCH-EVENT", "--state", "used",
                      "BJ0000001"), "There is no event NO-SUCH-EVENT"),
    "unknown merchant": (
        "returning", ("return", "enter", *E, "--merchant", "不存在的品牌", "--state", "used",
                      "1-5"), "不存在的品牌"),
    "unknown slip": ("returning", ("return", "enter", *E, "--state", "used", "BJ0000999"),
                     "BJ0000999"),
    "slip of no series": ("returning", ("slip", "show", "XX0000001"), "prefix"),
    "reversed range": ("returning", ("return", "enter", *E, "--merchant", ANXIN, "--state",
                                     "used", "0000009-0000001"), "backwards"),
    "reversed range to seal": ("returned", ("seal", "create", *E, "--seal", "FB-9",
                                            "BJ0000012-BJ0000010"), "backwards"),
    "wrong state": ("returning", ("return", "enter", *E, "--merchant", ANXIN, "--state",
                                  "usedd", "1-5"), "invalid choice: 'usedd'"),
    "state a recovery cannot have": ("returned", ("chase", "recover", *E, "--state", "missing",
                                                  "BJ0000088"), "invalid choice"),
    "slip already entered": ("returning", ("return", "enter", *E, "--state", "used",
                                           "BJ0000017"), "BJ0000017"),
    "another event's slip": ("returning", ("chase", "recover", "--event", "2026-SH-01",
                                           "--state", "used", "BJ0000501"), "BJ0000501"),
    "write-off of a slip not missing": ("returned", ("chase", "write-off", *E, "--reason", "x",
                                                     "BJ0000001"), "BJ0000001"),
    "missing option": ("returning", ("return", "close", *E), "--merchant"),
    "unknown command": ("stocked", ("stock", "sell", "BJ"), "invalid choice: 'sell'"),
    "archive while slips are missing": ("returned", ("archive", "run", *E), "missing"),
    "close-out while slips are missing": ("returned", ("deposit", "close-out", *E,
                                                       "--merchant", ANXIN, "--payment", "cash",
                                                       "--received-by", "张伟"), "missing"),
}


def _refused_cleanly(result, before, db, argv) -> None:
    assert "Traceback" not in result.err, f"orderbook {argv}\n{result.err}"
    assert result.code in (0, 1, 2), f"orderbook {argv} → {result.code}\n{result.err}"
    if result.code == 2:
        error = [line for line in result.err.splitlines() if not line.startswith("Note:")]
        assert error and error[0].startswith("Error: "), result.err
        assert fingerprint(db) == before, f"orderbook {argv} was refused but wrote"


@pytest.mark.parametrize("what", sorted(NAMED))
def test_bad_input_is_refused_naming_it_and_nothing_is_written(what, stages, orderbook,
                                                               tmp_path):
    stage, argv, named = NAMED[what]
    db = copy_stage(stages, stage, tmp_path / "db.sqlite3")
    before = fingerprint(db)
    result = orderbook("--db", str(db), *argv)
    assert result.code == 2, result.out
    _refused_cleanly(result, before, db, argv)
    assert named in result.err


FUZZED = sorted(name for name, case in CASES.items() if case.stage and name != "db restore")
"""`db restore` is left out: a fuzzed file name could name any file (its refusals are tested in
test_cli_backup.py)."""


def _mutable(argv: tuple[str, ...]) -> list[int]:
    """Positions of values (not option names, not file names) that may be replaced."""
    return [i for i, arg in enumerate(argv)
            if i >= 2 and not arg.startswith("--") and "{" not in arg]


@pytest.mark.parametrize("name", FUZZED)
@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_any_wrong_argument_is_refused_cleanly(name, stages, orderbook, tmp_path, data):
    case = CASES[name]
    positions = _mutable(case.argv)
    argv = list(case.argv)
    how = data.draw(st.sampled_from(["replace", "drop", "add"] if positions else ["add"]))
    if how == "add":
        argv.insert(data.draw(st.integers(2, len(argv))), data.draw(st.sampled_from(BAD_VALUES)))
    else:
        at = data.draw(st.sampled_from(positions))
        if how == "drop":
            del argv[at]
        else:
            argv[at] = data.draw(st.one_of(st.sampled_from(BAD_VALUES), st.text(max_size=20)))
    folder = tmp_path / f"run{len(list(tmp_path.iterdir()))}"
    folder.mkdir()
    db = copy_stage(stages, case.stage, folder / "db.sqlite3")  # type: ignore[arg-type]
    before = fingerprint(db)
    filled = fill(tuple(argv), db, folder)
    result = orderbook("--db", str(db), *filled)
    _refused_cleanly(result, before, db, filled)
    shutil.rmtree(folder, ignore_errors=True)
