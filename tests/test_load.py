"""Loading: values, macros, LaTeX decoding, failed blocks as diagnostics, config validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from publist.bibtex.latex import to_text
from publist.bibtex.parse import parse
from publist.bibtex.values import evaluate
from publist.build.pipeline import build
from publist.config import Config, parse_config
from publist.errors import ConfigError
from publist.model import Category, Severity


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("{Plain}", "Plain"),
        ('"Quoted {Braces}"', "Quoted {Braces}"),
        ("2024", "2024"),
        ("jan", "1"),
        ("prl", "Phys. Rev. Lett."),
        ('"In " # prl', "In Phys. Rev. Lett."),
        ('prl # ", " # {vol} # " 3"', "Phys. Rev. Lett., vol 3"),
        ("{a} # {b}", "ab"),
        ("undefined", "undefined"),
        ("{outer {inner} outer}", "outer {inner} outer"),
        ('{"quoted" in braces}', '"quoted" in braces'),
    ],
)
def test_evaluate(raw: str, value: str) -> None:
    assert evaluate(raw, {"prl": "Phys. Rev. Lett."}) == value


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"Schr\"odinger", "Schrödinger"),
        (r"{\"o}", "ö"),
        (r"M{\"u}nchen \& co.", "München & co."),
        ("pages 1--12", "pages 1–12"),
        ("{CVPR}", "CVPR"),
        (r"{$\Lambda$CDM}", "ΛCDM"),
        (r"The {\TeX}book", "The TeXbook"),
        ("50% off & more", "50% off & more"),
        ("Fig.~1", "Fig. 1"),
        ("``quoted''", "\u201cquoted\u201d"),
        ("  collapse\n   whitespace ", "collapse whitespace"),
        ("Plain title", "Plain title"),
    ],
)
def test_latex_to_text(latex: str, text: str) -> None:
    assert to_text(latex) == text


def test_urls_and_dois_are_never_latex_decoded() -> None:
    body = (
        "@misc{k, title={T}, year=2020, url={https://example.org/a_b%20c~d/--x},"
        " doi={10.1000/ab--c_d}}"
    )
    (publication,) = build(parse(body, path=Path("t.bib")), Config()).publications
    urls = [link.url for link in publication.links]
    assert "https://example.org/a_b%20c~d/--x" in urls
    assert publication.doi == "10.1000/ab--c_d"
    assert "https://doi.org/10.1000/ab--c_d" in urls


def test_failed_blocks_become_diagnostics_and_the_rest_renders() -> None:
    body = """@misc{first, title={One}, year=2020}
@misc{first, title={Dup key}, year=2021}
@misc{dupfield,
  title={A},
  title={B},
  year=2022}
