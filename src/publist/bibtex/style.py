"""A file's own way of writing entries, read from its entries, and new entries written that way.

``publist add`` appends entries that look like the user's: the indentation, the ``=``
alignment, braces or quotes, the field order, the case of the entry type and the month form of
the majority of the file's entries.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from publist.bibtex.parse import RawEntry, SourceDocument
from publist.bibtex.values import MONTH_MACROS

T = TypeVar("T")

_FIELD_LINE = re.compile(r"^([ \t]*)([^\s=,{}]+)([ \t]*)=([ \t]*)(\S)?")
# The order publist uses for fields the file never writes.
DEFAULT_ORDER = (
    "title",
    "author",
    "editor",
    "journal",
    "booktitle",
    "school",
    "institution",
    "howpublished",
    "publisher",
    "volume",
    "number",
    "pages",
    "year",
    "month",
    "doi",
    "eprint",
    "archiveprefix",
    "primaryclass",
    "url",
)


@dataclass(frozen=True, slots=True)
class EntryStyle:
    """How the file writes an entry."""

    indent: str = "  "
    aligned: bool = False
    column: int = 0
    gap: str = " "
    after_eq: str = " "
    quotes: bool = False
    trailing_comma: bool = True
    type_case: str = "lower"
    month_macros: bool = True
    newline: str = "\n"
    # Each field name's usual place (0 first, 1 last) among an entry's fields.
    places: tuple[tuple[str, float], ...] = ()

    def order(self, names: Sequence[str]) -> list[str]:
        """``names`` in the file's usual order; fields it never writes in publist's order."""
        known = dict(self.places)
        default = {name: index / len(DEFAULT_ORDER) for index, name in enumerate(DEFAULT_ORDER)}
        return sorted(names, key=lambda name: (known.get(name, default.get(name, 1.0)), name))


def detect_style(document: SourceDocument) -> EntryStyle:
    """The majority style of the document's entries (publist's defaults for an empty file)."""
    entries = [entry for entry in document.entries if entry.fields]
    if not entries:
        return EntryStyle(newline="\r\n" if "\r\n" in document.text else "\n")
    indents: Counter[str] = Counter()
    aligned: Counter[bool] = Counter()
    columns: Counter[int] = Counter()
    gaps: Counter[str] = Counter()
    after: Counter[str] = Counter()
    quotes: Counter[bool] = Counter()
    commas: Counter[bool] = Counter()
    cases: Counter[str] = Counter()
    months: Counter[bool] = Counter()
    places: dict[str, list[float]] = {}
    for entry in entries:
        lines = [m for line in _body(entry) if (m := _FIELD_LINE.match(line))]
        lines = [m for m in lines if m.group(2).lower() in entry.fields]
        if not lines:
            continue
        indents[lines[0].group(1)] += 1
        spacing = {m.group(3) for m in lines}
        widths = {len(m.group(2)) + len(m.group(3)) for m in lines}
        is_aligned = len(lines) > 1 and len(widths) == 1 and len(spacing) > 1
        aligned[is_aligned] += 1
        if is_aligned:
            columns[widths.pop()] += 1
        else:
            gaps[next(iter(spacing)) if len(spacing) == 1 else " "] += 1
        after[lines[0].group(4)] += 1
        openers = [m.group(5) for m in lines if m.group(5) in ('"', "{")]
        if openers:
            quotes[openers.count('"') > openers.count("{")] += 1
        commas[entry.raw.rstrip()[:-1].rstrip().endswith(",")] += 1
        cases[_case(entry.raw)] += 1
        month = entry.fields.get("month")
        if month is not None:
            months[month.strip().lower() in MONTH_MACROS] += 1
        names = [m.group(2).lower() for m in lines]
        for index, name in enumerate(names):
            places.setdefault(name, []).append(index / max(len(names) - 1, 1))
    is_aligned = _most(aligned, False)
    return EntryStyle(
        indent=_most(indents, "  "),
        aligned=is_aligned,
        column=_most(columns, 0) if is_aligned else 0,
        gap=_most(gaps, " "),
        after_eq=_most(after, " "),
        quotes=_most(quotes, False),
        trailing_comma=_most(commas, True),
        type_case=_most(cases, "lower"),
        month_macros=_most(months, True),
        newline="\r\n" if "\r\n" in document.text else "\n",
        places=tuple((name, sum(v) / len(v)) for name, v in sorted(places.items())),
    )


def _body(entry: RawEntry) -> list[str]:
    raw = entry.raw
    start = raw.index(",") + 1 if "," in raw else 0
    return raw[start:].replace("\r\n", "\n").split("\n")


def _case(raw: str) -> str:
    match = re.match(r"\s*@(\w+)", raw)
    word = match.group(1) if match else ""
    if word.isupper():
        return "upper"
    if word[:1].isupper():
        return "capitalized"
    return "lower"


def _most(counts: Counter[T], default: T) -> T:
    return counts.most_common(1)[0][0] if counts else default


def render_entry(
    entry_type: str, key: str, fields: Sequence[tuple[str, str]], style: EntryStyle
) -> str:
    """A new entry in ``style``; ``fields`` are (lowercase name, text already safe for BibTeX).

    The month is written as the file writes months (``jan`` or ``{1}``); every other value is
    enclosed in the file's braces or quotes.
    """
    kind = {"upper": entry_type.upper(), "capitalized": entry_type.capitalize()}.get(
        style.type_case, entry_type.lower()
    )
    values = dict(fields)
    names = style.order(list(values))
    column = max([style.column, *(len(name) + 1 for name in names)]) if style.aligned else 0
    lines = [f"@{kind}{{{key},"]
    for index, name in enumerate(names):
        gap = " " * (column - len(name)) if style.aligned else style.gap
        comma = "," if index < len(names) - 1 or style.trailing_comma else ""
        lines.append(
            f"{style.indent}{name}{gap}={style.after_eq}{_value(name, values[name], style)}{comma}"
        )
    lines.append("}")
    return style.newline.join(lines)


def _value(name: str, text: str, style: EntryStyle) -> str:
    if name == "month" and text.isdigit() and style.month_macros:
        return tuple(MONTH_MACROS)[int(text) - 1]
    if style.quotes:
        # A double quote inside a quoted value would end it; braced, it is text.
        return '"' + text.replace('"', '{"}') + '"'
    return "{" + text + "}"
