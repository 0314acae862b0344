"""Tab completion for `orderbook` (issue 8): the script `orderbook completion bash` prints is
loaded into a real bash and asked for completions; for PowerShell the same protocol its script
uses (environment variables and a result file) is run against the installed command, since no
PowerShell runs on this Linux machine."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ORDERBOOK = Path(sys.executable).with_name("orderbook")


def _bash_complete(line: str) -> list[str]:
    script = (
        'source <(orderbook completion bash)\n'
        f'COMP_LINE="{line}"; COMP_POINT=${{#COMP_LINE}}\n'
        'read -ra COMP_WORDS <<< "$COMP_LINE"; COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))\n'
        '[[ "$COMP_LINE" == *" " ]] && COMP_CWORD=${#COMP_WORDS[@]}\n'
        '_python_argcomplete orderbook\n'
        'printf "%s\\n" "${COMPREPLY[@]}"\n')
    env = {**os.environ, "PATH": f"{ORDERBOOK.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env,
                          timeout=60, check=True)
    return [w.strip() for w in done.stdout.splitlines() if w.strip()]


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_bash_completes_areas_verbs_and_options():
    assert ORDERBOOK.exists(), "orderbook is installed with the package (pip install -e .)"
    assert {"checkout", "chase"} <= set(_bash_complete("orderbook ch"))
    assert _bash_complete("orderbook return en") == ["enter"]
    assert "--state" in _bash_complete("orderbook return enter --st")
    assert set(_bash_complete("orderbook return enter --state ")) == {
        "used", "unused", "void", "missing"}


def test_powershell_script_registers_a_completer_for_orderbook():
    done = subprocess.run([str(ORDERBOOK), "completion", "powershell"], capture_output=True,
                          text=True, timeout=60, check=True)
    assert "Register-ArgumentCompleter -Native -CommandName orderbook" in done.stdout


def test_powershell_protocol_answers_through_the_result_file(tmp_path):
    """What the PowerShell script does: set these variables, run orderbook, read the file."""
    result = tmp_path / "completions.txt"
    line = "orderbook deposit clo"
    env = {**os.environ, "_ARGCOMPLETE": "1", "_ARGCOMPLETE_SHELL": "powershell",
           "COMP_LINE": line, "COMP_POINT": str(len(line)), "_ARGCOMPLETE_IFS": "\n",
           "_ARGCOMPLETE_SUPPRESS_SPACE": "0", "ARGCOMPLETE_USE_TEMPFILES": "1",
           "_ARGCOMPLETE_STDOUT_FILENAME": str(result)}
    subprocess.run([str(ORDERBOOK)], env=env, capture_output=True, timeout=60)
    assert result.read_text(encoding="utf-8").split() == ["close-out"]
