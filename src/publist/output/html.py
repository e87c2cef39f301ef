"""HTML: a homepage fragment (or a standalone page) with a section per category."""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape

from publist.bibtex.latex import to_text
from publist.bibtex.links import is_safe_url
from publist.build.control import CONTROL, drop_control
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
.publist-entry details { text-indent: 0; margin: .3rem 0 0; }
.publist-entry summary { cursor: pointer; color: var(--accent); width: fit-content; }
.publist-entry pre { overflow-x: auto; padding: .5rem; border: 1px solid var(--muted);
  border-radius: .25rem; font-size: .85rem; white-space: pre; }
.publist-copy { margin-left: .5rem; font: inherit; font-size: .85rem; }
.publist-controls { margin: 0 0 1.5rem; display: flex; flex-wrap: wrap; gap: .5rem;
  align-items: center; }
.publist-controls input { font: inherit; padding: .3rem .5rem; min-width: 0; flex: 1 1 12rem;
  color: var(--fg); background: var(--bg); border: 1px solid var(--muted); border-radius: .25rem; }
.publist-chips { display: flex; flex-wrap: wrap; gap: .4rem; }
.publist-chips button { font: inherit; font-size: .9rem; padding: .15rem .6rem; cursor: pointer;
  color: var(--fg); background: var(--bg); border: 1px solid var(--muted); border-radius: 1rem; }
.publist-chips button[aria-pressed="true"] { color: var(--bg); background: var(--accent);
  border-color: var(--accent); }
