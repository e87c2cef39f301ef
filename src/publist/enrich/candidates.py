"""The owner's arXiv papers not in the bib yet, ranked by evidence (``publist discover``'s core).

arXiv's author search has no author identities: ``au:"Qingyu Song"`` also finds every other
Qingyu Song, and ``au:"Q Song"`` every Q. Song. So each paper found is ranked by the evidence
that it is the owner's: co-authors it shares with the bib's papers, a primary category the owner
publishes in, and the owner's name spelled exactly as configured. A paper with neither a shared
co-author nor a familiar category is marked unlikely (probably a namesake's) and listed last.
Nothing here writes the bib: the report ends with the ``publist add`` line for the likely ones.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from publist.bibtex.encode import split_display_name
from publist.bibtex.names import split_or_whole
from publist.build.owner import OwnerMatcher
from publist.build.pipeline import LoadedBibliography
from publist.build.textfold import fold
from publist.errors import UsageError
from publist.model import Author
from publist.sources.arxiv.records import ArxivRecord

PAGE_SIZE = 100
# A bound on the pages read per name, whatever --since says: 1,000 newest papers.
MAX_PAGES = 10


@dataclass(frozen=True, slots=True)
class Candidate:
    """A paper found for the owner's name and not in the bib, with the evidence for it."""

    record: ArxivRecord
    authors: tuple[Author, ...]
    shared_coauthors: tuple[str, ...]
    category_known: bool
    exact_name: bool

    @property
    def likely(self) -> bool:
        """A shared co-author or a familiar category: probably the owner's."""
        return bool(self.shared_coauthors) or self.category_known

    @property
    def score(self) -> int:
        """How strong the evidence is (shared co-authors count most)."""
        return 3 * len(self.shared_coauthors) + 2 * self.category_known + self.exact_name


@dataclass(frozen=True, slots=True)
class Discovery:
    """The candidates, likely first, and what was asked."""

    candidates: tuple[Candidate, ...]
    queries: tuple[str, ...]
    since: date
    requests_sent: int
    seen: int

    @property
    def add_command(self) -> str:
        """The command line that adds the likely candidates (empty when there are none)."""
        ids = [c.record.id.base for c in self.candidates if c.likely]
        return f"publist add {' '.join(ids)}" if ids else ""


def queries_for(names: Iterable[str]) -> list[str]:
    """arXiv author queries for the owner's names: full and initialised, quoted, joined by OR."""
    queries = []
    for name in names:
        if "," in name:
            (first, von, last, _jr), _ = split_or_whole(name)
            family = " ".join(part for part in (von, last) if part)
        else:
            # "Adrian Del Maestro": the family name extends over its particles.
            first, family = split_display_name(name)
        if not first or not family:
            continue  # a one-word name (宋庆禹) finds nothing useful in arXiv's author index
        initials = " ".join(part[0] for part in first.replace("-", " ").split() if part)
        forms = dict.fromkeys((f"{first} {family}", f"{initials} {family}"))
        queries.append(" OR ".join(f'au:"{form}"' for form in forms))
    return list(dict.fromkeys(queries))


def parse_since(text: str | None, today: date) -> date:
    """``--since``: ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; a year before ``today`` without it."""
    if text is None:
        return today - timedelta(days=365)
    parts = text.strip().split("-")
    try:
        year, month, day = [*(int(part) for part in parts), 1, 1][:3]
        return date(year, month, day)
    except (ValueError, TypeError):
        raise UsageError(
            f"--since must be a date such as 2025-01-31, 2025-01 or 2025, got {text!r}"
        ) from None


def rank(loaded: LoadedBibliography, records: Iterable[ArxivRecord]) -> tuple[Candidate, ...]:
    """The records not in the bib, with their evidence, likely ones first, best first."""
    owner = OwnerMatcher.from_names(loaded.config.owner_names, match_initials=True)
    exact = OwnerMatcher.from_names(loaded.config.owner_names)
    publications = loaded.publications
    have_ids = {p.arxiv_id for p in publications if p.arxiv_id}
    have_dois = {p.doi.lower() for p in publications if p.doi}
    have_titles = {fold(p.title) for p in publications if p.title}
    coauthors = {
        _person_key(author)
        for p in publications
        if any(a.is_owner for a in p.authors)
        for author in p.authors
        if not author.is_owner and author.last != "et al."
    }
    # The owner's fields, by archive: cond-mat.quant-gas counts for cond-mat.stat-mech.
    archives = {category.split(".")[0] for category in _owner_categories(loaded)}
    candidates = []
    for record in records:
        if record.id.base in have_ids or fold(record.title) in have_titles:
            continue
        if any(doi.lower() in have_dois for doi in record.dois):
            continue
        authors = tuple(_author(name, owner) for name in record.authors)
        if not any(author.is_owner for author in authors):
            continue  # arXiv's word matching found a different name
        shared = tuple(
            author.display
            for author in authors
            if not author.is_owner and _person_key(author) in coauthors
        )
        category = record.primary_category or ""
        known = bool(category) and category.split(".")[0] in archives
        spelled = any(exact.matches(author) for author in authors)
        candidates.append(Candidate(record, authors, shared, known, spelled))
    candidates.sort(
        key=lambda c: (not c.likely, -c.score, -(c.record.published or date.min).toordinal())
    )
    return tuple(candidates)


def _author(name: str, owner: OwnerMatcher) -> Author:
    given, family = split_display_name(name)
    author = Author(given, "", family, "")
    return Author(given, "", family, "", is_owner=owner.matches(author))


def _person_key(author: Author) -> tuple[str, str]:
    """A co-author as (first initial, family): "C. M. Herdman" is "Chris Herdman"."""
    return fold(author.first)[:1], fold(f"{author.von} {author.last}")


def _owner_categories(loaded: LoadedBibliography) -> set[str]:
    """The arXiv categories of the bib's papers (``primaryclass`` fields)."""
    document = loaded.document
    found = set()
    for entry in document.entries:
        for name in ("primaryclass", "eprintclass"):
            value = (document.value(entry, name) or "").strip()
            if value:
                found.add(value)
    return found


def discovery_json(discovery: Discovery) -> str:
    """The candidates as JSON, one object each, and the ``publist add`` line."""
    items = [
        {
            "arxiv_id": c.record.id.base,
            "date": c.record.published.isoformat() if c.record.published else None,
            "title": c.record.title,
            "authors": [a.display for a in c.authors],
            "primary_category": c.record.primary_category,
            "likely": c.likely,
            "score": c.score,
            "evidence": {
                "shared_coauthors": list(c.shared_coauthors),
                "known_category": c.category_known,
                "exact_name": c.exact_name,
            },
        }
        for c in discovery.candidates
    ]
    payload = {
        "since": discovery.since.isoformat(),
        "queries": list(discovery.queries),
        "candidates": items,
        "add_command": discovery.add_command,
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


__all__ = [
    "Candidate",
    "Discovery",
    "discovery_json",
    "parse_since",
    "queries_for",
    "rank",
]