@misc{broken, title={never closed, year=2023
@misc{last, title={Last}, year=2024, author={Foo, Bar, Baz, Qux}}
"""
    loaded = build(parse(body, path=Path("t.bib")), Config())
    keys = [p.ref for p in loaded.publications]
    assert keys == ["first", "first-2", "dupfield", "last"]
    titles = {p.ref: p.title for p in loaded.publications}
    assert titles["first"] == "One"
    assert titles["first-2"] == "Dup key"  # another paper under the same key is still listed
    assert titles["dupfield"] == "A"
    found = {(d.code, d.line, d.key) for d in loaded.bibliography.diagnostics}
    assert ("duplicate-key", 2, "first") in found
    assert ("duplicate-field", 5, "dupfield") in found
    assert ("parse-error", 7, "broken") in found
    assert ("bad-name", 8, "last") in found
    assert all(
        d.severity is Severity.ERROR
        for d in loaded.bibliography.diagnostics
        if d.code in {"duplicate-key", "parse-error", "bad-name"}
    )


def test_string_macros_resolve_in_order() -> None:
    body = """@string{conf = "Conference on "}
@string{full = conf # "Names"}
@inproceedings{k, booktitle = full, title = {T}, year = 2020}"""
    (publication,) = build(parse(body, path=Path("t.bib")), Config()).publications
    assert publication.venue == "Conference on Names"
    assert publication.category is Category.CONFERENCE


def test_bom_is_not_an_entry(tmp_path: Path) -> None:
    from publist.bibtex.parse import load

    bib = tmp_path / "bom.bib"
    bib.write_bytes(b"\xef\xbb\xbf@misc{k, title={T}, year=2020}\n")
    document = load(bib)
    assert [e.key for e in document.entries] == ["k"]
    assert document.diagnostics == ()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"owner": {"names": "Qingyu Song"}}, None),
        ({"owner": {"names": [1]}}, "owner.names must be a list of non-empty strings"),
        ({"lists": {"order": ["posters"]}}, "unknown category 'posters'"),
        ({"lists": {"order": ["journal", "journal"]}}, "names a category twice"),
        ({"lists": {"numbering": "global"}}, "lists.numbering must be one of"),
        ({"markdown": {"heading_level": 9}}, "heading_level must be a whole number"),
        ({"categories": {"journal": {"heading": 3}}}, "categories.journal.heading must be"),
        ({"colour": {}}, "unknown setting(s): colour"),
    ],
)
def test_config_validation(data: dict[str, object], message: str | None) -> None:
    if message is None:
        assert parse_config(data).owner_names == ("Qingyu Song",)
        return
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_config(data)


def test_a_field_repeated_in_another_case_is_reported_and_the_first_wins() -> None:
    body = "@misc{k,\n  Note = {first},\n  note = {second},\n  title = {T}, year = 2020}"
    loaded = build(parse(body, path=Path("t.bib")), Config())
    assert loaded.publications[0].note == "first"
    (diagnostic,) = [d for d in loaded.bibliography.diagnostics if d.code == "duplicate-field"]
    assert (diagnostic.line, diagnostic.key) == (3, "k")


def test_a_comment_inside_an_entry_is_reported_and_the_field_kept() -> None:
    body = "@misc{k,\n  % a note to self\n  title = {T},\n  %year = {1999},\n  year = 2020}"
    loaded = build(parse(body, path=Path("t.bib")), Config())
    (publication,) = loaded.publications
    assert (publication.title, publication.year) == ("T", 2020)
    codes = [(d.code, d.line) for d in loaded.bibliography.diagnostics]
    assert ("comment-in-entry", 3) in codes and ("comment-in-entry", 4) in codes


def test_keys_differing_only_in_case_clash() -> None:
    body = "@misc{Song2024, title={A}, year=2024}\n@misc{song2024, title={B}, year=2024}\n"
    loaded = build(parse(body, path=Path("t.bib")), Config())
    (diagnostic,) = [d for d in loaded.bibliography.diagnostics if d.code == "duplicate-key"]
    assert (diagnostic.line, diagnostic.key) == (2, "song2024")
    assert [p.key for p in loaded.publications] == ["Song2024", "song2024"]


def test_a_failed_parenthesised_block_is_reported_under_its_key() -> None:
    body = "@misc(a, title = {New Title}, note = {unclosed\n\n@misc{b, title={B}}\n"
    document = parse(body, path=Path("t.bib"))
    assert [(d.code, d.key) for d in document.diagnostics] == [("parse-error", "a")]


def test_line_numbers_do_not_drift_after_a_backslash_at_line_end() -> None:
    body = "@misc{a, abstract = {x \\\\\ny}}\n\n@misc{b,\n  title = {B},\n  month = {13}}\n"
    loaded = build(parse(body, path=Path("t.bib")), Config())
    assert [p.line for p in loaded.publications] == [1, 4]
    (bad_month,) = [d for d in loaded.bibliography.diagnostics if d.code == "bad-month"]
    assert bad_month.line == 6


def test_the_abstract_is_kept_as_written_and_decoded_when_shown() -> None:
    body = (
        "@string{where = {in the wild}}\n"
        "@misc{a, title = {T}, author = {A. B}, year = 2024,\n"
        "  abstract = {We show $\\alpha$ \\& {B}ig  gains } # where}\n"
    )
    publication = build(parse(body, path=Path("a.bib")), Config()).publications[0]
    assert publication.abstract_latex == "We show $\\alpha$ \\& {B}ig  gains in the wild"
    assert to_text(publication.abstract_latex) == "We show α & Big gains in the wild"


def test_a_string_defined_twice_keeps_the_first_definition() -> None:
    body = '@string{cup = "Cambridge UP"}\n@string{cup = "Other"}\n@book{b, publisher = cup}\n'
    loaded = build(parse(body, path=Path("t.bib")), Config())
    (publication,) = loaded.publications
    assert publication.publisher == "Cambridge UP"
    (diagnostic,) = [d for d in loaded.bibliography.diagnostics if d.code == "duplicate-key"]
    assert diagnostic.line == 2
    assert diagnostic.message == "@string 'cup' is defined again; the first definition is used"
