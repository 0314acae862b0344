"""Every `orderbook` command (issue 8): it runs on the worked example, calls the services it
declares, prints JSON of the documented shape, and every registered write service has one."""

from __future__ import annotations

import dataclasses
import json
import typing

import pytest

from app.cli import build_parser
from app.cli.core import COMMANDS, NOT_ON_COMMAND_LINE, READS_ELSEWHERE
from app.services.core.base import REGISTRY
from tests.cli.cases import CASES, fill
from tests.cli.world import copy_stage
from tests.services.test_roles import load_all_services

build_parser()  # registers every command
SERVICES = load_all_services()


def test_every_command_has_a_case():
    assert set(CASES) == set(COMMANDS)


def test_every_write_service_is_reachable_from_the_command_line():
    """Issue 8: a registered write service without a command fails here, unless it is in the
    documented list `app.cli.core.NOT_ON_COMMAND_LINE` (with the reason)."""
    reachable = {s for command in COMMANDS.values() for s in command.services}
    writes = {name for name, info in SERVICES.items() if info.writes}
    assert writes - reachable - set(NOT_ON_COMMAND_LINE) == set()
    assert set(NOT_ON_COMMAND_LINE) <= writes - reachable, "listed but reachable after all"


def test_every_read_the_gui_offers_has_a_command():
    """Issue 8: every registered read service is named by a command, or listed in
    `app.cli.core.READS_ELSEWHERE` with the command that gives it another way."""
    reachable = {s for command in COMMANDS.values() for s in command.services}
    reads = {name for name, info in SERVICES.items() if not info.writes}
    assert reads - reachable - set(READS_ELSEWHERE) == set()
    assert set(READS_ELSEWHERE) <= reads - reachable, "listed but named by a command after all"


def test_commands_name_only_registered_services():
    named = {s for command in COMMANDS.values() for s in command.services}
    assert named <= set(SERVICES), named - set(SERVICES)


def _run(case, name, stages, orderbook, tmp_path, *extra):
    db = tmp_path / f"{len(list(tmp_path.iterdir()))}.sqlite3"
    if case.stage:
        copy_stage(stages, case.stage, db)
    return orderbook("--db", str(db), *fill(case.argv, db, tmp_path), *extra)


@pytest.mark.parametrize("name", sorted(CASES))
def test_command_runs_and_calls_the_services_it_names(name, stages, orderbook, called,
                                                      tmp_path):
    case = CASES[name]
    result = _run(case, name, stages, orderbook, tmp_path)
    assert result.code == case.code, f"{result.out}\n{result.err}"
    assert "Traceback" not in result.err
    not_called = set(COMMANDS[name].services) - set(called)
    if name == "stock register":  # --books calls register_next; --range register_range
        not_called -= {"stock.register_range"}
    if name == "db keep":  # a number sets, no number shows
        not_called -= {"safety.get_keep"}
    assert not not_called, f"{name} declares but never called {not_called}"


def _fields(shape: type) -> set[str]:
    return {f.name for f in dataclasses.fields(shape)}


@pytest.mark.parametrize("name", sorted(n for n, c in COMMANDS.items() if c.shape is not None))
def test_json_output_has_the_documented_shape(name, stages, orderbook, tmp_path):
    """--json prints one object (or a list of them) with the dataclass's field names, which
    docs/cli-json.md lists (test_json_docs keeps that file current)."""
    case = CASES[name]
    result = _run(case, name, stages, orderbook, tmp_path, "--json")
    assert result.code == case.code, result.err
    value = json.loads(result.out)
    shape = COMMANDS[name].shape
    if typing.get_origin(shape) is list:
        (item,) = typing.get_args(shape)
        assert isinstance(value, list)
        if dataclasses.is_dataclass(item):
            assert all(set(row) == _fields(item) for row in value)
    else:
        assert set(value) == _fields(shape)


def test_registry_is_complete():
    """Sanity: the registry the tests walk holds the services of every area."""
    areas = {info.func.__module__.split(".")[2] for info in REGISTRY.values()}
    assert areas >= {"core", "stock", "events", "checkout", "returns", "admin"}
