"""``publist add``: new entries from arXiv ids and DOIs, written in the file's own style.

The work is split as ``sync``'s is: :func:`parse_identifier` (what each argument names) →
the sources fetch records (arXiv in batches; a DOI from Crossref, else by DOI content
negotiation) → :func:`plan_additions` (pure: keys, duplicates, the entries' text) → the
entries are appended at the end of the file, every other byte as it was, atomically.

An argument whose paper is already in the bib (the same arXiv id or DOI, or the same title
with an author in common) is refused with the entry that has it; one that cannot be read, or
that no service knows, gets a line of its own; the other arguments are still added.
"""

from __future__ import annotations

import itertools
import os
import re
import string
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from publist.bibtex.arxiv_ids import ArxivId, normalize_arxiv_id
from publist.bibtex.edit import write_back
from publist.bibtex.encode import person, protect_title, to_bibtex
from publist.bibtex.links import bare_doi
from publist.bibtex.style import EntryStyle, detect_style, render_entry
from publist.build.pipeline import LoadedBibliography, load_bibliography
from publist.build.textfold import fold
from publist.errors import NetworkError
from publist.model import Publication
from publist.sources.arxiv.client import URL_ENV, ArxivClient, ArxivSettings
from publist.sources.crossref.client import CrossrefClient
from publist.sources.doi.client import DoiClient
from publist.sources.settings import SourceSettings
from publist.sources.work import WorkKind, WorkRecord, from_arxiv

