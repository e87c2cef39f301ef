"""The only importer of bibtexparser: load a .bib with diagnostics, evaluate values, write back.

The parsed document keeps every block as written (no middleware runs at load), so ``sync``
can splice re-rendered entries into the original text and leave every other byte alone.
Values are evaluated (enclosing removed, ``@string`` macros and ``#`` concatenation resolved)
only when a field is read for display.
"""

from __future__ import annotations

import codecs
import gc
import logging
import os
import re
import sys
import tempfile
from bisect import bisect_right
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from bibtexparser import model as bp
from bibtexparser.entrypoint import parse_string
from bibtexparser.middlewares.names import (
    InvalidNameError,
    parse_single_name_into_parts,
    split_multiple_persons_names,
)

from publist.errors import BibFileError, InputError, OutputError
from publist.model import Diagnostic, Severity

# bibtexparser logs every failed block itself; publist reports them as diagnostics instead.
logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)

MONTH_MACROS: Mapping[str, str] = {
    name: str(number)
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}


_ESCAPED_NEWLINE = re.compile(r"\\\n")
_NON_SPACE = re.compile(r"\S")
_COMMENT_LINE = re.compile(r"\n[ \t]*%")
_BRACES = re.compile(r"[{}]")
_BRACES_AND_QUOTES = re.compile(r'[{}"]')
_CONCATENATION_MARKS = re.compile(r'[{}"#]')
# BibTeX's name separator: "and" in any case between runs of space, tab, CR or LF ("~" binds).
# A match starts only where a run of whitespace starts: tried from inside a long run, the
# pattern would rescan the rest of it at every position (quadratic time).
_NAME_SEPARATOR = re.compile(r"(?<![ \t\r\n])[ \t\r\n]+[aA][nN][dD][ \t\r\n]+")
_NAME_SEPARATOR_OR_BRACE = re.compile(r"[{}]|(?<![ \t\r\n])[ \t\r\n]+[aA][nN][dD][ \t\r\n]+")


