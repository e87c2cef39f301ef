"""Hostile input: HTML and Markdown exports let no markup, script or unsafe link through."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from types import MappingProxyType

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token
from rich.console import Console

from publist.bibtex.links import is_safe_url, split_urls
from publist.bibtex.parse import parse
from publist.build.pipeline import LoadedBibliography, build, load_bibliography
from publist.config import Config, load_config
from publist.enrich.sync import EntryUpdate, FieldChange, Notice, SyncPlan
from publist.model import Category
from publist.output import render
from publist.views.sync_report import changes_table, notices_table
from tests.helpers import DATA, ROOT, run_cli

HOSTILE_BIB = DATA / "hostile.bib"
HOSTILE_CONFIG = DATA / "hostile.toml"

# The tags and attributes the HTML exporter writes; anything else came from the data.
FRAGMENT_TAGS = {
    *("div", "section", "h2", "ol", "li", "span", "strong", "a", "p"),
    *("details", "summary", "pre", "code"),
}
ATTRIBUTES = {
    *("class", "id", "data-label", "href", "style"),
    *("data-category", "data-selected", "data-search"),
}


@pytest.fixture(scope="module")
def hostile() -> LoadedBibliography:
    return load_bibliography(HOSTILE_BIB, config_path=HOSTILE_CONFIG)


class _Tree(HTMLParser):
    """Records every tag, attribute and the text inside each entry."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.entries: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        if tag == "li":
            self.entries.append("")
            self._depth = 1
        elif self._depth:
            self._depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self._depth:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._depth:
            self.entries[-1] += data


def _tree(html: str) -> _Tree:
    tree = _Tree()
    tree.feed(html)
    tree.close()
    return tree


def _browser_scheme(url: str) -> str | None:
    """The scheme a browser would see in ``url`` (None for a relative URL)."""
    url = re.sub(r"[\t\n\r]", "", url).strip("\x00\x20")
    match = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", url)
    return match.group(1).lower() if match else None


def test_html_keeps_every_entry_and_lets_no_markup_through(hostile: LoadedBibliography) -> None:
    html = render("html", hostile.bibliography, hostile.config)
    tree = _tree(html)
    assert {tag for tag, _ in tree.tags} <= FRAGMENT_TAGS
    names = {name for _, attrs in tree.tags for name, _ in attrs}
    assert names <= ATTRIBUTES
    assert len(tree.entries) == len(hostile.publications) == 5
    for publication in hostile.publications:
        assert any(publication.title in text for text in tree.entries), publication.title


def test_html_attributes_are_all_double_quoted(hostile: LoadedBibliography) -> None:
    html = render("html", hostile.bibliography, hostile.config, standalone=True)
    for tag in re.findall(r"<[a-z][^>]*>", html):
        attributes = tag.split(" ", 1)[1] if " " in tag else ""
        # What is left after removing name="value" pairs is only whitespace (and a slash).
        rest = re.sub(r'[a-z-]+="[^"]*"', "", attributes.rstrip(">"))
        assert rest.strip(" /") == "", tag


def test_html_links_are_only_safe_schemes(hostile: LoadedBibliography) -> None:
    html = render("html", hostile.bibliography, hostile.config)
    hrefs = [value or "" for tag, attrs in _tree(html).tags for name, value in attrs if tag == "a"]
    assert hrefs == [
        'https://example.org/?a=1&b="><script>window.__pwned=8</script>',
        "//example.org/poster.pdf",
        "relative/supplement.pdf",
        "mailto:someone@example.org",
        "https://example.org/a%20b#frag",  # the LaTeX entry's: a # and a % stay in HTML
    ]
    assert all(_browser_scheme(href) in {None, "http", "https", "mailto"} for href in hrefs)


def test_unsafe_links_are_dropped_with_a_diagnostic(hostile: LoadedBibliography) -> None:
    dropped = {
        d.message.split("'")[1]
        for d in hostile.bibliography.diagnostics
        if d.code == "unsafe-link" and d.key == "xss-title"
    }
    assert dropped == {"url", "pdf", "slides", "video"}


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "\x01\x02javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "file:///etc/passwd",
        "&#106;avascript:alert(1)",
        "&#x6A;avascript:alert(1)",
        "javascript&#58;alert(1)",
        "javascript&colon;alert(1)",
        "&amp;#106;avascript:alert(1)",
        "%6Aavascript:alert(1)",
        "javascript%3Aalert(1)",
        "\\\\evil.example\\share",
    ],
)
def test_unsafe_urls(url: str) -> None:
    assert not is_safe_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/a%3Ab?q=javascript:1",
        "http://example.org",
        "mailto:someone@example.org",
        "relative/paper.pdf",
        "/absolute/path.pdf",
        "#anchor",
        # Protocol-relative: follows the page's own http or https.
        "//example.org/paper.pdf",
    ],
)
def test_safe_urls(url: str) -> None:
    assert is_safe_url(url)


