"""Data for site generators: the lists as JSON, as CSL JSON, and the entries as BibTeX.

* ``json``: one object per item (the fields of ``publist list --json``) with the rendered HTML
  and Markdown of the item, in list order, grouped by list;
* ``csl-json``: CSL JSON items, for pandoc/citeproc, Hugo and Jekyll data files and Zotero;
* ``bib``: each entry as written minus the private fields (``[html] hide_fields``), for a
  site's "download BibTeX".
"""

from __future__ import annotations

import json
from typing import Any

from publist.build.as_json import item_json
from publist.build.markup import format_entry
from publist.config import Config
from publist.model import Bibliography, Category, Item, Publication
from publist.output.html import inline_html
from publist.output.markdown import inline as inline_markdown
from publist.output.style import ListStyle

_CSL_TYPES = {
    Category.JOURNAL: "article-journal",
    Category.CONFERENCE: "paper-conference",
    Category.WORKSHOP: "paper-conference",
    Category.SUBMISSION: "article",
    Category.THESIS: "thesis",
    Category.BOOK: "book",
    Category.CHAPTER: "chapter",
    Category.REPORT: "report",
    Category.OTHER: "document",
}


def render_json(
    bibliography: Bibliography,
    config: Config,
    *,
    standalone: bool = False,
    style: ListStyle | None = None,
) -> str:
    """The lists as JSON: headings, and per item its fields and its rendered HTML/Markdown."""
    style = style or ListStyle.of(config)
    lists = []
    for section in bibliography.sections:
        items = []
        for item in section.items:
            data = item_json(item)
            del data["path"], data["stale"]
            nodes = format_entry(item.publication, max_authors=style.max_authors)
            data["selected"] = item.publication.selected
            data["keywords"] = list(item.publication.keywords)
            data["html"] = inline_html(nodes)
            data["markdown"] = inline_markdown(nodes)
            items.append(data)
        lists.append(
            {"category": section.category.value, "heading": section.heading, "items": items}
        )
    payload = {
        "title": config.html_title,
        "lists": lists,
        "legend": [{"mark": mark, "meaning": meaning} for mark, meaning in bibliography.legend],
    }
    return dumps_records(payload, record_depth=4)


def dumps_records(value: Any, *, record_depth: int) -> str:
    """JSON indented down to ``record_depth``, each value there (one paper) on one line.

    A data file in a site's repository then changes by one line per changed paper, and the
    records go through :mod:`json`'s C encoder: ``indent`` alone would take the pure-Python
    encoder, three times slower on a large file.
    """
    parts: list[str] = []
    _layout(value, 0, record_depth, parts)
    parts.append("\n")
    return "".join(parts)


def _layout(value: Any, depth: int, record_depth: int, parts: list[str]) -> None:
    if depth >= record_depth or not isinstance(value, dict | list) or not value:
        parts.append(json.dumps(value, ensure_ascii=False))
        return
    inner = "\n" + "  " * (depth + 1)
    opening, closing = ("{", "}") if isinstance(value, dict) else ("[", "]")
    parts.append(opening)
    pairs = value.items() if isinstance(value, dict) else ((None, item) for item in value)
    for index, (name, item) in enumerate(pairs):
        parts.append(inner if index == 0 else "," + inner)
        if name is not None:
            parts.append(json.dumps(name, ensure_ascii=False) + ": ")
        _layout(item, depth + 1, record_depth, parts)
    parts.append("\n" + "  " * depth + closing)


def csl_item(item: Item) -> dict[str, Any]:
    """One publication as a CSL JSON item (``id`` is the key, or ``key-2`` if repeated)."""
    publication: Publication = item.publication
    data: dict[str, Any] = {
        "id": publication.ref,
        "type": _CSL_TYPES[publication.category],
        "title": publication.title,
    }
    for role, people in (("author", publication.authors), ("editor", publication.editors)):
        names = [
            {"family": f"{p.von} {p.last}".strip(), "given": p.first}
            if p.first
            else {"literal": p.display}
            for p in people
            if p.last != "et al."
        ]
        if names:
            data[role] = names
    if publication.year is not None:
        parts = [publication.year] + ([publication.month] if publication.month else [])
        data["issued"] = {"date-parts": [parts]}
    optional = {
        "container-title": publication.venue,
        "container-title-short": publication.venue_short,
        "volume": publication.volume,
        "issue": publication.number,
        "page": publication.pages.replace("--", "-"),
        "publisher": publication.publisher,
        "DOI": publication.doi,
        "note": publication.note,
        "citation-label": item.label,
    }
    data.update({name: value for name, value in optional.items() if value})
    if publication.arxiv_id:
        data["number"] = f"arXiv:{publication.arxiv_id}"
    url = next((link.url for link in publication.links if link.kind in ("URL", "arXiv")), "")
    if url:
        data["URL"] = url
    return data


def render_csl(
    bibliography: Bibliography,
    config: Config,
    *,
    standalone: bool = False,
    style: ListStyle | None = None,
) -> str:
    """The items as a CSL JSON array, in list order."""
    return dumps_records([csl_item(i) for i in bibliography.items], record_depth=1)


def render_bib(
    bibliography: Bibliography,
    config: Config,
    *,
    standalone: bool = False,
    style: ListStyle | None = None,
) -> str:
    """Each listed entry as written, without the private fields, a blank line apart."""
    entries = [item.publication.bibtex.replace("\r\n", "\n") for item in bibliography.items]
    return "\n\n".join(entry for entry in entries if entry) + "\n" if entries else ""
