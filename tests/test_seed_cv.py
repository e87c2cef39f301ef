"""The bundled file reproduces the seed CV's publication section (tests/data copy of cv.md)."""

from __future__ import annotations

import re

from publist.output.export import export
from tests.helpers import BUNDLED_BIB, DATA

ENTRY = re.compile(r"^- ([ACW]\d+)\. (.*)$")


def _normalise(entry: str) -> list[str]:
    """Words of an entry without punctuation, quotes or the word "and": the CV is inconsistent."""
    entry = entry.replace("**", "")
    words = re.findall(r"[\w/:.-]+", entry)
    return [w.strip(".:").lower() for w in words if w.lower() != "and" and w.strip(".:")]


def _entries(markdown: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for line in markdown.splitlines() if (m := ENTRY.match(line))}


def test_export_has_the_cvs_labels_in_the_cvs_order() -> None:
    cv = (DATA / "seed_cv_publications.md").read_text(encoding="utf-8")
    ours = export(BUNDLED_BIB).text
    assert list(_entries(ours)) == list(_entries(cv))


def test_each_entry_has_the_cvs_authors_title_venue_and_year() -> None:
    cv = _entries((DATA / "seed_cv_publications.md").read_text(encoding="utf-8"))
    ours = _entries(export(BUNDLED_BIB).text)
    for label, expected in cv.items():
        assert _normalise(ours[label]) == _normalise(expected), label


def test_owner_is_bold_in_every_entry_and_venues_are_bold() -> None:
    ours = _entries(export(BUNDLED_BIB).text)
    assert len(ours) == 11
    for label, entry in ours.items():
        assert "**Qingyu Song**" in entry, label
        if label.startswith(("C", "W")):
            assert re.search(r"In (?:[A-Z/]+ )?\*\*[A-Za-z]+\*\*", entry), label


def test_sections_use_the_cvs_headings() -> None:
    ours = export(BUNDLED_BIB).text
    assert re.findall(r"^### (.+)$", ours, flags=re.MULTILINE) == [
        "In submission",
        "Conferences",
        "Workshops",
    ]
