"""``publist discover``: search arXiv for the owner's names, rank what the bib lacks.

The searching is here (paged, newest first, stopping at ``--since``); the ranking, which is
pure, is :mod:`publist.enrich.candidates`. Nothing here writes the bib.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

from publist.build.pipeline import LoadedBibliography, load_bibliography
from publist.enrich.candidates import (
    MAX_PAGES,
    PAGE_SIZE,
    Discovery,
    parse_since,
    queries_for,
    rank,
)
from publist.errors import ConfigError
from publist.sources.arxiv.client import URL_ENV, ArxivClient, ArxivSettings
from publist.sources.arxiv.records import ArxivRecord

__all__ = ["discover"]


def discover(
    bib_path: Path,
    *,
    client: ArxivClient | None = None,
    arxiv_url: str | None = None,
    config_path: Path | None = None,
    since: str | None = None,
    encoding: str = "utf-8",
    today: date | None = None,
    notify: Callable[[str], None] | None = None,
) -> Discovery:
    """Search arXiv for the owner's names and rank what the bib does not have yet.

    Without ``client``, one is made from ``arxiv_url``, ``$PUBLIST_ARXIV_URL`` or
    ``sources.arxiv_url`` of the config, in that order, and closed afterwards.
    """
    loaded = load_bibliography(bib_path, config_path=config_path, encoding=encoding)
    if client is None:
        from_env = os.environ.get(URL_ENV, "").strip()
        configured = None if from_env else loaded.config.sources.get("arxiv_url")
        settings = ArxivSettings.from_env(base_url=arxiv_url or configured)
        with ArxivClient(settings, notify=notify) as own:
            return _discover(loaded, own, since, today, bib_path)
    return _discover(loaded, client, since, today, bib_path)


def _discover(
    loaded: LoadedBibliography,
    client: ArxivClient,
    since: str | None,
    today: date | None,
    bib_path: Path,
) -> Discovery:
    names = loaded.config.owner_names
    if not names:
        raise ConfigError(
            "discover searches arXiv for the owner's names: set owner.names in publist.toml",
            path=loaded.config.path or bib_path,
        )
    queries = queries_for(names)
    if not queries:
        raise ConfigError(
            "none of owner.names has a given and a family name to search arXiv for",
            path=loaded.config.path or bib_path,
        )
    limit = parse_since(since, today or date.today())
    before = client.requests_sent
    found: dict[str, ArxivRecord] = {}
    for query in queries:
        for record in _search(client, query, limit):
            found.setdefault(record.id.base, record)
    candidates = rank(loaded, found.values())
    return Discovery(candidates, tuple(queries), limit, client.requests_sent - before, len(found))


def _search(client: ArxivClient, query: str, since: date) -> list[ArxivRecord]:
    """Pages of ``query``, newest first, until a page reaches back before ``since``."""
    records: list[ArxivRecord] = []
    seen: set[str] = set()
    start = 0
    for _ in range(MAX_PAGES):
        feed = client.search(query, start=start, max_results=PAGE_SIZE)
        new = [r for r in feed.records if str(r.id) not in seen]
        seen.update(str(r.id) for r in feed.records)
        records.extend(r for r in new if (r.published or since) >= since)
        start += len(feed.records)
        oldest = min((r.published for r in feed.records if r.published), default=None)
        total = feed.total_results
        if not new or (oldest is not None and oldest < since):
            break
        if total is not None and start >= total:
            break
    return records
