"""What a command imports decides how fast it starts: an export loads no network, XML,
pydantic or rich code (each costs more than exporting a CV)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT, load_script

# The list of modules an export must not import, and the importtime parser, are the bench's
# (scripts/bench.py checks the same thing as a target; the code is in bench_measure.py).
bench = load_script("bench_measure")


def _imported(
    *args: str, extra_env: dict[str, str] | None = None
) -> tuple[set[str], subprocess.CompletedProcess[bytes]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **(extra_env or {})}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "publist", *args],
        capture_output=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    modules = bench.imported_modules(done.stderr.decode("utf-8", "replace"))
    return modules, done


@pytest.mark.parametrize("fmt", ["md", "html", "text"])
def test_export_of_the_bundled_file_imports_only_what_it_needs(fmt: str) -> None:
    modules, done = _imported("export", "--format", fmt, "-b", str(ROOT / "publications.bib"))
    assert done.returncode == 0, done.stderr.decode()
    assert "publist.output" in modules  # the measurement saw the export itself
    assert bench.unneeded_for_export(modules) == []


def test_export_with_problems_prints_them_without_rich() -> None:
    modules, done = _imported("export", "-b", str(ROOT / "tests" / "data" / "edge.bib"))
    assert done.returncode == 0
    warnings = [
        line
        for line in done.stderr.decode().splitlines()
        if line.startswith(("warning: ", "error: "))
    ]
    assert warnings, "edge.bib has problems that must be reported"
    assert "publist.output" in modules
    assert bench.unneeded_for_export(modules) == []


def test_export_to_a_file_reports_where_without_rich(tmp_path: Path) -> None:
    target = tmp_path / "cv.md"
    modules, done = _imported("export", "-b", str(ROOT / "publications.bib"), "-o", str(target))
    assert done.returncode == 0
    assert f"wrote md to {target}" in done.stderr.decode()
    golden = (ROOT / "tests" / "golden" / "bundled.md").read_text(encoding="utf-8")
    assert target.read_text(encoding="utf-8") == golden
    assert "publist.output" in modules
    assert bench.unneeded_for_export(modules) == []


def test_list_stale_reads_the_sync_cache_without_the_network_client(tmp_path: Path) -> None:
    env_cache = {"PUBLIST_CACHE_DIR": str(tmp_path / "cache")}
    modules, done = _imported(
        "list", "--stale", "-b", str(ROOT / "publications.bib"), extra_env=env_cache
    )
    assert done.returncode == 0, done.stderr.decode()
    assert "publist.sources.arxiv.records" in modules
    network = (
        "requests",
        "urllib3",
        "http.client",
        "xml",
        "defusedxml",
        "publist.sources.arxiv.client",
        "publist.sources.http",
    )
    assert [
        m for m in modules if m in network or m.startswith(tuple(n + "." for n in network))
    ] == []


def test_an_export_imports_only_its_own_format_and_no_block_parser() -> None:
    """Each format's module (and --into's block parser) is loaded only by the runs that use it."""
    modules, done = _imported("export", "--format", "md", "-b", str(ROOT / "publications.bib"))
    assert done.returncode == 0, done.stderr.decode()
    assert "publist.output.markdown" in modules
    unused = {
        "publist.output.latex",
        "publist.output.data",
        "publist.output.html",
        "publist.output.text",
        "publist.output.document",
        "publist.output.blocks",
    }
    assert unused & modules == set()
    modules, done = _imported("export", "--format", "latex", "-b", str(ROOT / "publications.bib"))
    assert done.returncode == 0, done.stderr.decode()
    assert "publist.output.latex" in modules and "publist.output.data" not in modules


def test_a_run_builds_only_the_command_it_invokes(monkeypatch: pytest.MonkeyPatch) -> None:
    from publist import cli

    commands = list(cli.app.registered_commands)
    monkeypatch.setattr(cli.app, "registered_commands", list(commands))
    cli._keep_only_the_invoked_command(["export", "--format", "md", "-b", "list"])
    assert [info.callback.__name__ for info in cli.app.registered_commands if info.callback] == [
        "export"
    ]
    for args in ([], ["--help"], ["--version"], ["exprot"]):  # no command named: all stay
        monkeypatch.setattr(cli.app, "registered_commands", list(commands))
        cli._keep_only_the_invoked_command(args)
        assert cli.app.registered_commands == commands


@pytest.mark.parametrize(
    ("args", "code", "shown"),
    [
        (["--help"], 0, "promote"),  # the overview lists every command
        (["list", "--help"], 0, "--stale"),
        (["exprot"], 2, "No such command"),
    ],
)
def test_the_command_line_reads_as_always(args: list[str], code: int, shown: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "NO_COLOR": "1", "COLUMNS": "120"}
    done = subprocess.run(
        [sys.executable, "-m", "publist", *args], capture_output=True, env=env, check=False
    )
    assert done.returncode == code
    assert shown in (done.stdout + done.stderr).decode()
