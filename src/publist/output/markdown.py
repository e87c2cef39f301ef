"""Markdown: one list item per entry, headings per category, the owner and venue in bold."""

from __future__ import annotations

import re
from collections.abc import Iterable

from publist.build.control import drop_control
from publist.build.markup import Inline, Strong, format_entry
from publist.config import Config
from publist.model import Bibliography, Item
from publist.output.style import ListStyle, year_groups

# Characters that start Markdown syntax inline (emphasis, links, code, HTML, tables, strike).
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#&$])")
# GitHub-flavoured Markdown links bare URLs; an escaped colon keeps them plain text.
_AUTOLINK = re.compile(r"(?i)\b(https?|ftp|mailto|www)(:|\.)")
_LINE_BREAK = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]")
# A label that reads as a list marker ("12." or "+") would open a nested list.
_LIST_MARKER = re.compile(r"[0-9]{1,9}|[+\-].*")


# Anything escape() could change (control characters and line breaks included); most text
# has none of it.
_ANY = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u2028\u2029\\`*_\[\]<>|~#&$]|(?i:\b(?:https?|ftp|mailto|www)[:.])"
)


def escape(text: str) -> str:
    """Escape ``text`` so it renders literally inside a Markdown list item."""
    if not _ANY.search(text):
        return text
    text = _one_line(drop_control(text))
    text = _SPECIAL.sub(r"\\\1", text)
    return _AUTOLINK.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", text)


def _one_line(text: str) -> str:
    """Each run of line breaks, with the spaces around it, becomes one space.

    Split rather than a regular expression: ``\\s*[breaks]+\\s*`` backtracks quadratically on
    a long run of spaces.
    """
    pieces = _LINE_BREAK.split(text)
    if len(pieces) == 1:
        return text
    out = pieces[0].rstrip()
    for piece in pieces[1:-1]:
        if piece.strip():
            out += " " + piece.strip()
    return out + " " + pieces[-1].lstrip()


def _strong(text: str) -> str:
    # ``** x**`` is not bold in CommonMark: keep edge spaces outside the delimiters.
    core = text.strip()
    if not core:
        return text
    start = text.index(core[0])
    return f"{text[:start]}**{core}**{text[start + len(core) :]}"


def label_marker(label: str) -> str:
    """``C6.``: an item's label as it starts the list item, never read as a list marker."""
    text = escape(label)
    if _LIST_MARKER.fullmatch(text):
        text = "\\" + text if not text[0].isdigit() else text + "\\"
    return text + "."


def inline(nodes: Iterable[Inline]) -> str:
    """Render inline nodes as Markdown."""
    out = []
    for node in nodes:
        if isinstance(node, Strong):
            out.append(_strong(escape(node.text)))
        else:
            out.append(escape(node.text))
    return "".join(out)


def render(
    bibliography: Bibliography,
    config: Config,
    *,
    standalone: bool = False,
    style: ListStyle | None = None,
) -> str:
    """The lists as Markdown; ``standalone`` adds a top-level title."""
    style = style or ListStyle.of(config)
    hashes = "#" * config.markdown_heading_level
    blocks: list[str] = []
    if standalone:
        blocks.append(
            f"{'#' * max(1, config.markdown_heading_level - 1)} {escape(config.html_title)}"
        )
    for section in bibliography.sections:
        lines = [f"{hashes} {escape(section.heading)}", ""] if style.headings else []
        if style.group_by_year:
            for year, items in year_groups(section.items):
                lines.extend([f"{hashes}# {escape(year)}", ""])
                lines.extend(_item(item, style) for item in items)
                lines.append("")
            lines.pop()
        else:
            lines.extend(_item(item, style) for item in section.items)
        blocks.append("\n".join(lines))
    if bibliography.legend:
        blocks.append(
            " ".join(escape(f"{mark} {meaning}") for mark, meaning in bibliography.legend)
        )
    return "\n\n".join(blocks) + "\n" if blocks else ""


def _item(item: Item, style: ListStyle) -> str:
    entry = format_entry(item.publication, max_authors=style.max_authors)
    return f"- {label_marker(item.label)} {inline(entry)}"
