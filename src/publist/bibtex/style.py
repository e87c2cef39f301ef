"""A file's own way of writing entries, read from its entries, and new entries written that way.

``publist add`` appends entries that look like the user's: the indentation, the ``=``
alignment, braces or quotes, the field order, the case of the entry type and the month form of
the majority of the file's entries.
"""

from __future__ import annotations

import functools
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
    field_case: str = "lower"
    # For pairs of field names, how many entries write the first before the second.
    before: tuple[tuple[tuple[str, str], int], ...] = ()

    def order(self, names: Sequence[str]) -> list[str]:
        """``names`` in the file's usual order: two fields as most of its entries write them,
        fields it never writes together by publist's order."""
        counts = dict(self.before)
        default = {name: index for index, name in enumerate(DEFAULT_ORDER)}

        def compare(one: str, other: str) -> int:
            votes = counts.get((one, other), 0) - counts.get((other, one), 0)
            if votes:
                return -1 if votes > 0 else 1
            return default.get(one, len(default)) - default.get(other, len(default))

        return sorted(names, key=functools.cmp_to_key(compare))


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
    before: Counter[tuple[str, str]] = Counter()
    field_cases: Counter[str] = Counter()
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
            before.update((name, later) for later in names[index + 1 :])
        field_cases[_case(f"@{lines[0].group(2)}")] += 1
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
        field_case=_most(field_cases, "lower"),
        before=tuple(sorted(before.items())),
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


# How JabRef and biblatex's manual capitalise the entry types with two words in them.
_CAPITALIZED = {
    "inproceedings": "InProceedings",
    "incollection": "InCollection",
    "phdthesis": "PhdThesis",
    "mastersthesis": "MastersThesis",
    "techreport": "TechReport",
}


def render_entry(
    entry_type: str, key: str, fields: Sequence[tuple[str, str]], style: EntryStyle
) -> str:
    """A new entry in ``style``; ``fields`` are (lowercase name, text already safe for BibTeX).

    The month is written as the file writes months (``jan`` or ``{1}``); every other value is
    enclosed in the file's braces or quotes.
    """
    kind = {
        "upper": entry_type.upper(),
        "capitalized": _CAPITALIZED.get(entry_type, entry_type.capitalize()),
    }.get(style.type_case, entry_type.lower())
    values = dict(fields)
    names = style.order(list(values))
    column = max([style.column, *(len(name) + 1 for name in names)]) if style.aligned else 0
    lines = [f"@{kind}{{{key},"]
    for index, name in enumerate(names):
        gap = " " * (column - len(name)) if style.aligned else style.gap
        comma = "," if index < len(names) - 1 or style.trailing_comma else ""
        value = _value(name, values[name], style)
        written = {"upper": name.upper(), "capitalized": name.capitalize()}.get(
            style.field_case, name
        )
        lines.append(f"{style.indent}{written}{gap}={style.after_eq}{value}{comma}")
    lines.append("}")
    return style.newline.join(lines)


def _value(name: str, text: str, style: EntryStyle) -> str:
    if name == "month" and text.isdigit() and style.month_macros:
        return tuple(MONTH_MACROS)[int(text) - 1]
    if style.quotes:
        # A double quote inside a quoted value would end it; braced, it is text.
        return '"' + text.replace('"', '{"}') + '"'
    return "{" + text + "}"
