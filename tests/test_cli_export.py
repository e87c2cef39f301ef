"""``publist export`` through the CLI: every option and every error path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from publist import __version__
from publist.errors import ExitCode
from tests.golden import GOLDEN_DIR
from tests.helpers import BUNDLED_BIB, BUNDLED_CONFIG, EDGE_BIB, EDGE_CONFIG, run_cli


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A folder holding copies of the bundled bib and config, as a user's would."""
    (tmp_path / "publications.bib").write_bytes(BUNDLED_BIB.read_bytes())
    (tmp_path / "publist.toml").write_bytes(BUNDLED_CONFIG.read_bytes())
    return tmp_path


@pytest.fixture
def in_workdir(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run the test from inside ``workdir`` (the CLI's defaults are relative paths)."""
    monkeypatch.chdir(workdir)
    return workdir


def test_version() -> None:
    result = run_cli("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"publist {__version__}"


@pytest.mark.parametrize("command", [[], ["export"], ["sync"]])
def test_help_everywhere(command: list[str]) -> None:
    result = run_cli(*command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.stdout


def test_defaults_are_markdown_of_publications_bib_with_its_config(in_workdir: Path) -> None:
    result = run_cli("export")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (GOLDEN_DIR / "bundled.md").read_text(encoding="utf-8")
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("fmt", "golden"), [("md", "bundled.md"), ("html", "bundled.html"), ("text", "bundled.txt")]
)
def test_format_option(fmt: str, golden: str) -> None:
    result = run_cli("export", "--format", fmt, "--bib", BUNDLED_BIB)
    assert result.exit_code == 0
    assert result.stdout == (GOLDEN_DIR / golden).read_text(encoding="utf-8")


def test_standalone_html() -> None:
    result = run_cli("export", "-f", "html", "--standalone", "--bib", BUNDLED_BIB)
    assert result.exit_code == 0
    assert result.stdout.startswith("<!DOCTYPE html>")
    assert result.stdout == (GOLDEN_DIR / "bundled.standalone.html").read_text(encoding="utf-8")


def test_unknown_format_is_a_usage_error() -> None:
    result = run_cli("export", "--format", "pdf", "--bib", BUNDLED_BIB)
    assert result.exit_code == ExitCode.USAGE
    assert (
        result.stderr.strip() == "error: unknown format 'pdf' "
        "(choose from: md, html, text, latex, js, json, csl-json, bib)"
    )
    assert result.stdout == ""


def test_output_file_is_written_and_format_follows_suffix(workdir: Path) -> None:
    target = workdir / "pubs.html"
    result = run_cli("export", "--bib", workdir / "publications.bib", "-o", target)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert target.read_text(encoding="utf-8") == (GOLDEN_DIR / "bundled.html").read_text(
        encoding="utf-8"
    )
    assert f"wrote html to {target}" in result.stderr
    assert [p.name for p in workdir.iterdir() if p.name.endswith(".tmp")] == []


def test_output_into_missing_folder_is_an_output_error(workdir: Path) -> None:
    target = workdir / "no" / "such" / "dir" / "out.md"
    result = run_cli("export", "--bib", workdir / "publications.bib", "-o", target)
    assert result.exit_code == ExitCode.OUTPUT
    assert result.stderr.startswith(f"error: {target}: cannot write")


def test_missing_bib_file() -> None:
    result = run_cli("export", "--bib", "does-not-exist.bib")
    assert result.exit_code == ExitCode.INPUT
    assert result.stderr.strip() == "error: does-not-exist.bib: file not found"
    assert "Traceback" not in result.output


def test_undecodable_bib_names_file_and_line(tmp_path: Path) -> None:
    bib = tmp_path / "latin1.bib"
    bib.write_bytes(b"@misc{a,\n  title = {ok},\n  author = {M\xfcller, J.},\n}\n")
    result = run_cli("export", "--bib", bib)
    assert result.exit_code == ExitCode.INPUT
    assert result.stderr.startswith(f"error: {bib}:3: not valid utf-8 (byte 0xfc)")
    result = run_cli("export", "--bib", bib, "--encoding", "latin-1")
    assert result.exit_code == 0
    assert "J. Müller" in result.stdout


def test_bad_config_is_one_line_with_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[owner]\nnames = ["x"\n', encoding="utf-8")
    result = run_cli("export", "--bib", BUNDLED_BIB, "--config", bad)
    assert result.exit_code == ExitCode.INPUT
    assert result.stderr.startswith(f"error: {bad}:")
    assert "invalid TOML" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unknown_config_setting_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "typo.toml"
    bad.write_text('[owner]\nname = ["Qingyu Song"]\n', encoding="utf-8")
    result = run_cli("export", "--bib", BUNDLED_BIB, "--config", bad)
    assert result.exit_code == ExitCode.INPUT
    assert "unknown setting(s) in owner: name" in result.stderr


def test_missing_config_file_given_explicitly() -> None:
    result = run_cli("export", "--bib", BUNDLED_BIB, "--config", "nope.toml")
    assert result.exit_code == ExitCode.INPUT
    assert result.stderr.strip() == "error: nope.toml: config file not found"


def test_diagnostics_go_to_stderr_and_good_entries_still_render() -> None:
    result = run_cli("export", "--bib", EDGE_BIB, "--config", EDGE_CONFIG)
    assert result.exit_code == 0
    assert result.stdout == (GOLDEN_DIR / "edge.md").read_text(encoding="utf-8")
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"error: {EDGE_BIB}:44: broken2020: cannot parse this block: "
        "Unexpected block start: `@book`. Was still looking for field-value closing `}`",
        f"warning: {EDGE_BIB}:56: song2025thesis: unsafe link in field 'url' dropped: "
        "'javascript:alert(1)'",
    ]


def test_strict_fails_on_diagnostics_and_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "out.md"
    result = run_cli("export", "--bib", EDGE_BIB, "--config", EDGE_CONFIG, "--strict", "-o", target)
    assert result.exit_code == ExitCode.INPUT
    assert result.stdout == ""
    assert result.stderr.strip().splitlines()[-1] == (
        f"error: {EDGE_BIB}: 2 problems found; --strict stops here"
    )
    assert not target.exists()


def test_strict_passes_on_a_clean_file() -> None:
    result = run_cli("export", "--bib", BUNDLED_BIB, "--strict")
    assert result.exit_code == 0


def test_output_and_into_together_are_refused(workdir: Path) -> None:
    result = run_cli("export", "-o", workdir / "a.md", "--into", workdir / "b.md")
    assert result.exit_code == ExitCode.USAGE
    assert "either -o/--output or --into" in result.stderr


def test_strict_says_what_the_problems_are() -> None:
    result = run_cli("export", "--bib", EDGE_BIB, "--config", EDGE_CONFIG, "--strict")
    assert "broken2020: cannot parse this block" in result.stderr
    assert "unsafe link in field 'url' dropped" in result.stderr


def test_a_new_output_file_gets_the_usual_permissions(workdir: Path) -> None:
    target = workdir / "pubs.html"
    old = os.umask(0o022)
    try:
        run_cli("export", "--bib", workdir / "publications.bib", "-o", target)
    finally:
        os.umask(old)
    assert target.stat().st_mode & 0o777 == 0o644


def test_conference_without_year_has_no_stray_comma(tmp_path: Path) -> None:
    bib = tmp_path / "p.bib"
    bib.write_text("@inproceedings{k, title={T}, author={A, B}, abbr={CVPR}}\n", encoding="utf-8")
    result = run_cli("export", "--bib", bib)
    assert result.stdout.splitlines()[-1] == '- C1. B A. "T." In **CVPR**.'


def test_emoji_codes_in_keys_print_literally(tmp_path: Path) -> None:
    bib = tmp_path / "p.bib"
    bib.write_text("@misc{Ng:cd:2020, title = {T}, year = 2020}\n", encoding="utf-8")
    result = run_cli("export", "--bib", bib)
    assert "Ng:cd:2020: missing author" in result.stderr
