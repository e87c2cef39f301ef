"""The ``publist discover`` table: candidates with the owner bold and the evidence for each."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from publist.build.control import drop_control
from publist.enrich.candidates import Candidate, Discovery


def _authors(candidate: Candidate) -> Text:
    text = Text()
    for index, author in enumerate(candidate.authors):
        if index:
            text.append(", ")
        text.append(drop_control(author.display), style="bold" if author.is_owner else "")
    return text


def _evidence(candidate: Candidate) -> str:
    parts = []
    if candidate.shared_coauthors:
        parts.append("co-authors: " + ", ".join(candidate.shared_coauthors))
    if candidate.category_known:
        parts.append(f"your field ({candidate.record.primary_category})")
    if candidate.exact_name:
        parts.append("your name as configured")
    return drop_control("; ".join(parts)) or "unlikely: no shared co-author, another field"


def discovery_table(discovery: Discovery) -> Table:
    """One row per candidate, likely ones first."""
    table = Table(show_header=True, header_style="bold", expand=False)
    for column in ("arXiv id", "date", "title", "authors", "evidence"):
        table.add_column(column, overflow="fold")
    for candidate in discovery.candidates:
        record = candidate.record
        table.add_row(
            str(record.id.base),
            record.published.isoformat() if record.published else "",
            drop_control(record.title),
            _authors(candidate),
            _evidence(candidate),
            style="" if candidate.likely else "dim",
        )
    return table
