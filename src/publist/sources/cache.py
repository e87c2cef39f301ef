"""A small on-disk JSON cache of a service's answers, one file per service, written atomically.

The store knows nothing about any service's records: it keeps, per key, the time of the answer
and a JSON value (``None`` meaning "the service did not know this key"). Each source converts
its own records (for arXiv, :mod:`publist.sources.arxiv.records`).
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from publist.errors import OutputError
from publist.fsio import atomic_write

CACHE_ENV = "PUBLIST_CACHE_DIR"
CACHE_FORMAT = 1
DAY = 24 * 60 * 60.0

log = logging.getLogger(__name__)


def default_cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The cache folder: ``$PUBLIST_CACHE_DIR`` or the platform's user cache folder."""
    env = os.environ if environ is None else environ
    configured = env.get(CACHE_ENV, "").strip()
    if configured:
        return Path(configured).expanduser()
    return Path(platformdirs.user_cache_dir("publist"))


@dataclass(frozen=True, slots=True)
class CacheEntry:
    """One cached answer: when it was fetched and its JSON value (None: not found)."""

    fetched_at: float
    value: dict[str, Any] | None


class JsonCache:
    """Key -> (time, JSON value) in one file; corrupt or unreadable files count as empty."""

    def __init__(
        self,
        directory: Path,
        *,
        ttl: float = DAY,
        now: Callable[[], float] = time.time,
        file_name: str,
        service: str,
    ) -> None:
        self.directory = directory
        self.path = directory / file_name
        self.service = service
        self.ttl = ttl
        self._now = now
        self._entries: dict[str, CacheEntry] | None = None

    def entries(self) -> dict[str, CacheEntry]:
        """Every entry on disk, fresh or not (read once, then kept in memory)."""
        if self._entries is None:
            self._entries = self._read()
        return self._entries

    def fresh(self, key: str, *, not_found_ttl: float | None = None) -> CacheEntry | None:
        """The entry for ``key`` if it is younger than the time-to-live.

        ``not_found_ttl`` gives "not found" answers (value None) a time-to-live of their own:
        a paper found stays found for days, one not found is asked again sooner.
        """
        entry = self.entries().get(key)
        if entry is None:
            return None
        ttl = self.ttl if entry.value is not None or not_found_ttl is None else not_found_ttl
        age = self._now() - entry.fetched_at
        # A timestamp from the future (clock changed) is not trusted as fresh.
        if 0 <= age < ttl:
            return entry
        return None

    def store(self, values: Mapping[str, dict[str, Any] | None]) -> None:
        """Record answers fetched now and write the file; a write failure only logs."""
        if not values:
            return
        # Re-read first so that answers another process stored meanwhile are kept.
        merged = self._read()
        stamp = self._now()
        for key, value in values.items():
            merged[key] = CacheEntry(stamp, value)
        self._entries = merged
        try:
            self._write(merged)
        except (OSError, OutputError) as exc:
            # The cache only saves requests; failing to write it must not fail a sync.
            log.warning("could not write the %s cache %s: %s", self.service, self.path, exc)

    def _read(self) -> dict[str, CacheEntry]:
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError) as exc:
            log.warning("ignoring unreadable %s cache %s: %s", self.service, self.path, exc)
            return {}
        try:
            data = json.loads(raw)
        except ValueError as exc:
            log.warning("ignoring corrupt %s cache %s: %s", self.service, self.path, exc)
            return {}
        if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT:
            log.warning("ignoring %s cache %s of an unknown format", self.service, self.path)
            return {}
        items = data.get("entries")
        if not isinstance(items, dict):
            return {}
        entries: dict[str, CacheEntry] = {}
        for key, item in items.items():
            # Bad items are dropped one by one; the rest of the cache stays useful.
            if not isinstance(item, dict):
                continue
            stamp = item.get("fetched_at")
            value = item.get("value")
            if isinstance(stamp, bool) or not isinstance(stamp, int | float):
                continue
            if value is not None and not isinstance(value, dict):
                continue
            entries[key] = CacheEntry(float(stamp), value)
        return entries

    def _write(self, entries: Mapping[str, CacheEntry]) -> None:
        payload = {
            "format": CACHE_FORMAT,
            "entries": {
                key: {"fetched_at": entry.fetched_at, "value": entry.value}
                for key, entry in sorted(entries.items())
            },
        }
        text = json.dumps(payload, ensure_ascii=False, indent=1)
        self.directory.mkdir(parents=True, exist_ok=True)
        atomic_write(self.path, text)
