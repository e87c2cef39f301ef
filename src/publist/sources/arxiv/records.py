"""arXiv records as the sync cache keeps them, readable without the network client.

``publist list --stale`` reads the cache offline; keeping the record type and the reader here
spares it the import of requests and the XML parser (the client needs both).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from publist.bibtex.arxiv_ids import ArxivId
from publist.sources.cache import DAY, JsonCache, default_cache_dir

# The cache file of arXiv answers in the cache folder.
CACHE_FILE_NAME = "arxiv.json"
# arXiv's data changes at most daily: an answer is asked again the next day, not the next run.
CACHE_TTL = DAY


def arxiv_cache(
    directory: Path, *, ttl: float = CACHE_TTL, now: Callable[[], float] = time.time
) -> JsonCache:
    """The JSON cache of arXiv answers in ``directory``."""
    return JsonCache(directory, ttl=ttl, now=now, file_name=CACHE_FILE_NAME, service="arXiv")


@dataclass(frozen=True, slots=True)
class ArxivRecord:
    """What arXiv says about one paper (text unescaped from XML, whitespace collapsed)."""

    id: ArxivId
    title: str
    authors: tuple[str, ...]
    abstract: str
    published: date | None
    updated: date | None
    dois: tuple[str, ...] = ()
    journal_ref: str | None = None
    comment: str | None = None
    primary_category: str | None = None
    categories: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (for the cache)."""
        return {
            "id": self.id.base,
            "version": self.id.version,
            "title": self.title,
            "authors": list(self.authors),
            "abstract": self.abstract,
            "published": self.published.isoformat() if self.published else None,
            "updated": self.updated.isoformat() if self.updated else None,
            "dois": list(self.dois),
            "journal_ref": self.journal_ref,
            "comment": self.comment,
            "primary_category": self.primary_category,
            "categories": list(self.categories),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ArxivRecord:
        """Rebuild a record from :meth:`to_json`; ValueError/TypeError/KeyError if malformed."""

        def text(name: str) -> str:
            value = data[name]
            if not isinstance(value, str):
                raise TypeError(f"{name} must be a string")
            return value

        def optional_text(name: str) -> str | None:
            value = data.get(name)
            if value is not None and not isinstance(value, str):
                raise TypeError(f"{name} must be a string or null")
            return value

        def strings(name: str) -> tuple[str, ...]:
            value = data.get(name, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise TypeError(f"{name} must be a list of strings")
            return tuple(value)

        def day(name: str) -> date | None:
            value = optional_text(name)
            return date.fromisoformat(value) if value else None

        version = data.get("version")
        if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
            raise TypeError("version must be an integer or null")
        return cls(
            id=ArxivId(text("id"), version),
            title=text("title"),
            authors=strings("authors"),
            abstract=text("abstract"),
            published=day("published"),
            updated=day("updated"),
            dois=strings("dois"),
            journal_ref=optional_text("journal_ref"),
            comment=optional_text("comment"),
            primary_category=optional_text("primary_category"),
            categories=strings("categories"),
        )


def record_from_cache(value: Mapping[str, Any]) -> ArxivRecord | None:
    """The record a cache entry holds, or None when the entry is malformed."""
    try:
        return ArxivRecord.from_json(value)
    except (KeyError, TypeError, ValueError):
        return None


def read_cached_records(cache_dir: Path | None = None) -> dict[str, ArxivRecord]:
    """Every record in the cache, however old, keyed like ``FetchResult.records``; no network."""
    directory = cache_dir if cache_dir is not None else default_cache_dir()
    records: dict[str, ArxivRecord] = {}
    for key, entry in arxiv_cache(directory).entries().items():
        if entry.value is None:
            continue
        record = record_from_cache(entry.value)
        if record is not None:
            records[key] = record
    return records
