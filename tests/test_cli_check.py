"""``publist check`` through the CLI: reports, --strict, --json, and the pre-commit hook."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from publist.views.check import check_file, format_finding
from tests.helpers import PROBLEMS_BIB, PROBLEMS_CONFIG, ROOT, run_cli

PYPROJECT_SCRIPTS = re.compile(r'^(\w+) = "publist\.cli:main"$', re.M)


def test_check_clean_bundled_file(in_workdir: Path) -> None:
    result = run_cli("check")
    assert result.exit_code == 0
    assert result.stdout == "publications.bib: 11 entries checked, no problems found\n"
    assert result.stderr == ""


def test_check_clean_under_strict(in_workdir: Path) -> None:
    assert run_cli("check", "--strict").exit_code == 0


def test_check_problems(tmp_path: Path) -> None:
    result = run_cli("check", "--bib", PROBLEMS_BIB, "--config", PROBLEMS_CONFIG)
    assert result.exit_code == 1
    report = check_file(PROBLEMS_BIB, config_path=PROBLEMS_CONFIG)
    expected = [format_finding(finding) for finding in report.findings]
    lines = result.stdout.splitlines()
    assert lines[:-1] == expected
    assert lines[-1] == f"{PROBLEMS_BIB}: 18 entries checked, 11 errors, 4 warnings"
    assert result.stderr == ""


def test_check_lines_are_never_wrapped(tmp_path: Path) -> None:
    result = run_cli("check", "--bib", PROBLEMS_BIB, env={"COLUMNS": "40"})
    assert all(line.startswith(str(PROBLEMS_BIB)) for line in result.stdout.splitlines())


@pytest.fixture
def warnings_only(tmp_path: Path) -> Path:
    bib = tmp_path / "publications.bib"
    bib.write_text(
        "@inproceedings{a,\n  title = {T},\n  author = {Song, Qingyu},\n"
        "  booktitle = {B},\n  year = {2020},\n  month = {13},\n}\n",
        encoding="utf-8",
    )
    return bib


def test_check_warnings_alone_pass(warnings_only: Path) -> None:
    result = run_cli("check", "--bib", warnings_only)
    assert result.exit_code == 0
    assert "warning: a: month '13' is not a month" in result.stdout
    assert result.stdout.endswith("1 entry checked, 0 errors, 1 warning\n")


def test_check_strict_fails_on_warnings(warnings_only: Path) -> None:
    assert run_cli("check", "--strict", "--bib", warnings_only).exit_code == 1


def test_check_json(tmp_path: Path) -> None:
    result = run_cli("check", "--json", "--bib", PROBLEMS_BIB, "--config", PROBLEMS_CONFIG)
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert (data["errors"], data["warnings"], data["failed"]) == (11, 4, True)
    assert [f["line"] for f in data["findings"]][:4] == [14, 26, 26, 36]


def test_check_json_strict(warnings_only: Path) -> None:
    relaxed = run_cli("check", "--json", "--bib", warnings_only)
    assert (relaxed.exit_code, json.loads(relaxed.stdout)["failed"]) == (0, False)
    strict = run_cli("check", "--json", "--strict", "--bib", warnings_only)
    assert (strict.exit_code, json.loads(strict.stdout)["failed"]) == (1, True)


def test_check_undecodable_bib(tmp_path: Path) -> None:
    bib = tmp_path / "publications.bib"
    bib.write_bytes(b"@article{a,\n  title = {Caf\xe9},\n}\n")
    result = run_cli("check", "--bib", bib)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {bib}:2: not valid utf-8 (byte 0xe9)")


def test_pre_commit_hook_runs_publist_check_on_bib_changes() -> None:
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    first_hook = re.split(r"(?m)^(?=- id: )", hooks)[1]
    settings = dict(re.findall(r"^-? *(\w+): (.+)$", first_hook, re.M))
    assert settings["id"] == "publist-check"
    assert settings["entry"] == "publist check"
    assert settings["language"] == "python"
    assert settings["pass_filenames"] == "false"
    files = re.compile(settings["files"])
    assert files.search("publications.bib")
    assert files.search("cv/pubs.bib")
    assert not files.search("publist.toml")
    # The entry point the hook calls exists.
    assert "publist" in PYPROJECT_SCRIPTS.findall((ROOT / "pyproject.toml").read_text("utf-8"))
