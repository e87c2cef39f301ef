"""The terminal views: golden renderings of the list table and the show detail, name forms."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console, RenderableType

from publist.model import Author, Item
from publist.views.listing import list_publications, show_publication
from publist.views.table import authors_text, build_detail, build_table, initials_name
from tests.golden import assert_golden
from tests.helpers import BUNDLED_BIB, BUNDLED_CONFIG, DATA, EDGE_BIB, EDGE_CONFIG, ROOT


def render(renderable: RenderableType, width: int) -> str:
    """Render as a piped, colourless terminal of ``width`` columns would show it."""
    console = Console(
        width=width, no_color=True, force_terminal=False, record=True, file=io.StringIO()
    )
    console.print(renderable)
    text = console.export_text()
    assert all(cell_len(line) <= width for line in text.splitlines()), "wider than the screen"
    # rich pads cells to the column width; the goldens keep no trailing spaces.
    return "".join(line.rstrip() + "\n" for line in text.splitlines())


@pytest.mark.parametrize("width", [80, 120])
def test_bundled_table(width: int) -> None:
    listing = list_publications(BUNDLED_BIB, config_path=BUNDLED_CONFIG)
    assert_golden(f"list.bundled.{width}.txt", render(build_table(listing.items), width))


@pytest.mark.parametrize("width", [80, 120])
def test_edge_table(width: int) -> None:
    listing = list_publications(EDGE_BIB, config_path=EDGE_CONFIG)
    assert_golden(f"list.edge.{width}.txt", render(build_table(listing.items), width))


def test_notes_go_under_the_entry() -> None:
    listing = list_publications(BUNDLED_BIB, config_path=BUNDLED_CONFIG)
    table = build_table(listing.items[:2], notes={listing.items[0].publication.key: "stale!"})
    assert_golden("list.notes.80.txt", render(table, 80))


def test_no_column_collapses_at_80_columns() -> None:
    listing = list_publications(BUNDLED_BIB, config_path=BUNDLED_CONFIG)
    text = render(build_table(listing.items), 80)
    header = text.splitlines()[0].split()
    assert header == ["Label", "Year", "Category", "Title", "/", "Authors", "Venue", "arXiv"]
    for word in ("2501.18092", "submission", "conference", "SigMetrics", "INFOCOM", "C7", "2025"):
        assert word in text
    # Each title word survives: titles wrap, they are never cut.
    assert "Trajectory Dataset" in text
    assert "…" not in text


@pytest.mark.parametrize("width", [80, 120])
def test_show_detail(width: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the detail shows the path as given: keep it relative
    entry = show_publication(Path("publications.bib"), "C6")
    detail = build_detail(entry.item, heading=entry.heading, diagnostics=entry.diagnostics)
    assert_golden(f"show.C6.{width}.txt", render(detail, width))


@pytest.mark.parametrize("key", ["mueller2023schroedinger", "song2025thesis"])
def test_show_detail_lists_links_and_problems(key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DATA)
    entry = show_publication(Path("edge.bib"), key, config_path=Path("edge.toml"))
    detail = build_detail(entry.item, heading=entry.heading, diagnostics=entry.diagnostics)
    assert_golden(f"show.edge.{key}.80.txt", render(detail, 80))


@pytest.mark.parametrize(
    ("author", "short"),
    [
        (Author("Qingyu", "", "Song", ""), "Q. Song"),
        (Author("RuiBo", "", "Ming", ""), "R. Ming"),
        (Author("Jean-Pierre", "", "Serre", ""), "J.-P. Serre"),
        (Author("Ludwig", "van", "Beethoven", ""), "L. van Beethoven"),
        (Author("Martin Luther", "", "King", "Jr."), "M. L. King Jr."),
        (Author("Q.", "", "Song", "", marks="*†"), "Q. Song*†"),
        (Author("Émile", "", "Zola", ""), "É. Zola"),
        (Author("庆禹", "", "宋", ""), "宋庆禹"),
        (Author("", "", "宋庆禹", ""), "宋庆禹"),
        (Author("", "", "Aristotle", ""), "Aristotle"),
    ],
)
def test_initials_name(author: Author, short: str) -> None:
    assert initials_name(author) == short


def people(count: int, owner: int | None) -> list[Author]:
    return [Author(f"Given{i}", "", f"Family{i}", "", is_owner=i == owner) for i in range(count)]


def test_short_author_lists_are_shown_whole_with_the_owner_bold() -> None:
    text = authors_text(people(3, owner=1))
    assert text.plain == "G. Family0, G. Family1, G. Family2"
    bold = [text.plain[span.start : span.end] for span in text.spans if span.style == "bold"]
    assert bold == ["G. Family1"]


def test_long_author_lists_keep_the_first_six_and_the_owner() -> None:
    text = authors_text(people(12, owner=9))
    assert text.plain == (
        "G. Family0, G. Family1, G. Family2, G. Family3, G. Family4, G. Family5, …, "
        "G. Family9 (12 authors)"
    )
    assert authors_text(people(12, owner=2)).plain.endswith("G. Family5, … (12 authors)")
    assert authors_text(people(8, owner=None)).plain.count(",") == 7  # eight fit
    assert "…" not in authors_text(people(12, owner=None), limit=None).plain


def test_full_names_for_show() -> None:
    text = authors_text([Author("Qingyu", "", "Song", "", marks="*")], short=False)
    assert text.plain == "Qingyu Song*"


MARKUP = "[bold]Bold[/bold] [red]x [link=http://evil.example]y[/link] \\[z] [Attention]"


def publication_with(text: str) -> Item:
    loaded = list_publications(BUNDLED_BIB, config_path=BUNDLED_CONFIG)
    item = loaded.items[0]
    publication = replace(
        item.publication,
        key=f"k{text}",
        title=text,
        venue=text,
        venue_short=text,
        note=text,
        authors=(Author(text, "", text, "", is_owner=True), Author("A", "", text, "")),
    )
    return replace(item, publication=publication)


def test_markup_in_fields_is_shown_as_written() -> None:
    item = publication_with(MARKUP)
    table = render(build_table([item], notes={item.publication.key: MARKUP}), 400)
    detail = render(build_detail(item, heading=MARKUP), 400)
    assert table.count(MARKUP) == 4  # title, venue, note, a family name
    assert detail.count(MARKUP) >= 5  # title, venue, short name, note, heading


@settings(max_examples=60, deadline=None)
@given(
    st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), max_size=40)
)
def test_any_title_renders_verbatim_and_within_80_columns(text: str) -> None:
    item = publication_with(text)
    wide = render(build_table([item]), 400)
    collapsed = " ".join(text.split())
    assert collapsed in " ".join(wide.split())
    render(build_table([item]), 80)  # asserts every line fits
    render(build_detail(item, heading="H"), 80)
