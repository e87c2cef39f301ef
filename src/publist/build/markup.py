"""A neutral inline tree for one entry; exporters turn it into Markdown, HTML or text.

The owner's name and the venue's short name are marked here, once, as :class:`Strong`
nodes with a role; each exporter escapes plain :class:`Text` in its own way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from publist.build.textfold import fold_words
from publist.model import Author, Category, Publication


@dataclass(frozen=True, slots=True)
class Text:
    """Plain text, unescaped."""

    text: str


@dataclass(frozen=True, slots=True)
class Strong:
    """Bold text; ``role`` says why (``owner`` or ``venue``)."""

    text: str
    role: str


Inline = Text | Strong

_THESIS_KIND = {"phdthesis": "PhD thesis", "mastersthesis": "Master's thesis"}


def plain(nodes: Iterable[Inline]) -> str:
    """The text of ``nodes`` without any markup."""
    return "".join(node.text for node in nodes)


def format_authors(authors: Sequence[Author], *, max_authors: int | None = None) -> list[Inline]:
    """``A, B, and C`` with the owner in :class:`Strong` and marks after the name.

    With ``max_authors``, a longer list is shortened to its first names and "et al.", and an
    owner beyond them is still shown: ``A, B, C, …, **Owner**, et al.``.
    """
    if max_authors is not None and len(authors) > max_authors:
        return _shortened(authors, max_authors)
    nodes: list[Inline] = []
    count = len(authors)
    for index, author in enumerate(authors):
        if index:
            if count == 2:
                nodes.append(Text(" and "))
            elif index == count - 1:
                nodes.append(Text(", and "))
            else:
                nodes.append(Text(", "))
        _name(nodes, author)
    return nodes


def _name(nodes: list[Inline], author: Author) -> None:
    name = author.display
    nodes.append(Strong(name, "owner") if author.is_owner else Text(name))
    if author.marks:
        nodes.append(Text(author.marks))


def _shortened(authors: Sequence[Author], limit: int) -> list[Inline]:
    shown = list(authors[:limit])
    owner = next((i for i, a in enumerate(authors) if a.is_owner), None)
    nodes: list[Inline] = []
    for index, author in enumerate(shown):
        if index:
            nodes.append(Text(", "))
        _name(nodes, author)
    if owner is not None and owner >= limit:
        # The owner is never hidden: after an ellipsis, in their place's stead.
        nodes.append(Text(", …, " if owner > limit else ", "))
        _name(nodes, authors[owner])
        if owner == len(authors) - 1:
            return nodes
    nodes.append(Text(", et al."))
    return nodes


def format_entry(publication: Publication, *, max_authors: int | None = None) -> list[Inline]:
    """The entry in the CV's style: authors, quoted title, venue, year, award and note."""
    nodes: list[Inline] = []
    people = publication.authors or publication.editors
    if people:
        nodes.extend(format_authors(people, max_authors=max_authors))
        if not publication.authors:
            nodes.append(Text(", editors" if len(people) > 1 else ", editor"))
        _end_sentence(nodes)
    if publication.title:
        title = publication.title
        if title[-1] not in ".?!":
            title += "."
        nodes.append(Text(f'{_space(nodes)}"{title}"'))
    venue = _venue(publication)
    if plain(venue).strip():  # an entry with no venue and no year ends after its title
        nodes.append(Text(_space(nodes)))
        nodes.extend(venue)
        _end_sentence(nodes)
    if publication.award:
        nodes.append(Text(_space(nodes)))
        nodes.append(Strong(publication.award, "award"))
        _end_sentence(nodes)
    if publication.note and not _note_shown(publication, plain(venue)):
        nodes.append(Text(f"{_space(nodes)}{publication.note}"))
        _end_sentence(nodes)
    return nodes


