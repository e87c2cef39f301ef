"""Keep a whole document current: fill every publist block, change nothing else.

Each block of the document (:mod:`publist.output.blocks`) is rendered from one loaded
bibliography: list blocks as the exporters print them (restricted to the papers selected, each
with the label it has in the full lists), label blocks as ``[A2, A1, C7]`` in list order, count
blocks as a number. Every byte outside the blocks stays as it was; a document whose blocks are
already current comes back identical. All of it is pure: the caller reads and writes files.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from publist.build.query import restrict, select
from publist.config import Config
from publist.errors import MarkerError
from publist.model import Bibliography, Item
from publist.output import render, resolve_format
from publist.output.blocks import END_MARKER, START_MARKER, Block, BlockKind, find_blocks
from publist.output.markdown import escape as markdown_escape
from publist.output.style import ListStyle

__all__ = [
    "END_MARKER",
    "START_MARKER",
    "BlockChange",
    "FilledDocument",
    "fill_document",
]


@dataclass(frozen=True, slots=True)
class BlockChange:
    """A block whose content differs from what publist would write: where, and which."""

    line: int
    opening: str


@dataclass(frozen=True, slots=True)
class FilledDocument:
    """The document with every block filled, and the blocks that changed."""

    text: str
    changes: tuple[BlockChange, ...]
    blocks: int


def fill_document(
    text: str, bibliography: Bibliography, config: Config, *, path: Path, fmt: str | None = None
) -> FilledDocument:
    """Fill every block of ``text``; ``fmt`` is the format of lists without ``format=``."""
    default_fmt = fmt or resolve_format(None, output=path)
    latex = path.suffix.lower() == ".tex"
    blocks = find_blocks(text, path=path, latex=latex)
    items = bibliography.items
    keys = {item.publication.key for item in items}
    newline = "\r\n" if "\r\n" in text else "\n"
    pieces: list[str] = []
    changes: list[BlockChange] = []
    cursor = 0
    for block in blocks:
        content = _content(block, bibliography, items, keys, config, default_fmt, path, newline)
        if latex:
            # The lines between "% publist:start" and "% publist:end": no blank lines around.
            content = content[len(newline) : -len(newline)]
        if text[block.content_start : block.content_end] != content:
            changes.append(BlockChange(block.line, block.opening))
        pieces.append(text[cursor : block.content_start])
        pieces.append(content)
        cursor = block.content_end
    pieces.append(text[cursor:])
    return FilledDocument("".join(pieces), tuple(changes), len(blocks))


def _content(
    block: Block,
    bibliography: Bibliography,
    items: tuple[Item, ...],
    keys: set[str],
    config: Config,
    default_fmt: str,
    path: Path,
    newline: str,
) -> str:
    options = block.options
    unknown = sorted(options.filters.keys - keys)
    if unknown:
        raise MarkerError(
            f"no entry has the key {', '.join(repr(k) for k in unknown)} ({block.opening})",
            path=path,
            line=block.line,
        )
    chosen = select(items, options.filters)
    if not chosen and not options.everything:
        raise MarkerError(
            f"{block.opening} selects no paper; check its options", path=path, line=block.line
        )
    fmt = options.fmt or default_fmt
    if block.kind is BlockKind.LABELS:
        # The brackets stay literal, as CVs write them: "[A2, A1, C7]".
        return f"[{', '.join(_escaped(fmt, item.label) for item in chosen)}]"
    if block.kind is BlockKind.COUNT:
        return str(len(chosen))
    style = ListStyle(
        headings=options.headings,
        max_authors=options.max_authors or config.max_authors,
        group_by_year=config.group_by_year,
    )
    shown = bibliography if options.everything else restrict(bibliography, chosen)
    body = render(fmt, shown, config, style=style)
    return f"{newline}{newline}{body.replace(chr(10), newline)}{newline}"


def _escaped(fmt: str, text: str) -> str:
    if fmt == "html":
        return html.escape(text, quote=False)
    if fmt == "md":
        return markdown_escape(text)
    return text
