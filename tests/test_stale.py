"""Stale preprints: published according to the cached arXiv record, or too old."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import pytest

from publist.bibtex.arxiv_ids import posted_year_month
from publist.model import Category, Publication
from publist.views.stale import ArxivEvidence, months_between, posted_month, stale_reason

TODAY = date(2026, 3, 15)


@dataclass(frozen=True)
class Record:
    """Stands in for ``publist.arxiv.ArxivRecord``: only what the stale rule reads."""

    dois: tuple[str, ...] = ()
    journal_ref: str | None = None
    published: date | None = None


def preprint(**changes: Any) -> Publication:
    base = Publication(
        key="p",
        entry_type="misc",
        category=Category.SUBMISSION,
        category_rule="@misc with an arXiv id or preprint venue",
        title="A Preprint",
        authors=(),
        year=2025,
        month=1,
        path="x.bib",
        line=1,
        position=0,
        arxiv_id="2501.18092",
    )
    return replace(base, **changes)


def reason(
    publication: Publication, *, months: int = 24, records: dict[str, ArxivEvidence] | None = None
) -> str | None:
    return stale_reason(publication, today=TODAY, months=months, records=records or {})


def test_a_fresh_preprint_is_not_stale() -> None:
    assert reason(preprint()) is None


def test_published_papers_are_never_stale() -> None:
    old = preprint(category=Category.CONFERENCE, year=1999, arxiv_id="")
    assert reason(old, months=1) is None


def test_arxiv_doi_makes_it_stale() -> None:
    records: dict[str, ArxivEvidence] = {"2501.18092": Record(dois=("10.1109/X.2025.1",))}
    assert reason(preprint(), records=records) == "arXiv lists DOI 10.1109/X.2025.1"


def test_journal_ref_makes_it_stale() -> None:
    records: dict[str, ArxivEvidence] = {"2501.18092": Record(journal_ref="CVPR 2025")}
    assert reason(preprint(), records=records) == "arXiv lists journal ref: CVPR 2025"


def test_a_record_without_publication_signals_is_judged_by_age() -> None:
    records: dict[str, ArxivEvidence] = {"2501.18092": Record(published=date(2023, 2, 20))}
    assert reason(preprint(), records=records) == "dated 2023-02: 37 months old (limit 24)"


def test_records_of_other_ids_do_not_count() -> None:
    records: dict[str, ArxivEvidence] = {"2412.00059": Record(dois=("10.1/x",))}
    assert reason(preprint(), records=records) is None


@pytest.mark.parametrize(
    ("months", "stale"),
    [(13, True), (14, True), (15, False)],  # 2025-01 to 2026-03 is 14 months
)
def test_age_limit_is_inclusive(months: int, stale: bool) -> None:
    assert (reason(preprint(), months=months) is not None) is stale


def test_the_arxiv_id_dates_the_preprint_before_the_entry() -> None:
    # The entry says 2026, but the id was issued in January 2024.
    publication = preprint(arxiv_id="2401.00001", year=2026, month=None)
    assert reason(publication) == "dated 2024-01: 26 months old (limit 24)"


def test_old_style_ids_are_dated_too() -> None:
    publication = preprint(arxiv_id="math/0309136")
    assert posted_month(publication) == date(2003, 9, 1)
    assert posted_month(preprint(arxiv_id="hep-th/9901001")) == date(1999, 1, 1)


def test_without_an_id_the_entry_dates_it_and_a_missing_month_counts_as_december() -> None:
    assert posted_month(preprint(arxiv_id="", year=2024, month=3)) == date(2024, 3, 1)
    assert posted_month(preprint(arxiv_id="", year=2024, month=None)) == date(2024, 12, 1)
    assert reason(preprint(arxiv_id="", year=2024, month=None), months=16) is None
    assert reason(preprint(arxiv_id="", year=2024, month=None), months=15) is not None


def test_an_undated_preprint_is_never_stale_by_age() -> None:
    assert reason(preprint(arxiv_id="", year=None, month=None), months=1) is None


def test_an_impossible_month_in_an_id_gives_no_date() -> None:
    assert posted_month(preprint(arxiv_id="2513.00001", year=None)) is None


def test_old_style_ids_find_their_records() -> None:
    records: dict[str, ArxivEvidence] = {"math/0309136": Record(journal_ref="Geom. Topol. 8")}
    publication = preprint(arxiv_id="math/0309136")  # the read model's canonical form
    assert reason(publication, records=records) == "arXiv lists journal ref: Geom. Topol. 8"


def test_months_between() -> None:
    assert months_between(date(2024, 12, 1), date(2025, 1, 31)) == 1
    assert months_between(date(2025, 1, 1), date(2025, 1, 31)) == 0


@pytest.mark.parametrize(
    ("base", "posted"),
    [
        ("2501.18092", (2025, 1)),
        ("0704.0001", (2007, 4)),
        ("hep-th/9108001", (1991, 8)),
        ("math/0702001", (2007, 2)),
        ("not-an-id", None),
    ],
)
def test_the_posting_month_of_an_id(base: str, posted: tuple[int, int] | None) -> None:
    assert posted_year_month(base) == posted
