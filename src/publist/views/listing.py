"""What ``publist list`` and ``publist show`` display, and its JSON form for scripts."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from publist.build.as_json import item_json
from publist.build.pipeline import LoadedBibliography, load_bibliography
from publist.build.query import Filters, select
from publist.errors import NotFoundError, UsageError
from publist.model import Bibliography, Diagnostic, Item
from publist.views.stale import ArxivEvidence, stale_reason

_LABEL = re.compile(r"([A-Za-z]+)(\d+)")
_DIGITS = "0123456789"

RecordLoader = Callable[[], Mapping[str, ArxivEvidence]]


@dataclass(frozen=True, slots=True)
class Listing:
    """The rows of ``list``: matching items in display order, and why each is stale.

    ``total`` counts every item of the bib; ``cached_records`` is how many arXiv records the
    stale rule had (None without ``--stale``).
    """

    items: tuple[Item, ...]
    stale: Mapping[str, str]
    diagnostics: tuple[Diagnostic, ...]
    total: int
    cached_records: int | None = None


@dataclass(frozen=True, slots=True)
class Shown:
    """One entry for ``show``: the item, its list heading and the problems found in it."""

    item: Item
    heading: str
    diagnostics: tuple[Diagnostic, ...] = field(default=())


def list_publications(
    bib_path: Path,
    *,
    filters: Filters | None = None,
    config_path: Path | None = None,
    encoding: str = "utf-8",
    stale: bool = False,
    months: int | None = None,
    today: date | None = None,
    records: RecordLoader | None = None,
) -> Listing:
    """Load the bib and keep the items that pass ``filters``; with ``stale``, only stale preprints.

    ``months`` overrides ``[stale] months`` of the config. ``records`` gives the arXiv records
    to judge by; by default those of the ``publist sync`` cache, however old (never the network).
    """
    if months is not None and not stale:
        raise UsageError("--months only applies with --stale")
    loaded = load_bibliography(bib_path, config_path=config_path, encoding=encoding)
    every_item = loaded.bibliography.items  # a property that builds the tuple: read it once
    items = select(every_item, filters or Filters())
    reasons: dict[str, str] = {}
    cached: int | None = None
    if stale:
        evidence = records() if records is not None else _cached_records()
        cached = len(evidence)
        limit = months if months is not None else loaded.config.stale_months
        when = today or date.today()
        for item in items:
            reason = stale_reason(item.publication, today=when, months=limit, records=evidence)
            if reason is not None:
                reasons[item.publication.key] = reason
        items = tuple(item for item in items if item.publication.key in reasons)
    return Listing(
        items=items,
        stale=reasons,
        diagnostics=loaded.bibliography.diagnostics,
        total=len(every_item),
        cached_records=cached,
    )


def _cached_records() -> Mapping[str, ArxivEvidence]:
    # Imported here: only --stale reads the sync cache.
    from publist.sources.arxiv.records import read_cached_records

    return read_cached_records()


def find_item(bibliography: Bibliography, query: str, *, path: Path | str | None = None) -> Item:
    """The item whose key (exactly, then in any case) or label (any case) is ``query``.

    Unknown names raise :class:`NotFoundError` with the closest keys and labels as suggestions.
    """
    items = bibliography.items
    wanted = query.strip()
    exact = [item for item in items if item.publication.key == wanted]
    if len(exact) > 1:
        # A key written twice for different papers: only the label (or the id) tells them apart.
        which = ", ".join(
            f"{item.label} (line {item.publication.line}, id {item.publication.ref})"
            for item in exact
        )
        raise NotFoundError(
            f"the key {wanted!r} names {len(exact)} entries: {which}; give the label", path=path
        )
    if exact:
        return exact[0]
    for item in items:
        if item.publication.ref == wanted:
            return item
    folded = wanted.casefold()
    by_key = [item for item in items if item.publication.key.casefold() == folded]
    by_label = [item for item in items if item.label.casefold() == folded]
    for found in (by_key, by_label):
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            keys = ", ".join(item.publication.key for item in found)
            raise NotFoundError(
                f"{wanted!r} names several entries ({keys}); give the key", path=path
            )
    hint = _suggestion(wanted, items)
    raise NotFoundError(f"no entry with key or label {wanted!r}{hint}", path=path)


def _suggestion(wanted: str, items: Sequence[Item]) -> str:
    """A hint for an unknown name: the range of labels with its prefix, else close keys."""
    label = _LABEL.fullmatch(wanted)
    if label:
        prefix = label.group(1).casefold()
        same = [item for item in items if item.label.rstrip(_DIGITS).casefold() == prefix]
        if same:
            low = min(same, key=lambda item: item.number)
            high = max(same, key=lambda item: item.number)
            letters = low.label.rstrip(_DIGITS)
            return f"; {letters} labels run from {low.label} to {high.label}"
    names = {item.publication.key.casefold(): item.publication.key for item in items}
    names.update({item.label.casefold(): item.label for item in items})
    close = difflib.get_close_matches(wanted.casefold(), list(names), n=3, cutoff=0.6)
    return f"; did you mean {', '.join(names[name] for name in close)}?" if close else ""


def show_publication(
    bib_path: Path,
    query: str,
    *,
    config_path: Path | None = None,
    encoding: str = "utf-8",
) -> Shown:
    """Load the bib and find one entry by key or label (``C6``) with its problems."""
    loaded = load_bibliography(bib_path, config_path=config_path, encoding=encoding)
    return shown(loaded, query)


def shown(loaded: LoadedBibliography, query: str) -> Shown:
    """Find ``query`` in an already loaded bibliography."""
    item = find_item(loaded.bibliography, query, path=loaded.document.display_path)
    position = item.publication.position
    entry = next(e for e in loaded.document.entries if e.position == position)
    problems = tuple(loaded.diagnostics_for(entry))
    return Shown(item, loaded.config.headings[item.publication.category], problems)


def listing_json(listing: Listing) -> str:
    """The listing as a JSON array, one object per publication, newline-terminated."""
    rows = [
        item_json(item, stale=listing.stale.get(item.publication.key)) for item in listing.items
    ]
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


def shown_json(entry: Shown) -> str:
    """One entry as a JSON object, with its problems."""
    data = item_json(entry.item)
    data["problems"] = [
        {"line": d.line, "severity": d.severity.value, "code": d.code, "message": d.message}
        for d in entry.diagnostics
    ]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
