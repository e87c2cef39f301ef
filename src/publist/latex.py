"""LaTeX to Unicode for displayed fields, with a fast path for values that need no decoding."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from publist import texmacros

if TYPE_CHECKING:
    from pylatexenc.latex2text import LatexNodes2Text
    from pylatexenc.macrospec import LatexContextDb

# A value without any of these characters is plain text already; most titles and names are.
_SPECIAL = re.compile(r"[\\{}$~%&`']|--")
# In a .bib value a bare % or & is meant literally (BibTeX passes it through untouched).
_BARE_LITERAL = re.compile(r"(?<!\\)([%&])")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _decoder() -> tuple[LatexNodes2Text, LatexContextDb]:
    """The text converter and the parser context, both taught the macros of real .bib files."""
    # Imported lazily: pylatexenc is the slowest import of the export path.
    import logging

    from pylatexenc import latex2text, latexwalker, macrospec
    from pylatexenc.latex2text import LatexNodes2Text

    # Unknown macros are expected in real files; pylatexenc would log each one.
    logging.getLogger("pylatexenc").setLevel(logging.CRITICAL)

    def unknown(node: Any, macroname: str) -> str:
        has_arguments = bool(node.nodeargd and node.nodeargd.argnlist)
        return texmacros.unknown_macro_text(macroname, has_arguments=has_arguments)

    parsing = latexwalker.get_default_latex_context_db()
    text = latex2text.get_default_latex_context_db()
    parsing.add_context_category(
        "publist",
        prepend=True,
        macros=[
            *(
                macrospec.MacroSpec(name, spec)
                for name, (spec, _) in texmacros.WITH_ARGUMENTS.items()
            ),
            *(
                macrospec.MacroSpec(name, args_parser=macrospec.VerbatimArgsParser("verb-macro"))
                for name in texmacros.VERBATIM
            ),
        ],
    )
    text.add_context_category(
        "publist",
        prepend=True,
        macros=[
            *(latex2text.MacroTextSpec(name, logo) for name, logo in texmacros.LOGOS.items()),
            *(
                latex2text.MacroTextSpec(name, replacement)
                for name, (_, replacement) in texmacros.WITH_ARGUMENTS.items()
            ),
            *(latex2text.MacroTextSpec(name, "%(1)s") for name in texmacros.VERBATIM),
        ],
    )
    text.set_unknown_macro_spec(latex2text.MacroTextSpec("", simplify_repl=unknown))
    converter = LatexNodes2Text(math_mode="text", strict_latex_spaces=False, latex_context=text)
    return converter, parsing


def to_text(value: str) -> str:
    """Decode LaTeX in ``value`` to Unicode text and collapse whitespace."""
    if not _SPECIAL.search(value):
        return _SPACES.sub(" ", value).strip()
    return _decode(value)


@lru_cache(maxsize=8192)
def _decode(value: str) -> str:
    source = _BARE_LITERAL.sub(r"\\\1", value)
    try:
        converter, parsing = _decoder()
        text = converter.latex_to_text(texmacros.strip_dimensions(source), latex_context=parsing)
    except Exception:  # pylatexenc raises assorted errors on malformed input
        text = value.replace("{", "").replace("}", "")
    # NBSP from ~ is a typesetting hint; a plain space reads the same and matches names.
    text = text.replace("\xa0", " ")
    return _SPACES.sub(" ", text).strip()


_MATH = re.compile(r"(?<!\\)\$(?=\S)[^$]+?(?<=\S)(?<!\\)\$")
_ESCAPE = re.compile(r"(?<!\\)([&%#_$])")


def to_bibtex(text: str) -> str:
    """Make plain text from arXiv safe inside a braced BibTeX value.

    ``& % # _ $`` are escaped outside ``$...$`` math (which arXiv keeps as TeX). Balanced
    braces stay (TeX grouping, as arXiv means them); a TeX-escaped brace or an unbalanced one
    becomes ``\\textbraceleft{}``/``\\textbraceright{}``, so the value always closes where it
    should for BibTeX and for parsers that honour ``\\{``. Non-ASCII stays UTF-8; whitespace
    is collapsed, and TeX line breaks (``\\\\``) become spaces: a value is one logical line.
    """
    text = _SPACES.sub(" ", text.replace("\\\\", " ")).strip().rstrip("\\").rstrip()
    pieces: list[str] = []
    cursor = 0
    for match in _MATH.finditer(text):
        pieces.append(_ESCAPE.sub(r"\\\1", text[cursor : match.start()]))
        pieces.append(match.group(0))
        cursor = match.end()
    pieces.append(_ESCAPE.sub(r"\\\1", text[cursor:]))
    result = "".join(pieces)
    if not _balanced(result.replace("\\{", "").replace("\\}", "")):
        return "".join(
            _LEFT if c == "{" else _RIGHT if c == "}" else c
            for c in result.replace("\\{", "{").replace("\\}", "}")
        )
    return result.replace("\\{", _LEFT).replace("\\}", _RIGHT)


_LEFT = "\\textbraceleft{}"
_RIGHT = "\\textbraceright{}"


def _balanced(text: str) -> bool:
    """Brace balance as BibTeX counts it: every brace, backslash or not."""
    depth = 0
    for char in text:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0
