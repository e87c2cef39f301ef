"""The ``publist published`` table: each preprint, its published version, and the evidence."""

from __future__ import annotations

from rich.table import Table

from publist.build.control import drop_control
from publist.enrich.published_match import PreprintStatus, PublishedReport

_STATUS = {
    "published": "published",
    "conflict": "conflict",
    "not_found": "nothing found",
    "unavailable": "unavailable",
}


def _venue(status: PreprintStatus) -> str:
    verdict = status.verdict
    if verdict.status == "conflict":
        return "; ".join(f"{f.record.source}: {f.record.venue}" for f in verdict.findings)
    if verdict.status == "unavailable":
        return "could not ask " + ", ".join(status.unavailable)
    short = f" ({verdict.venue_short})" if verdict.venue_short else ""
    return f"{verdict.venue}{short}"


def published_table(report: PublishedReport) -> Table:
    """One row per preprint: key, label, status, venue, year, DOI, sources and evidence."""
    table = Table(show_header=True, header_style="bold", expand=False)
    for column in ("key", "label", "status", "venue", "year", "DOI", "evidence"):
        table.add_column(column, overflow="fold")
    order = {"published": 0, "conflict": 1, "unavailable": 2, "not_found": 3}
    for status in sorted(report.statuses, key=lambda s: order[s.verdict.status]):
        verdict = status.verdict
        table.add_row(
            drop_control(status.item.publication.key),
            status.item.label,
            _STATUS[verdict.status],
            drop_control(_venue(status)),
            str(verdict.year or ""),
            drop_control(verdict.doi),
            drop_control("; ".join(f.evidence for f in verdict.findings)),
            style="" if verdict.status == "published" else "dim",
        )
    return table
