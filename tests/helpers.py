"""Shared test helpers: paths to the bundled files and a CLI runner."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from typer.testing import CliRunner, Result

from publist.cli import app

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
BUNDLED_BIB = ROOT / "publications.bib"
BUNDLED_CONFIG = ROOT / "publist.toml"
EDGE_BIB = DATA / "edge.bib"
EDGE_CONFIG = DATA / "edge.toml"


def run_cli(*args: str | Path, env: Mapping[str, str | None] | None = None) -> Result:
    """Invoke the CLI in-process; stdout and stderr are kept apart (``None`` unsets a variable)."""
    runner = CliRunner()
    return runner.invoke(app, [str(arg) for arg in args], env=env, catch_exceptions=False)
