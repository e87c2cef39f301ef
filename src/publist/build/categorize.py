"""Which list an entry belongs to, in what order, and with which label.

Rules, first match wins (``show`` prints the one that chose):

1. the entry's ``category`` field, when it names a known category;
2. biblatex ``pubstate`` of submitted / in preparation / under review: submission;
3. by entry type: ``@article`` in a journal is a journal paper, an ``@article`` whose journal
   is arXiv / a preprint server (or that has no journal but an arXiv id) is a submission;
   ``@inproceedings`` is a workshop paper when it has a ``workshop`` field or its booktitle
   names a workshop, else a conference paper; theses, books, chapters and reports by type;
   ``@unpublished`` is a submission; ``@misc``/``@online`` with an arXiv id is a submission;
4. anything else: other.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence

from publist.config import Config
from publist.model import CATEGORY_NAMES, Category, Item, Publication, Section

_PREPRINT_VENUE = re.compile(  # CoRR is how DBLP names arXiv
    r"arxiv|\bcorr\b|preprint|biorxiv|medrxiv|chemrxiv|ssrn|techrxiv"
    r"|submitted|under review|in review",
    re.IGNORECASE,
)
_WORKSHOP = re.compile(r"\bworkshops?\b", re.IGNORECASE)
_SUBMITTED_STATES = {"submitted", "inpreparation", "in preparation", "underreview", "under review"}

_BY_TYPE: Mapping[str, Category] = {
    "phdthesis": Category.THESIS,
    "mastersthesis": Category.THESIS,
    "thesis": Category.THESIS,
    "book": Category.BOOK,
    "mvbook": Category.BOOK,
    "booklet": Category.BOOK,
    "proceedings": Category.BOOK,
    "mvproceedings": Category.BOOK,
    "collection": Category.BOOK,
    "inbook": Category.CHAPTER,
    "incollection": Category.CHAPTER,
    "bookinbook": Category.CHAPTER,
    "suppbook": Category.CHAPTER,
    "inreference": Category.CHAPTER,
    "techreport": Category.REPORT,
    "report": Category.REPORT,
    "unpublished": Category.SUBMISSION,
}


def categorize(
    entry_type: str, field: Callable[[str], str], *, has_arxiv_id: bool
) -> tuple[Category, str, str | None]:
    """Choose the category of one entry.

    Returns the category, the rule that chose it, and a
    problem message when the entry's own ``category`` field could not be honoured.
    """
    problem = None
    override = field("category").strip().lower()
    if override:
        chosen = Category.named(override)
        if chosen is not None:
            return chosen, "the entry's category field", None
        problem = f"unknown category {override!r} ignored (known: {CATEGORY_NAMES})"
    if field("pubstate").strip().lower() in _SUBMITTED_STATES:
        return Category.SUBMISSION, "biblatex pubstate", problem
    if entry_type == "article":
        journal = field("journal") or field("journaltitle")
        if journal and _PREPRINT_VENUE.search(journal):
            return Category.SUBMISSION, "@article in a preprint server", problem
        if not journal and has_arxiv_id:
            return Category.SUBMISSION, "@article with an arXiv id and no journal", problem
        return Category.JOURNAL, "@article in a journal", problem
    if entry_type in ("inproceedings", "conference"):
        if field("workshop"):
            return Category.WORKSHOP, f"@{entry_type} with a workshop field", problem
        venue = " ".join((field("booktitle"), field("eventtitle")))
        if _WORKSHOP.search(venue):
            return Category.WORKSHOP, f"@{entry_type} whose booktitle names a workshop", problem
        return Category.CONFERENCE, f"@{entry_type}", problem
    if entry_type in _BY_TYPE:
        return _BY_TYPE[entry_type], f"@{entry_type}", problem
    if has_arxiv_id or _PREPRINT_VENUE.search(field("howpublished") + " " + field("journal")):
        return Category.SUBMISSION, f"@{entry_type} with an arXiv id or preprint venue", problem
    return Category.OTHER, f"@{entry_type} (no rule matched)", problem


def sort_key(publication: Publication) -> tuple[int, int, int]:
    """Newest first: year, then month, then file order (earlier in the file is newer).

    An entry without a year sorts as the newest (it is most often forthcoming); one without a
    month sorts after the dated months of its year.
    """
    year = publication.year if publication.year is not None else 10_000
    month = publication.month if publication.month is not None else 0
    return (-year, -month, publication.position)


def group_and_number(publications: Iterable[Publication], config: Config) -> tuple[Section, ...]:
    """Group into the configured lists, order newest first and number from the oldest."""
    by_category: dict[Category, list[Publication]] = {c: [] for c in config.order}
    for publication in publications:
        by_category.setdefault(publication.category, []).append(publication)
    ordered: list[tuple[Category, Sequence[Publication]]] = [
        (category, sorted(by_category[category], key=sort_key))
        for category in config.order
        if by_category.get(category)
    ]
    continuous = config.numbering == "continuous"
    # Continuous: one running sequence, the newest entry of the first list numbered highest.
    remaining = sum(len(pubs) for _, pubs in ordered)
    sections: list[Section] = []
    for category, pubs in ordered:
        top = remaining if continuous else len(pubs)
        items = tuple(_item(config, category, top - i, pub) for i, pub in enumerate(pubs))
        sections.append(Section(category, config.headings[category], items))
        remaining -= len(pubs)
    return tuple(sections)


def _item(config: Config, category: Category, number: int, publication: Publication) -> Item:
    return Item(f"{config.prefixes[category]}{number}", number, publication)
