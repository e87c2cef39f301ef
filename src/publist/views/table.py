"""Terminal views: the ``list`` table and the ``show`` detail, built as rich renderables.

Nothing here prints; the CLI owns the console, so colour, width and ``NO_COLOR`` are its call.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence

from rich import box
from rich.style import Style
from rich.table import Table
from rich.text import Text

from publist.bibtex.latex import to_text
from publist.build.markup import format_entry, plain
from publist.model import Author, Diagnostic, Item, Publication, Severity

LABEL = "bold cyan"
OWNER = "bold"
CATEGORY = "magenta"
ARXIV = "green"
NOTE = "yellow"
FIELD = "bold"
ERROR = "bold red"
WARNING = "yellow"

# Beyond this many authors a row shows the first few, the owner, and a count.
AUTHOR_LIMIT = 8
AUTHORS_SHOWN = 6


def initials_name(author: Author) -> str:
    """``Q. Song``: initials of the given names, then the full family name and any marks.

    Scripts without letter case (``宋庆禹``) have no initials; those names are kept whole.
    """
    if not any(ch.lower() != ch.upper() for ch in author.first):
        return author.display + author.marks
    initials = " ".join(_initials(part) for part in author.first.split())
    family = " ".join(part for part in (author.von, author.last) if part)
    name = " ".join(part for part in (initials, family) if part)
    if author.jr:
        name += f" {author.jr}"
    return name + author.marks


def _initials(given: str) -> str:
    # "Jean-Pierre" -> "J.-P."; a part with no letter (rare) is kept as written.
    pieces = []
    for piece in given.split("-"):
        letter = next((ch for ch in piece if ch.isalnum()), "")
        pieces.append(f"{letter}." if letter else piece)
    return "-".join(pieces)


def authors_text(
    authors: Sequence[Author], *, short: bool = True, limit: int | None = AUTHOR_LIMIT
) -> Text:
    """The author list with the owner in bold; beyond ``limit`` only the first few and the owner."""
    shortened = limit is not None and len(authors) > limit
    shown: list[Author | None] = list(authors)
    if shortened:
        shown = list(authors[:AUTHORS_SHOWN])
        hidden = authors[AUTHORS_SHOWN:]
        shown.append(None)  # the ellipsis
        shown.extend(author for author in hidden if author.is_owner)
    text = Text()
    for index, author in enumerate(shown):
        if index:
            text.append(", ")
        if author is None:
            text.append("…")
            continue
        name = initials_name(author) if short else author.display + author.marks
        text.append(name, style=OWNER if author.is_owner else "")
    if shortened:
        text.append(f" ({len(authors)} authors)")
    return text


def _arxiv(publication: Publication) -> str:
    if not publication.arxiv_id:
        return ""
    version = f"v{publication.arxiv_version}" if publication.arxiv_version else ""
    return publication.arxiv_id + version


def build_table(items: Sequence[Item], *, notes: Mapping[str, str] | None = None) -> Table:
    """The ``list`` table; ``notes`` (by entry key) adds a line under an entry, e.g. why stale.

    Title and authors share one column so that it gets the room a narrow terminal has left;
    every other column is short and never wraps, except a long venue name.
    """
    notes = notes or {}
    table = Table(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        leading=1,
        header_style="bold",
    )
    table.add_column("Label", no_wrap=True, style=LABEL)
    table.add_column("Year", no_wrap=True)
    table.add_column("Category", no_wrap=True, style=CATEGORY)
    table.add_column("Title / Authors", ratio=1, min_width=20, overflow="fold")
    table.add_column("Venue", min_width=6, max_width=16, overflow="fold")
    table.add_column("arXiv", no_wrap=True, style=ARXIV)
    for item in items:
        publication = item.publication
        cell = Text(publication.title or "(no title)")
        people = publication.authors or publication.editors
        if people:
            cell.append("\n")
            cell.append_text(authors_text(people))
            if not publication.authors:
                cell.append(" (eds.)")
        note = notes.get(publication.key)
        if note:
            cell.append("\n")
            cell.append(note, style=NOTE)
        # Every cell is Text: a plain str would be read as rich markup ("[red]" in a title).
        table.add_row(
            Text(item.label),
            Text(str(publication.year) if publication.year is not None else ""),
            Text(publication.category.value),
            cell,
            Text(publication.venue_short or publication.venue),
            Text(_arxiv(publication)),
        )
    return table


def _severity_style(severity: Severity) -> str:
    return ERROR if severity is Severity.ERROR else WARNING


def build_detail(item: Item, *, heading: str, diagnostics: Sequence[Diagnostic] = ()) -> Table:
    """``show``: every decoded field of one entry, its links, category rule and source line."""
    publication = item.publication
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style=FIELD, no_wrap=True)
    grid.add_column(overflow="fold")

    def row(name: str, value: str | Text) -> None:
        # Values become Text: a plain str would be read as rich markup ("[red]" in a title).
        if value:
            grid.add_row(name, value if isinstance(value, Text) else Text(value))

    row("label", Text(item.label, style=LABEL))
    row("key", publication.key)
    row("title", publication.title)
    if publication.authors:
        row("authors", authors_text(publication.authors, short=False, limit=None))
    if publication.editors:
        row("editors", authors_text(publication.editors, short=False, limit=None))
    row("type", f"@{publication.entry_type}")
    category = Text(publication.category.value, style=CATEGORY)
    category.append(f"  (listed under “{heading}”)")
    row("category", category)
    row("rule", publication.category_rule)
    row("venue", publication.venue)
    row("short name", publication.venue_short)
    row("organizer", publication.organizer)
    row("workshop", publication.workshop)
    row("year", str(publication.year) if publication.year is not None else "")
    if publication.month is not None:
        row("month", f"{calendar.month_name[publication.month]} ({publication.month})")
    row("volume", publication.volume)
    row("number", publication.number)
    row("pages", publication.pages)
    row("publisher", publication.publisher)
    row("note", publication.note)
    row("arXiv", Text(_arxiv(publication), style=ARXIV))
    row("DOI", publication.doi)
    if publication.links:
        links = Text()
        for index, link in enumerate(publication.links):
            if index:
                links.append("\n")
            links.append(f"{link.kind}: ")
            links.append(link.url, style=Style(link=link.url))
        row("links", links)
    row("selected", "yes" if publication.selected else "")
    # Decoded here, the one place that shows it: most runs never need the abstract.
    row("abstract", to_text(publication.abstract_latex) if publication.abstract_latex else "")
    row("source", f"{publication.path}:{publication.line}")
    row("as listed", f"{item.label}. {plain(format_entry(publication))}")
    if not diagnostics:
        return grid
    problems = Text()
    for index, diagnostic in enumerate(diagnostics):
        if index:
            problems.append("\n")
        problems.append(diagnostic.severity.value, style=_severity_style(diagnostic.severity))
        where = f" line {diagnostic.line}" if diagnostic.line is not None else ""
        problems.append(f"{where}: {diagnostic.message}")
    grid.add_row("problems", problems)
    return grid
