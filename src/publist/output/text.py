"""Plain text: the same lists without markup."""

from __future__ import annotations

from publist.build.markup import format_entry, plain
from publist.config import Config
from publist.model import Bibliography


def _clean(text: str) -> str:
    # One entry per line: a stray newline or control character in a field must not split it.
    return "".join(ch if ch.isprintable() else " " for ch in text)


def render(bibliography: Bibliography, config: Config, *, standalone: bool = False) -> str:
    """The lists as plain text, a heading underlined per category."""
    blocks: list[str] = []
    if standalone:
        title = _clean(config.html_title)
        blocks.append(f"{title}\n{'=' * len(title)}")
    for section in bibliography.sections:
        heading = _clean(section.heading)
        lines = [heading, "-" * len(heading)]
        lines.extend(
            f"{_clean(item.label)}. {_clean(plain(format_entry(item.publication)))}"
            for item in section.items
        )
        blocks.append("\n".join(lines))
    if bibliography.legend:
        blocks.append(
            " ".join(_clean(f"{mark} {meaning}") for mark, meaning in bibliography.legend)
        )
    return "\n\n".join(blocks) + "\n" if blocks else ""