def _note_shown(publication: Publication, venue: str) -> bool:
    """True when the line already says what the note says: the venue line uses it (a misc
    entry's, a preprint's without a venue), or it repeats the arXiv id or the venue."""
    note = publication.note
    if publication.category is Category.OTHER:
        return True
    if publication.category is Category.SUBMISSION and not (
        publication.arxiv_id or publication.venue
    ):
        return True
    if publication.arxiv_id and publication.arxiv_id in note:
        return True  # "arXiv preprint arXiv:2501.18092" beside the id the line shows
    return fold_words(note) in fold_words(venue)


def _space(nodes: Sequence[Inline]) -> str:
    return " " if nodes else ""


def _end_sentence(nodes: list[Inline]) -> None:
    # The last visible character of the text so far: that of the last node that has one.
    for node in reversed(nodes):
        text = node.text.rstrip()
        if text:
            if text[-1] not in ".?!":
                nodes.append(Text("."))
            return


def _join(parts: Iterable[str]) -> str:
    return ", ".join(part for part in parts if part)


def _short_venue(publication: Publication) -> list[Inline]:
    """``IEEE/CVF **CVPR**``: the organizer, then the short name in bold."""
    nodes: list[Inline] = []
    if publication.organizer:
        nodes.append(Text(f"{publication.organizer} "))
    nodes.append(Strong(publication.venue_short, "venue"))
    return nodes


def _year(publication: Publication) -> str:
    return str(publication.year) if publication.year is not None else ""


def _pages(publication: Publication) -> str:
    if not publication.pages:
        return ""
    plural = any(sep in publication.pages for sep in "-–,")
    return f"{'pages' if plural else 'page'} {publication.pages}"


def _volume(publication: Publication) -> str:
    text = publication.volume
    if publication.number:
        text += f"({publication.number})"
    if publication.pages:
        text += f":{publication.pages}" if text else _pages(publication)
    return text


def _venue(publication: Publication) -> list[Inline]:
    """Everything after the title: where it appeared and when."""
    year = _year(publication)
    category = publication.category
    if category is Category.SUBMISSION:
        if publication.arxiv_id:
            tail = f" ({year})" if year else ""
            return [Text(f"arXiv preprint arXiv:{publication.arxiv_id}{tail}")]
        return [Text(_join([publication.venue or publication.note or "Preprint", year]))]
    if category in (Category.CONFERENCE, Category.WORKSHOP):
        if publication.venue_short:
            nodes: list[Inline] = [Text("In "), *_short_venue(publication)]
            if category is Category.WORKSHOP:
                workshop = publication.workshop or "Workshops"
                sep = ", " if publication.workshop else " "
                nodes.append(Text(f" {year}{sep}{workshop}" if year else f", {workshop}"))
                if publication.pages:
                    nodes.append(Text(f", {_pages(publication)}"))
                return nodes
            rest = _join([_pages(publication), year])
            if rest:
                nodes.append(Text(f", {rest}"))
            return nodes
        where = _join([publication.workshop, publication.venue])
        return [
            Text(
                "In " + _join([where, _pages(publication), year])
                if where
                else _join([_pages(publication), year])
            )
        ]
    if category is Category.JOURNAL:
        rest = _join([_volume(publication), year])
        if publication.venue_short:
            nodes = _short_venue(publication)
            if rest:
                nodes.append(Text(f", {rest}"))
            return nodes
        return [Text(_join([publication.venue, rest]))]
    if category is Category.THESIS:
        kind = _THESIS_KIND.get(publication.entry_type, "Thesis")
        return [Text(_join([kind, publication.venue, year]))]
    if category is Category.BOOK:
        return [Text(_join([publication.publisher, year]))]
    if category is Category.CHAPTER:
        where = publication.venue
        return [
            Text(
                _join(
                    [
                        f"In {where}" if where else "",
                        _pages(publication),
                        publication.publisher,
                        year,
                    ]
                )
            )
        ]
    if category is Category.REPORT:
        kind = f"Technical report {publication.number}".strip()
        return [Text(_join([kind, publication.venue, year]))]
    return [Text(_join([publication.venue, publication.note, year]))]
