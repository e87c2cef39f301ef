"""Which preprints are stale: published according to arXiv, or left in submission too long."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Protocol

from publist.bibtex.arxiv_ids import posted_year_month
from publist.model import Category, Publication


class ArxivEvidence(Protocol):
    """What the sync cache knows about a preprint (``ArxivRecord`` of the arXiv records fits)."""

    @property
    def dois(self) -> tuple[str, ...]:
        """DOIs of the published version, as arXiv lists them."""
        ...

    @property
    def journal_ref(self) -> str | None:
        """Where the authors say it appeared."""
        ...

    @property
    def published(self) -> date | None:
        """The day version 1 was posted."""
        ...


def posted_month(publication: Publication, record: ArxivEvidence | None = None) -> date | None:
    """The first day of the month the preprint dates from, or None when nothing says.

    arXiv's own date wins, then the month in a new- or old-style id, then the entry's year and
    month; a year without a month counts from December so that nothing is called stale early.
    """
    if record is not None and record.published is not None:
        return record.published.replace(day=1)
    posted = posted_year_month(publication.arxiv_id)  # canonical: 2501.18092, math/0309136
    if posted is not None:
        return _month(*posted)
    if publication.year is None:
        return None
    return _month(publication.year, publication.month or 12)


def _month(year: int, month: int) -> date | None:
    try:
        return date(year, month, 1)
    except ValueError:
        return None


def months_between(start: date, end: date) -> int:
    """Whole calendar months from ``start``'s month to ``end``'s month."""
    return (end.year - start.year) * 12 + end.month - start.month


def stale_reason(
    publication: Publication,
    *,
    today: date,
    months: int,
    records: Mapping[str, ArxivEvidence],
) -> str | None:
    """Why a preprint is stale, in a few words, or None when it is not (or is no preprint).

    Stale means arXiv's cached record lists a DOI or a journal reference (it was published), or
    it dates from ``months`` or more calendar months before ``today``.
    """
    if publication.category is not Category.SUBMISSION:
        return None
    # The read model and the sync cache both key by the canonical id without version.
    record = records.get(publication.arxiv_id) if publication.arxiv_id else None
    if record is not None:
        if record.dois:
            return f"arXiv lists DOI {record.dois[0]}"
        if record.journal_ref:
            return f"arXiv lists journal ref: {record.journal_ref}"
    start = posted_month(publication, record)
    if start is None:
        return None
    age = months_between(start, today)
    if age < months:
        return None
    return f"dated {start:%Y-%m}: {age} months old (limit {months})"
