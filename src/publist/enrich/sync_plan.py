"""What ``publist sync`` changes: pure decisions over arXiv records, previewable and testable.

:func:`find_targets` (which entries have arXiv ids) → (the client fetches records, in
:mod:`publist.enrich.sync`) → :func:`plan_sync` (what would change, and what to tell the user)
→ :func:`apply_plan` (splice the changed entries into the original text). Nothing here touches
the network or a file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from publist.bibtex.arxiv_ids import ArxivId
from publist.bibtex.edit import rewrite_entry, splice
from publist.bibtex.encode import person, protect_title, split_person, to_bibtex
from publist.bibtex.latex import to_text
from publist.bibtex.names import parse_authors, split_names
from publist.bibtex.parse import RawEntry, SourceDocument
from publist.bibtex.values import MONTH_MACROS, parse_month
from publist.build.pipeline import LoadedBibliography
from publist.build.textfold import fold
from publist.errors import OutputError
from publist.model import Category, Publication
from publist.sources.arxiv.records import ArxivRecord

OPT_OUT_FIELD = "publist_sync"
_OPT_OUT_VALUES = {"false", "no", "off", "0", "never"}
_MONTH_MACROS = tuple(MONTH_MACROS)  # jan ... dec, in order
# Codes of load diagnostics that mean a block of the file was not understood.
# (A repeated key is not one: both entries are read, and each is edited by its position.)
FAILED_BLOCK_CODES = {"parse-error", "duplicate-field"}
# Diagnostics on an entry that re-rendering it would lose (a repeated field, a % comment).
UNSAFE_TO_REWRITE = frozenset({"duplicate-field", "comment-in-entry"})
# Fields a published entry may gain from arXiv, when it does not have them yet.
_PUBLISHED_FILL = ("eprint", "archiveprefix", "primaryclass", "url", "abstract")


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of one entry: its value before (None when absent) and after, as written."""

    field: str
    old: str | None
    new: str


@dataclass(frozen=True, slots=True)
class EntryUpdate:
    """The changes sync makes to one entry."""

    key: str
    line: int
    arxiv_id: str
    changes: tuple[FieldChange, ...]
    # The entry's position among the file's blocks: keys may repeat, positions do not.
    position: int | None = None


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the user should know about one entry; nothing was changed because of it."""

    key: str
    line: int
    kind: str  # "published", "not-found", "invalid-id", "skipped"
    message: str


@dataclass(frozen=True, slots=True)
class Target:
    """An entry with an arXiv id that sync will look up."""

    entry: RawEntry
    publication: Publication
    arxiv_id: ArxivId


@dataclass(frozen=True, slots=True)
class SyncPlan:
    """What sync would do: the updates, and the notices for the summary."""

    updates: tuple[EntryUpdate, ...]
    notices: tuple[Notice, ...]
    looked_up: int


def find_targets(loaded: LoadedBibliography) -> tuple[list[Target], list[Notice]]:
    """The entries to look up, and notices for invalid ids and entries left alone."""
    document = loaded.document
    targets: list[Target] = []
    notices: list[Notice] = []
    # Entries are told apart by position, their diagnostics by key and line: a key may repeat.
    for entry, publication in loaded.entries_with_publications():
        codes = {d.code: d for d in loaded.diagnostics_for(entry)}
        kind, message = "", ""
        if "invalid-arxiv-id" in codes:
            kind, message = "invalid-id", codes["invalid-arxiv-id"].message
        elif not publication.arxiv_id:
            continue
        elif (document.value(entry, OPT_OUT_FIELD) or "").strip().lower() in _OPT_OUT_VALUES:
            kind, message = "skipped", f"{OPT_OUT_FIELD} is off; left alone"
        elif UNSAFE_TO_REWRITE & codes.keys():
            # Re-rendering would lose a repeated field or a comment inside the entry.
            kind = "skipped"
            message = "a repeated field or a % comment inside the entry; fix it so nothing is lost"
        if kind:
            notices.append(Notice(entry.key, entry.line, kind, message))
        else:
            arxiv_id = ArxivId(publication.arxiv_id, publication.arxiv_version)
            targets.append(Target(entry, publication, arxiv_id))
    return targets, notices


def plan_sync(
    document: SourceDocument,
    targets: Sequence[Target],
    records: Mapping[str, ArxivRecord],
    not_found: Sequence[str] = (),
    *,
    protect: frozenset[str] = frozenset(),
) -> SyncPlan:
    """Decide every change from the records; pure, so ``--dry-run`` shows exactly this."""
    updates: list[EntryUpdate] = []
    notices: list[Notice] = []
    missing = set(not_found)
    for target in targets:
        entry, base = target.entry, target.arxiv_id.base
        record = records.get(base)
        if record is None:
            # Absent from the answer means "not found", never "deleted".
            reason = "arXiv has no paper" if base in missing else "no answer for"
            notices.append(
                Notice(
                    entry.key,
                    entry.line,
                    "not-found",
                    f"{reason} {base}; the entry is left as it is",
                )
            )
            continue
        changes = _changes(document, target, record, protect)
        if changes:
            updates.append(EntryUpdate(entry.key, entry.line, base, tuple(changes), entry.position))
        signal = _published_signal(record)
        if target.publication.category is Category.SUBMISSION and signal:
            notices.append(Notice(entry.key, entry.line, "published", signal))
    return SyncPlan(tuple(updates), tuple(notices), len(targets))


def apply_plan(document: SourceDocument, plan: SyncPlan) -> str:
    """The new text of the file: changed entries re-rendered, every other byte as it was."""
    replacements = []
    for update in plan.updates:
        entry = _entry_of(document, update)
        values = {change.field: change.new for change in update.changes}
        replacements.append((entry, rewrite_entry(entry, values)))
    return splice(document.text, replacements)


def _entry_of(document: SourceDocument, update: EntryUpdate) -> RawEntry:
    """The entry ``update`` was planned for: by position, else by a key that is unique."""
    if update.position is not None:
        for entry in document.entries:
            if entry.position == update.position and entry.key == update.key:
                return entry
    else:
        found = [entry for entry in document.entries if entry.key == update.key]
        if len(found) == 1:
            return found[0]
    # Never guess: editing another entry under the same key would damage the file.
    raise OutputError(f"cannot locate entry {update.key!r} at line {update.line}")


# -- deciding what changes ----------------------------------------------------------------


def _changes(
    document: SourceDocument,
    target: Target,
    record: ArxivRecord,
    protect: frozenset[str] = frozenset(),
) -> list[FieldChange]:
    entry = target.entry
    changes: list[FieldChange] = []

    def current(name: str) -> str | None:
        return entry.fields.get(name)

    def shown(name: str) -> str:
        value = document.value(entry, name)
        return fold(to_text(value)) if value else ""

    def propose(name: str, raw_value: str) -> None:
        old = current(name)
        if old is None or old.strip() != raw_value:
            changes.append(FieldChange(name, old, raw_value))

    if target.publication.category is Category.SUBMISSION:
        title = protect_title(to_bibtex(record.title), protect)
        if record.title and shown("title") != fold(to_text(title)):
            propose("title", _braced(title))
        authors = _author_list(document.value(entry, "author") or "", record.authors)
        if authors is not None:
            propose("author", _braced(authors))
        abstract = to_bibtex(record.abstract)
        if record.abstract and shown("abstract") != fold(to_text(abstract)):
            propose("abstract", _braced(abstract))
        when = record.updated or record.published
        if when is not None:
            if (document.value(entry, "year") or "").strip() != str(when.year):
                propose("year", _like(current("year"), str(when.year)))
            if parse_month(document.value(entry, "month") or "") != when.month:
                propose("month", _month_value(current("month"), when.month))
        if record.dois and not current("doi"):
            propose("doi", _braced(record.dois[0]))
        changes.extend(_version_changes(document, target, record))
    else:
        fill = {
            "eprint": record.id.base,
            "archiveprefix": "arXiv",
            "primaryclass": record.primary_category or "",
            "url": record.id.latest.abs_url,
            "abstract": to_bibtex(record.abstract),
        }
        for name in _PUBLISHED_FILL:
            if fill[name] and current(name) is None:
                changes.append(FieldChange(name, None, _braced(fill[name])))
    return changes


def _version_changes(
    document: SourceDocument, target: Target, record: ArxivRecord
) -> list[FieldChange]:
    """A version pinned in the entry (``2501.18092v1``) follows arXiv's latest version."""
    pinned, latest = target.arxiv_id.version, record.id.version
    if pinned is None or latest is None or latest <= pinned:
        return []
    old_id, new_id = f"{target.arxiv_id.base}v{pinned}", f"{target.arxiv_id.base}v{latest}"
    changes = []
    for name in ("eprint", "url", "journal", "note", "howpublished"):
        value = document.value(target.entry, name)
        if value and old_id in value:
            changes.append(
                FieldChange(name, target.entry.fields[name], _braced(value.replace(old_id, new_id)))
            )
    return changes


