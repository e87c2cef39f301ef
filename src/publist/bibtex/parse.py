"""Parse a .bib into a source document: every block as written, with lines and diagnostics.

The parsed document keeps every block as written (no middleware runs at load), so ``sync``
can splice re-rendered entries into the original text and leave every other byte alone.
Values are evaluated (enclosing removed, ``@string`` macros and ``#`` concatenation resolved)
only when a field is read for display (:mod:`publist.bibtex.values`).
"""

from __future__ import annotations

import gc
import logging
import re
import sys
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from bibtexparser import model as bp
from bibtexparser.entrypoint import parse_string

from publist.bibtex.source import SourceFile, read_source
from publist.bibtex.values import evaluate
from publist.model import Diagnostic, Severity

# bibtexparser logs every failed block itself; publist reports them as diagnostics instead.
logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)

_ESCAPED_NEWLINE = re.compile(r"\\\n")
_NON_SPACE = re.compile(r"\S")
_COMMENT_LINE = re.compile(r"\n[ \t]*%")


@dataclass(frozen=True, slots=True)
class RawEntry:
    """An entry as written: lowercase field names mapped to unevaluated values."""

    key: str
    entry_type: str
    fields: Mapping[str, str]
    line: int
    position: int
    field_lines: Mapping[str, int]
    raw: str
    field_names: Mapping[str, str]
    offset: int


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """A loaded .bib: its text, its entries in file order, and what failed to parse."""

    path: Path
    text: str
    entries: tuple[RawEntry, ...]
    strings: Mapping[str, str]
    diagnostics: tuple[Diagnostic, ...]
    source: SourceFile | None = None

    @property
    def display_path(self) -> str:
        """The path as the user gave it, for messages."""
        return str(self.path)

    def value(self, entry: RawEntry, name: str) -> str | None:
        """The evaluated value of ``name`` in ``entry``, or None when absent."""
        raw = entry.fields.get(name)
        if raw is None:
            return None
        return evaluate(raw, self.strings)


def load(path: Path, *, encoding: str = "utf-8") -> SourceDocument:
    """Read and parse ``path``; failed blocks become diagnostics, never exceptions."""
    source = read_source(path, encoding=encoding)
    return parse(source.text, path=path, source=source)


def parse(text: str, *, path: Path, source: SourceFile | None = None) -> SourceDocument:
    """Parse BibTeX ``text``; every block that fails becomes a diagnostic."""
    # bibtexparser's blocks make no reference cycles and are all freed (by reference
    # counting) when this returns; the cycle collector would only scan them while they are
    # built, about a tenth of the parse. It is paused, and its previous state restored.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _parse(text, path=path, source=source)
    finally:
        if enabled:
            gc.enable()


def _parse(text: str, *, path: Path, source: SourceFile | None) -> SourceDocument:
    library = parse_string(text, parse_stack=[])
    display = str(path)
    line_of = _LineMap(text)
    strings: dict[str, str] = {}
    entries: list[RawEntry] = []
    diagnostics: list[Diagnostic] = []
    locate = _Locator(text)
    first_lines: dict[str, int] = {}  # each key's first entry, for duplicate-key messages
    for position, block in enumerate(library.blocks):
        offset = locate(block)
        line = line_of(block.start_line)

        def problem(key: str | None, code: str, message: str, at: int | None = line) -> None:
            diagnostics.append(Diagnostic(display, at, key, Severity.ERROR, code, message))

        if isinstance(block, bp.Entry):  # by far the most common block: tested first
            entries.append(_raw_entry(block, position, offset, line_of, problem))
            first_lines.setdefault(block.key, entries[-1].line)
            continue
        if isinstance(block, bp.String):
            # Later @strings may refer to earlier ones, as in BibTeX.
            strings[block.key.lower()] = evaluate(str(block.value), strings)
            continue
        # A repeated key or a repeated field: bibtexparser wraps the entry (a block with both
        # is wrapped twice). _raw_entry reports each repeated field at its own line.
        entry: bp.Block | None = block
        while isinstance(entry, bp.DuplicateBlockKeyBlock | bp.DuplicateFieldKeyBlock):
            entry = entry.ignore_error_block
        if isinstance(entry, bp.Entry):
            entries.append(_raw_entry(entry, position, offset, line_of, problem))
            first = first_lines.setdefault(entry.key, entries[-1].line)
            if first != entries[-1].line or isinstance(block, bp.DuplicateBlockKeyBlock):
                # For BibTeX the key names the first entry only; for a publication list it is
                # an anchor, and a second paper under it is still listed (the pipeline decides
                # whether it is another paper or the same one written twice).
                problem(
                    entry.key,
                    "duplicate-key",
                    f"duplicate entry key (first at line {first}); "
                    "BibTeX and biber use only the first entry",
                )
        elif isinstance(block, bp.DuplicateBlockKeyBlock):
            # A second @string of the same name: bibtexparser keeps the first definition.
            problem(
                block.key,
                "duplicate-key",
                f"@string {block.key!r} is defined again; the first definition is used",
            )
        elif isinstance(block, bp.ParsingFailedBlock):
            problem(
                _guess_key(block.raw or ""),
                "parse-error",
                f"cannot parse this block: {_parse_problem(block)}",
            )
    _case_clashes(entries, diagnostics, display)
    return SourceDocument(
        path=path,
        text=text,
        entries=tuple(entries),
        strings=strings,
        diagnostics=tuple(diagnostics),
        source=source,
    )


