"""Real-world .bib files: crossref and xdata, macros, TeX logos, line numbers, the checker."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from publist.bibtex.arxiv_ids import find_arxiv_id
from publist.bibtex.latex import to_text
from publist.bibtex.parse import parse
from publist.build.pipeline import LoadedBibliography, build, load_bibliography
from publist.config import Config
from publist.model import Publication
from tests.helpers import DATA, load_script

CASES = DATA / "realworld_cases.bib"


@pytest.fixture(scope="module")
def cases() -> LoadedBibliography:
    return load_bibliography(CASES)


def _by_key(loaded: LoadedBibliography) -> dict[str, Publication]:
    return {publication.key: publication for publication in loaded.publications}


def _load(text: str) -> LoadedBibliography:
    return build(parse(text, path=Path("t.bib")), Config())


def test_bibtex_crossref_fills_what_the_child_lacks(cases: LoadedBibliography) -> None:
    child = _by_key(cases)["bibtex-child"]
    assert child.venue == "Proc. Fifteenth Annual ACM Symposium on the Theory of Computing"
    assert child.year == 1983
    assert child.publisher == "Academic Press"
    assert [editor.display for editor in child.editors] == ["Wizard Oz"]
    # The child's own fields stay; the parent's title does not replace it.
    assert child.title == "On Notions of Information Transfer"
    assert child.pages == "133–139"


def test_crossref_does_not_inherit_identifiers_or_links(cases: LoadedBibliography) -> None:
    parent, child = _by_key(cases)["bibtex-parent"], _by_key(cases)["bibtex-child"]
    assert parent.doi == "10.1000/proceedings.1983"
    assert child.doi == ""
    assert child.links == ()


def test_biblatex_crossref_maps_the_parent_title_to_booktitle(cases: LoadedBibliography) -> None:
    child = _by_key(cases)["biblatex-child"]
    assert child.venue == "High Speed Computer and Algorithm Organization"
    assert child.year == 1977
    assert child.title == "Semigroups of Recurrences"


def test_xdata_fields_are_inherited_and_the_container_is_not_listed(
    cases: LoadedBibliography,
) -> None:
    publications = _by_key(cases)
    assert publications["xdata-child"].venue == "Proceedings of the Shared Venue"
    assert publications["xdata-child"].year == 2010
    assert "xdata-venue" not in publications


def test_crossref_problems_are_diagnostics(cases: LoadedBibliography) -> None:
    messages = {(d.key, d.line, d.message) for d in cases.bibliography.diagnostics}
    assert ("crossref-missing", 58, "crossref target 'no-such-entry' not found") in messages
    assert ("cycle-b", 74, "crossref 'cycle-a' leads back to this entry; ignored") in messages
    # Both cycle members still render.
    assert {"cycle-a", "cycle-b"} <= set(_by_key(cases))


def test_crossref_key_is_case_insensitive_and_the_parent_may_come_first() -> None:
    loaded = _load(
        "@proceedings{Conf, editor = {E D}, title = {Conf}, year = 2020}\n"
        "@inproceedings{paper, author = {A B}, title = {P}, crossref = {conf}}\n"
    )
    paper = _by_key(loaded)["paper"]
    assert (paper.venue, paper.year) == ("Conf", 2020)
    assert not loaded.bibliography.diagnostics


def test_crossref_chain_is_followed_to_the_grandparent() -> None:
    loaded = _load(
        "@inproceedings{paper, author = {A B}, title = {P}, crossref = {volume}}\n"
        "@proceedings{volume, booktitle = {Proceedings}, crossref = {series}}\n"
        "@mvproceedings{series, publisher = {Series Press}, year = 2021}\n"
    )
    paper = _by_key(loaded)["paper"]
    assert (paper.venue, paper.publisher, paper.year) == ("Proceedings", "Series Press", 2021)


def test_a_deep_crossref_chain_stops_with_a_diagnostic_instead_of_recursing() -> None:
    links = "".join(
        f"@misc{{e{i}, title = {{T{i}}}, crossref = {{e{i + 1}}}}}\n" for i in range(3000)
    )
    loaded = _load(links + "@misc{e3000, title = {Last}, year = 1999}\n")
    assert len(loaded.publications) == 3001
    assert any("chain longer than" in d.message for d in loaded.bibliography.diagnostics)


def test_string_macros_and_concatenation_resolve_for_display(cases: LoadedBibliography) -> None:
    publications = _by_key(cases)
    assert publications["tex-logos"].venue == "TUGboat"
    assert publications["bibtex-parent"].title == (
        "Proc. Fifteenth Annual Symposium on the Theory of Computing"
    )


def test_month_with_a_day_sorts_by_its_month(cases: LoadedBibliography) -> None:
    assert _by_key(cases)["month-with-day"].month == 10
    assert not any(d.key == "month-with-day" for d in cases.bibliography.diagnostics)


def test_lines_stay_true_after_a_backslash_at_line_end(cases: LoadedBibliography) -> None:
    lines = CASES.read_text(encoding="utf-8").splitlines()
    diagnostic = next(d for d in cases.bibliography.diagnostics if d.key == "after-contents")
    assert diagnostic.line is not None
    assert lines[diagnostic.line - 1].strip() == "year    = {unknown},"
    publication = _by_key(cases)["after-contents"]
    assert lines[publication.line - 1] == "@article{after-contents,"


def test_several_urls_in_one_field_become_several_links(cases: LoadedBibliography) -> None:
    urls = [link.url for link in _by_key(cases)["several-urls"].links]
    assert urls == ["https://example.org/first.html", "https://example.org/second.pdf"]


def test_percent_lines_inside_an_entry_get_a_hint(cases: LoadedBibliography) -> None:
    diagnostic = next(d for d in cases.bibliography.diagnostics if d.key == "commented-field")
    assert diagnostic.code == "parse-error"
    assert diagnostic.line == 128
    assert "a line starting with % is not a comment inside a BibTeX entry" in diagnostic.message


def test_decoded_text_of_real_world_markup(cases: LoadedBibliography) -> None:
    publications = _by_key(cases)
    assert publications["tex-logos"].title == ("The TeXbook, METAFONT, LaTeX2ε and BibTeX on a VAX")
    assert publications["sort-trick"].title == "Zebra Crossings"
    assert publications["verbatim-path"].note == "E-mail: someone@example.org"
    accents = publications["accents"]
    assert accents.title == "Publishing {Meta}Font at PDF Speed"
    assert [a.display for a in accents.authors] == ["Jürgen François", "Åsa Sørensen"]
    assert publications["duplicate-field"].title == "First Title Wins"


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"The \TeX{}book", "The TeXbook"),
        (r"{\AmSTeX} and {\AMSLaTeX}", "AmS-TeX and AMS-LaTeX"),
        (r"\mbox{G-Animal's} Journal", "G-Animal's Journal"),
        (r"\textup{up} \texttt{tt} \textsf{sf}", "up tt sf"),
        (r"\enquote{Quoted} and \mkbibquote{quoted}", "“Quoted” and “quoted”"),
        (r"\foreignlanguage{polish}{Przełęcki}", "Przełęcki"),
        (r"\hphantom{Chapter 2} - Intro", "- Intro"),
        (r"Pub\-lish\-ing", "Publishing"),
        (r"SGML\slash HyTime\Dash done", "SGML/HyTime—done"),
        (r"Brit.\@ Med.\@ J.\isdot", "Brit. Med. J."),
        (r"18 cm\adddot", "18 cm."),
        (r"Volume 2 is \cite{knuth}", "Volume 2 is [knuth]"),
        (r"\url{https://example.org/a%20b}", "https://example.org/a%20b"),
        (r"\verb|\tt|", r"\tt"),
        (r"{\it italic} {\sc small caps} {\LARGE big}", "italic small caps big"),
        (r"\JTeX: a Japanese \TeX", "JTeX: a Japanese TeX"),
        (r"\hologo{XeTeX}", "XeTeX"),
    ],
)
def test_to_text_knows_the_macros_of_real_files(latex: str, text: str) -> None:
    assert to_text(latex) == text


def test_realworld_script_reports_every_entry_rendered(capsys: pytest.CaptureFixture[str]) -> None:
    assert load_script("realworld").main([str(DATA)]) == 0
    out = capsys.readouterr().out
    assert "crashes: 0  lost entries: 0" in out
    assert "lost:" not in out


def test_realworld_script_notices_an_entry_missing_from_an_export(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    module = load_script("realworld")
    real_render = module.render

    def lossy(fmt: str, *args: Any, **kwargs: Any) -> str:
        text: str = real_render(fmt, *args, **kwargs)
        # Drop the first Markdown list item, as a broken exporter might.
        return text.replace("\n- ", "\n", 1) if fmt == "md" else text

    monkeypatch.setattr(module, "render", lossy)
    assert module.main([str(CASES)]) == 1
    out = capsys.readouterr().out
    assert "(missing from md)" in out
    assert "lost entries: 1" in out


def test_an_arxiv_url_among_several_urls_is_found() -> None:
    ident, problem = find_arxiv_id(
        {"url": "https://arxiv.org/abs/2008.06537;\n   https://ieeexplore.ieee.org/document/1"}
    )
    assert problem is None
    assert ident is not None and str(ident) == "2008.06537"
