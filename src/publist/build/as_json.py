"""A publication as JSON: the fields `list --json`, `show --json` and `export -f json` share."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from publist.model import Author, Item, Publication


def _owner_position(authors: Sequence[Author]) -> int | None:
    return next((index for index, author in enumerate(authors, start=1) if author.is_owner), None)


def item_json(item: Item, *, stale: str | None = None) -> dict[str, Any]:
    """One publication as a JSON-ready dict (the fields are listed in the README)."""
    publication: Publication = item.publication
    return {
        "key": publication.key,
        "label": item.label,
        "category": publication.category.value,
        "category_rule": publication.category_rule,
        "entry_type": publication.entry_type,
        "title": publication.title,
        "authors": [author.display for author in publication.authors],
        "owner_position": _owner_position(publication.authors),
        "editors": [editor.display for editor in publication.editors],
        "year": publication.year,
        "month": publication.month,
        "venue": publication.venue,
        "venue_short": publication.venue_short,
        "arxiv_id": publication.arxiv_id or None,
        "arxiv_version": publication.arxiv_version,
        "doi": publication.doi or None,
        "links": [{"kind": link.kind, "url": link.url} for link in publication.links],
        "path": publication.path,
        "line": publication.line,
        "stale": stale,
    }
