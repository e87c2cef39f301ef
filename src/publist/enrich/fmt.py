"""``publist fmt --protect-titles``: brace the words of the user's own titles that styles would
lowercase, as publist does for the titles it writes; shown first, never applied silently.

Only ``title`` values that are one braced or quoted piece are touched (a value built from
``@string`` macros or ``#`` is left as written); only the value's own text is replaced, and
every other byte of the entry and the file stays.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from publist.bibtex.edit import splice, write_back
from publist.bibtex.encode import protect_title
from publist.bibtex.parse import RawEntry
from publist.bibtex.values import single_piece
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
        inner = single_piece(stripped)
        if inner is None:
            continue  # built from @string macros or `#`: left as written
        protected = protect_title(inner, loaded.config.title_nouns)
        if protected == inner:
            continue
        new = stripped[0] + protected + stripped[-1]
        new_raw = _with_value(entry, "title", stripped, new)
        if new_raw is None:
            continue
        changes.append(
            TitleChange(entry.key, entry.field_lines.get("title", entry.line), stripped, new)
        )
        replacements.append((entry, new_raw))
    written = False
    if replacements and not dry_run:
        write_back(document, splice(document.text, replacements))
        written = True
    return FmtResult(bib_path, tuple(changes), written)


def _with_value(entry: RawEntry, field: str, old: str, new: str) -> str | None:
    """``entry.raw`` with the value ``old`` of ``field`` (its first occurrence) replaced by
    ``new``; every other byte as written. None when the value cannot be located exactly."""
    text = entry.raw
    opening = re.search(r"[{(]", text)
    field_depth = 1 if opening and opening.group() == "{" else 0
    name = re.compile(rf"(?<![\w:.+/-]){re.escape(field)}\s*=\s*", re.IGNORECASE)
    for match in name.finditer(text):
        # Only a field name at the entry's own level: not "title =" inside another value.
        before = text[: match.start()]
        if before.count("{") - before.count("}") != field_depth:
            continue
        if text.startswith(old, match.end()):
            return text[: match.end()] + new + text[match.end() + len(old) :]
        return None  # the first title field is not the value publist read
    return None