def test_a_url_field_listing_several_urls_splits_and_a_wrapped_one_joins() -> None:
    assert split_urls("https://a.org/x.html;\n   https://b.org/y.pdf") == [
        "https://a.org/x.html",
        "https://b.org/y.pdf",
    ]
    assert split_urls("https://a.org/very/\n    long/path") == ["https://a.org/very/long/path"]
    assert split_urls("https://a.org/my file.pdf") == ["https://a.org/my%20file.pdf"]


# ---- Markdown, read back with a real CommonMark parser -------------------------------------

_PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _inline_children(tokens: list[Token]) -> list[list[Token]]:
    return [token.children or [] for token in tokens if token.type == "inline"]


def _strong_texts(tokens: list[Token]) -> list[str]:
    """The text inside each bold span, in order."""
    texts = []
    for children in _inline_children(tokens):
        for index, child in enumerate(children):
            if child.type == "strong_open":
                texts.append(children[index + 1].content)
    return texts


def _list_items(markdown: str) -> tuple[list[Token], int]:
    tokens = _PARSER.parse(markdown)
    items = sum(1 for token in tokens if token.type == "list_item_open")
    return tokens, items


def test_markdown_entries_stay_one_list_item_each_with_only_the_expected_bold(
    hostile: LoadedBibliography,
) -> None:
    markdown = render("md", hostile.bibliography, hostile.config)
    tokens, items = _list_items(markdown)
    assert items == len(hostile.publications)
    block_types = {token.type for token in tokens}
    assert block_types <= {
        "heading_open",
        "heading_close",
        "inline",
        "bullet_list_open",
        "bullet_list_close",
        "list_item_open",
        "list_item_close",
        "paragraph_open",
        "paragraph_close",
    }
    for children in _inline_children(tokens):
        types = {child.type for child in children}
        assert types <= {"text", "strong_open", "strong_close"}, types
    assert sorted(_strong_texts(tokens)) == sorted(
        ["Qingyu Song"] * 5 + ["<b onmouseover=window.__pwned=10>CONF</b>"]
    )


def test_markdown_shows_each_title_literally(hostile: LoadedBibliography) -> None:
    markdown = render("md", hostile.bibliography, hostile.config)
    text = " ".join(
        child.content
        for children in _inline_children(_PARSER.parse(markdown))
        for child in children
        if child.type == "text"
    )
    for publication in hostile.publications:
        assert publication.title in text


def test_markdown_labels_that_look_like_list_markers_stay_labels() -> None:
    loaded = build(
        parse(
            "@article{a, author = {A B}, title = {T1}, journal = {J}, year = 2001}\n"
            "@article{b, author = {C D}, title = {T2}, journal = {J}, year = 2002}\n",
            path=Path("t.bib"),
        ),
        Config(prefixes=MappingProxyType(dict.fromkeys(Category, ""))),
    )
    markdown = render("md", loaded.bibliography, loaded.config)
    assert "- 2\\. C D." in markdown
    tokens, items = _list_items(markdown)
    assert items == 2
    assert not any(token.type == "ordered_list_open" for token in tokens)
    signed = replace(loaded.config, prefixes=MappingProxyType(dict.fromkeys(Category, "+")))
    tokens, items = _list_items(render("md", loaded.bibliography, signed))
    assert items == 2


def test_markdown_bold_survives_spaces_at_the_edges_of_a_venue_name() -> None:
    loaded = build(
        parse(
            "@inproceedings{a, author = {A B}, title = {T}, booktitle = {B}, abbr = {CONF},"
            " year = 2001}\n",
            path=Path("t.bib"),
        ),
        Config(),
    )
    item = loaded.bibliography.sections[0].items[0]
    spaced = replace(item.publication, venue_short="\u00a0CONF ")
    section = replace(loaded.bibliography.sections[0], items=(replace(item, publication=spaced),))
    bibliography = replace(loaded.bibliography, sections=(section,))
    tokens = _PARSER.parse(render("md", bibliography, loaded.config))
    assert _strong_texts(tokens) == ["CONF"]


