"""The data behind ``list`` and ``show``: filtering, staleness, lookup by key or label, JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from publist.bibtex.arxiv_ids import ArxivId
from publist.build.as_json import item_json
from publist.build.pipeline import load_bibliography
from publist.build.query import Filters
from publist.errors import NotFoundError, UsageError
from publist.model import Category
from publist.sources.arxiv.records import CACHE_FILE_NAME, ArxivRecord, arxiv_cache
from publist.views.listing import (
    find_item,
    list_publications,
    listing_json,
    show_publication,
    shown_json,
)
from publist.views.stale import ArxivEvidence
from tests.helpers import BUNDLED_BIB, BUNDLED_CONFIG, EDGE_BIB, EDGE_CONFIG

BUNDLED = load_bibliography(BUNDLED_BIB, config_path=BUNDLED_CONFIG)


@pytest.fixture(autouse=True)
def empty_sync_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """--stale reads the sync cache; never the user's own."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("PUBLIST_CACHE_DIR", str(folder))
    return folder


@dataclass(frozen=True)
class Record:
    """What the stale rule reads of a cached arXiv record."""

    dois: tuple[str, ...] = ()
    journal_ref: str | None = None
    published: date | None = None


def test_listing_keeps_display_order_and_counts() -> None:
    listing = list_publications(BUNDLED_BIB, config_path=BUNDLED_CONFIG)
    assert [item.label for item in listing.items][:3] == ["A2", "A1", "C7"]
    assert listing.total == 11
    assert listing.diagnostics == ()
    assert listing.stale == {}
    assert listing.cached_records is None


def test_listing_applies_filters() -> None:
    filters = Filters(categories=frozenset({Category.CONFERENCE}), year=2020)
    listing = list_publications(BUNDLED_BIB, config_path=BUNDLED_CONFIG, filters=filters)
    assert [item.label for item in listing.items] == ["C3", "C2"]
    assert listing.total == 11


def test_stale_by_age_uses_the_configured_months() -> None:
    # publist.toml has no [stale] table: the default is 24 months.
    listing = list_publications(
        BUNDLED_BIB, config_path=BUNDLED_CONFIG, stale=True, today=date(2026, 12, 31)
    )
    # A1 (2024-12) is 24 months old, A2 (2025-01) 23.
    assert [item.label for item in listing.items] == ["A1"]
    assert listing.stale == {"lin2024adaptive": "dated 2024-12: 24 months old (limit 24)"}
    assert listing.cached_records == 0


def test_stale_months_from_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "publist.toml"
    config.write_text("[stale]\nmonths = 3\n", encoding="utf-8")
    listing = list_publications(BUNDLED_BIB, config_path=config, stale=True, today=date(2025, 3, 9))
    assert [item.publication.key for item in listing.items] == ["lin2024adaptive"]


def test_months_overrides_the_config() -> None:
    listing = list_publications(
        BUNDLED_BIB, config_path=BUNDLED_CONFIG, stale=True, months=1, today=date(2025, 2, 1)
    )
    assert [item.label for item in listing.items] == ["A2", "A1"]


def test_months_without_stale_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="--months only applies with --stale"):
        list_publications(BUNDLED_BIB, months=3)


def test_stale_from_cached_records() -> None:
    records: dict[str, ArxivEvidence] = {
        "2501.18092": Record(journal_ref="ICML 2025"),
        "2412.00059": Record(),
    }
    listing = list_publications(
        BUNDLED_BIB,
        config_path=BUNDLED_CONFIG,
        stale=True,
        today=date(2025, 6, 1),
        records=lambda: records,
    )
    assert [item.label for item in listing.items] == ["A2"]
    assert listing.stale == {"song2025learning": "arXiv lists journal ref: ICML 2025"}
    assert listing.cached_records == 2


def test_stale_combines_with_filters() -> None:
    listing = list_publications(
        BUNDLED_BIB,
        config_path=BUNDLED_CONFIG,
        filters=Filters(search="quasi"),
        stale=True,
        months=1,
        today=date(2030, 1, 1),
    )
    assert [item.label for item in listing.items] == ["A1"]


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("song2024towards", "song2024towards"),
        ("C6", "song2024towards"),
        ("c6", "song2024towards"),
        (" W1 ", "song2023towards"),
        ("SONG2024TOWARDS", "song2024towards"),
    ],
)
def test_find_by_key_or_label(query: str, key: str) -> None:
    assert find_item(BUNDLED.bibliography, query).publication.key == key


def test_an_unknown_label_names_the_range_of_its_prefix() -> None:
    with pytest.raises(NotFoundError) as caught:
        find_item(BUNDLED.bibliography, "C9", path="publications.bib")
    assert str(caught.value) == (
        "publications.bib: no entry with key or label 'C9'; C labels run from C1 to C7"
    )
    assert caught.value.exit_code == 1


def test_an_unknown_key_suggests_close_ones() -> None:
    with pytest.raises(NotFoundError, match=r"did you mean song2024towards, "):
        find_item(BUNDLED.bibliography, "song2024toward")


def test_nothing_close_means_no_suggestion() -> None:
    with pytest.raises(NotFoundError) as caught:
        find_item(BUNDLED.bibliography, "zzzzzz")
    assert str(caught.value) == "no entry with key or label 'zzzzzz'"


