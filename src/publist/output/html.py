"""HTML: a homepage fragment (or a standalone page) with a section per category."""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape

from publist.bibtex.links import is_safe_url
from publist.build.control import drop_control
from publist.build.markup import Inline, Strong, format_entry
from publist.config import Config
from publist.model import Bibliography, Item
from publist.output.style import ListStyle, year_groups

_NOT_ID = re.compile(r"\s+")

STYLESHEET = """\
:root { color-scheme: light dark; --fg: #1b1b1f; --bg: #fdfdfd; --muted: #5c5f66;
  --accent: #0b57d0; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6e6ea; --bg: #141417; --muted: #a3a6ad; --accent: #8ab4f8; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 1rem/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
main { max-width: 48rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
h1 { font-size: 1.75rem; margin: 0 0 1rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .75rem; border-bottom: 1px solid var(--muted); }
ol.publist-entries { list-style: none; padding: 0; margin: 0; }
li.publist-entry { margin: 0 0 .9rem; padding-left: 3rem; text-indent: -3rem;
  overflow-wrap: anywhere; }
.publist-label { display: inline-block; min-width: 3rem; text-indent: 0; font-weight: 600;
  color: var(--muted); }
.publist-links a { margin-right: .5rem; }
a { color: var(--accent); }
.publist-legend { color: var(--muted); font-size: .9rem; }
"""


def _text(text: str) -> str:
    """Escape for element content; control characters are dropped (they mean nothing here)."""
    return escape(drop_control(text), quote=False)


def _attr(text: str) -> str:
    """Escape for a double-quoted attribute value."""
    return escape(drop_control(text), quote=True)


def _inline(nodes: Iterable[Inline]) -> str:
    out = []
    for node in nodes:
        if isinstance(node, Strong):
            out.append(f'<strong class="publist-{_attr(node.role)}">{_text(node.text)}</strong>')
        else:
            out.append(_text(node.text))
    return "".join(out)


def _item(item: Item, style: ListStyle) -> str:
    publication = item.publication
    anchor = _attr(_NOT_ID.sub("-", publication.ref))
    links = [
        f'<a href="{_attr(link.url)}">{_text(link.kind)}</a>'
        for link in publication.links
        if is_safe_url(link.url)  # checked when loading too; a renderer never trusts its input
    ]
    link_html = f' <span class="publist-links">{" ".join(links)}</span>' if links else ""
    return (
        f'<li class="publist-entry" id="{anchor}" data-label="{_attr(item.label)}">'
        f'<span class="publist-label">{_text(item.label)}.</span> '
        f"{_inline(format_entry(publication, max_authors=style.max_authors))}{link_html}</li>"
    )


def render(
    bibliography: Bibliography,
    config: Config,
    *,
    standalone: bool = False,
    style: ListStyle | None = None,
) -> str:
    """The lists as an HTML fragment, or a complete page when ``standalone``."""
    style = style or ListStyle.of(config)
    parts = ['<div class="publist">']
    for section in bibliography.sections:
        slug = _attr(section.category.value)
        parts.append(f'<section class="publist-section" id="publist-{slug}">')
        if style.headings:
            parts.append(f"<h2>{_text(section.heading)}</h2>")
        groups = year_groups(section.items) if style.group_by_year else [("", section.items)]
        for year, items in groups:
            if year:
                parts.append(f'<h3 class="publist-year">{_text(year)}</h3>')
            parts.append('<ol class="publist-entries" style="list-style: none; padding-left: 0">')
            parts.extend(_item(item, style) for item in items)
            parts.append("</ol>")
        parts.append("</section>")
    if bibliography.legend:
        legend = " ".join(
            f"{_text(mark)} {_text(meaning)}" for mark, meaning in bibliography.legend
        )
        parts.append(f'<p class="publist-legend">{legend}</p>')
    parts.append("</div>")
    fragment = "\n".join(parts) + "\n"
    if not standalone:
        return fragment
    title = _text(config.html_title)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>\n{STYLESHEET}</style>\n</head>\n<body>\n<main>\n"
        f"<h1>{title}</h1>\n{fragment}</main>\n</body>\n</html>\n"
    )