class NameSplitError(ValueError):
    """A name that BibTeX's rules cannot split (for example too many commas)."""


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


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file as read: its text, and what is needed to write it back byte-faithfully."""

    path: Path
    text: str
    encoding: str
    bom: bool
    # The bytes as read, compared with the file's before writing it back (hashing them would
    # cost every read, and most runs never write).
    data: bytes


def read_source(path: Path, *, encoding: str = "utf-8") -> SourceFile:
    """Read ``path`` as text; a bad byte is an error naming the file and line."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise BibFileError("file not found", path=path) from None
    except IsADirectoryError:
        raise BibFileError("is a directory, not a .bib file", path=path) from None
    except OSError as exc:
        raise BibFileError(f"cannot read: {exc.strerror}", path=path) from None
    utf8 = encoding.lower().replace("_", "-") in ("utf-8", "utf8")
    bom = utf8 and data.startswith(codecs.BOM_UTF8)
    if utf8 and data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Some Windows tools save UTF-16; name it rather than report its first zero byte.
        raise BibFileError(
            "the file is UTF-16 (it starts with a UTF-16 byte-order mark); "
            "re-save it as UTF-8 or pass --encoding utf-16",
            path=path,
            line=1,
        )
    try:
        text = data[3:].decode("utf-8") if bom else data.decode(encoding)
    except LookupError:
        raise BibFileError(f"unknown encoding {encoding!r}", path=path) from None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise BibFileError(
            f"not valid {encoding} (byte 0x{data[exc.start]:02x}); "
            "re-save the file as UTF-8 or pass --encoding",
            path=path,
            line=line,
        ) from None
    return SourceFile(path, text, "utf-8" if utf8 else encoding, bom, data)


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
        elif isinstance(block, bp.String):
            # Later @strings may refer to earlier ones, as in BibTeX.
            strings[block.key.lower()] = evaluate(str(block.value), strings)
        elif isinstance(block, bp.DuplicateFieldKeyBlock):
            entry = block.ignore_error_block
            assert isinstance(entry, bp.Entry)  # bibtexparser builds it from an Entry
            # _raw_entry reports each repeated field at its own line.
            entries.append(_raw_entry(entry, position, offset, line_of, problem))
            first_lines.setdefault(entries[-1].key, entries[-1].line)
        elif isinstance(block, bp.DuplicateBlockKeyBlock):
            previous = block.previous_block
            first = first_lines.get(block.key)
            where = f" (first at line {first})" if first is not None and previous else ""
            problem(
                block.key, "duplicate-key", f"duplicate entry key{where}; this entry is skipped"
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


def evaluate(raw: str, strings: Mapping[str, str]) -> str:
    """Evaluate a raw BibTeX value: strip enclosing, resolve macros and ``#`` concatenation."""
    raw = raw.strip()
    if not raw:
        return ""
    first = raw[0]
    # Fast paths: one braced or quoted piece, by far the most common value; the character
    # scans run only when the value holds a brace or quote that could end it early.
    if first == "{" and raw[-1] == "}":
        inner = raw[1:-1]
        if ("{" not in inner and "}" not in inner) or _closes_at_end(raw):
            return inner
    if first == '"' and raw[-1] == '"':
        inner = raw[1:-1]
        if '"' not in inner or _single_quoted(raw):
            return inner
    if "#" not in raw:  # a single macro name or number
        return _evaluate_piece(raw, strings)
    return "".join(_evaluate_piece(piece, strings) for piece in _split_concatenation(raw))


def _closes_at_end(raw: str) -> bool:
    """True when the brace that opens ``raw`` is closed by its last character."""
    # Only the braces are visited: values such as abstracts are long and have few of them.
    depth = 0
    for brace in _BRACES.finditer(raw):
        if brace.group() == "{":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return brace.start() == len(raw) - 1
    return False


def _single_quoted(raw: str) -> bool:
    """True when ``raw`` is one quoted piece (no quote at brace depth 0 inside it)."""
    depth = 0
    for mark in _BRACES_AND_QUOTES.finditer(raw, 1, len(raw) - 1):
        char = mark.group()
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif depth == 0:
            return False
    return True


def _split_concatenation(raw: str) -> Iterator[str]:
    depth = 0
    quoted = False
    start = 0
    for mark in _CONCATENATION_MARKS.finditer(raw):
        char = mark.group()
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"':
            if depth == 0:
                quoted = not quoted
        elif depth == 0 and not quoted:
            yield raw[start : mark.start()].strip()
            start = mark.end()
    yield raw[start:].strip()


def _evaluate_piece(piece: str, strings: Mapping[str, str]) -> str:
    if len(piece) >= 2 and piece[0] == "{" and piece[-1] == "}":
        return piece[1:-1]
    if len(piece) >= 2 and piece[0] == '"' and piece[-1] == '"':
        return piece[1:-1]
    name = piece.lower()
    if name in strings:
        return strings[name]
    if name in MONTH_MACROS:
        return MONTH_MACROS[name]
    # A number or an undefined macro: BibTeX would warn and use the name; show what was written.
    return piece


def split_names(value: str) -> list[str]:
    """Split a name list on top-level ``and``."""
    if "\\" in value:
        # An escape can hide a space or a brace; bibtexparser's scanner knows them.
        names = split_multiple_persons_names(value)
    else:
        names = _split_unescaped_names(value.strip(" \r\n\t"))
    return [name for name in names if name.strip()]


def _split_unescaped_names(value: str) -> list[str]:
    """``split_multiple_persons_names`` for a value without backslashes, by regex.

    Only separators and braces are visited instead of every character (a property test
    compares the two); an "and" inside braces ("{Simon and Schuster}") does not separate.
    """
    if not value:
        return []
    if "{" not in value and "}" not in value:
        return _NAME_SEPARATOR.split(value)
    names: list[str] = []
    start = 0
    depth = 0
    for mark in _NAME_SEPARATOR_OR_BRACE.finditer(value):
        piece = mark.group()
        if piece == "{":
            depth += 1
        elif piece == "}":
            depth = max(depth - 1, 0)  # BibTeX ignores a stray closing brace
        elif depth == 0 and not value.startswith("}", mark.end()):
            # (A closing brace right after " and " cancels it in bibtexparser's scanner.)
            names.append(value[start : mark.start()])
            start = mark.end()
    names.append(value[start:])
    return names


def split_name(name: str) -> tuple[str, str, str, str]:
    """Split one name into (first, von, last, jr) by BibTeX's rules."""
    try:
        parts = parse_single_name_into_parts(name, strict=True)
    except InvalidNameError as exc:
        raise NameSplitError(str(exc)) from None
    return (
        " ".join(parts.first),
        " ".join(parts.von),
        " ".join(parts.last),
        " ".join(parts.jr),
    )


def atomic_write(path: Path, text: str, *, encoding: str = "utf-8", bom: bool = False) -> None:
    """Write ``text`` to ``path`` via a temp file in the same folder, then replace it.

    A crash or kill at any point leaves either the old file or the new one, never half. A
    symbolic link is followed, so the file it points to is the one replaced; an existing file
    keeps its permissions, a new one gets the usual ones (0666 less the umask).
    """
    target = path.resolve() if path.is_symlink() else path
    try:
        data = (codecs.BOM_UTF8 if bom else b"") + text.encode(encoding)
    except UnicodeEncodeError as exc:
        raise OutputError(
            f"cannot write {text[exc.start : exc.end]!r} in {encoding}; convert the file to UTF-8",
            path=path,
        ) from None
    folder = target.parent if str(target.parent) else Path()
    try:
        mode = target.stat().st_mode & 0o7777 if target.exists() else _default_mode()
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror}", path=path) from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(mode)
        tmp.replace(target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"cannot write: {exc.strerror}", path=path) from None


