"""``publist list``, ``show`` and ``check`` through the CLI: every option and error path."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from publist.bibtex.arxiv_ids import ArxivId
from publist.sources.arxiv.records import ArxivRecord, arxiv_cache
from publist.views.check import check_file, format_finding
from tests.golden import GOLDEN_DIR
from tests.helpers import BUNDLED_BIB, BUNDLED_CONFIG, DATA, ROOT, run_cli

PROBLEMS_BIB = DATA / "problems.bib"
PROBLEMS_CONFIG = DATA / "problems.toml"
ANSI = re.compile(r"\x1b\[")
PYPROJECT_SCRIPTS = re.compile(r'^(\w+) = "publist\.cli:main"$', re.M)
SGR = re.compile(r"\x1b\[([0-9;]*)m")
# A terminal that takes colour: forced, 256 colours, nothing in the environment to stop it.
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


def unpadded(text: str) -> str:
    return "".join(line.rstrip() + "\n" for line in text.splitlines())


@pytest.fixture
def in_workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user's folder holding publications.bib and publist.toml, as the current directory."""
    (tmp_path / "publications.bib").write_bytes(BUNDLED_BIB.read_bytes())
    (tmp_path / "publist.toml").write_bytes(BUNDLED_CONFIG.read_bytes())
    monkeypatch.chdir(tmp_path)
    return tmp_path


def labels(stdout: str) -> list[str]:
    return re.findall(r"^([A-Z]\d+) ", stdout, re.M)


@pytest.mark.parametrize("command", ["list", "show", "check"])
def test_help(command: str) -> None:
    result = run_cli(command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.stdout


# ---- list ------------------------------------------------------------------------------------


def test_list_defaults_piped_is_the_80_column_golden(in_workdir: Path) -> None:
    result = run_cli("list", env={"COLUMNS": None})
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert not ANSI.search(result.stdout)
    assert unpadded(result.stdout) == (GOLDEN_DIR / "list.bundled.80.txt").read_text("utf-8")
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_list_follows_columns(in_workdir: Path) -> None:
    result = run_cli("list", env={"COLUMNS": "120"})
    assert unpadded(result.stdout) == (GOLDEN_DIR / "list.bundled.120.txt").read_text("utf-8")


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--category", "workshop"], ["W2", "W1"]),
        (["--category", "Submission", "--category", "workshop"], ["A2", "A1", "W2", "W1"]),
        (["--year", "2020"], ["C3", "C2"]),
        (["--since", "2025"], ["A2", "C7"]),
        (["--search", "cvpr"], ["C6"]),
        (["-s", "Qíngyǔ SÒNG sum-rate"], ["C5", "W2", "W1"]),
        (
            ["--category", "conference", "--since", "2024", "--search", "learning"],
            ["C7", "C6", "C5", "C4"],
        ),
    ],
)
def test_list_filters(in_workdir: Path, options: list[str], expected: list[str]) -> None:
    result = run_cli("list", *options)
    assert result.exit_code == 0, result.stderr
    assert labels(result.stdout) == expected


def test_list_nothing_matches(in_workdir: Path) -> None:
    result = run_cli("list", "--year", "1900")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "no publications match (11 in publications.bib)\n"


