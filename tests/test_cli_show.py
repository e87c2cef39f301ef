"""``publist show`` through the CLI: lookup by key or label, golden output, --json and errors."""

from __future__ import annotations

import json
from pathlib import Path

from tests.golden import GOLDEN_DIR
from tests.helpers import PROBLEMS_BIB, PROBLEMS_CONFIG, run_cli, unpadded


def test_show_by_label_is_the_golden(in_workdir: Path) -> None:
    result = run_cli("show", "C6", env={"COLUMNS": None})
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert unpadded(result.stdout) == (GOLDEN_DIR / "show.C6.80.txt").read_text("utf-8")


def test_show_by_key_and_by_label_agree(in_workdir: Path) -> None:
    assert run_cli("show", "song2024towards").stdout == run_cli("show", "c6").stdout


def test_show_names_the_rule_and_the_line(in_workdir: Path) -> None:
    result = run_cli("show", "C7")
    assert "rule        the entry's category field" in result.stdout
    assert "source      publications.bib:30" in result.stdout


def test_show_unknown_label(in_workdir: Path) -> None:
    result = run_cli("show", "C9")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "error: publications.bib: no entry with key or label 'C9'; C labels run from C1 to C7\n"
    )


def test_show_unknown_key_suggests(in_workdir: Path) -> None:
    result = run_cli("show", "song2024learnin")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "error: publications.bib: no entry with key or label 'song2024learnin'; "
        "did you mean song2024learning"
    )


def test_show_needs_an_argument(in_workdir: Path) -> None:
    result = run_cli("show")
    assert result.exit_code == 2


def test_show_json(in_workdir: Path) -> None:
    result = run_cli("show", "--json", "C6")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert (data["key"], data["label"], data["line"]) == ("song2024towards", "C6", 42)
    assert data["problems"] == []


def test_show_other_bib(tmp_path: Path) -> None:
    result = run_cli("show", "badmonth2019", "--bib", PROBLEMS_BIB, "-c", PROBLEMS_CONFIG)
    assert result.exit_code == 0
    assert "warning line 149: month '13' is not a month" in result.stdout


def test_show_prints_the_abstract_decoded(tmp_path: Path) -> None:
    bib = tmp_path / "abs.bib"
    bib.write_text(
        "@misc{abs2024, author = {Qingyu Song}, title = {T}, year = 2024,\n"
        "  abstract = {We show $\\alpha$ \\& {M}ore.}}\n",
        encoding="utf-8",
    )
    result = run_cli("show", "abs2024", "--bib", bib, env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "We show α & More." in result.stdout
    assert "\\alpha" not in result.stdout
