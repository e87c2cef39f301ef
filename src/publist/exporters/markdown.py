"""Markdown: one list item per entry, headings per category, the owner and venue in bold."""

from __future__ import annotations

import re
from collections.abc import Iterable

from publist.config import Config
from publist.markup import Inline, Strong, Text, format_entry
from publist.model import Bibliography

# Characters that start Markdown syntax inline (emphasis, links, code, HTML, tables, strike).
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#&$])")
# GitHub-flavoured Markdown links bare URLs; an escaped colon keeps them plain text.
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp|mailto|www)(:|\.)")
_LINE_BREAKS = re.compile(r"\s*[\r\n\u2028\u2029\x0b\x0c\x85]+\s*")


# Anything any of the three patterns above could change; most text has none of it.
_ANY = re.compile(
    r"[\r\n\u2028\u2029\x0b\x0c\x85\\`*_\[\]<>|~#&$]|(?i:\b(?:https?|ftp|mailto|www)[:.])"
)


def escape(text: str) -> str:
    """Escape ``text`` so it renders literally inside a Markdown list item."""
    if not _ANY.search(text):
        return text
    text = _LINE_BREAKS.sub(" ", text)
    text = _SPECIAL.sub(r"\\\1", text)
    return _AUTOLINK.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", text)


def inline(nodes: Iterable[Inline]) -> str:
    """Render inline nodes as Markdown."""
    out = []
    for node in nodes:
        if isinstance(node, Strong):
            out.append(f"**{escape(node.text)}**")
        else:
            out.append(escape(node.text))
    return "".join(out)


def render(bibliography: Bibliography, config: Config, *, standalone: bool = False) -> str:
    """The lists as Markdown; ``standalone`` adds a top-level title."""
    hashes = "#" * config.markdown_heading_level
    blocks: list[str] = []
    if standalone:
        blocks.append(
            f"{'#' * max(1, config.markdown_heading_level - 1)} {escape(config.html_title)}"
        )
    for section in bibliography.sections:
        lines = [f"{hashes} {escape(section.heading)}", ""]
        lines.extend(
            f"- {escape(item.label)}. {inline(format_entry(item.publication))}"
            for item in section.items
        )
        blocks.append("\n".join(lines))
    if bibliography.legend:
        blocks.append(
            " ".join(inline([Text(f"{mark} {meaning}")]) for mark, meaning in bibliography.legend)
        )
    return "\n\n".join(blocks) + "\n" if blocks else ""
