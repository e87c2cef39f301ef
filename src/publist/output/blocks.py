"""The blocks of a document that publist keeps current, and the options written in them.

A Markdown, HTML or text document marks what publist fills with HTML comments::

    <!-- publist:start OPTIONS -->        the lists (bare: every list, as export prints them)
    ...
    <!-- publist:end -->
    论文: <!-- publist:labels keyword=l2o -->[A2, C7]<!-- publist:end -->    labels, inline
    <!-- publist:count category=conference first-author -->5<!-- publist:end -->    a number

OPTIONS are space-separated words: ``name=value`` (values comma-separated) or a flag. Parsing
is pure: :func:`find_blocks` returns the blocks with their options, or raises
:class:`~publist.errors.MarkerError` naming the document and line; nothing is written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from publist.build.query import Filters
from publist.errors import MarkerError
from publist.model import CATEGORY_NAMES, Category

START_MARKER = "<!-- publist:start -->"
END_MARKER = "<!-- publist:end -->"

# Any publist comment: its kind and the option words after it. In HTML, Markdown and text
# documents an HTML comment; in LaTeX a comment line of its own ("% publist:start ...").
_MARKER = re.compile(r"<!--[ \t]*publist:([A-Za-z-]*)([^\n]*?)[ \t]*-->")
_LATEX_MARKER = re.compile(r"(?m)^[ \t]*%[ \t]*publist:([A-Za-z-]*)([^\n]*?)[ \t]*$")
LATEX_START = "% publist:start"
LATEX_END = "% publist:end"
_YEAR = re.compile(r"[0-9]{1,4}")
_FORMATS = ("md", "html", "text")


class BlockKind(StrEnum):
    """What a block holds."""

    LIST = "start"
    LABELS = "labels"
    COUNT = "count"


@dataclass(frozen=True, slots=True)
class BlockOptions:
    """The options of one block: which papers, and (for lists) how they are shown."""

    filters: Filters = field(default_factory=Filters)
    fmt: str | None = None
    headings: bool = True
    max_authors: int | None = None
    # True for a bare ``<!-- publist:start -->``: every list, exactly as ``export`` prints them.
    everything: bool = True


@dataclass(frozen=True, slots=True)
class Block:
    """One block: its kind, options, where its content lies, and its opening marker's line."""

    kind: BlockKind
    options: BlockOptions
    opening: str
    line: int
    content_start: int
    content_end: int


@dataclass(frozen=True, slots=True)
class _Marker:
    kind: str
    words: str
    start: int
    end: int
    line: int
    text: str


def _markers(text: str, pattern: re.Pattern[str]) -> Iterator[_Marker]:
    line = 1
    cursor = 0
    for match in pattern.finditer(text):
        line += text.count("\n", cursor, match.start())
        cursor = match.start()
        yield _Marker(
            match.group(1), match.group(2).strip(), match.start(), match.end(), line, match[0]
        )


def find_blocks(text: str, *, path: Path, latex: bool = False) -> list[Block]:
    """Every block of ``text`` in order; a :class:`MarkerError` for any malformed one.

    With ``latex``, blocks are the lines ``% publist:start OPTIONS`` to ``% publist:end``, and
    only list blocks exist (LaTeX prose cites labels with ``\\publistref``).
    """
    start_marker, end_marker = (LATEX_START, LATEX_END) if latex else (START_MARKER, END_MARKER)
    blocks: list[Block] = []
    opened: _Marker | None = None
    for marker in _markers(text, _LATEX_MARKER if latex else _MARKER):
        if marker.kind == "end":
            if marker.words:
                raise MarkerError(f"{end_marker} takes no options", path=path, line=marker.line)
            if opened is None:
                if not blocks:
                    raise MarkerError(
                        f"{end_marker} comes before {start_marker}"
                        if start_marker in text
                        else f"marker {start_marker} not found; add both markers where the "
                        "list goes",
                        path=path,
                        line=marker.line,
                    )
                raise MarkerError(
                    f"{end_marker} closes no block (the one before it closed at an earlier end)",
                    path=path,
                    line=marker.line,
                )
            kind = BlockKind(opened.kind)
            options = parse_options(opened.words, kind, path=path, line=opened.line)
            blocks.append(Block(kind, options, opened.text, opened.line, opened.end, marker.start))
            opened = None
            continue
        if latex and marker.kind in (BlockKind.LABELS, BlockKind.COUNT):
            raise MarkerError(
                f"publist:{marker.kind} blocks are for HTML comments; in LaTeX cite a label with "
                "\\publistref{KEY} or \\publistrefs{KEY1,KEY2}",
                path=path,
                line=marker.line,
            )
        if marker.kind not in tuple(BlockKind):
            raise MarkerError(
                f"unknown marker {marker.text!r} (publist:start, publist:labels, "
                "publist:count or publist:end)",
                path=path,
                line=marker.line,
            )
        if opened is not None:
            raise MarkerError(
                f"a publist block inside another (the one opened at line {opened.line} is not "
                f"closed yet); close it with {end_marker} first",
                path=path,
                line=marker.line,
            )
        opened = marker
    if opened is not None:
        raise MarkerError(
            f"marker {end_marker} not found: the block opened here is never closed",
            path=path,
            line=opened.line,
        )
    if not blocks:
        raise MarkerError(
            f"marker {start_marker} not found; add both markers where the list goes", path=path
        )
    return blocks