def test_list_unknown_category_is_a_usage_error(in_workdir: Path) -> None:
    result = run_cli("list", "--category", "conf")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: unknown category 'conf' (choose from: submission,")
    assert result.stderr.count("\n") == 1


def test_list_stale_with_a_short_limit(in_workdir: Path, tmp_path: Path) -> None:
    env = {"PUBLIST_CACHE_DIR": str(tmp_path / "empty-cache")}
    result = run_cli("list", "--stale", "--months", "1", env=env)
    assert result.exit_code == 0
    assert labels(result.stdout) == ["A2", "A1"]
    assert "dated 2025-01:" in result.stdout
    assert "(limit 1)" in result.stdout
    assert result.stderr == (
        "note: no arXiv records cached (publist sync fills the cache); "
        "only the age limit was applied\n"
    )


def test_list_stale_with_a_long_limit_finds_nothing(in_workdir: Path, tmp_path: Path) -> None:
    env = {"PUBLIST_CACHE_DIR": str(tmp_path / "empty-cache")}
    result = run_cli("list", "--stale", "--months", "1200", env=env)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "no publications match" in result.stderr


def test_list_stale_from_the_sync_cache(in_workdir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    published = ArxivRecord(
        id=ArxivId("2412.00059", 2),
        title="Adaptive Coordinate-Wise Step Sizes for Quasi-Newton Methods",
        authors=("Wei Lin", "Qingyu Song", "Hong Xu"),
        abstract="",
        published=date(2024, 11, 29),
        updated=date(2025, 5, 2),
        journal_ref="NeurIPS 2025",
    )
    arxiv_cache(cache).store({"2412.00059": published.to_json()})
    env = {"PUBLIST_CACHE_DIR": str(cache), "COLUMNS": "160"}
    result = run_cli("list", "--stale", "--months", "1200", env=env)
    assert result.exit_code == 0
    assert labels(result.stdout) == ["A1"]
    assert "arXiv lists journal ref: NeurIPS 2025" in result.stdout
    assert result.stderr == ""


def test_list_months_needs_stale(in_workdir: Path) -> None:
    result = run_cli("list", "--months", "3")
    assert result.exit_code == 2
    assert result.stderr == "error: --months only applies with --stale\n"


def test_list_months_must_be_positive(in_workdir: Path) -> None:
    result = run_cli("list", "--stale", "--months", "0")
    assert result.exit_code == 2


def test_list_json(in_workdir: Path) -> None:
    result = run_cli("list", "--json", "--category", "submission")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert [row["label"] for row in rows] == ["A2", "A1"]
    for field in ("key", "label", "category", "title", "authors", "year", "venue", "arxiv_id"):
        assert field in rows[0]
    assert rows[0]["arxiv_id"] == "2501.18092"
    assert rows[1]["authors"] == ["Wei Lin", "Qingyu Song", "Hong Xu"]


def test_list_json_with_stale(in_workdir: Path, tmp_path: Path) -> None:
    env = {"PUBLIST_CACHE_DIR": str(tmp_path / "empty-cache")}
    result = run_cli("list", "--json", "--stale", "--months", "1", env=env)
    rows = json.loads(result.stdout)
    assert [row["stale"][:13] for row in rows] == ["dated 2025-01", "dated 2024-12"]


def test_list_json_empty_is_an_empty_array(in_workdir: Path) -> None:
    result = run_cli("list", "--json", "--year", "1900")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_list_other_bib_config_and_encoding(tmp_path: Path) -> None:
    bib = tmp_path / "other.bib"
    bib.write_bytes(
        "@article{m,\n  title = {Caf\u00e9 Theory},\n  author = {M\u00fcller, J\u00f6rg},\n"
        "  journal = {J},\n  year = {2021},\n}\n".encode("latin-1")
    )
    config = tmp_path / "settings.toml"
    config.write_text('[categories.journal]\nprefix = "Art"\n', encoding="utf-8")
    result = run_cli(
        "list", "--bib", bib, "--config", config, "--encoding", "latin-1", "--search", "cafe"
    )
    assert result.exit_code == 0, result.stderr
    assert "Art1" in result.stdout
    assert "Café Theory" in result.stdout
    assert "J. Müller" in result.stdout


def test_list_reports_problems_in_one_line(tmp_path: Path) -> None:
    result = run_cli("list", "--bib", PROBLEMS_BIB, "--config", PROBLEMS_CONFIG)
    assert result.exit_code == 0
    assert result.stderr == f"note: {PROBLEMS_BIB} has problems; publist check lists them\n"


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


# ---- colour ----------------------------------------------------------------------------------


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


# ---- show ------------------------------------------------------------------------------------


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
    assert "source      publications.bib:27" in result.stdout


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
    assert (data["key"], data["label"], data["line"]) == ("song2024towards", "C6", 38)
    assert data["problems"] == []


def test_show_other_bib(tmp_path: Path) -> None:
    result = run_cli("show", "badmonth2019", "--bib", PROBLEMS_BIB, "-c", PROBLEMS_CONFIG)
    assert result.exit_code == 0
    assert "warning line 149: month '13' is not a month" in result.stdout


# ---- check -----------------------------------------------------------------------------------


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
    assert lines[-1] == f"{PROBLEMS_BIB}: 17 entries checked, 11 errors, 3 warnings"
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
    assert (data["errors"], data["warnings"], data["failed"]) == (11, 3, True)
    assert [f["line"] for f in data["findings"]][:3] == [14, 26, 36]


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


# ---- pre-commit ------------------------------------------------------------------------------


def test_pre_commit_hook_runs_publist_check_on_bib_changes() -> None:
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    settings = dict(re.findall(r"^-? *(\w+): (.+)$", hooks, re.M))
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
