"""``publist sync``: bring the arXiv entries of a .bib up to date, changing only what must change.

Loads the file, looks the arXiv ids up through the client, plans the changes
(:mod:`publist.enrich.sync_plan`) and writes them back atomically unless ``dry_run``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from publist.bibtex.edit import write_back
from publist.build.pipeline import load_bibliography
from publist.enrich.sync_plan import (
    FAILED_BLOCK_CODES,
    EntryUpdate,
    FieldChange,
    Notice,
    SyncPlan,
    apply_plan,
    find_targets,
    plan_sync,
)
from publist.errors import InputError
from publist.sources.arxiv.client import ArxivClient, ArxivSettings

__all__ = ["EntryUpdate", "FieldChange", "Notice", "SyncPlan", "SyncResult", "sync"]


@dataclass(frozen=True, slots=True)
class SyncResult:
    """What a sync run did."""

    path: Path
    plan: SyncPlan
    requests_sent: int
    written: bool


def sync(
    bib_path: Path,
    *,
    config_path: Path | None = None,
    settings: ArxivSettings | None = None,
    dry_run: bool = False,
    force: bool = False,
    refresh: bool = False,
    encoding: str = "utf-8",
    progress: Callable[[int, int], None] | None = None,
    client: ArxivClient | None = None,
    notify: Callable[[str], None] | None = None,
) -> SyncResult:
    """Look up every arXiv entry of ``bib_path`` and write the changes (unless ``dry_run``).

    A file with blocks that failed to parse is refused before any request, unless ``force``:
    rewriting it could not promise to keep what publist did not understand.
    """
    loaded = load_bibliography(bib_path, config_path=config_path, encoding=encoding)
    failed = [d for d in loaded.document.diagnostics if d.code in FAILED_BLOCK_CODES]
    if failed and not force and not dry_run:
        first = failed[0]
        raise InputError(
            f"{len(failed)} block(s) could not be read (first: {first.message}); fix them, "
            "or pass --force to sync the rest and leave those blocks exactly as they are",
            path=bib_path,
            line=first.line,
        )
    targets, notices = find_targets(loaded)
    own_client = client is None
    active = client if client is not None else ArxivClient(settings, notify=notify)
    try:
        result = active.fetch(
            [target.arxiv_id.latest for target in targets], progress=progress, refresh=refresh
        )
    finally:
        if own_client:
            active.close()
    plan = plan_sync(
        loaded.document,
        targets,
        result.records,
        result.not_found,
        protect=loaded.config.title_nouns,
    )
    plan = SyncPlan(plan.updates, (*notices, *plan.notices), plan.looked_up)
    written = False
    if plan.updates and not dry_run:
        write_back(loaded.document, apply_plan(loaded.document, plan))
        written = True
    return SyncResult(bib_path, plan, result.requests_sent, written)
