"""The read model: frozen dataclasses built once from the .bib and never written back."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Category(StrEnum):
    """The list a publication belongs to."""

    SUBMISSION = "submission"
    JOURNAL = "journal"
    CONFERENCE = "conference"
    WORKSHOP = "workshop"
    THESIS = "thesis"
    BOOK = "book"
    CHAPTER = "chapter"
    REPORT = "report"
    OTHER = "other"

    @classmethod
    def named(cls, name: str) -> Category | None:
        """The category called ``name`` in any case and spacing, or None."""
        try:
            return cls(name.strip().lower())
        except ValueError:
            return None


# For messages about an unknown category name.
CATEGORY_NAMES = ", ".join(category.value for category in Category)


class Severity(StrEnum):
    """How bad a diagnostic is."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A problem found in the input, tied to a file, line and entry key where known."""

    path: str
    line: int | None
    key: str | None
    severity: Severity
    code: str
    message: str

    def __str__(self) -> str:
        """Render as ``file:line: key: message``."""
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
        who = f" {self.key}:" if self.key else ""
        return f"{where}:{who} {self.message}"


def _is_cjk(text: str) -> bool:
    """True when every letter of ``text`` is a CJK ideograph, kana or hangul."""
    return bool(text) and all(
        "\u2e80" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" or "\uf900" <= ch <= "\ufaff"
        for ch in text
        if not ch.isspace()
    )


@dataclass(frozen=True, slots=True)
class Author:
    """One person in an author list, decoded to Unicode."""

    first: str
    von: str
    last: str
    jr: str
    marks: str = ""
    is_owner: bool = False

    @property
    def display(self) -> str:
        """The name as printed: ``First von Last, Jr``; CJK names family-first, unspaced."""
        if self.first and not self.von and _is_cjk(self.first) and _is_cjk(self.last):
            return f"{self.last}{self.first}"
        name = " ".join(part for part in (self.first, self.von, self.last) if part)
        if self.jr:
            name += f", {self.jr}"
        return name


@dataclass(frozen=True, slots=True)
class Link:
    """A labelled link of a publication (PDF, DOI, code, ...)."""

    kind: str
    url: str


@dataclass(frozen=True, slots=True)
class Publication:
    """One entry of the .bib, decoded for display."""

    key: str
    entry_type: str
    category: Category
    category_rule: str
    title: str
    authors: tuple[Author, ...]
    year: int | None
    month: int | None
    path: str
    line: int
    position: int
    venue: str = ""
    venue_short: str = ""
    organizer: str = ""
    workshop: str = ""
    volume: str = ""
    number: str = ""
    pages: str = ""
    publisher: str = ""
    note: str = ""
    arxiv_id: str = ""
    arxiv_version: int | None = None
    doi: str = ""
    # As written (macros and braces resolved, LaTeX kept): the abstract is the longest value of
    # a synced entry and only `show` displays it, so the view decodes it (views/table.py).
    abstract_latex: str = ""
    selected: bool = False
    # The ``keywords`` field, split on commas and semicolons, as written.
    keywords: tuple[str, ...] = ()
    # al-folio's award badge: ``award_name`` (short), else ``award``.
    award: str = ""
    links: tuple[Link, ...] = ()
    editors: tuple[Author, ...] = ()
    # The entry as written, minus the config's hidden fields (the page's "BibTeX" view).
    bibtex: str = ""
    # A unique, stable name for links (the HTML id): the key, or ``key-2`` for the second
    # paper under a repeated key. Empty means "the key".
    anchor: str = ""

    @property
    def ref(self) -> str:
        """The unique name of this publication: its anchor, else its key."""
        return self.anchor or self.key


@dataclass(frozen=True, slots=True)
class Item:
    """A publication with its CV label (``C6``)."""

    label: str
    number: int
    publication: Publication


@dataclass(frozen=True, slots=True)
class Section:
    """One list of the CV: a heading and its numbered items, newest first."""

    category: Category
    heading: str
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class Bibliography:
    """Everything an exporter needs: the sections, the mark legend and the diagnostics."""

    sections: tuple[Section, ...]
    legend: tuple[tuple[str, str], ...] = ()
    diagnostics: tuple[Diagnostic, ...] = field(default=())

    @property
    def items(self) -> tuple[Item, ...]:
        """Every numbered item, in display order."""
        return tuple(item for section in self.sections for item in section.items)
