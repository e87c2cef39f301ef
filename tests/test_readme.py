"""The README's command documentation matches the CLI's own --help, so the docs stay honest."""

from __future__ import annotations

import re

import pytest

from tests.helpers import ROOT, run_cli

README = (ROOT / "README.md").read_text(encoding="utf-8")
OPTION = re.compile(r"--[a-z][a-z-]+")


def _section(command: str) -> str:
    match = re.search(rf"^### publist {command}\b(.*?)(?=^#{{1,3}} )", README, re.M | re.S)
    assert match, f"README has no '### publist {command}' section"
    return match.group(1)


def _help_options(command: str) -> set[str]:
    result = run_cli(command, "--help", env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert result.exit_code == 0
    return set(OPTION.findall(result.stdout)) - {"--help"}


@pytest.mark.parametrize(
    "command",
    [
        "export",
        "sync",
        "add",
        "discover",
        "published",
        "promote",
        "fmt",
        "list",
        "show",
        "check",
    ],
)
def test_every_option_is_documented_and_every_documented_option_exists(command: str) -> None:
    documented = set(OPTION.findall(_section(command)))
    actual = _help_options(command)
    assert actual - documented == set(), "options missing from the README"
    assert documented - actual == set(), "README documents options the CLI does not have"


def test_quickstart_has_exactly_two_commands() -> None:
    quickstart = re.search(r"^## Quickstart\n(.*?)(?=^## )", README, re.M | re.S)
    assert quickstart
    commands = re.findall(r"```sh\n(.*?)\n```", quickstart.group(1), re.S)
    assert commands == [
        "pip install . && publist export --format md",
        'pip install -e ".[test]" && scripts/check',
    ]


def test_ci_runs_the_readmes_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert 'pip install --quiet -e ".[test]"' in ci
    assert "scripts/check" in ci


def test_the_library_example_runs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    section = re.search(r"^## Use as a library\n(.*?)(?=^## )", README, re.M | re.S)
    assert section
    code = re.search(r"```python\n(.*?)```", section.group(1), re.S)
    assert code
    monkeypatch.chdir(ROOT)
    exec(compile(code.group(1), "README.md", "exec"), {})
    printed = capsys.readouterr().out
    assert "Conferences ['C7', 'C6', 'C5', 'C4', 'C3', 'C2', 'C1']" in printed
    assert "In submission ['A2', 'A1']" in printed


def test_what_publist_writes_lists_every_particle_and_proper_noun() -> None:
    from publist.bibtex.encode import PROPER_NOUNS
    from publist.bibtex.names import SURNAME_PARTICLES

    section = re.search(r"^## What publist writes\n(.*?)(?=^## )", README, re.M | re.S)
    assert section
    # The word lists are the paragraphs that are one code span each.
    spans = re.findall(r"^`([^`]+)`\n\n", section.group(1), re.M)
    word_lists = [set(span.split()) for span in spans]
    assert set(SURNAME_PARTICLES) in word_lists, "README's particle list differs from the code's"
    assert set(PROPER_NOUNS) in word_lists, "README's proper-noun list differs from the code's"
