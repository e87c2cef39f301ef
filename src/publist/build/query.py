"""Filters for ``publist list``: category, year, and a case- and accent-insensitive search."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from publist.build.textfold import fold_words as fold
from publist.errors import UsageError
from publist.model import CATEGORY_NAMES, Category, Item, Publication


def parse_category(name: str) -> Category:
    """The category called ``name`` (any case); a :class:`UsageError` naming the known ones."""
    category = Category.named(name)
    if category is None:
        raise UsageError(f"unknown category {name!r} (choose from: {CATEGORY_NAMES})")
    return category


@dataclass(frozen=True, slots=True)
class Filters:
    """What ``list`` keeps; every filter given must match (an empty filter keeps everything)."""

    categories: frozenset[Category] = frozenset()
    year: int | None = None
    since: int | None = None
    search: str = ""

    def matches(self, publication: Publication) -> bool:
        """True when ``publication`` passes every filter."""
        if self.categories and publication.category not in self.categories:
            return False
        if self.year is not None and publication.year != self.year:
            return False
        if self.since is not None and (publication.year is None or publication.year < self.since):
            return False
        return matches_search(publication, self.search)


def search_text(publication: Publication) -> str:
    """The folded text ``--search`` looks in: title, authors and editors, venue names."""
    people = (*publication.authors, *publication.editors)
    parts = [
        publication.title,
        *(person.display for person in people),
        publication.venue,
        publication.venue_short,
        publication.organizer,
        publication.workshop,
    ]
    return fold(" ".join(part for part in parts if part))


def matches_search(publication: Publication, query: str) -> bool:
    """True when every word of ``query`` occurs in the publication's searchable text."""
    words = _search_words(query)
    if not words:
        return True
    haystack = search_text(publication)
    return all(word in haystack for word in words)


@lru_cache(maxsize=16)
def _search_words(query: str) -> tuple[str, ...]:
    # One query is matched against every publication: folded once, not once per publication.
    return tuple(fold(query).split())


def select(items: Iterable[Item], filters: Filters) -> tuple[Item, ...]:
    """The items that pass ``filters``, in their display order."""
    return tuple(item for item in items if filters.matches(item.publication))
