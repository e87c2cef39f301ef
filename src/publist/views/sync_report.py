"""The summary of a sync run as rich tables; built here, printed by the CLI."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from publist.build.control import drop_control
from publist.enrich.sync_plan import SyncPlan

_LONG = 70


def _short(value: str | None) -> Text:
    if value is None:
        return Text("(none)")
    value = " ".join(value.split())
    return _cell(value if len(value) <= _LONG else f"{value[: _LONG - 1]}… ({len(value):,} chars)")


def _cell(value: str) -> Text:
    # A Text, not a str: rich would read "[/x]" in a title as markup (and fail on it), and
    # "[link=...]" as a terminal hyperlink. Control characters could drive the terminal.
    return Text(drop_control(value))


def changes_table(plan: SyncPlan) -> Table:
    """Per entry, each field: old → new."""
    table = Table(title="Changes", title_justify="left", expand=False, show_lines=False)
    table.add_column("entry", no_wrap=True)
    table.add_column("field", no_wrap=True)
    table.add_column("old", overflow="fold")
    table.add_column("new", overflow="fold")
    for update in plan.updates:
        for index, change in enumerate(update.changes):
            who = f"{update.key} ({update.arxiv_id})" if index == 0 else ""
            table.add_row(_cell(who), _cell(change.field), _short(change.old), _short(change.new))
    return table


def notices_table(plan: SyncPlan) -> Table:
    """Not-found ids, invalid ids, looks-published notices and skipped entries."""
    table = Table(title="Notices", title_justify="left")
    table.add_column("entry", no_wrap=True)
    table.add_column("line", justify="right")
    table.add_column("kind", no_wrap=True)
    table.add_column("message", overflow="fold")
    for notice in plan.notices:
        table.add_row(
            _cell(notice.key), str(notice.line), _cell(notice.kind), _cell(notice.message)
        )
    return table
