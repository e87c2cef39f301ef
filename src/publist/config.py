"""``publist.toml``: the owner's names, list order, headings, label prefixes and marks."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from publist.errors import ConfigError
from publist.model import CATEGORY_NAMES, Category

CONFIG_NAME = "publist.toml"

DEFAULT_ORDER: tuple[Category, ...] = tuple(Category)

DEFAULT_HEADINGS: MappingProxyType[Category, str] = MappingProxyType(
    {
        Category.SUBMISSION: "Preprints",
        Category.JOURNAL: "Journal Articles",
        Category.CONFERENCE: "Conference Papers",
        Category.WORKSHOP: "Workshop Papers",
        Category.THESIS: "Theses",
        Category.BOOK: "Books",
        Category.CHAPTER: "Book Chapters",
        Category.REPORT: "Technical Reports",
        Category.OTHER: "Other",
    }
)

DEFAULT_PREFIXES: MappingProxyType[Category, str] = MappingProxyType(
    {
        Category.SUBMISSION: "P",
        Category.JOURNAL: "J",
        Category.CONFERENCE: "C",
        Category.WORKSHOP: "W",
        Category.THESIS: "T",
        Category.BOOK: "B",
        Category.CHAPTER: "BC",
        Category.REPORT: "R",
        Category.OTHER: "O",
    }
)

DEFAULT_MARKS: MappingProxyType[str, str] = MappingProxyType(
    {"*": "Equal contribution.", "†": "Corresponding author."}
)

NUMBERING_MODES = ("per-category", "continuous")


# publist's and al-folio's own fields: for the site, not for a reader who copies the BibTeX.
DEFAULT_HIDDEN_FIELDS = frozenset(
    {
        "category",
        "selected",
        "keywords",
        "abbr",
        "publist_sync",
        "award",
        "award_name",
        "annotation",
        "bibtex_show",
        "preview",
        "dimensions",
        "altmetric",
        "google_scholar_id",
        "inspirehep_id",
        "pdf",
        "code",
        "slides",
        "poster",
        "video",
        "website",
        "supp",
        "html",
        "blog",
        "additional_info",
    }
)


@dataclass(frozen=True, slots=True)
class Config:
    """The settings of one run; ``Config()`` gives the defaults."""

    owner_names: tuple[str, ...] = ()
    match_initials: bool = False
    order: tuple[Category, ...] = DEFAULT_ORDER
    headings: MappingProxyType[Category, str] = field(default_factory=lambda: DEFAULT_HEADINGS)
    prefixes: MappingProxyType[Category, str] = field(default_factory=lambda: DEFAULT_PREFIXES)
    numbering: str = "per-category"
    marks: MappingProxyType[str, str] = field(default_factory=lambda: DEFAULT_MARKS)
    # [lists] max_authors: longer author lists are shortened (the owner always shown).
    max_authors: int | None = None
    # [lists] group_by = "year": a subheading per year inside each list.
    group_by_year: bool = False
    markdown_heading_level: int = 3
    html_title: str = "Publications"
    # [html] hide_fields: fields left out of the BibTeX a page shows and `--format bib` writes.
    hide_fields: frozenset[str] = DEFAULT_HIDDEN_FIELDS
    # [latex]: the macro that highlights the owner, and the command of each list's heading.
    latex_owner: str = "\\textbf"
    latex_heading: str = "\\subsection*"
    stale_months: int = 24
    # [sources]: service endpoints and the contact address (the environment overrides them).
    sources: MappingProxyType[str, str] = field(default_factory=lambda: MappingProxyType({}))
    # [add] key: how `publist add` names new entries ({author}, {year}, {title}).
    key_pattern: str = "{author}{year}{title}"
    # [titles] protect: proper nouns to brace in titles publist writes, beyond its own list.
    title_nouns: frozenset[str] = frozenset()
    path: Path | None = field(default=None, compare=False)


_TOP_KEYS = {
    "owner",
    "lists",
    "categories",
    "marks",
    "markdown",
    "html",
    "latex",
    "stale",
    "sources",
    "add",
    "titles",
}
SOURCE_KEYS = ("arxiv_url", "crossref_url", "doi_url", "mailto")
_KEY_TOKEN = re.compile(r"\{(author|year|title)\}")
# A LaTeX macro name as [latex] takes it: one control word, optionally starred.
_LATEX_MACRO = re.compile(r"\\[A-Za-z]+\*?")


def load_config(path: Path | None, *, bib_path: Path | None = None) -> Config:
    """Read ``path``, or ``publist.toml`` beside ``bib_path`` if it exists, else defaults."""
    if path is None:
        if bib_path is None:
            return Config()
        candidate = bib_path.parent / CONFIG_NAME
        if not candidate.is_file():
            return Config()
        path = candidate
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError("config file not found", path=path) from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file: {exc.strerror}", path=path) from None
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ConfigError("config file is not UTF-8", path=path) from None
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        message = str(exc).split(" (at line")[0]
        raise ConfigError(f"invalid TOML: {message}", path=path, line=line) from None
    return parse_config(data, path=path)


def parse_config(data: dict[str, Any], *, path: Path | None = None) -> Config:
    """Validate a parsed TOML document into a :class:`Config`."""

    def fail(message: str) -> ConfigError:
        return ConfigError(message, path=path)

    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise fail(f"unknown setting(s): {', '.join(sorted(unknown))}")

    owner = _table(data, "owner", fail)
    _only(owner, {"names", "match_initials"}, "owner", fail)
    names = owner.get("names", [])
    if isinstance(names, str):
        names = [names]
    if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
        raise fail("owner.names must be a list of non-empty strings")
    match_initials = owner.get("match_initials", False)
    if not isinstance(match_initials, bool):
        raise fail("owner.match_initials must be true or false")

    lists = _table(data, "lists", fail)
    _only(lists, {"order", "numbering", "max_authors", "group_by"}, "lists", fail)
    max_authors = lists.get("max_authors")
    if max_authors is not None and (
        not isinstance(max_authors, int) or isinstance(max_authors, bool) or max_authors < 1
    ):
        raise fail("lists.max_authors must be a whole number of at least 1")
    group_by = lists.get("group_by", "none")
    if group_by not in ("none", "year"):
        raise fail('lists.group_by must be "year" or "none"')
    order = DEFAULT_ORDER
    if "order" in lists:
        raw_order = lists["order"]
        if not isinstance(raw_order, list):
            raise fail("lists.order must be a list of category names")
        order = tuple(_category(name, "lists.order", fail) for name in raw_order)
        if len(set(order)) != len(order):
            raise fail("lists.order names a category twice")
        # Categories left out of the order still render, after the named ones: nothing is dropped.
        order += tuple(c for c in DEFAULT_ORDER if c not in order)
    numbering = lists.get("numbering", "per-category")
    if numbering not in NUMBERING_MODES:
        raise fail(f"lists.numbering must be one of {', '.join(NUMBERING_MODES)}")

    headings = dict(DEFAULT_HEADINGS)
    prefixes = dict(DEFAULT_PREFIXES)
    for name, table in _table(data, "categories", fail).items():
        category = _category(name, "categories", fail)
        if not isinstance(table, dict):
            raise fail(f"categories.{name} must be a table")
        _only(table, {"heading", "prefix"}, f"categories.{name}", fail)
        if "heading" in table:
            headings[category] = _string(table["heading"], f"categories.{name}.heading", fail)
        if "prefix" in table:
            prefixes[category] = _string(table["prefix"], f"categories.{name}.prefix", fail)

    marks = dict(DEFAULT_MARKS)
    for mark, meaning in _table(data, "marks", fail).items():
        marks[mark] = _string(meaning, f"marks.{mark}", fail)

    markdown = _table(data, "markdown", fail)
    _only(markdown, {"heading_level"}, "markdown", fail)
    level = markdown.get("heading_level", 3)
    if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 6:
        raise fail("markdown.heading_level must be a whole number from 1 to 6")

    html = _table(data, "html", fail)
    _only(html, {"title", "hide_fields"}, "html", fail)
    title = _string(html.get("title", "Publications"), "html.title", fail)
    hidden = html.get("hide_fields", sorted(DEFAULT_HIDDEN_FIELDS))
    if not isinstance(hidden, list) or not all(isinstance(f, str) for f in hidden):
        raise fail("html.hide_fields must be a list of field names")

    latex = _table(data, "latex", fail)
    _only(latex, {"owner", "heading"}, "latex", fail)
    latex_owner = _string(latex.get("owner", "\\textbf"), "latex.owner", fail)
    latex_heading = _string(latex.get("heading", "\\subsection*"), "latex.heading", fail)
    for value, where in ((latex_owner, "latex.owner"), (latex_heading, "latex.heading")):
        if not _LATEX_MACRO.fullmatch(value):
            raise fail(f"{where} must be one LaTeX command such as \\textbf, got {value!r}")

    sources = _table(data, "sources", fail)
    _only(sources, set(SOURCE_KEYS), "sources", fail)
    for name, value in sources.items():
        _string(value, f"sources.{name}", fail)

    add = _table(data, "add", fail)
    _only(add, {"key"}, "add", fail)
    key_pattern = _string(add.get("key", "{author}{year}{title}"), "add.key", fail)
    rest = _KEY_TOKEN.sub("", key_pattern)
    if not _KEY_TOKEN.search(key_pattern) or not re.fullmatch(r"[A-Za-z0-9:_.-]*", rest):
        raise fail(
            "add.key must use {author}, {year} or {title}, with only letters, digits and "
            f":_.- around them, got {key_pattern!r}"
        )

    titles = _table(data, "titles", fail)
    _only(titles, {"protect"}, "titles", fail)
    nouns = titles.get("protect", [])
    if not isinstance(nouns, list) or not all(isinstance(n, str) and n.strip() for n in nouns):
        raise fail("titles.protect must be a list of words")

    stale = _table(data, "stale", fail)
    _only(stale, {"months"}, "stale", fail)
    months = stale.get("months", 24)
    if not isinstance(months, int) or isinstance(months, bool) or months < 1:
        raise fail("stale.months must be a positive whole number")

    return Config(
        owner_names=tuple(n.strip() for n in names),
        match_initials=match_initials,
        order=order,
        headings=MappingProxyType(headings),
        prefixes=MappingProxyType(prefixes),
        numbering=numbering,
        max_authors=max_authors,
        group_by_year=group_by == "year",
        marks=MappingProxyType(marks),
        markdown_heading_level=level,
        html_title=title,
        hide_fields=frozenset(name.strip().lower() for name in hidden),
        latex_owner=latex_owner,
        latex_heading=latex_heading,
        stale_months=months,
        sources=MappingProxyType({name: str(value) for name, value in sources.items()}),
        key_pattern=key_pattern,
        title_nouns=frozenset(n.strip() for n in nouns),
        path=path,
    )


def _table(data: dict[str, Any], name: str, fail: Any) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise fail(f"{name} must be a table")
    return value


def _only(table: dict[str, Any], allowed: set[str], where: str, fail: Any) -> None:
    unknown = set(table) - allowed
    if unknown:
        raise fail(f"unknown setting(s) in {where}: {', '.join(sorted(unknown))}")


def _string(value: Any, where: str, fail: Any) -> str:
    if not isinstance(value, str):
        raise fail(f"{where} must be a string")
    return value


def _category(name: Any, where: str, fail: Any) -> Category:
    category = Category.named(str(name))
    if category is None:
        raise fail(f"{where}: unknown category {name!r} (known: {CATEGORY_NAMES})")
    return category
