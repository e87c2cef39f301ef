"""The LaTeX scanner gives exactly what pylatexenc's full parser gives, or steps aside."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pylatexenc.latex2text import _defaultspecs
from pylatexenc.latex2text import get_default_latex_context_db as text_context
from pylatexenc.latexwalker import get_default_latex_context_db as parser_context

from publist.bibtex import latex

# Pieces of real bibliography fields, and pieces that trip parsers up.
FRAGMENTS = [
    *("a", "B", "é", "ü", "1", "²", " ", "  ", "\t", "\n", "\xa0", "\u2003", "x y"),
    *("{", "}", "{}", "[", "]", "#", "^", "_", "/", "-", "--", "---", "'", "''", "`", "``"),
    *("!", "?", "!`", "?`", "~", "$", "%", "&", "\\", "\\\\", "\\\n", "\\ ", "\\,", "\\/"),
    *("\\-", "\\&", "\\%", "\\_", "\\#", "\\$", "\\{", "\\}", "\\é", "\\TeXé", "\\TeXbook"),
    *("\\TeX", "\\LaTeX", "\\LaTeXe", "\\BibTeX", "\\textbraceleft", "\\textbraceright"),
    *('\\"', "\\'", "\\`", "\\^", "\\~", "\\=", "\\.", "\\v", "\\c", "\\u", "\\H", "\\k"),
    *("\\r", "\\d", "\\b", "\\t", "\\vec", "\\not", "\\bar", "\\i", "\\j", "\\o", "\\O"),
    *("\\ss", "\\ae", "\\AA", "\\aa", "\\l", "\\L", "\\dots", "\\ldots", "\\'\\i", '\\"{\\i}'),
    *("\\emph", "\\emph{", "\\textbf", "\\textit{", "\\texttt", "\\textsc{", "\\mbox{"),
    *("\\url", "\\url{a~b}", "\\href", "\\cite", "\\verb", "\\begin", "\\end", "\\(", "\\["),
    *("\\it", "\\bf", "{\\em", "\\acro", "\\Dash", "\\kern", "\\relax", "\\ensuremath"),
    *("$x$", "$\\alpha$", "\\c{c}", '\\" {o}', "\\v \n c", "\\'{ }", '\\"{ab}', '\\"{\\TeX}'),
    *("$", "$", "\\log", "\\Omega", "\\hat{x}", "\\mathrm{d}", "\\text{a b}", "\\frac{1}{2}"),
    *("^{2}", "_2", "\\;", "\\!", "\\cdot", "\\alpha x", "\\alpha{}", "O(n \\log n)", "\\left("),
]
values = st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=10).map("".join)


def _agrees(source: str) -> None:
    scanned = latex.scan(source)
    if scanned is not None:
        assert scanned == latex._full_decode(source, source), source


@settings(max_examples=400, deadline=None)
@given(values)
def test_scanner_agrees_with_pylatexenc_on_latex_fragments(source: str) -> None:
    _agrees(source)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab \n{}\\'\"`~-$%&!?^_vci"), max_size=16))
def test_scanner_agrees_with_pylatexenc_on_arbitrary_text(source: str) -> None:
    _agrees(source)


@pytest.mark.parametrize(
    ("source", "text"),
    [
        ('Schr{\\"o}dinger', "Schrödinger"),
        ('Schr\\"odinger', "Schrödinger"),
        ("Garc{\\'\\i}a", "García"),
        ("Ji\\v{r}\\'\\i", "Jiří"),
        ("Fran\\c cois", "François"),
        ('{\\L}ukasz {\\AA}ngstr{\\"o}m', "Łukasz Ångström"),
        ("The {\\TeX} book -- \\LaTeX\\ and {BibTeX}", "The TeX book – LaTeX and BibTeX"),
        ("\\emph{Fast} and {\\it italic} ``quoted''", "Fast and italic “quoted”"),
        ("R\\&D at 50\\%, x~y---z", "R&D at 50%, x\xa0y—z"),
        # publist's additions (texmacros): \Dash is an em dash, \- a hint that prints nothing.
        ("\\acro{TUG} \\Dash{} \\pkg{hyperref}", "TUG — hyperref"),
        ("Spring{\\-}er", "Springer"),
        (
            "The \\MF{}book with \\mbox{G-Animal's} \\mkbibquote{quote}",
            "The METAFONTbook with G-Animal's “quote”",
        ),
        ("{$\\Lambda$CDM} in $O(n \\log n)$ time", "ΛCDM in O(n log n) time"),
        ("The $\\alpha$-helix and $ \\Omega $", "The α-helix and Ω"),
    ],
)
def test_scanner_handles_the_common_constructs(source: str, text: str) -> None:
    assert latex.scan(source) == text
    assert latex._full_decode(source, source) == text


@pytest.mark.parametrize(
    "source",
    [
        "$$x$$",
        "$x",
        "{$x}$",
        "$\\text{$y$}$",
        "see \\cite{x}",
        "a\\\\b",
        "\\begin{x}y\\end{x}",
        "{unclosed",
        "closed}",
        "a\n\nb",
    ],
)
def test_scanner_steps_aside_for_the_full_parser(source: str) -> None:
    assert latex.scan(source) is None


def test_specials_mirror_pylatexenc() -> None:
    parsed = {spec.specials_chars for spec in parser_context().iter_specials_specs()}
    assert parsed - {"&"} == set(latex.SPECIALS)  # a bare & is escaped before decoding
    rendered = {
        spec.specials_chars: spec.simplify_repl for spec in text_context().iter_specials_specs()
    }
    assert {chars: rendered[chars] for chars in latex.SPECIALS} == latex.SPECIALS


def test_accents_mirror_pylatexenc() -> None:
    assert dict(_defaultspecs.unicode_accents_list) == latex.ACCENTS