class _Locator:
    """Finds each block's text in file order, so a splice replaces exactly that block.

    Searching each block's raw text from the end of the previous one cannot match an earlier
    copy of it (say, one inside an ``@comment``).
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.cursor = 0

    def __call__(self, block: bp.Block) -> int:
        raw = block.raw or ""
        if not raw:
            return -1
        found = -1
        if not raw[0].isspace():
            # Blocks are usually apart by whitespace only; a block that starts with text can
            # start no earlier than the next non-space character.
            nearest = _NON_SPACE.search(self.text, self.cursor)
            if nearest is not None and self.text.startswith(raw, nearest.start()):
                found = nearest.start()
        if found < 0:
            found = self.text.find(raw, self.cursor)
        if found >= 0:
            self.cursor = found + len(raw)
        return found


class _Problem(Protocol):
    def __call__(self, key: str | None, code: str, message: str, at: int | None = ...) -> None: ...


class _LineMap:
    """Map bibtexparser's 0-based line numbers to the file's 1-based ones.

    bibtexparser does not count a newline right after a backslash (``\\`` ending a line in
    a table of contents, common in Beebe's bibliographies), so its numbers drift after one.
    bibtexparser's line n begins on real line n + (the escaped newlines before it). The j-th
    escaped newline (0-based), the k-th newline of the file, comes before bibtexparser's line
    n exactly when k - j <= n: those thresholds, in order, answer with one bisection.
    """

    def __init__(self, text: str) -> None:
        self.thresholds: list[int] = []
        self.last: int | None = None  # None: no escaped newline, nothing drifts
        if "\\\n" not in text:
            return
        newlines = 0
        cursor = 0
        for escaped in _ESCAPED_NEWLINE.finditer(text):
            newlines += text.count("\n", cursor, escaped.end())
            cursor = escaped.end()
            self.thresholds.append(newlines - len(self.thresholds))
        self.last = text.count("\n") - len(self.thresholds)

    def __call__(self, line: int | None) -> int | None:
        """The file's line for bibtexparser's ``line``."""
        if line is None:
            return None
        if self.last is None:
            return line + 1
        line = min(line, self.last)
        return line + bisect_right(self.thresholds, line) + 1

    def span(self, line: int) -> tuple[int, int]:
        """``(shift, limit)``: every line from ``line`` up to ``limit`` maps to itself + shift.

        An entry's fields all lie in one span unless a field's value ends a line with a
        backslash, so they are mapped without a lookup each.
        """
        if self.last is None:
            return 1, sys.maxsize
        index = bisect_right(self.thresholds, min(line, self.last))
        limit = self.thresholds[index] if index < len(self.thresholds) else self.last + 1
        return index + 1, limit


def _raw_entry(
    entry: bp.Entry,
    position: int,
    offset: int,
    line_of: _LineMap,
    problem: _Problem,
) -> RawEntry:
    fields: dict[str, str] = {}
    lines: dict[str, int] = {}
    names: dict[str, str] = {}
    first = entry.start_line
    start = line_of(first) or 1
    shift, limit = line_of.span(first) if first is not None else (0, -1)
    for fld in entry.fields:
        key = fld.key
        number = fld.start_line
        if number is not None and first is not None and first <= number < limit:
            field_line = number + shift
        else:
            field_line = line_of(number) or start
        if "%" in key or "\n" in key:
            # bibtexparser reads "% note\n  title" as one field name; biber drops the comment.
            problem(
                entry.key,
                "comment-in-entry",
                "a % comment inside the entry is read as part of a field name; "
                "move it above the entry",
                field_line,
            )
            key = key.rsplit("\n", 1)[-1].strip()
            if not key or key.startswith("%"):
                continue
        name = key.lower()
        if name in fields:
            # BibTeX field names ignore case: "Note" and "note" are the same field.
            problem(
                entry.key,
                "duplicate-field",
                f"field {name!r} given twice (line {lines.get(name, start)} and "
                f"{field_line}); the first value is used",
                field_line,
            )
            continue
        fields[name] = str(fld.value)
        names[name] = key
        lines[name] = field_line
    return RawEntry(
        key=entry.key,
        entry_type=entry.entry_type.lower(),
        fields=fields,
        line=start,
        position=position,
        field_lines=lines,
        raw=entry.raw or "",
        field_names=names,
        offset=offset,
    )


def _case_clashes(entries: list[RawEntry], diagnostics: list[Diagnostic], path: str) -> None:
    """Keys that differ only in case are one key to BibTeX and biber."""
    seen: dict[str, RawEntry] = {}
    for entry in entries:
        folded = entry.key.casefold()
        first = seen.setdefault(folded, entry)
        if first is not entry and first.key != entry.key:
            diagnostics.append(
                Diagnostic(
                    path,
                    entry.line,
                    entry.key,
                    Severity.ERROR,
                    "duplicate-key",
                    f"key differs only in case from {first.key!r} at line {first.line}; "
                    "BibTeX treats them as the same key",
                )
            )


def _parse_problem(block: bp.ParsingFailedBlock) -> str:
    # bibtexparser keeps the reason in an attribute; str() of its exception is empty.
    reason = _first_line(str(getattr(block.error, "abort_reason", None) or block.error))
    if _COMMENT_LINE.search(block.raw or ""):
        reason += " (a line starting with % is not a comment inside a BibTeX entry)"
    return reason


def _first_line(text: str) -> str:
    return " ".join(text.split()) or "syntax error (a missing closing brace or quote?)"


def _guess_key(raw: str) -> str | None:
    match = re.match(r"\s*@\s*\w+\s*[{(]\s*([^,\s{}()]+)\s*,", raw)
    if match is None:
        return None
    key = match.group(1)
    return key if key and len(key) < 200 and "\n" not in key else None