def _default_mode() -> int:
    # mkstemp creates 0600; a new output (say, a homepage's HTML) must be readable as usual.
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_back(document: SourceDocument, text: str) -> None:
    """Replace the document's file with ``text``, in its own encoding and byte-order mark.

    Refuses when the file changed on disk since it was read: writing would lose that edit.
    """
    source = document.source
    if source is None:
        raise OutputError("the document was not read from a file", path=document.path)
    try:
        current = source.path.read_bytes()
    except OSError as exc:
        raise OutputError(f"cannot read before writing: {exc.strerror}", path=source.path) from None
    if current != source.data:
        raise InputError(
            "the file changed on disk while publist was working; nothing was written, "
            "run the command again",
            path=source.path,
        )
    atomic_write(source.path, text, encoding=source.encoding, bom=source.bom)


_FIELD_LINE = re.compile(r"^([ \t]*)([^\s=,{}]+)([ \t]*)=([ \t]*)")


def rewrite_entry(entry: RawEntry, updates: Mapping[str, str]) -> str:
    """Re-render ``entry`` with ``updates`` (lowercase field name to a raw value, enclosed).

    Unchanged fields keep their raw values (bare macros, quotes, line breaks); the entry's
    indentation, ``=`` alignment, field-name case, trailing comma and line endings are kept.
    New fields go after the existing ones.
    """
    raw = entry.raw
    newline = "\r\n" if "\r\n" in raw else "\n"
    opening = re.search(r"[{(]", raw)
    closing = ")" if opening is not None and opening.group(0) == "(" else "}"
    header_end = raw.index(",") + 1 if "," in raw else (opening.end() if opening else len(raw))
    body_lines = raw[header_end:].replace("\r\n", "\n").split("\n")
    # Only lines that start a field tell the style; a value's continuation lines do not.
    matches = [
        m
        for line in body_lines
        if (m := _FIELD_LINE.match(line)) and m.group(2).lower() in entry.fields
    ]
    indent = matches[0].group(1) if matches else "  "
    after_eq = matches[0].group(4) if matches else " "
    spacing = {m.group(3) for m in matches}
    # Aligned: every name padded so the "=" signs share a column (and padding varies).
    columns = {len(m.group(2)) + len(m.group(3)) for m in matches}
    aligned = len(matches) > 1 and len(columns) == 1 and len(spacing) > 1
    plain_gap = spacing.pop() if len(spacing) == 1 else " "
    trailing_comma = raw.rstrip()[:-1].rstrip().endswith(",") if matches else True

    items: list[tuple[str, str]] = []
    for lower, value in entry.fields.items():
        written = updates.get(lower, value)
        items.append((entry.field_names.get(lower, lower), written))
    items += [(name, raw_value) for name, raw_value in updates.items() if name not in entry.fields]
    # Keep the file's "=" column; widen it only when a new field name would not fit.
    column = max([*columns, *(len(name) + 1 for name, _ in items)]) if aligned else 0

    lines = [raw[:header_end].rstrip()]
    for index, (name, value) in enumerate(items):
        gap = " " * (column - len(name)) if aligned else plain_gap
        comma = "," if index < len(items) - 1 or trailing_comma else ""
        value = value.replace("\r\n", "\n")
        lines.append(f"{indent}{name}{gap}={after_eq}{value}{comma}")
    lines.append(closing)
    rendered = "\n".join(lines)
    return rendered.replace("\n", "\r\n") if newline == "\r\n" else rendered


def splice(text: str, replacements: Sequence[tuple[RawEntry, str]]) -> str:
    """Put re-rendered entries into ``text`` where the originals stood; nothing else changes."""
    spans: list[tuple[int, int, str]] = []
    for entry, new_raw in replacements:
        start = entry.offset
        if start < 0 or text[start : start + len(entry.raw)] != entry.raw:
            raise OutputError(f"cannot locate entry {entry.key!r} at line {entry.line}")
        spans.append((start, start + len(entry.raw), new_raw))
    pieces: list[str] = []
    cursor = 0
    for start, end, new_raw in sorted(spans):
        pieces.append(text[cursor:start])
        pieces.append(new_raw)
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)
