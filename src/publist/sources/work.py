"""A paper as a web service describes it, whichever service: the record new entries are built from.

arXiv, Crossref and DataCite answer in their own shapes; each source turns its answer into a
:class:`WorkRecord`, and :mod:`publist.enrich.add` writes BibTeX from that alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from publist.bibtex.encode import split_person
from publist.sources.arxiv.records import ArxivRecord

# DOIs of preprint servers (arXiv, bioRxiv/medRxiv, SSRN, ...): such a record is not the
# published version of anything.
PREPRINT_DOI = re.compile(r"^10\.(48550|1101|2139|31219|20944|21203|36227)/", re.IGNORECASE)


class WorkKind(StrEnum):
    """What kind of publication a record is; decides the BibTeX entry type."""

    PREPRINT = "preprint"
    JOURNAL_ARTICLE = "journal-article"
    PROCEEDINGS_ARTICLE = "proceedings-article"
    BOOK_CHAPTER = "book-chapter"
    BOOK = "book"
    REPORT = "report"
    THESIS = "thesis"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Person:
    """One author: given and family names as the service splits them (Crossref's are exact)."""

    given: str
    family: str
    suffix: str = ""

    @classmethod
    def from_display(cls, name: str) -> Person:
        """A person from a display name ("Adrian Del Maestro"), split at the family name."""
        return cls(*split_person(name))


@dataclass(frozen=True, slots=True)
class WorkRecord:
    """A paper: what a new entry needs, and where the answer came from."""

    source: str
    kind: WorkKind
    title: str
    authors: tuple[Person, ...]
    year: int | None = None
    month: int | None = None
    venue: str = ""
    volume: str = ""
    number: str = ""
    pages: str = ""
    publisher: str = ""
    doi: str = ""
    arxiv_id: str = ""
    primary_class: str = ""
    url: str = ""
    # The venue's short name and other names it goes by (DBLP's "NeurIPS", S2's alternates).
    venue_short: str = ""
    venue_names: tuple[str, ...] = ()


def from_arxiv(record: ArxivRecord) -> WorkRecord:
    """An arXiv record as a preprint; its date is its latest version's, as ``sync`` keeps it."""
    when = record.updated or record.published
    # arXiv's own DOI (10.48550/...) names the preprint; another is the published version's.
    doi = next((d for d in record.dois if not d.lower().startswith("10.48550/")), "")
    return WorkRecord(
        source="arXiv",
        kind=WorkKind.PREPRINT,
        title=" ".join(record.title.split()),
        authors=tuple(Person.from_display(name) for name in record.authors),
        year=when.year if when else None,
        month=when.month if when else None,
        doi=doi,
        arxiv_id=record.id.base,
        primary_class=record.primary_category or "",
        url=f"https://arxiv.org/abs/{record.id.base}",
    )


def json_text(value: Any) -> str:
    """A JSON answer's value as one line of text: a list's first item, a number as digits,
    anything else that is not a string as nothing."""
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, int):
        value = str(value)
    return " ".join(value.split()) if isinstance(value, str) else ""