.publist-count { color: var(--muted); font-size: .9rem; }
[hidden] { display: none !important; }
"""

# The page's search box, filter chips and copy buttons (progressive enhancement: without
# JavaScript every entry shows and these controls stay hidden). No network, no storage: the
# state lives in the URL fragment (#q=...&list=conference&selected=1), so a view can be linked.
SCRIPT = """\
(function () {
  "use strict";
  var root = document.querySelector(".publist");
  if (!root) { return; }
  var controls = document.querySelector(".publist-controls");
  var box = document.getElementById("publist-search");
  var count = document.querySelector(".publist-count");
  var chips = Array.prototype.slice.call(document.querySelectorAll(".publist-chips button"));
  var entries = Array.prototype.slice.call(root.querySelectorAll("li.publist-entry"));
  // What a search looks in: the entry as shown (title, authors, venue, year, label), folded
  // once; the abstract and BibTeX views are left out.
  var texts = entries.map(function (li) {
    var parts = [];
    li.childNodes.forEach(function (node) {
      if (node.nodeName !== "DETAILS") { parts.push(node.textContent); }
    });
    return fold(parts.join(" "));
  });
  function fold(text) {
    return text.normalize("NFKD").replace(/[\\u0300-\\u036f]/g, "").toLowerCase()
      .replace(/[^\\p{L}\\p{N}]+/gu, " ").trim();
  }
  function state() {
    var lists = chips.filter(function (c) { return c.dataset.list &&
      c.getAttribute("aria-pressed") === "true"; }).map(function (c) { return c.dataset.list; });
    var selected = chips.some(function (c) { return c.dataset.selected &&
      c.getAttribute("aria-pressed") === "true"; });
    return { q: box ? box.value : "", lists: lists, selected: selected };
  }
  function apply(current) {
    var words = fold(current.q).split(" ").filter(Boolean);
    var shown = 0;
    entries.forEach(function (li, index) {
      var text = texts[index];
      var ok = words.every(function (w) { return text.indexOf(w) >= 0; }) &&
        (!current.lists.length || current.lists.indexOf(li.dataset.category) >= 0) &&
        (!current.selected || li.dataset.selected === "true");
      li.hidden = !ok;
      if (ok) { shown += 1; }
    });
    Array.prototype.forEach.call(root.querySelectorAll("section.publist-section"),
      function (section) {
        section.hidden = !section.querySelector("li.publist-entry:not([hidden])");
      });
    if (count) {
      count.textContent = shown === entries.length ? entries.length + " publications" :
        shown + " of " + entries.length + " publications";
    }
  }
  function save(current) {
    var parts = [];
    if (current.q) { parts.push("q=" + encodeURIComponent(current.q)); }
    if (current.lists.length) { parts.push("list=" + current.lists.join(",")); }
    if (current.selected) { parts.push("selected=1"); }
    var hash = parts.length ? "#" + parts.join("&") : "";
    if (location.hash !== hash) {
      history.replaceState(null, "", hash || location.pathname + location.search);
    }
  }
  function load() {
    var params = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (pair) {
      var at = pair.indexOf("=");
      if (at > 0) { params[pair.slice(0, at)] = decodeURIComponent(pair.slice(at + 1)); }
    });
    var lists = (params.list || "").split(",").filter(Boolean);
    if (box) { box.value = params.q || ""; }
    chips.forEach(function (c) {
      var on = c.dataset.list ? lists.indexOf(c.dataset.list) >= 0 :
        params.selected === "1";
      c.setAttribute("aria-pressed", on ? "true" : "false");
    });
    apply(state());
  }
  function changed() { var current = state(); apply(current); save(current); }
  if (controls) { controls.hidden = false; }
  if (box) { box.addEventListener("input", changed); }
  chips.forEach(function (c) {
    c.addEventListener("click", function () {
      c.setAttribute("aria-pressed", c.getAttribute("aria-pressed") === "true" ? "false" : "true");
      changed();
    });
  });
  window.addEventListener("hashchange", load);
  Array.prototype.forEach.call(root.querySelectorAll("details.publist-bibtex"), function (d) {
    if (!navigator.clipboard) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "publist-copy";
    button.textContent = "Copy BibTeX";
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(d.querySelector("code").textContent).then(function () {
        button.textContent = "Copied";
      });
    });
    d.appendChild(button);
  });
  load();
}());
"""


def _text(text: str) -> str:
    """Escape for element content; control characters are dropped (they mean nothing here)."""
    # One scan finds most text (and every BibTeX block without & < >) needs nothing.
    if _CONTENT_PLAIN.fullmatch(text):
        return text
    return escape(drop_control(text), quote=False)


# Text with none of & < > and no control character other than tab and line breaks.
_CONTENT_PLAIN = re.compile("[^&<>" + CONTROL.pattern.removeprefix("[").removesuffix("]") + "]*")


def _attr(text: str) -> str:
    """Escape for a double-quoted attribute value."""
    return escape(drop_control(text), quote=True)


def inline_html(nodes: Iterable[Inline]) -> str:
    """Inline nodes as HTML: the owner, venue and award as ``<strong class="publist-...">``."""
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
    details = ""
    if publication.abstract_latex:
        abstract = to_text(publication.abstract_latex)
        details += (
            '<details class="publist-abstract"><summary>Abstract</summary>'
            f"<p>{_text(abstract)}</p></details>"
        )
    if publication.bibtex:
        details += (
            '<details class="publist-bibtex"><summary>BibTeX</summary>'
            f"<pre><code>{_text(publication.bibtex.replace(chr(13), ''))}</code></pre></details>"
        )
    return (
        f'<li class="publist-entry" id="{anchor}" data-label="{_attr(item.label)}"'
        f' data-category="{_attr(publication.category.value)}"'
        f' data-selected="{"true" if publication.selected else "false"}">'
        f'<span class="publist-label">{_text(item.label)}.</span> '
        f"{inline_html(format_entry(publication, max_authors=style.max_authors))}{link_html}"
        f"{details}</li>"
    )


def controls(bibliography: Bibliography) -> str:
    """The search box and filter chips of a page (hidden until the script shows them)."""
    chips = [
        f'<button type="button" data-list="{_attr(section.category.value)}"'
        f' aria-pressed="false">{_text(section.heading)}</button>'
        for section in bibliography.sections
    ]
    if any(item.publication.selected for item in bibliography.items):
        chips.append(
            '<button type="button" data-selected="1" aria-pressed="false">Selected</button>'
        )
    return (
        '<div class="publist-controls" hidden="">\n'
        '<label for="publist-search">Search</label>\n'
        '<input id="publist-search" type="search" autocomplete="off"'
        ' placeholder="Title, author, venue or year">\n'
        '<span class="publist-count" role="status" aria-live="polite"></span>\n'
        f'<div class="publist-chips" role="group" aria-label="Show only">{"".join(chips)}</div>\n'
        "</div>\n"
    )


def script(bibliography: Bibliography, config: Config, **_: object) -> str:
    """The page script on its own (``--format js``), for pages that embed the fragment."""
    return SCRIPT


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
        f"<h1>{title}</h1>\n{controls(bibliography)}{fragment}</main>\n"
        f"<script>\n{SCRIPT}</script>\n</body>\n</html>\n"
    )
