"""Shared test helpers: paths to the bundled files, CLI runner and output helpers, arXiv helpers."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from types import ModuleType

import pytest
from typer.testing import CliRunner, Result

from publist.bibtex.arxiv_ids import ArxivId, normalize_arxiv_id
from publist.cli import app
from publist.sources.arxiv.client import ArxivClient
from tests.arxiv_server import Paper

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
BUNDLED_BIB = ROOT / "publications.bib"
BUNDLED_CONFIG = ROOT / "publist.toml"
EDGE_BIB = DATA / "edge.bib"
EDGE_CONFIG = DATA / "edge.toml"
PROBLEMS_BIB = DATA / "problems.bib"
PROBLEMS_CONFIG = DATA / "problems.toml"
ANSI = re.compile(r"\x1b\[")  # any escape sequence


def run_cli(*args: str | Path, env: Mapping[str, str | None] | None = None) -> Result:
    """Invoke the CLI in-process; stdout and stderr are kept apart (``None`` unsets a variable)."""
    runner = CliRunner()
    return runner.invoke(app, [str(arg) for arg in args], env=env, catch_exceptions=False)


def unpadded(text: str) -> str:
    return "".join(line.rstrip() + "\n" for line in text.splitlines())


def load_script(name: str) -> ModuleType:
    """Import ``scripts/NAME.py`` (the scripts are not a package) once per test session."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


# arXiv: the ``make_arxiv_client`` fixture's type, an id parser and a sample paper.


MakeClient = Callable[..., ArxivClient]


def ids(*texts: str) -> list[ArxivId]:
    """Parse ids that must be valid."""
    parsed = [normalize_arxiv_id(t) for t in texts]
    assert all(p is not None for p in parsed), texts
    return [p for p in parsed if p is not None]


PAPER = Paper(
    base="2501.18092",
    version=3,
    title="Sparse Attention for Long Sequences",
    authors=("Zoë Çelik", "J. Doe"),
    summary="We study $O(n)$ attention & <more>.",
    published="2025-01-30T12:00:00Z",
    updated="2025-03-01T00:00:00Z",
    dois=("10.1000/a", "10.1000/b"),
    journal_ref="NeurIPS 2025",
    comment="12 pages",
    primary_category="cs.LG",
    categories=("cs.CL", "cs.LG"),
)


def tex_program(name: str) -> str:
    """The path of a TeX-side program (xelatex, bibtex, biber, pdftotext, ...).

    Missing, the test fails where ``PUBLIST_REQUIRE_TEX=1`` (CI installs them all: see
    ``.ci/run``) and is skipped on a developer's machine without TeX.
    """
    found = shutil.which(name)
    if found is None:
        if os.environ.get("PUBLIST_REQUIRE_TEX") == "1":
            pytest.fail(f"{name} is required (PUBLIST_REQUIRE_TEX=1) but not installed")
        pytest.skip(f"{name} not installed (the Debian packages are listed in .ci/run)")
    return found
