"""``publist list`` through the CLI: golden output, filters, --stale, --json and its errors."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from publist.bibtex.arxiv_ids import ArxivId
from publist.sources.arxiv.records import ArxivRecord, arxiv_cache
from tests.golden import GOLDEN_DIR
from tests.helpers import ANSI, PROBLEMS_BIB, PROBLEMS_CONFIG, run_cli, unpadded


def labels(stdout: str) -> list[str]:
    return re.findall(r"^([A-Z]\d+) ", stdout, re.M)


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
