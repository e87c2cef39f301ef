"""Golden-file comparison with a readable unified diff.

Run ``PUBLIST_UPDATE_GOLDENS=1 pytest`` to rewrite the files on purpose; review the diff in git.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

GOLDEN_DIR = Path(__file__).parent / "golden"


def assert_golden(name: str, actual: str) -> None:
    """Compare ``actual`` with ``tests/golden/<name>``; fail with a unified diff."""
    path = GOLDEN_DIR / name
    if os.environ.get("PUBLIST_UPDATE_GOLDENS") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="")
        return
    if not path.exists():
        raise AssertionError(
            f"golden file {path} is missing; run with PUBLIST_UPDATE_GOLDENS=1 to create it"
        )
    with path.open(encoding="utf-8", newline="") as handle:
        expected = handle.read()
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                fromfile=f"golden/{name}",
                tofile="actual",
            )
        )
        raise AssertionError(f"output differs from golden/{name}:\n{diff}")
