"""What publist writes into a bib: names in Family, Given form, titles with their capitals kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from publist.bibtex.encode import person, protect_title, split_person, to_bibtex
from publist.bibtex.latex import to_text
from publist.bibtex.names import split_name
from tests.helpers import run_cli


@pytest.mark.parametrize(
    ("name", "given_", "family", "written"),
    [
        ("Adrian Del Maestro", "Adrian", "Del Maestro", "Del Maestro, Adrian"),
        ("Pascale Le Gall", "Pascale", "Le Gall", "Le Gall, Pascale"),
        ("Ludwig van der Beethoven", "Ludwig", "van der Beethoven", "van der Beethoven, Ludwig"),
        ("Juan de la Cruz", "Juan", "de la Cruz", "de la Cruz, Juan"),
        ("Maria dos Santos", "Maria", "dos Santos", "dos Santos, Maria"),
        ("Ahmed Al Ghamdi", "Ahmed", "Al Ghamdi", "Al Ghamdi, Ahmed"),
        ("Muhammad al-Khwarizmi", "Muhammad", "al-Khwarizmi", "al-Khwarizmi, Muhammad"),
        ("A. B. Smith", "A. B.", "Smith", "Smith, A. B."),
        ("宋庆禹", "", "宋庆禹", "{宋庆禹}"),
        # A capitalised particle word before a common East Asian family name is a given name.
        ("Thanh Van Nguyen", "Thanh Van", "Nguyen", "Nguyen, Thanh Van"),
        ("Xin Di Wu", "Xin Di", "Wu", "Wu, Xin Di"),
        ("Toon Van Hoof", "Toon", "Van Hoof", "Van Hoof, Toon"),
        # Groups, names the source braced, and names already in Family, Given form.
        ("{ATLAS Collaboration}", "", "ATLAS Collaboration", "{ATLAS Collaboration}"),
        ("IceCube Collaboration", "", "IceCube Collaboration", "{IceCube Collaboration}"),
        ("Smith, John", "John", "Smith", "Smith, John"),
        ("Madonna", "", "Madonna", "{Madonna}"),
    ],
)
def test_display_names_are_split_at_the_family_name(
    name: str, given_: str, family: str, written: str
) -> None:
    assert split_person(name)[:2] == (given_, family)
    assert person(*split_person(name)) == written


def test_a_stray_space_in_a_hyphenated_initial_goes() -> None:
    assert split_person("P. -N. Roy") == ("P.-N.", "Roy", "")


def test_a_suffix_is_written_in_bibtexs_third_place() -> None:
    assert split_person("John Smith Jr.") == ("John", "Smith", "Jr.")
    assert split_person("King, Jr., Martin Luther") == ("Martin Luther", "King", "Jr.")
    assert person(*split_person("Martin Luther King Jr")) == "King, Jr, Martin Luther"
    assert split_name(person(*split_person("Martin Luther King Jr"))) == (
        "Martin Luther",
        "",
        "King",
        "Jr",
    )


_WORD = st.text(alphabet=st.characters(categories=("Lu", "Ll")), min_size=1, max_size=8)
_NAME = st.lists(_WORD, min_size=1, max_size=4).map(" ".join)


@given(_NAME)
def test_a_written_name_reads_back_with_the_same_parts(name: str) -> None:
    given_, family, _ = split_person(name)
    first, von, last, _jr = split_name(person(given_, family))
    assert to_text(" ".join(p for p in (von, last) if p)).strip("{}") == family
    assert to_text(first) == given_


@pytest.mark.parametrize(
    ("title", "protected"),
    [
        (
            "Efficient Two-Stage Group Testing Algorithms for DNA Screening",
            "Efficient Two-Stage Group Testing Algorithms for {DNA} Screening",
        ),
        (
            "Functional GUI Testing of Mobile Applications",
            "Functional {GUI} Testing of Mobile Applications",
        ),
        ("Quasi-Newton Methods", "Quasi-{Newton} Methods"),
        ("The Bethe Lattice and Markov's Chains", "The {Bethe} Lattice and {Markov}'s Chains"),
        ("COVID-19 on an iPhone with LaTeX", "{COVID-19} on an {iPhone} with {LaTeX}"),
        ("Fed2Com and BERT", "{Fed2Com} and {BERT}"),
        ("Already {MIMO} and $O(n)$ math", "Already {MIMO} and {$O(n)$} math"),
        # Math is braced whole: BibTeX's plain would print $\lambda$ and $o(n^2)$.
        ("$\\Lambda$CDM model", "{$\\Lambda$}{CDM} model"),
        ("A $T$-matrix approach", "A {$T$}-matrix approach"),
        ("\\(x^NP + 1\\) bound", "{\\(x^NP + 1\\)} bound"),
        ("unclosed $x DNA", "unclosed $x DNA"),
        # A macro and the word after it stay as written: braces would change what it covers.
        ('\\"OBB rail', '\\"OBB rail'),
        ("\\'ENS Lyon", "\\'ENS Lyon"),
        ("\\v CERN and DNA", "\\v CERN and {DNA}"),
        ("\\textbf DNA", "\\textbf DNA"),
        ('Schr{\\"o}dinger Bridges', 'Schr{\\"o}dinger Bridges'),
        ("A Study \\& More", "A Study \\& More"),
        ("Superfluid $^4$He films", "Superfluid {$^4$}{He} films"),
    ],
)
def test_titles_keep_what_a_style_must_not_lowercase(title: str, protected: str) -> None:
    assert protect_title(title) == protected


def test_the_configured_nouns_extend_the_list() -> None:
    assert protect_title("Parkinson's disease") == "Parkinson's disease"
    assert protect_title("Parkinson's disease", frozenset({"Parkinson"})) == "{Parkinson}'s disease"


_TITLE_TEXT = st.text(
    alphabet=st.characters(min_codepoint=32, max_codepoint=0x17F, exclude_characters="\\"),
    max_size=60,
)


@given(_TITLE_TEXT)
def test_a_protected_title_decodes_to_the_same_text_and_protecting_twice_is_once(
    text: str,
) -> None:
    title = to_bibtex(text)
    protected = protect_title(title, frozenset({"Newton"}))
    assert to_text(protected) == to_text(title)
    assert protect_title(protected, frozenset({"Newton"})) == protected


def test_fmt_protect_titles_shows_then_writes(tmp_path: Path) -> None:
    bib = tmp_path / "publications.bib"
    text = (
        "@article{a, title = {Group Testing for DNA Screening}, author = {Le Gall, Pascale},"
        " journal = {J}, year = 2020}\n"
        '@article{b, title = "The Bethe lattice", author = {X, Y}, journal = {J}, year = 2021}\n'
        "@article{c, title = {Plain words only}, author = {X, Y}, journal = {J}, year = 2021}\n"
    )
    bib.write_text(text, encoding="utf-8")
    shown = run_cli("fmt", "--protect-titles", "--dry-run", "-b", bib)
    assert shown.exit_code == 0
    assert "+title = {Group Testing for {DNA} Screening}" in shown.stdout
    assert '+title = "The {Bethe} lattice"' in shown.stdout
    assert "would protect 2 title(s)" in shown.stderr
    assert bib.read_text(encoding="utf-8") == text
    done = run_cli("fmt", "--protect-titles", "-b", bib)
    assert done.exit_code == 0
    after = bib.read_text(encoding="utf-8")
    assert "{Group Testing for {DNA} Screening}" in after
    assert "@article{c, title = {Plain words only}" in after  # untouched entries stay as written
    assert run_cli("fmt", "-b", bib).exit_code == 2  # nothing asked: a usage error


def test_fmt_replaces_only_the_title_value_and_every_other_byte_stays(tmp_path: Path) -> None:
    bib = tmp_path / "publications.bib"
    entries = [
        # one line, a repeated field and a comment inside the entry: all kept as written
        "@article{a2, title = {RNA and DNA}, author = {Doe, John}, year = {2020}}",
        "@article{a3,\n  title  =  {GPU Kernels},  % why this title\n"
        "  note = {first}, note = {second duplicate},\n  year = 2021\n}",
        '@article(p1, title = "The Bethe Lattice", year = 2019)',
    ]
    bib.write_text("\n\n".join(entries) + "\n", encoding="utf-8")
    assert run_cli("fmt", "--protect-titles", "-b", bib).exit_code == 0
    expected = [
        "@article{a2, title = {{RNA} and {DNA}}, author = {Doe, John}, year = {2020}}",
        "@article{a3,\n  title  =  {{GPU} Kernels},  % why this title\n"
        "  note = {first}, note = {second duplicate},\n  year = 2021\n}",
        '@article(p1, title = "The {Bethe} Lattice", year = 2019)',
    ]
    assert bib.read_text(encoding="utf-8") == "\n\n".join(expected) + "\n"


@pytest.mark.parametrize(
    "title",
    [
        "{Study of } # dnaj # { GPU}",  # @string macro and concatenation
        "{DNA} # { repair}",
        '"" # "GPU only"',
        "dnaj",
    ],
)
def test_fmt_leaves_titles_built_from_macros_or_concatenation(tmp_path: Path, title: str) -> None:
    bib = tmp_path / "publications.bib"
    text = f'@string{{dnaj = "DNA Journal"}}\n\n@article{{k, title = {title}, year = 2020}}\n'
    bib.write_text(text, encoding="utf-8")
    done = run_cli("fmt", "--protect-titles", "-b", bib)
    assert done.exit_code == 0
    assert bib.read_text(encoding="utf-8") == text


def test_fmt_skips_a_title_named_inside_another_value(tmp_path: Path) -> None:
    bib = tmp_path / "publications.bib"
    text = "@article{k, note = {title = {DNA}}, title = {DNA Repair}, year = 2020}\n"
    bib.write_text(text, encoding="utf-8")
    assert run_cli("fmt", "--protect-titles", "-b", bib).exit_code == 0
    assert bib.read_text(encoding="utf-8") == (
        "@article{k, note = {title = {DNA}}, title = {{DNA} Repair}, year = 2020}\n"
    )


_TITLE_PIECES = st.lists(
    st.sampled_from(
        [
            "DNA",
            "Newton",
            " ",
            "a",
            "BB",
            "-",
            "'s",
            "$x$",
            "$T$",
            '\\"O',
            "\\'E",
            "\\v C",
            "{MIMO}",
            "\\(y\\)",
            "\\&",
            "\\textbf ",
            "4",
            "He",
            "iPhone",
            ": ",
        ]
    ),
    max_size=12,
).map("".join)


@given(_TITLE_PIECES)
def test_protecting_titles_with_macros_and_math_keeps_their_text(title: str) -> None:
    protected = protect_title(title)
    assert to_text(protected) == to_text(title)
    assert protect_title(protected) == protected
    assert protected.count("{") - protected.count("}") == title.count("{") - title.count("}")
