"""``publist promote``: rewrite a preprint's entry as its published version, and nothing else.

Only a ``published`` verdict is applied (a conflict or a guess never is). The entry keeps its
key, its arXiv fields (``eprint``, ``archiveprefix``, ``primaryclass``) and every field the
published record does not replace (``pdf``, ``code``, ``selected``, ``keywords``, ``note``, the
marks in the author list); it gains the type (``@inproceedings``/``@article``), the venue, the
publisher's year and month, the DOI, pages and volume where known, and the venue's short name
(``abbr``) where a source gives one. A ``category = {submission}`` override is removed (with a
notice), and so is a ``journal``/``howpublished`` that only says "arXiv preprint". The writer is
``sync``'s: the entry is re-rendered in its own style and spliced in; every other byte stays.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from publist.bibtex.edit import rewrite_entry, splice, write_back
from publist.bibtex.encode import to_bibtex
from publist.bibtex.parse import RawEntry
from publist.bibtex.values import MONTH_MACROS
from publist.build.pipeline import LoadedBibliography
from publist.enrich.published import Services, find_published
from publist.enrich.published_match import PreprintStatus
from publist.enrich.sync_plan import UNSAFE_TO_REWRITE
from publist.errors import NotFoundError, UsageError
from publist.model import Item
from publist.sources.work import WorkKind

_TYPES = {
    WorkKind.PROCEEDINGS_ARTICLE: ("inproceedings", "booktitle"),
    WorkKind.JOURNAL_ARTICLE: ("article", "journal"),
    WorkKind.BOOK_CHAPTER: ("incollection", "booktitle"),
}


@dataclass(frozen=True, slots=True)
class Promotion:
    """One entry rewritten (or that would be): its key, label, old and new text."""

    key: str
    label: str
    line: int
    old: str
    new: str
    notes: tuple[str, ...]

    def diff(self, path: str) -> str:
        """The change as a unified diff, for ``--dry-run``."""
        return "".join(
            difflib.unified_diff(
                self.old.splitlines(keepends=True),
                self.new.splitlines(keepends=True),
                fromfile=f"{path}:{self.line} ({self.label}, before)",
                tofile=f"{path}:{self.line} ({self.label}, after)",
            )
        )


@dataclass(frozen=True, slots=True)
class PromoteResult:
    """What ``promote`` did, and why the other preprints were left as they are."""

    path: Path
    promotions: tuple[Promotion, ...]
    skipped: tuple[tuple[str, str], ...]  # (key, why)
    written: bool
    unavailable: tuple[str, ...] = ()  # keys left because a source could not be asked


def promote(
    bib_path: Path,
    targets: Sequence[str],
    *,
    every: bool = False,
    dry_run: bool = False,
    config_path: Path | None = None,
    encoding: str = "utf-8",
    services: Services | None = None,
    notify: Callable[[str], None] | None = None,
) -> PromoteResult:
    """Promote the preprints named by key or label (or, with ``every``, each confident one)."""
    if every == bool(targets):
        raise UsageError("name the preprints to promote (key or label), or give --all, not both")
    wanted = {target.casefold() for target in targets}

    def chosen(item: Item) -> bool:
        return every or item.publication.key.casefold() in wanted or item.label.casefold() in wanted

    loaded, report = find_published(
        bib_path,
        config_path=config_path,
        encoding=encoding,
        services=services,
        notify=notify,
        only=chosen,
    )
    if not every:
        known = {s.item.publication.key.casefold() for s in report.statuses}
        known |= {s.item.label.casefold() for s in report.statuses}
        missing = [target for target in targets if target.casefold() not in known]
        if missing:
            raise NotFoundError(
                f"no preprint with an arXiv id has the key or label {', '.join(missing)}",
                path=bib_path,
            )
    promotions: list[Promotion] = []
    replacements: list[tuple[RawEntry, str]] = []  # by position: keys may repeat
    skipped: list[tuple[str, str]] = []
    unavailable: list[str] = []
    for status in report.statuses:
        key = status.item.publication.key
        if status.verdict.status != "published":
            skipped.append((key, _why_not(status)))
            if status.verdict.status == "unavailable":
                unavailable.append(key)
            continue
        entry = _entry(loaded, status.item)
        if UNSAFE_TO_REWRITE & {d.code for d in loaded.diagnostics_for(entry)}:
            # Rewriting the entry would lose the second value or the comment.
            skipped.append((key, "a repeated field or a % comment inside the entry; fix it first"))
            continue
        promotion = plan_promotion(loaded, entry, status)
        if promotion is None:
            skipped.append((key, "the published record gives no journal or proceedings type"))
        else:
            promotions.append(promotion)
            replacements.append((entry, promotion.new))
    written = False
    if promotions and not dry_run:
        write_back(loaded.document, splice(loaded.document.text, replacements))
        written = True
    return PromoteResult(
        bib_path, tuple(promotions), tuple(skipped), written, unavailable=tuple(unavailable)
    )


def _why_not(status: PreprintStatus) -> str:
    verdict = status.verdict
    if verdict.status == "conflict":
        venues = "; ".join(f"{f.record.source}: {f.record.venue}" for f in verdict.findings)
        return f"sources disagree ({venues}); nothing applied"
    if verdict.status == "unavailable":
        return f"could not ask {', '.join(status.unavailable)}; nothing found elsewhere"
    return "no published version found"


def _entry(loaded: LoadedBibliography, item: Item) -> RawEntry:
    position = item.publication.position
    return next(e for e in loaded.document.entries if e.position == position)


def _enclose(text: str, quoted: bool) -> str:
    """A new value as the entry writes its values: in braces, or in quotes."""
    value = to_bibtex(text)
    return '"' + value.replace('"', '{"}') + '"' if quoted else "{" + value + "}"


def _mentions_arxiv(value: str | None) -> bool:
    return value is not None and "arxiv" in value.lower()


def plan_promotion(
    loaded: LoadedBibliography, entry: RawEntry, status: PreprintStatus
) -> Promotion | None:
    """The entry rewritten as the published paper (pure), or None without a known type."""
    verdict = status.verdict
    if verdict.kind not in _TYPES:
        return None
    entry_type, venue_field = _TYPES[verdict.kind]
    document = loaded.document
    updates: dict[str, str] = {}
    notes: list[str] = []
    values = [value.strip() for value in entry.fields.values()]
    quoted = sum(v.startswith('"') for v in values) > sum(v.startswith("{") for v in values)

    def _braced(text: str) -> str:
        return _enclose(text, quoted)

    if verdict.venue:
        updates[venue_field] = _braced(verdict.venue)
    if verdict.year:
        updates["year"] = _braced(str(verdict.year))
    if verdict.month:
        written = entry.fields.get("month", "").strip()
        macro = not written or written.lower() in MONTH_MACROS
        updates["month"] = (
            tuple(MONTH_MACROS)[verdict.month - 1] if macro else _braced(str(verdict.month))
        )
    if verdict.doi:
        updates["doi"] = _braced(verdict.doi)
    for name in ("volume", "number", "pages", "publisher"):
        value = getattr(verdict, name)
        if value:
            updates[name] = _braced(value)
    if verdict.venue_short and "abbr" not in entry.fields:
        updates["abbr"] = _braced(verdict.venue_short)
    remove = set()
    category = (document.value(entry, "category") or "").strip().lower()
    if category == "submission":
        remove.add("category")
        notes.append("removed category = {submission}: the entry is no longer a preprint")
    for name in ("journal", "howpublished"):
        if name != venue_field and _mentions_arxiv(document.value(entry, name)):
            remove.add(name)
            notes.append(f"removed {name} = {{{document.value(entry, name)}}}")
    new = rewrite_entry(entry, updates, entry_type=entry_type, remove=remove)
    return Promotion(entry.key, status.item.label, entry.line, entry.raw, new, tuple(notes))