def test_control_characters_never_reach_an_export() -> None:
    loaded = build(
        parse(
            "@article{k, author = {Evil\x1b]0;title\x07 Person}, title = {Bell\x07 and"
            " \x1b[31mred\x1b[0m and nul\x00}, journal = {J\x9b}, year = 2001}\n",
            path=Path("t.bib"),
        ),
        Config(),
    )
    for fmt in ("md", "html", "text"):
        output = render(fmt, loaded.bibliography, loaded.config)
        assert not re.search(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]", output), fmt
        assert "red" in output


def test_diagnostics_show_control_characters_escaped(tmp_path: Path) -> None:
    bib = tmp_path / "esc.bib"
    bib.write_text("@misc{ev\x1b[2Jil, title = {T}, year = {soon}}\n", encoding="utf-8")
    result = run_cli("export", "--bib", bib, "--format", "text")
    assert result.exit_code == 0
    assert "\x1b" not in result.stderr
    assert "ev\\x1b[2Jil: cannot read a year from 'soon'" in result.stderr


def test_messages_escape_carriage_returns_and_vertical_tabs_from_keys_and_paths(
    tmp_path: Path,
) -> None:
    # A bare CR would send the cursor back and let the rest of the key overwrite the warning.
    bib = tmp_path / "odd\rname.bib"
    bib.write_text("@misc{ev\x0b\x0cil\rX, title = {T}, year = {soon}}\n", encoding="utf-8")
    result = run_cli("export", "--bib", bib, "--format", "text")
    assert result.exit_code == 0
    assert not re.search(r"[\r\x0b\x0c]", result.stderr)
    assert "odd\\x0dname.bib:1: ev\\x0b\\x0cil\\x0dX: cannot read a year" in result.stderr


def test_a_long_run_of_whitespace_in_a_name_list_exports_promptly(tmp_path: Path) -> None:
    # Quadratic name splitting took 5 s for 30,000 spaces; 300,000 would take minutes.
    bib = tmp_path / "spaces.bib"
    spaces = " " * 300_000
    bib.write_text(
        f"@misc{{a, title = {{T}}, year = 2024, author = {{A{spaces}B}}}}\n"
        f"@misc{{b, title = {{T}}, year = 2024, author = {{{{A}}{spaces}and{spaces}B}}}}\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "publist", "export", "--bib", str(bib), "--format", "text"],
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert "A B" in done.stdout.decode() and "A and B" in done.stdout.decode()


@pytest.mark.parametrize("command", ["list", "check", "export"])
def test_no_command_lets_a_control_character_reach_the_terminal(
    tmp_path: Path, command: str
) -> None:
    bib = tmp_path / "esc.bib"
    bib.write_text(
        "@misc{ev\x1b[2Jil, author = {Song, Qingyu},"
        " title = {T\x1b]0;pwned\x07itle [/x] [bold]b[/bold]}, year = {soon}}\n",
        encoding="utf-8",
    )
    result = run_cli(command, "--bib", bib)
    output = result.stdout + result.stderr
    assert "\x1b]0;pwned" not in output
    assert not re.search(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]", output)
    if command == "list":
        assert "[/x] [bold]b[/bold]" in result.stdout


def test_sync_tables_show_markup_in_titles_literally() -> None:
    plan = SyncPlan(
        updates=(
            EntryUpdate(
                key="k[/x]",
                line=1,
                arxiv_id="2501.00001",
                changes=(FieldChange("title", "[bold]Old[/bold]", "New [/nope] \x1b[2J"),),
            ),
        ),
        notices=(Notice("k", 1, "published", "[link=https://evil.example]click[/link]"),),
        looked_up=1,
    )
    out = io.StringIO()
    console = Console(file=out, width=200, force_terminal=False)
    console.print(changes_table(plan))
    console.print(notices_table(plan))
    text = out.getvalue()
    assert "[bold]Old[/bold]" in text
    assert "New [/nope]" in text
    assert "[link=https://evil.example]click[/link]" in text
    assert "\x1b" not in text


def test_the_hostile_config_names_the_owner() -> None:
    assert load_config(HOSTILE_CONFIG).owner_names == ("Qingyu Song",)
