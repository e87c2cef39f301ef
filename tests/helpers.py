"""Shared test helpers: paths to the bundled files and a CLI runner."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType

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