def test_a_label_shared_by_two_lists_asks_for_the_key(tmp_path: Path) -> None:
    config = tmp_path / "publist.toml"
    config.write_text(
        '[categories.conference]\nprefix = "P"\n[categories.workshop]\nprefix = "P"\n',
        encoding="utf-8",
    )
    loaded = load_bibliography(BUNDLED_BIB, config_path=config)
    with pytest.raises(NotFoundError) as caught:
        find_item(loaded.bibliography, "P1")
    assert str(caught.value) == (
        "'P1' names several entries (lin2024adaptive, song2019urban, song2023towards); give the key"
    )


def test_show_carries_heading_and_the_entrys_problems() -> None:
    entry = show_publication(EDGE_BIB, "song2025thesis", config_path=EDGE_CONFIG)
    assert entry.item.label == "T1"
    assert entry.heading == "Theses"
    assert [d.code for d in entry.diagnostics] == ["unsafe-link"]


def test_item_json_has_the_documented_fields() -> None:
    item = find_item(BUNDLED.bibliography, "A2")
    data = item_json(item)
    assert data == {
        "key": "song2025learning",
        "label": "A2",
        "category": "submission",
        "category_rule": "@misc with an arXiv id or preprint venue",
        "entry_type": "misc",
        "title": "Learning Provably Improves the Convergence of Gradient Descent",
        "authors": ["Qingyu Song", "Wei Lin", "Hong Xu"],
        "owner_position": 1,
        "editors": [],
        "year": 2025,
        "month": 1,
        "venue": "",
        "venue_short": "",
        "arxiv_id": "2501.18092",
        "arxiv_version": None,
        "doi": None,
        "links": [
            {"kind": "arXiv", "url": "https://arxiv.org/abs/2501.18092"},
        ],
        "path": str(BUNDLED_BIB),
        "line": 7,
        "stale": None,
    }


def test_listing_json_is_an_array_in_display_order_with_stale_reasons() -> None:
    listing = list_publications(
        BUNDLED_BIB, config_path=BUNDLED_CONFIG, stale=True, months=1, today=date(2026, 1, 1)
    )
    rows = json.loads(listing_json(listing))
    assert [row["label"] for row in rows] == ["A2", "A1"]
    assert rows[0]["stale"] == "dated 2025-01: 12 months old (limit 1)"
    assert listing_json(listing).endswith("}\n]\n")


def test_owner_position_is_one_based_and_null_when_absent(tmp_path: Path) -> None:
    bib = tmp_path / "publications.bib"
    bib.write_bytes(BUNDLED_BIB.read_bytes())
    loaded = load_bibliography(bib)  # no publist.toml beside it: no owner names
    assert item_json(find_item(loaded.bibliography, "song2024towards"))["owner_position"] is None
    assert item_json(find_item(BUNDLED.bibliography, "C4"))["owner_position"] == 4


def test_shown_json_adds_the_problems() -> None:
    entry = show_publication(EDGE_BIB, "song2025thesis", config_path=EDGE_CONFIG)
    data = json.loads(shown_json(entry))
    assert data["label"] == "T1"
    assert data["problems"] == [
        {
            "line": 56,
            "severity": "warning",
            "code": "unsafe-link",
            "message": "unsafe link in field 'url' dropped: 'javascript:alert(1)'",
        }
    ]


def test_json_keeps_unicode_readable() -> None:
    loaded = load_bibliography(EDGE_BIB, config_path=EDGE_CONFIG)
    rows = [item_json(item) for item in loaded.bibliography.items]
    cjk = next(row for row in rows if row["key"] == "songcjk2021")
    assert cjk["authors"] == ["宋庆禹", "李伟"]
    assert "宋庆禹" in json.dumps(cjk, ensure_ascii=False)


def cache_records(folder: Path, **records: ArxivRecord) -> None:
    """Store records in the sync cache the way ``publist sync`` does (keyed by base id)."""
    arxiv_cache(folder).store({record.id.base: record.to_json() for record in records.values()})


def record(base: str, **changes: Any) -> ArxivRecord:
    fields: dict[str, Any] = {
        "id": ArxivId(base, 1),
        "title": "T",
        "authors": ("Qingyu Song",),
        "abstract": "",
        "published": date(2025, 1, 30),
        "updated": date(2025, 1, 30),
    }
    fields.update(changes)
    return ArxivRecord(**fields)


def test_stale_reads_the_sync_cache(empty_sync_cache: Path) -> None:
    cache_records(
        empty_sync_cache,
        a2=record("2501.18092", dois=("10.5555/published.1",)),
        a1=record("2412.00059", published=date(2024, 12, 1)),
    )
    listing = list_publications(
        BUNDLED_BIB, config_path=BUNDLED_CONFIG, stale=True, today=date(2025, 3, 1)
    )
    assert listing.cached_records == 2
    assert listing.stale == {"song2025learning": "arXiv lists DOI 10.5555/published.1"}


def test_a_cached_not_found_answer_is_no_evidence(empty_sync_cache: Path) -> None:
    arxiv_cache(empty_sync_cache).store({"2501.18092": None})
    listing = list_publications(
        BUNDLED_BIB, config_path=BUNDLED_CONFIG, stale=True, today=date(2025, 3, 1)
    )
    assert (listing.cached_records, listing.items) == (0, ())


def test_a_corrupt_cache_counts_as_empty(empty_sync_cache: Path) -> None:
    empty_sync_cache.mkdir()
    (empty_sync_cache / CACHE_FILE_NAME).write_text("{not json", encoding="utf-8")
    listing = list_publications(BUNDLED_BIB, config_path=BUNDLED_CONFIG, stale=True, months=1)
    assert listing.cached_records == 0
    assert len(listing.items) == 2  # both preprints are older than a month by now
