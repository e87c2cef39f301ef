"""Golden files for every output format, on the bundled file and on the edge-case file."""

from __future__ import annotations

from pathlib import Path

import pytest

from publist.build.pipeline import load_bibliography
from publist.config import load_config
from publist.output import FORMATS, render
from tests.golden import assert_golden
from tests.helpers import BUNDLED_BIB, BUNDLED_CONFIG, EDGE_BIB, EDGE_CONFIG

SUFFIX = {
    "md": "md",
    "html": "html",
    "text": "txt",
    "latex": "tex",
    "js": "js",
    "json": "json",
    "csl-json": "csl.json",
    "bib": "bib",
}
CASES = {"bundled": (BUNDLED_BIB, BUNDLED_CONFIG), "edge": (EDGE_BIB, EDGE_CONFIG)}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("case", sorted(CASES))
def test_export_matches_golden(case: str, fmt: str) -> None:
    bib, config = CASES[case]
    loaded = load_bibliography(bib, config_path=config)
    assert_golden(f"{case}.{SUFFIX[fmt]}", render(fmt, loaded.bibliography, loaded.config))


@pytest.mark.parametrize("fmt", ["html", "latex"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_standalone_matches_golden(case: str, fmt: str) -> None:
    bib, config = CASES[case]
    loaded = load_bibliography(bib, config_path=config)
    page = render(fmt, loaded.bibliography, loaded.config, standalone=True)
    assert_golden(f"{case}.standalone.{SUFFIX[fmt]}", page)


def test_same_labels_in_every_format() -> None:
    loaded = load_bibliography(BUNDLED_BIB, config_path=BUNDLED_CONFIG)
    labels = [item.label for item in loaded.bibliography.items]
    assert labels == ["A2", "A1", "C7", "C6", "C5", "C4", "C3", "C2", "C1", "W2", "W1"]
    md = render("md", loaded.bibliography, loaded.config)
    html = render("html", loaded.bibliography, loaded.config)
    text = render("text", loaded.bibliography, loaded.config)
    latex = render("latex", loaded.bibliography, loaded.config)
    for label in labels:
        assert f"- {label}. " in md
        assert f'data-label="{label}"' in html
        assert f"\n{label}. " in text
        assert f"\\item[{label}.]\\publistitem{{{label}}}" in latex


def test_defaults_without_config(tmp_path: Path) -> None:
    bib = tmp_path / "publications.bib"
    bib.write_bytes(BUNDLED_BIB.read_bytes())
    loaded = load_bibliography(bib)
    assert loaded.config == load_config(None)
    headings = [section.heading for section in loaded.bibliography.sections]
    assert headings == ["Preprints", "Conference Papers", "Workshop Papers"]
    # Without owner names nobody is highlighted.
    assert not any(a.is_owner for p in loaded.publications for a in p.authors)
