"""``publist fmt --protect-titles``: brace the words of the user's own titles that styles would
lowercase, as publist does for the titles it writes; shown first, never applied silently.

Only ``title`` values that are one braced or quoted piece are touched (a value built from
``@string`` macros or ``#`` is left as written); the entry is re-rendered in its own style and
spliced back; every other byte stays.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from publist.bibtex.edit import rewrite_entry, splice, write_back
from publist.bibtex.encode import protect_title
from publist.bibtex.values import evaluate
from publist.build.pipeline import load_bibliography


@dataclass(frozen=True, slots=True)
class TitleChange:
    """One title that would gain braces: the entry, its line, the old and new raw values."""

    key: str
    line: int
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class FmtResult:
    """What ``fmt`` changed (or would change)."""

    path: Path
    changes: tuple[TitleChange, ...]
    written: bool

    def diff(self) -> str:
        """The changes as a unified diff of the title lines."""
        return "".join(
            "".join(
                difflib.unified_diff(
                    [f"title = {c.old}\n"],
                    [f"title = {c.new}\n"],
                    fromfile=f"{self.path}:{c.line} ({c.key})",
                    tofile=f"{self.path}:{c.line} ({c.key}, protected)",
                )
            )
            for c in self.changes
        )


def protect_titles(
    bib_path: Path,
    *,
    dry_run: bool = False,
    config_path: Path | None = None,
    encoding: str = "utf-8",
) -> FmtResult:
    """Brace what sentence case would lose in every title of ``bib_path``."""
    loaded = load_bibliography(bib_path, config_path=config_path, encoding=encoding)
    document = loaded.document
    changes: list[TitleChange] = []
    replacements = []
    for entry in document.entries:
        raw = entry.fields.get("title")
        if raw is None:
            continue
        stripped = raw.strip()
        if len(stripped) < 2 or (stripped[0], stripped[-1]) not in (("{", "}"), ('"', '"')):
            continue
        inner = evaluate(stripped, document.strings)
        if evaluate(stripped[0] + inner + stripped[-1], {}) != inner:
            continue  # not one piece: leave concatenations and macros as written
        protected = protect_title(inner, loaded.config.title_nouns)
        if protected == inner:
            continue
        new = stripped[0] + protected + stripped[-1]
        changes.append(TitleChange(entry.key, entry.field_lines.get("title", entry.line), raw, new))
        replacements.append((entry, rewrite_entry(entry, {"title": new})))
    written = False
    if replacements and not dry_run:
        write_back(document, splice(document.text, replacements))
        written = True
    return FmtResult(bib_path, tuple(changes), written)