_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
# Words a key skips at the start of a title, as Google Scholar's keys do.
STOPWORDS = frozenset(
    ["a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "at", "by", "from"]
)
_ENTRY_TYPES = {
    WorkKind.PREPRINT: "misc",
    WorkKind.JOURNAL_ARTICLE: "article",
    WorkKind.PROCEEDINGS_ARTICLE: "inproceedings",
    WorkKind.BOOK_CHAPTER: "incollection",
    WorkKind.BOOK: "book",
    WorkKind.REPORT: "techreport",
    WorkKind.THESIS: "phdthesis",
    WorkKind.OTHER: "misc",
}
_VENUE_FIELD = {
    WorkKind.JOURNAL_ARTICLE: "journal",
    WorkKind.PROCEEDINGS_ARTICLE: "booktitle",
    WorkKind.BOOK_CHAPTER: "booktitle",
    WorkKind.OTHER: "howpublished",
}
_PUBLISHER_FIELD = {WorkKind.REPORT: "institution", WorkKind.THESIS: "school"}


@dataclass(frozen=True, slots=True)
class Identifier:
    """One argument of ``add``: as written, and the arXiv id or DOI it names."""

    text: str
    arxiv: ArxivId | None = None
    doi: str = ""


def parse_identifier(text: str) -> Identifier | str:
    """What ``text`` names, or a message saying why it names nothing publist can fetch."""
    cleaned = text.strip()
    arxiv = normalize_arxiv_id(cleaned)
    if arxiv is not None:
        return Identifier(text, arxiv=arxiv)
    doi = bare_doi(_DOI_PREFIX.sub("", cleaned))
    if _DOI.fullmatch(doi):
        return Identifier(text, doi=doi)
    return (
        f"{text!r} is neither an arXiv id (2501.18092, arXiv:2501.18092v2, math/0309136, an "
        "arxiv.org URL) nor a DOI (10.1145/3600006.3613138, https://doi.org/...)"
    )


@dataclass(frozen=True, slots=True)
class Addition:
    """A new entry: the argument it came from, its key, its record and its text."""

    identifier: str
    key: str
    record: WorkRecord
    text: str


@dataclass(frozen=True, slots=True)
class Problem:
    """An argument not added: why, and the entry that already has the paper if that is why."""

    identifier: str
    message: str
    kind: str  # "duplicate", "invalid", "not-found", "unavailable"
    existing_key: str = ""
    existing_line: int | None = None


@dataclass(frozen=True, slots=True)
class AddResult:
    """What ``add`` did: the entries added (or that would be), the arguments refused."""

    path: Path
    additions: tuple[Addition, ...]
    problems: tuple[Problem, ...]
    written: bool
    requests_sent: int = 0

    @property
    def unavailable(self) -> bool:
        """True when some argument failed because a service could not be reached."""
        return any(problem.kind == "unavailable" for problem in self.problems)


@dataclass
class Clients:
    """The sources ``add`` asks; built from settings unless a test passes its own."""

    arxiv: ArxivClient
    crossref: CrossrefClient
    doi: DoiClient
    owned: bool = field(default=True)

    def close(self) -> None:
        """Close the clients' sessions."""
        if self.owned:
            for client in (self.arxiv, self.crossref, self.doi):
                client.close()

    @property
    def requests_sent(self) -> int:
        """Requests sent by every client."""
        return self.arxiv.requests_sent + self.crossref.requests_sent + self.doi.requests_sent


def add(
    bib_path: Path,
    identifiers: Sequence[str],
    *,
    config_path: Path | None = None,
    dry_run: bool = False,
    encoding: str = "utf-8",
    clients: Clients | None = None,
    arxiv_url: str | None = None,
    notify: Callable[[str], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> AddResult:
    """Fetch every identifier's paper and append the new entries to ``bib_path``."""
    loaded = load_bibliography(bib_path, config_path=config_path, encoding=encoding)
    own = clients is None
    active = clients if clients is not None else _clients(loaded, arxiv_url, notify)
    before = active.requests_sent
    try:
        records, problems = fetch_records(
            identifiers, loaded.publications, active, progress=progress
        )
        sent = active.requests_sent - before
    finally:
        if own:
            active.close()
    additions, refused = plan_additions(loaded, records)
    problems = [*problems, *refused]
    order = {text: index for index, text in enumerate(identifiers)}
    problems.sort(key=lambda problem: order.get(problem.identifier, len(order)))
    written = False
    if additions and not dry_run:
        write_back(loaded.document, appended(loaded.document.text, [a.text for a in additions]))
        written = True
    return AddResult(bib_path, tuple(additions), tuple(problems), written, sent)


def _clients(
    loaded: LoadedBibliography, arxiv_url: str | None, notify: Callable[[str], None] | None
) -> Clients:
    sources = loaded.config.sources
    # --api-url, then PUBLIST_ARXIV_URL, then [sources] arxiv_url, then arXiv itself.
    configured = None if os.environ.get(URL_ENV, "").strip() else sources.get("arxiv_url")
    settings = ArxivSettings.from_env(base_url=arxiv_url or configured)
    source_settings = SourceSettings.from_env(sources)
    return Clients(
        ArxivClient(settings, notify=notify),
        CrossrefClient(source_settings, notify=notify),
        DoiClient(source_settings, notify=notify),
    )


def fetch_records(
    identifiers: Sequence[str],
    publications: Sequence[Publication],
    clients: Clients,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[tuple[str, WorkRecord]], list[Problem]]:
    """Each argument's record, in argument order; problems for the rest (nothing is fetched
    for an argument already in the bib by its identifier)."""
    by_arxiv = {p.arxiv_id: p for p in publications if p.arxiv_id}
    by_doi = {p.doi.lower(): p for p in publications if p.doi}
    problems: list[Problem] = []
    wanted: list[Identifier] = []
    for text in identifiers:
        parsed = parse_identifier(text)
        if isinstance(parsed, str):
            problems.append(Problem(text, parsed, "invalid"))
            continue
        existing = (
            by_arxiv.get(parsed.arxiv.base) if parsed.arxiv else by_doi.get(parsed.doi.lower())
        )
        if existing is not None:
            problems.append(
                _duplicate(text, existing, "the same arXiv id" if parsed.arxiv else "the same DOI")
            )
            continue
        wanted.append(parsed)
    found: dict[str, WorkRecord] = {}
    arxiv_ids = [ident.arxiv for ident in wanted if ident.arxiv is not None]
    if arxiv_ids:
        try:
            result = clients.arxiv.fetch(arxiv_ids, progress=progress)
        except NetworkError as error:
            for ident in wanted:
                if ident.arxiv is not None:
                    problems.append(Problem(ident.text, error.message, "unavailable"))
        else:
            for ident in wanted:
                if ident.arxiv is None:
                    continue
                record = result.records.get(ident.arxiv.base)
                if record is None:
                    problems.append(
                        Problem(ident.text, f"arXiv has no paper {ident.arxiv.base}", "not-found")
                    )
                else:
                    found[ident.text] = from_arxiv(record)
    for ident in wanted:
        if ident.arxiv is not None:
            continue
        try:
            work = clients.crossref.work(ident.doi) or clients.doi.work(ident.doi)
        except NetworkError as error:
            problems.append(Problem(ident.text, error.message, "unavailable"))
            continue
        if work is None:
            problems.append(
                Problem(
                    ident.text, f"no registration agency knows the DOI {ident.doi}", "not-found"
                )
            )
        else:
            found[ident.text] = work
    records = [(text, found[text]) for text in identifiers if text in found]
    return records, problems


def _duplicate(text: str, existing: Publication, why: str) -> Problem:
    return Problem(
        text,
        f"already in the bib as {existing.key} (line {existing.line}): {why}",
        "duplicate",
        existing.key,
        existing.line,
    )


def plan_additions(
    loaded: LoadedBibliography, records: Sequence[tuple[str, WorkRecord]]
) -> tuple[list[Addition], list[Problem]]:
    """The entries to append (pure): keys made unique, duplicates refused, text in the file's
    style."""
    style = detect_style(loaded.document)
    taken = {entry.key.casefold() for entry in loaded.document.entries}
    known = list(loaded.publications)
    additions: list[Addition] = []
    problems: list[Problem] = []
    added: list[WorkRecord] = []
    for text, record in records:
        existing = _same_paper(record, known)
        if existing is not None:
            problems.append(_duplicate(text, existing[0], existing[1]))
            continue
        if any(_same_record(record, other) for other in added):
            problems.append(Problem(text, "the same paper as an earlier argument", "duplicate"))
            continue
        key = make_key(record, loaded.config.key_pattern, taken)
        taken.add(key.casefold())
        added.append(record)
        entry = entry_text(record, key, style, loaded.config.title_nouns)
        additions.append(Addition(text, key, record, entry))
    return additions, problems


def _same_paper(
    record: WorkRecord, publications: Iterable[Publication]
) -> tuple[Publication, str] | None:
    title = fold(record.title)
    families = {fold(p.family) for p in record.authors}
    for publication in publications:
        if record.arxiv_id and record.arxiv_id == publication.arxiv_id:
            return publication, "the same arXiv id"
        if record.doi and record.doi.lower() == publication.doi.lower():
            return publication, "the same DOI"
        if title and title == fold(publication.title):
            theirs = {fold(f"{a.von} {a.last}") for a in publication.authors}
            if families & theirs:
                return publication, "the same title and an author in common"
    return None


def _same_record(one: WorkRecord, other: WorkRecord) -> bool:
    if one.arxiv_id and one.arxiv_id == other.arxiv_id:
        return True
    if one.doi and one.doi.lower() == other.doi.lower():
        return True
    return bool(fold(one.title)) and fold(one.title) == fold(other.title)


def _ascii_word(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^a-z0-9]", "", decomposed.encode("ascii", "ignore").decode().lower())


def make_key(record: WorkRecord, pattern: str, taken: set[str]) -> str:
    """A key by ``pattern`` (``{author}{year}{title}``: ``song2025learning``), unique in
    ``taken`` (casefolded) by a letter suffix: ``song2025learninga``, ``...b``."""
    family = record.authors[0].family if record.authors else ""
    author = _ascii_word(family.split()[-1] if family.split() else "") or "anon"
    words = [_ascii_word(word) for word in re.split(r"[\s\-/:]+", record.title)]
    title = next((w for w in words if w and w not in STOPWORDS), "") or "paper"
    year = str(record.year) if record.year else "nd"
    base = pattern.replace("{author}", author).replace("{year}", year).replace("{title}", title)
    suffixes = itertools.chain(string.ascii_lowercase, (str(n) for n in itertools.count(2)))
    key = base
    while key.casefold() in taken:
        key = base + next(suffixes)
    return key


def entry_text(
    record: WorkRecord, key: str, style: EntryStyle, protect: frozenset[str] = frozenset()
) -> str:
    """The BibTeX of ``record``: only the fields the source gave, escaped as ``sync`` does."""
    kind = record.kind
    fields: list[tuple[str, str]] = []

    def put(name: str, value: str) -> None:
        if value:
            fields.append((name, value))

    put("title", protect_title(to_bibtex(record.title), protect))
    put("author", " and ".join(person(p.given, p.family, p.suffix) for p in record.authors))
    put(_VENUE_FIELD.get(kind, ""), to_bibtex(record.venue) if kind in _VENUE_FIELD else "")
    put(
        _PUBLISHER_FIELD.get(kind, "publisher"),
        to_bibtex(record.publisher) if kind is not WorkKind.PREPRINT else "",
    )
    put("volume", to_bibtex(record.volume))
    put("number", to_bibtex(record.number))
    put("pages", to_bibtex(record.pages))
    put("year", str(record.year) if record.year else "")
    put("month", str(record.month) if record.month else "")
    put("doi", record.doi)
    if record.arxiv_id:
        put("eprint", record.arxiv_id)
        put("archiveprefix", "arXiv")
        put("primaryclass", record.primary_class)
    if record.url and not re.match(r"https?://(dx\.)?doi\.org/", record.url):
        put("url", record.url)
    fields = [(name, value) for name, value in fields if name]
    return render_entry(_ENTRY_TYPES[kind], key, fields, style)


def appended(text: str, entries: Sequence[str]) -> str:
    """``text`` with ``entries`` after it, a blank line before each; nothing else changes."""
    newline = "\r\n" if "\r\n" in text else "\n"
    out = text
    if out and not out.endswith(newline):
        out += newline
    for entry in entries:
        if out.strip():
            out += newline
        out += entry + newline
    return out


def describe(addition: Addition) -> str:
    """One line for a summary: key, where it came from, the title."""
    record = addition.record
    return f"{addition.key} ({record.source}, {record.kind.value}): {record.title}"


__all__ = [
    "AddResult",
    "Addition",
    "Clients",
    "Problem",
    "add",
    "appended",
    "entry_text",
    "fetch_records",
    "make_key",
    "parse_identifier",
    "plan_additions",
]