def _published_signal(record: ArxivRecord) -> str:
    parts = []
    if record.journal_ref:
        parts.append(f"journal_ref: {record.journal_ref}")
    if record.dois:
        parts.append(f"DOI {', '.join(record.dois)}")
    if not parts:
        return ""
    return "looks published (" + "; ".join(parts) + "); its category is unchanged"


def _braced(text: str) -> str:
    return "{" + text + "}"


def _like(old_raw: str | None, value: str) -> str:
    """Write a number the way the file already did: bare stays bare."""
    if old_raw is not None and old_raw.strip().isdigit():
        return value
    return _braced(value)


def _month_value(old_raw: str | None, month: int) -> str:
    old = (old_raw or "").strip()
    if old.isdigit():
        return str(month)
    if old.startswith(("{", '"')) and old[1:-1].strip().isdigit():
        return _braced(str(month))
    # Month macros are the BibTeX convention and valid bare.
    return _MONTH_MACROS[month - 1]


def _author_list(bib_value: str, arxiv_names: Sequence[str]) -> str | None:
    """The new ``author`` value, or None when the bib already lists arXiv's people in order.

    People are compared by their folded full names, so ``García Márquez, Gabriel`` equals
    arXiv's ``Gabriel García Márquez``. When the list changes, people already in the bib keep
    the bib's own spelling and marks (``Song*, Qingyu``); only new people use arXiv's form.
    """
    if not arxiv_names:
        return None
    # parse_authors gives one author per name split_names finds (both return [] for blanks).
    written = split_names(bib_value)
    ours, _ = parse_authors(bib_value)
    by_name = {fold(a.display): raw for a, raw in zip(ours, written, strict=True)}
    theirs = [fold(name) for name in arxiv_names]
    if [fold(a.display) for a in ours] == theirs:
        return None
    return " and ".join(
        by_name.get(folded, "").strip() or _bibtex_name(name)
        for folded, name in zip(theirs, arxiv_names, strict=True)
    )


def _bibtex_name(name: str) -> str:
    """An arXiv name ("First Last") in BibTeX's ``Family, Given`` form, particles kept with the
    family name ("Adrian Del Maestro" -> ``Del Maestro, Adrian``), a one-word name braced."""
    return person(*split_person(name))
