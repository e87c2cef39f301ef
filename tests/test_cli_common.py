"""What ``list``, ``show`` and ``check`` share in the CLI: --help, input errors and colour."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers import ANSI, BUNDLED_BIB, PROBLEMS_BIB, run_cli

SGR = re.compile(r"\x1b\[([0-9;]*)m")


COLOUR_TERMINAL: dict[str, str | None] = {
    "FORCE_COLOR": "1",
    "TERM": "xterm-256color",
    "NO_COLOR": None,
    "TTY_COMPATIBLE": None,
    "COLUMNS": "100",
}


def colour_codes(text: str) -> list[str]:
    """The SGR parameters that set a foreground or background colour."""
    found = []
    for params in SGR.findall(text):
        for param in params.split(";"):
            if param and (30 <= int(param) <= 48 or 90 <= int(param) <= 107):
                found.append(param)
    return found


@pytest.mark.parametrize("command", ["list", "show", "check"])
def test_help(command: str) -> None:
    result = run_cli(command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.stdout


@pytest.mark.parametrize("command", [["list"], ["show", "C6"], ["check"]])
def test_missing_bib(tmp_path: Path, command: list[str]) -> None:
    missing = tmp_path / "nope.bib"
    result = run_cli(*command, "--bib", missing)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"error: {missing}: file not found\n"


@pytest.mark.parametrize("command", [["list"], ["show", "C6"], ["check"]])
def test_bad_config(tmp_path: Path, command: list[str]) -> None:
    config = tmp_path / "publist.toml"
    config.write_text("[nonsense]\n", encoding="utf-8")
    result = run_cli(*command, "--bib", BUNDLED_BIB, "--config", config)
    assert result.exit_code == 1
    assert result.stderr == f"error: {config}: unknown setting(s): nonsense\n"


@pytest.mark.parametrize("command", [["list"], ["show", "C6"], ["check"]])
def test_unknown_encoding(command: list[str]) -> None:
    result = run_cli(*command, "--bib", BUNDLED_BIB, "--encoding", "klingon")
    assert result.exit_code == 1
    assert "unknown encoding 'klingon'" in result.stderr


def test_list_in_a_colour_terminal_uses_colour_and_bold(in_workdir: Path) -> None:
    result = run_cli("list", env=COLOUR_TERMINAL)
    assert result.exit_code == 0
    assert colour_codes(result.stdout)
    assert "\x1b[1mQ. Song" in result.stdout  # the owner, in bold


def test_no_color_removes_colour_but_keeps_bold(in_workdir: Path) -> None:
    result = run_cli("list", env={**COLOUR_TERMINAL, "NO_COLOR": "1"})
    assert result.exit_code == 0
    assert ANSI.search(result.stdout)
    assert colour_codes(result.stdout) == []
    assert "\x1b[1mQ. Song" in result.stdout


@pytest.mark.parametrize("command", [["show", "C6"], ["check", "--bib", str(PROBLEMS_BIB)]])
def test_no_color_everywhere(in_workdir: Path, command: list[str]) -> None:
    coloured = run_cli(*command, env=COLOUR_TERMINAL)
    assert colour_codes(coloured.stdout)
    plain = run_cli(*command, env={**COLOUR_TERMINAL, "NO_COLOR": "1"})
    assert colour_codes(plain.stdout) == []


@pytest.mark.parametrize("command", [["show", "C6"], ["check", "--bib", str(PROBLEMS_BIB)]])
def test_piped_output_has_no_escape_codes(in_workdir: Path, command: list[str]) -> None:
    result = run_cli(*command, env={"FORCE_COLOR": None, "TTY_COMPATIBLE": None})
    assert result.stdout
    assert not ANSI.search(result.stdout)