_LIST_ONLY = ("format", "heading", "max-authors")
_KNOWN = (
    "category",
    "since",
    "until",
    "year",
    "selected",
    "keyword",
    "keys",
    "first-author",
    *_LIST_ONLY,
)
_ALIASES = {"categories": "category", "keywords": "keyword", "key": "keys"}


def parse_options(words: str, kind: BlockKind, *, path: Path, line: int) -> BlockOptions:
    """The options of a block from its words (``category=conference since=2020 selected``)."""

    def fail(message: str) -> MarkerError:
        return MarkerError(message, path=path, line=line)

    seen: set[str] = set()
    categories: frozenset[Category] = frozenset()
    years: dict[str, int] = {}
    selected = first_author = False
    keywords: frozenset[str] = frozenset()
    keys: frozenset[str] = frozenset()
    fmt: str | None = None
    headings = True
    max_authors: int | None = None
    for word in words.split():
        name, has_value, value = word.partition("=")
        name = _ALIASES.get(name.lower(), name.lower())
        if name not in _KNOWN:
            raise fail(f"unknown option {word!r} (known: {', '.join(_KNOWN)})")
        if name in _LIST_ONLY and kind is not BlockKind.LIST:
            raise fail(f"option {name!r} only applies to a list block (publist:start)")
        flag = name in ("selected", "first-author")
        if flag and has_value:
            raise fail(f"option {name!r} takes no value, got {word!r}")
        if not flag and not value:
            raise fail(f"option {name!r} needs a value, as in {name}=...")
        if name in seen:
            raise fail(f"option {name!r} given twice")
        seen.add(name)
        values = [v for v in value.split(",") if v]
        if name == "category":
            categories = frozenset(_category(v, fail) for v in values)
        elif name in ("since", "until", "year"):
            if not _YEAR.fullmatch(value):
                raise fail(f"{name} must be a year such as 2020, got {value!r}")
            years[name] = int(value)
        elif name == "selected":
            selected = True
        elif name == "first-author":
            first_author = True
        elif name == "keyword":
            keywords = frozenset(v.strip().casefold() for v in values)
        elif name == "keys":
            keys = frozenset(values)
        elif name == "format":
            if value not in _FORMATS:
                raise fail(f"format must be one of {', '.join(_FORMATS)}, got {value!r}")
            fmt = value
        elif name == "heading":
            if value not in ("yes", "no"):
                raise fail(f"heading must be yes or no, got {value!r}")
            headings = value == "yes"
        else:  # max-authors
            if not value.isdigit() or int(value) < 1:
                raise fail(f"max-authors must be a whole number of at least 1, got {value!r}")
            max_authors = int(value)
    filters = Filters(
        categories=categories,
        year=years.get("year"),
        since=years.get("since"),
        until=years.get("until"),
        selected=selected,
        keywords=keywords,
        keys=keys,
        first_author=first_author,
    )
    return BlockOptions(filters, fmt, headings, max_authors, everything=not words.strip())


def _category(name: str, fail: Callable[[str], MarkerError]) -> Category:
    category = Category.named(name)
    if category is None:
        raise fail(f"unknown category {name!r} (known: {CATEGORY_NAMES})")
    return category
