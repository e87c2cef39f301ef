"""``crossref`` and ``xdata``: a child entry shows the fields its parent gives it.

BibTeX copies every field the child lacks from the entry its ``crossref`` names; biblatex does
the same and also renames the parent's title for the child (a ``@proceedings`` title becomes an
``@inproceedings`` booktitle). publist follows both for display only: the source document is
never changed, so ``sync`` still writes back exactly what the user wrote.

Fields that identify or link one particular work (DOI, arXiv id, URLs, abstract, publist's own
``category`` and ``selected``) are not inherited: a chapter is not the book's DOI.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from publist.bibtex.parse import RawEntry, SourceDocument
from publist.model import Diagnostic, Severity

# biblatex's \noinherit list for all types, and publist's per-work fields.
NOT_INHERITED = frozenset(
    {
        "ids",
        "crossref",
        "xref",
        "xdata",
        "entryset",
        "entrysubtype",
        "execute",
        "label",
        "options",
        "presort",
        "related",
        "relatedoptions",
        "relatedstring",
        "relatedtype",
        "shorthand",
        "shorthandintro",
        "sortkey",
        "key",
        "doi",
        "eprint",
        "eprinttype",
        "archiveprefix",
        "primaryclass",
        "eprintclass",
        "url",
        "urldate",
        "pdf",
        "html",
        "code",
        "slides",
        "poster",
        "video",
        "supp",
        "website",
        "abstract",
        "category",
        "selected",
    }
)

# biblatex follows chains; a hostile file must not exhaust the stack.
MAX_DEPTH = 32

_TITLE_FIELDS = ("title", "subtitle", "titleaddon")
_SHORT_TITLES = ("shorttitle", "sorttitle", "indextitle", "indexsorttitle")


def _title_targets(prefix: str) -> dict[str, str]:
    return {name: name.replace("title", f"{prefix}title", 1) for name in _TITLE_FIELDS}


# biblatex's data inheritance for titles: (parent types, child types) -> renamed fields.
_TITLE_RULES: tuple[tuple[frozenset[str], frozenset[str], Mapping[str, str]], ...] = (
    (
        frozenset({"mvbook"}),
        frozenset({"book", "inbook", "bookinbook", "suppbook"}),
        _title_targets("main"),
    ),
    (
        frozenset({"mvcollection", "mvreference"}),
        frozenset({"collection", "reference", "incollection", "inreference", "suppcollection"}),
        _title_targets("main"),
    ),
    (
        frozenset({"mvproceedings"}),
        frozenset({"proceedings", "inproceedings", "conference"}),
        _title_targets("main"),
    ),
    (
        frozenset({"book"}),
        frozenset({"inbook", "bookinbook", "suppbook"}),
        _title_targets("book"),
    ),
    (
        frozenset({"collection", "reference"}),
        frozenset({"incollection", "inreference", "suppcollection"}),
        _title_targets("book"),
    ),
    (
        frozenset({"proceedings"}),
        frozenset({"inproceedings", "conference"}),
        _title_targets("book"),
    ),
    (
        frozenset({"periodical"}),
        frozenset({"article", "suppperiodical"}),
        {"title": "journaltitle", "subtitle": "journalsubtitle"},
    ),
)


def resolve(document: SourceDocument) -> tuple[tuple[RawEntry, ...], list[Diagnostic]]:
    """Every entry with its inherited fields filled in, and a diagnostic per broken link."""
    by_key: dict[str, RawEntry] = {}
    for entry in document.entries:
        by_key.setdefault(entry.key.lower(), entry)
    problems: list[Diagnostic] = []
    done: dict[int, RawEntry] = {}

    def report(entry: RawEntry, field: str, message: str) -> None:
        line = entry.field_lines.get(field, entry.line)
        problems.append(
            Diagnostic(
                document.display_path,
                line,
                entry.key,
                Severity.WARNING,
                "bad-crossref",
                message,
            )
        )

    def resolved(entry: RawEntry, chain: tuple[int, ...]) -> RawEntry:
        # Entries are told apart by position: keys may repeat in another case.
        if entry.position in done:
            return done[entry.position]
        result = entry
        chain = (*chain, entry.position)
        for field, targets in _parents(document, entry):
            for target in targets:
                parent = by_key.get(target.lower())
                if parent is None:
                    report(entry, field, f"{field} target {target!r} not found")
                elif parent.position in chain:
                    report(entry, field, f"{field} {target!r} leads back to this entry; ignored")
                elif len(chain) > MAX_DEPTH:
                    report(entry, field, f"{field} chain longer than {MAX_DEPTH}; not followed")
                else:
                    parent = resolved(parent, chain)
                    line = entry.field_lines.get(field, entry.line)
                    result = _inherit(result, parent, line=line)
        done[entry.position] = result
        return result

    entries = tuple(
        resolved(entry, ()) if _has_parents(entry) else entry for entry in document.entries
    )
    return entries, problems


def _has_parents(entry: RawEntry) -> bool:
    return "crossref" in entry.fields or "xdata" in entry.fields


def _parents(document: SourceDocument, entry: RawEntry) -> list[tuple[str, list[str]]]:
    """The (field, target keys) an entry inherits from: ``xdata`` first, then ``crossref``."""
    found = []
    for field in ("xdata", "crossref"):
        value = document.value(entry, field)
        if value is None:
            continue
        written = value.split(",") if field == "xdata" else [value]
        keys = [key.strip() for key in written if key.strip()]
        if keys:
            found.append((field, keys))
    return found


def _inherit(child: RawEntry, parent: RawEntry, *, line: int) -> RawEntry:
    """``child`` with every field it lacks copied (or renamed) from ``parent``."""
    renames: Mapping[str, str] = {}
    for parents, children, mapping in _TITLE_RULES:
        if parent.entry_type in parents and child.entry_type in children:
            renames = mapping
            break
    fields = dict(child.fields)
    lines = dict(child.field_lines)
    # Same-name fields first: a BibTeX parent that spells out its booktitle means it.
    for name, value in parent.fields.items():
        if name in NOT_INHERITED or name in fields:
            continue
        if renames and (name in renames or name in _SHORT_TITLES):
            continue
        fields[name] = value
        lines[name] = line
    for source, target in renames.items():
        if source in parent.fields and target not in fields:
            fields[target] = parent.fields[source]
            lines[target] = line
    return replace(child, fields=fields, field_lines=lines)
