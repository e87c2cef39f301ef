"""The data formats: JSON for site templates, CSL JSON for citeproc, the bib as shown."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from publist.output.data import dumps_records
from tests.helpers import BUNDLED_BIB, BUNDLED_CONFIG, run_cli

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=40,
)


def _export(fmt: str) -> str:
    result = run_cli("export", "-b", str(BUNDLED_BIB), "-c", str(BUNDLED_CONFIG), "-f", fmt)
    assert result.exit_code == 0, result.output
    return result.stdout


@given(JSON_VALUES, st.integers(min_value=0, max_value=6))
def test_records_layout_reads_back_as_the_same_value(value: object, depth: int) -> None:
    assert json.loads(dumps_records(value, record_depth=depth)) == value


@given(JSON_VALUES)
def test_records_layout_below_every_record_is_plain_indented_json(value: object) -> None:
    assert (
        dumps_records(value, record_depth=1000)
        == json.dumps(value, indent=2, ensure_ascii=False) + "\n"
    )


def test_each_paper_of_the_json_export_is_one_line() -> None:
    """A site repository's data file changes by one line per changed paper."""
    text = _export("json")
    data = json.loads(text)
    items = [item for section in data["lists"] for item in section["items"]]
    assert len(items) == 11
    item_lines = [line for line in text.splitlines() if line.lstrip().startswith('{"key": ')]
    assert [json.loads(line.rstrip(",")) for line in item_lines] == items
    first = data["lists"][0]["items"][0]
    assert first["label"] == "A2"
    assert '<strong class="publist-owner">Qingyu Song</strong>' in first["html"]
    assert "**Qingyu Song**" in first["markdown"]


def test_csl_json_typesets_with_citeproc() -> None:
    """pandoc and Zotero read CSL JSON through a CSL processor; citeproc-py is one."""
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON

    text = _export("csl-json")
    items = json.loads(text)
    assert len(text.splitlines()) == len(items) + 2  # "[", one line per paper, "]"
    source = CiteProcJSON(items)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    references = [str(reference) for reference in bibliography.bibliography()]
    assert len(references) == len(items)
    joined = "\n".join(references)
    assert "Song, Q." in joined
    assert "Learning Provably Improves the Convergence of Gradient Descent" in joined
    assert "2025" in joined
