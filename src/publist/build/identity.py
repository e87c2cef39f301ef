"""When two entries are the same paper: the same DOI or arXiv id, or the same title and authors."""

from __future__ import annotations

from publist.build.textfold import fold
from publist.model import Publication


def family_names(publication: Publication) -> set[str]:
    """The folded family names of the authors (``et al.`` left out)."""
    return {fold(f"{a.von} {a.last}") for a in publication.authors if a.last != "et al."}


def same_authors(one: Publication, other: Publication) -> bool:
    """At least half of the shorter author list appears in the other (versions gain authors)."""
    mine, theirs = family_names(one), family_names(other)
    if not mine or not theirs:
        return False
    return 2 * len(mine & theirs) >= min(len(mine), len(theirs))


def same_paper(one: Publication, other: Publication) -> str | None:
    """Why ``one`` and ``other`` are the same paper (``same DOI 10.1/x``), or None."""
    if one.arxiv_id and one.arxiv_id == other.arxiv_id:
        return f"same arXiv id {one.arxiv_id}"
    if one.doi and one.doi.lower() == other.doi.lower():
        return f"same DOI {one.doi}"
    title = fold(one.title)
    if title and title == fold(other.title) and same_authors(one, other):
        return "same title and authors"
    return None
