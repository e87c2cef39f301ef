"""Build the read model from a loaded .bib: decode, categorize, number. The pipeline lives here."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from publist.bibtex.arxiv_ids import ARXIV_ID_FIELDS, find_arxiv_id
from publist.bibtex.edit import rewrite_entry
from publist.bibtex.inherit import resolve as resolve_inheritance
from publist.bibtex.latex import to_text
from publist.bibtex.links import bare_doi, collect_links
from publist.bibtex.names import parse_authors
from publist.bibtex.parse import RawEntry, SourceDocument, load
from publist.bibtex.values import evaluate, parse_month
from publist.build.categorize import categorize, group_and_number
from publist.build.identity import same_paper
from publist.build.owner import OwnerMatcher
from publist.config import Config, load_config
from publist.model import Author, Bibliography, Diagnostic, Publication, Severity

# biblatex: "@xdata entries hold data which may be inherited by other entries"; never listed.
CONTAINER_TYPES = frozenset({"xdata"})
_YEAR = re.compile(r"\b(\d{4})\b")
_KEYWORD_SEPARATORS = re.compile(r"[,;]")


@dataclass(frozen=True, slots=True)
class LoadedBibliography:
    """The result of the pipeline: the source document, the read model and the lists."""

    document: SourceDocument
    config: Config
    publications: tuple[Publication, ...]
    bibliography: Bibliography

    def entries_with_publications(self) -> list[tuple[RawEntry, Publication]]:
        """Each listed entry of the file with its publication, in file order.

        ``@xdata`` containers have no publication of their own, and a paper written twice
        under one key is listed once: those entries are left out here, as :func:`build` leaves
        them out. Entries are paired by their position in the file, never by key.
        """
        by_position = {publication.position: publication for publication in self.publications}
        return [
            (entry, by_position[entry.position])
            for entry in self.document.entries
            if entry.position in by_position
        ]

    def diagnostics_for(self, entry: RawEntry) -> list[Diagnostic]:
        """The diagnostics about ``entry``: its key, on one of its lines (keys may repeat)."""
        last = entry.line + entry.raw.count("\n")
        return [
            diagnostic
            for diagnostic in self.bibliography.diagnostics
            if diagnostic.key == entry.key
            and (diagnostic.line is None or entry.line <= diagnostic.line <= last)
        ]


def load_bibliography(
    bib_path: Path, *, config_path: Path | None = None, encoding: str = "utf-8"
) -> LoadedBibliography:
    """Load, decode, categorize and number: the one pipeline every command starts with."""
    config = load_config(config_path, bib_path=bib_path)
    document = load(bib_path, encoding=encoding)
    return build(document, config)


def build(document: SourceDocument, config: Config) -> LoadedBibliography:
    """Turn a parsed document into numbered lists; every problem becomes a diagnostic."""
    owner = OwnerMatcher.from_names(config.owner_names, match_initials=config.match_initials)
    diagnostics = list(document.diagnostics)
    entries, inheritance_problems = resolve_inheritance(document)
    diagnostics.extend(inheritance_problems)
    publications = []
    for entry in entries:
        if entry.entry_type in CONTAINER_TYPES:
            continue
        publication, problems = to_publication(document, entry, owner, hidden=config.hide_fields)
        publications.append(publication)
        diagnostics.extend(problems)
    publications = _one_per_paper(publications, diagnostics)
    sections = group_and_number(publications, config)
    used_marks = {
        mark
        for section in sections
        for item in section.items
        for author in item.publication.authors
        for mark in author.marks
    }
    legend = tuple((mark, config.marks[mark]) for mark in config.marks if mark in used_marks)
    bibliography = Bibliography(sections, legend, tuple(diagnostics))
    return LoadedBibliography(document, config, tuple(publications), bibliography)


def _one_per_paper(
    publications: list[Publication], diagnostics: list[Diagnostic]
) -> list[Publication]:
    """Keep every paper once: entries under a repeated key get their own anchor, or are dropped
    with a warning when they are the same paper as an earlier entry under that key."""
    by_key: dict[str, list[Publication]] = {}
    for publication in publications:
        by_key.setdefault(publication.key, []).append(publication)
    if all(len(group) == 1 for group in by_key.values()):
        return publications
    taken = {publication.key.casefold() for publication in publications}
    kept: list[Publication] = []
    seen: dict[str, list[Publication]] = {}
    for publication in publications:
        earlier = seen.setdefault(publication.key, [])
        same = next(
            ((other, reason) for other in earlier if (reason := same_paper(other, publication))),
            None,
        )
        if same is not None:
            other, reason = same
            _warn(
                diagnostics,
                publication,
                "duplicate-entry",
                f"the same paper as the entry at line {other.line} ({reason}); listed once",
            )
            continue
        if earlier:
            anchor = _free_anchor(publication.key, len(earlier) + 1, taken)
            publication = replace(publication, anchor=anchor)
            _warn(
                diagnostics,
                publication,
                "repeated-key",
                f"another paper under the key of line {earlier[0].line}: listed, with the "
                f"id {anchor!r} (give it a key of its own)",
            )
        earlier.append(publication)
        kept.append(publication)
    return kept


def _warn(diagnostics: list[Diagnostic], publication: Publication, code: str, message: str) -> None:
    diagnostics.append(
        Diagnostic(
            publication.path, publication.line, publication.key, Severity.WARNING, code, message
        )
    )


def _free_anchor(key: str, number: int, taken: set[str]) -> str:
    """``key-N`` from ``number`` up, skipping names another entry already has."""
    while f"{key}-{number}".casefold() in taken:
        number += 1
    anchor = f"{key}-{number}"
    taken.add(anchor.casefold())
    return anchor


def to_publication(
    document: SourceDocument,
    entry: RawEntry,
    owner: OwnerMatcher,
    *,
    hidden: frozenset[str] = frozenset(),
) -> tuple[Publication, list[Diagnostic]]:
    """Decode one entry for display; problems come back as diagnostics, never exceptions."""
    path = document.display_path
    problems: list[Diagnostic] = []

    def report(
        message: str, *, code: str, field: str | None = None, severity: Severity = Severity.WARNING
    ) -> None:
        line = entry.field_lines.get(field, entry.line) if field else entry.line
        problems.append(Diagnostic(path, line, entry.key, severity, code, message))

    # Each field is evaluated once, however many rules look at it; most names asked for are
    # absent, so they are looked up directly.
    evaluated: dict[str, str] = {}
    fields = entry.fields
    strings = document.strings

    def raw(name: str) -> str:
        written = fields.get(name)
        if written is None:
            return ""
        value = evaluated.get(name)
        if value is None:
            value = evaluated[name] = evaluate(written, strings)
        return value

    def text(name: str) -> str:
        if name not in fields:
            return ""
        value = raw(name)
        return to_text(value) if value else ""

    # An absent field and an empty one read the same to find_arxiv_id.
    found, id_problem = find_arxiv_id({name: raw(name) for name in ARXIV_ID_FIELDS & fields.keys()})
    if id_problem:
        # The message starts with the field that holds the bad id ("eprint '2513.1' is ...").
        culprit = id_problem.split(" ", 1)[0]
        report(id_problem, code="invalid-arxiv-id", field=culprit)
    arxiv_id = found.base if found else ""
    arxiv_version = found.version if found else None
    doi = bare_doi(raw("doi"))
    category, rule, category_problem = categorize(
        entry.entry_type, raw, has_arxiv_id=bool(arxiv_id)
    )
    if category_problem:
        report(category_problem, code="unknown-category", field="category")

    authors = _people(raw("author"), owner, "author", report)
    editors = _people(raw("editor"), owner, "editor", report)
    title = text("title")
    if not title:
        report("missing title", code="missing-field")
    if not authors and not editors:
        report("missing author", code="missing-field")

    year_text = raw("year") or raw("date")
    year = _parse_year(year_text)
    if year is None:
        if year_text:
            report(f"cannot read a year from {year_text!r}", code="bad-year", field="year")
        else:
            report("missing year", code="missing-field")
    month = parse_month(raw("month"))
    if month is None and raw("month"):
        report(
            f"month {raw('month')!r} is not a month (1-12 or a name)",
            code="bad-month",
            field="month",
        )
    elif month is None and raw("date"):
        month = parse_month(raw("date")[5:7]) if len(raw("date")) >= 7 else None

    links, dropped = collect_links(raw, arxiv_id=arxiv_id, doi=doi)
    for message in dropped:
        report(message, code="unsafe-link")

    venue = (
        text("journal")
        or text("journaltitle")
        or text("booktitle")
        or text("school")
        or text("institution")
        or text("howpublished")
    )
    publication = Publication(
        key=entry.key,
        entry_type=entry.entry_type,
        category=category,
        category_rule=rule,
        title=title,
        authors=tuple(authors),
        year=year,
        month=month,
        path=path,
        line=entry.line,
        position=entry.position,
        venue=venue,
        venue_short=text("abbr") or text("shortjournal") or text("shortbooktitle"),
        organizer=text("organization"),
        workshop=text("workshop"),
        volume=text("volume"),
        number=text("number"),
        pages=text("pages"),
        publisher=text("publisher"),
        note=text("note"),
        arxiv_id=arxiv_id,
        arxiv_version=arxiv_version,
        doi=doi,
        abstract_latex=raw("abstract"),
        selected=raw("selected").strip().lower() in ("true", "yes", "1"),
        keywords=tuple(
            word for part in _KEYWORD_SEPARATORS.split(text("keywords")) if (word := part.strip())
        ),
        award=text("award_name") or text("award"),
        links=links,
        editors=tuple(editors),
        bibtex=_shown_bibtex(entry, hidden),
    )
    return publication, problems


def _shown_bibtex(entry: RawEntry, hidden: frozenset[str]) -> str:
    """The entry as written, without its hidden fields (re-rendered only when it has some)."""
    if hidden.isdisjoint(entry.fields):
        return entry.raw
    return rewrite_entry(entry, {}, remove=hidden)


class _Reporter(Protocol):
    def __call__(
        self, message: str, *, code: str, field: str | None = ..., severity: Severity = ...
    ) -> None: ...


def _people(value: str, owner: OwnerMatcher, field: str, report: _Reporter) -> list[Author]:
    if not value.strip():
        return []
    authors, name_problems = parse_authors(value, owner)
    for message in name_problems:
        report(message, code="bad-name", field=field, severity=Severity.ERROR)
    return authors


def _parse_year(value: str) -> int | None:
    match = _YEAR.search(value)
    return int(match.group(1)) if match else None


__all__ = ["LoadedBibliography", "build", "load_bibliography", "to_publication"]
