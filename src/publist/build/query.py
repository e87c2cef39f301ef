"""Which publications a list shows: category, years, keywords, keys, selected, first author."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from publist.build.textfold import fold_words as fold
from publist.errors import UsageError
from publist.model import CATEGORY_NAMES, Bibliography, Category, Item, Publication, Section


def parse_category(name: str) -> Category:
    """The category called ``name`` (any case); a :class:`UsageError` naming the known ones."""
    category = Category.named(name)
    if category is None:
        raise UsageError(f"unknown category {name!r} (choose from: {CATEGORY_NAMES})")
    return category


@dataclass(frozen=True, slots=True)
class Filters:
    """What a list keeps; every filter given must match (an empty filter keeps everything).

    ``keywords`` are casefolded; an entry passes when it has any of them. ``keys`` keeps the
    entries with those keys. ``first_author`` keeps the papers whose first author is the owner,
    or on which the owner shares the first author's co-first mark (``*``: equal contribution).
    """

    categories: frozenset[Category] = frozenset()
    year: int | None = None
    since: int | None = None
    until: int | None = None
    search: str = ""
    selected: bool = False
    keywords: frozenset[str] = frozenset()
    keys: frozenset[str] = frozenset()
    first_author: bool = False
    # Marks that mean "equal contribution" (from the config's marks; "*" by default).
    co_first_marks: frozenset[str] = frozenset("*")

    def matches(self, publication: Publication) -> bool:
        """True when ``publication`` passes every filter."""
        if self.categories and publication.category not in self.categories:
            return False
        if self.year is not None and publication.year != self.year:
            return False
        if self.since is not None and (publication.year is None or publication.year < self.since):
            return False
        if self.until is not None and (publication.year is None or publication.year > self.until):
            return False
        if self.selected and not publication.selected:
            return False
        if self.keys and publication.key not in self.keys:
            return False
        if self.keywords and not self.keywords & {k.casefold() for k in publication.keywords}:
            return False
        if self.first_author and not is_first_author(publication, self.co_first_marks):
            return False
        return matches_search(publication, self.search)


def is_first_author(publication: Publication, co_first_marks: frozenset[str]) -> bool:
    """The owner is the first author, or carries the first author's co-first mark."""
    authors = publication.authors
    if not authors:
        return False
    first = authors[0]
    if first.is_owner:
        return True
    shared = set(first.marks) & co_first_marks
    return bool(shared) and any(a.is_owner and shared & set(a.marks) for a in authors[1:])


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


def restrict(bibliography: Bibliography, chosen: tuple[Item, ...]) -> Bibliography:
    """The lists with only ``chosen`` items, each keeping its label; empty lists left out."""
    wanted = {id(item) for item in chosen}
    sections = []
    for section in bibliography.sections:
        kept = tuple(item for item in section.items if id(item) in wanted)
        if kept:
            sections.append(Section(section.category, section.heading, kept))
    marks = {m for item in chosen for author in item.publication.authors for m in author.marks}
    legend = tuple((mark, meaning) for mark, meaning in bibliography.legend if mark in marks)
    return Bibliography(tuple(sections), legend, bibliography.diagnostics)
