"""Change a .bib byte-faithfully: re-render one entry in its own style, splice, write back."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence

from publist.bibtex.parse import RawEntry, SourceDocument
from publist.errors import InputError, OutputError
from publist.fsio import atomic_write


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


def rewrite_entry(
    entry: RawEntry,
    updates: Mapping[str, str],
    *,
    entry_type: str | None = None,
    remove: Collection[str] = (),
) -> str:
    """Re-render ``entry`` with ``updates`` (lowercase field name to a raw value, enclosed).

    Unchanged fields keep their raw values (bare macros, quotes, line breaks); the entry's
    indentation, ``=`` alignment, field-name case, trailing comma and line endings are kept.
    New fields go after the existing ones. ``entry_type`` replaces the type (in the case the
    entry writes its own: ``@Misc`` becomes ``@Inproceedings``); fields in ``remove`` go.
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
        if lower in remove:
            continue
        written = updates.get(lower, value)
        items.append((entry.field_names.get(lower, lower), written))
    items += [(name, raw_value) for name, raw_value in updates.items() if name not in entry.fields]
    # Keep the file's "=" column; widen it only when a new field name would not fit.
    column = max([*columns, *(len(name) + 1 for name, _ in items)]) if aligned else 0

    header = raw[:header_end].rstrip()
    if entry_type is not None:
        header = _TYPE.sub(lambda m: f"{m.group(1)}{_cased(entry_type, m.group(2))}", header, 1)
    lines = [header]
    for index, (name, value) in enumerate(items):
        gap = " " * (column - len(name)) if aligned else plain_gap
        comma = "," if index < len(items) - 1 or trailing_comma else ""
        value = value.replace("\r\n", "\n")
        lines.append(f"{indent}{name}{gap}={after_eq}{value}{comma}")
    lines.append(closing)
    rendered = "\n".join(lines)
    return rendered.replace("\n", "\r\n") if newline == "\r\n" else rendered


_TYPE = re.compile(r"^(\s*@\s*)(\w+)")


def _cased(new: str, old: str) -> str:
    """``new`` in the case ``old`` is written in (``misc``, ``Misc``, ``MISC``)."""
    if old.isupper():
        return new.upper()
    if old[:1].isupper():
        return new[:1].upper() + new[1:]
    return new.lower()


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
        if start < cursor:  # the same entry twice, or overlapping entries: never guess
            raise OutputError(f"two changes to the same text at offset {start}; nothing written")
        pieces.append(text[cursor:start])
        pieces.append(new_raw)
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)
