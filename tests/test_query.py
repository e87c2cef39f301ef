"""Filters of ``publist list``: category, year, since, and the folded search."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from publist.build.pipeline import load_bibliography
from publist.build.query import Filters, matches_search, parse_category, select
from publist.build.textfold import fold_words as fold
from publist.errors import UsageError
from publist.model import Author, Category, Publication
from tests.helpers import BUNDLED_BIB, BUNDLED_CONFIG

LOADED = load_bibliography(BUNDLED_BIB, config_path=BUNDLED_CONFIG)
ITEMS = LOADED.bibliography.items


def labels(filters: Filters) -> list[str]:
    return [item.label for item in select(ITEMS, filters)]


def paper(**changes: Any) -> Publication:
    base = Publication(
        key="k",
        entry_type="article",
        category=Category.JOURNAL,
        category_rule="@article in a journal",
        title="Über Señales: A Study",
        authors=(Author("Zoë", "", "Šimić", ""), Author("Qingyu", "", "Song", "")),
        year=2024,
        month=None,
        path="x.bib",
        line=1,
        position=0,
        venue="Journal of Ünusual Things",
        venue_short="JUT",
    )
    return replace(base, **changes)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Qíngyǔ Sòng", "qingyu song"),
        ("QUASI-{Newton}", "quasi newton"),
        ("  Learning--to--Optimize!  ", "learning to optimize"),
        ("Straße", "strasse"),
        ("宋庆禹", "宋庆禹"),
        ("", ""),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


def test_no_filter_keeps_everything_in_display_order() -> None:
    assert labels(Filters()) == [item.label for item in ITEMS]


def test_category_filter() -> None:
    assert labels(Filters(categories=frozenset({Category.WORKSHOP}))) == ["W2", "W1"]
    both = Filters(categories=frozenset({Category.WORKSHOP, Category.SUBMISSION}))
    assert labels(both) == ["A2", "A1", "W2", "W1"]


def test_year_and_since() -> None:
    assert labels(Filters(year=2020)) == ["C3", "C2"]
    assert labels(Filters(since=2025)) == ["A2", "C7"]
    assert labels(Filters(year=2024, since=2025)) == []


def test_filters_combine() -> None:
    combined = Filters(categories=frozenset({Category.CONFERENCE}), since=2024, search="learning")
    assert labels(combined) == ["C7", "C6", "C5", "C4"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("cvpr", ["C6"]),  # the venue's short name
        ("Computer Vision", ["C6"]),  # the full venue
        ("juncheng", ["C6", "C5"]),  # an author
        ("SONG cvpr", ["C6"]),  # every word must match, anywhere
        ("quasi newton", ["A1"]),  # punctuation and braces do not matter
        ("sum-rate", ["C5", "W2", "W1"]),
        ("Qíngyǔ convergence", ["A2"]),  # accents ignored
        ("ACM", ["C7", "W1"]),  # the organizer
        ("nothing like this", []),
        ("  ", [item.label for item in ITEMS]),
    ],
)
def test_search(query: str, expected: list[str]) -> None:
    assert labels(Filters(search=query)) == expected


def test_search_folds_the_text_too() -> None:
    publication = paper()
    assert matches_search(publication, "uber senales")
    assert matches_search(publication, "zoe simic")
    assert matches_search(publication, "unusual")
    assert matches_search(publication, "jut")
    assert not matches_search(publication, "uber zebra")


def test_search_includes_editors() -> None:
    book = paper(authors=(), editors=(Author("Ada", "", "Lovelace", ""),))
    assert matches_search(book, "lovelace")


def test_undated_entries_fail_since_but_pass_without_it() -> None:
    undated = paper(year=None)
    assert not Filters(since=2000).matches(undated)
    assert Filters().matches(undated)


@pytest.mark.parametrize("name", ["conference", "Conference", " WORKSHOP "])
def test_parse_category(name: str) -> None:
    assert parse_category(name) is Category(name.strip().lower())


def test_parse_category_rejects_unknown_names() -> None:
    with pytest.raises(UsageError, match=r"unknown category 'conf' \(choose from: submission, "):
        parse_category("conf")
