"""Plain text: the same lists without markup."""

from __future__ import annotations

from publist.build.markup import format_entry, plain
from publist.config import Config
from publist.model import Bibliography, Item
from publist.output.style import ListStyle, year_groups


def _clean(text: str) -> str:
    # One entry per line: a stray newline or control character in a field must not split it.
    return "".join(ch if ch.isprintable() else " " for ch in text)


def render(
    bibliography: Bibliography,
    config: Config,
    *,
    standalone: bool = False,
    style: ListStyle | None = None,
) -> str:
    """The lists as plain text, a heading underlined per category."""
    style = style or ListStyle.of(config)
    blocks: list[str] = []
    if standalone:
        title = _clean(config.html_title)
        blocks.append(f"{title}\n{'=' * len(title)}")
    for section in bibliography.sections:
        lines = []
        if style.headings:
            heading = _clean(section.heading)
            lines = [heading, "-" * len(heading)]
        if style.group_by_year:
            for year, items in year_groups(section.items):
                lines.extend([f"{year}:", *(_item(item, style) for item in items), ""])
            lines.pop()
        else:
            lines.extend(_item(item, style) for item in section.items)
        blocks.append("\n".join(lines))
    if bibliography.legend:
        blocks.append(
            " ".join(_clean(f"{mark} {meaning}") for mark, meaning in bibliography.legend)
        )
    return "\n\n".join(blocks) + "\n" if blocks else ""


def _item(item: Item, style: ListStyle) -> str:
    entry = plain(format_entry(item.publication, max_authors=style.max_authors))
    return f"{_clean(item.label)}. {_clean(entry)}"
