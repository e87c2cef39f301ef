"""LaTeX to Unicode for displayed fields, with a fast path for values that need no decoding."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pylatexenc.latex2text import LatexNodes2Text

# A value without any of these characters is plain text already; most titles and names are.
_SPECIAL = re.compile(r"[\\{}$~%&`']|--")
# In a .bib value a bare % or & is meant literally (BibTeX passes it through untouched).
_BARE_LITERAL = re.compile(r"(?<!\\)([%&])")
# pylatexenc renders these logos as nothing; they are common in titles.
_LOGOS = {
    "TeX": "TeX",
    "LaTeX": "LaTeX",
    "LaTeXe": "LaTeX2ε",
    "BibTeX": "BibTeX",
    "XeTeX": "XeTeX",
    "XeLaTeX": "XeLaTeX",
    "LuaTeX": "LuaTeX",
    "LuaLaTeX": "LuaLaTeX",
    "ConTeXt": "ConTeXt",
    "AmSTeX": "AmS-TeX",
    "AMS": "AMS",
    "METAFONT": "METAFONT",
    "MF": "METAFONT",
    "MP": "MetaPost",
    "eTeX": "ε-TeX",
    "pdfTeX": "pdfTeX",
    "pdfLaTeX": "pdfLaTeX",
}
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _decoder() -> LatexNodes2Text:
    # Imported lazily: pylatexenc is the slowest import of the export path.
    import logging

    from pylatexenc.latex2text import (
        LatexNodes2Text,
        MacroTextSpec,
        get_default_latex_context_db,
    )

    # Unknown macros are expected in real files; pylatexenc would log each one.
    logging.getLogger("pylatexenc").setLevel(logging.CRITICAL)
    context = get_default_latex_context_db()
    context.add_context_category(
        "publist-logos",
        prepend=True,
        macros=[MacroTextSpec(name, simplify_repl=text) for name, text in _LOGOS.items()],
    )
    return LatexNodes2Text(latex_context=context, math_mode="text", strict_latex_spaces=False)


def to_text(value: str) -> str:
    """Decode LaTeX in ``value`` to Unicode text and collapse whitespace."""
    if not _SPECIAL.search(value):
        return _SPACES.sub(" ", value).strip()
    return _decode(value)


@lru_cache(maxsize=8192)
def _decode(value: str) -> str:
    source = _BARE_LITERAL.sub(r"\\\1", value)
    try:
        text = _decoder().latex_to_text(source)
    except Exception:  # pylatexenc raises assorted errors on malformed input
        text = value.replace("{", "").replace("}", "")
    # NBSP from ~ is a typesetting hint; a plain space reads the same and matches names.
    text = text.replace("\xa0", " ")
    return _SPACES.sub(" ", text).strip()


_MATH = re.compile(r"(?<!\\)\$(?=\S)[^$]+?(?<=\S)(?<!\\)\$")
_ESCAPE = re.compile(r"(?<!\\)([&%#_$])")


def to_bibtex(text: str) -> str:
    """Make plain text from arXiv safe inside a braced BibTeX value.

    ``& % # _ $`` are escaped outside ``$...$`` math (which arXiv keeps as TeX); braces stay
    when they balance and are escaped when they do not, so the value always closes where it
    should. Non-ASCII stays UTF-8. Whitespace is collapsed: a value is one logical line.
    """
    text = _SPACES.sub(" ", text).strip()
    pieces: list[str] = []
    cursor = 0
    for match in _MATH.finditer(text):
        pieces.append(_escape_text(text[cursor : match.start()]))
        pieces.append(match.group(0))
        cursor = match.end()
    pieces.append(_escape_text(text[cursor:]))
    result = "".join(pieces)
    if not _balanced(result):
        result = _escape_braces(result)
    # A trailing backslash would escape the closing brace of the value.
    if result.endswith("\\") and not result.endswith("\\\\"):
        result += " "
    return result


def _escape_text(text: str) -> str:
    return _ESCAPE.sub(r"\\\1", text)


def _balanced(text: str) -> bool:
    depth = 0
    escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def _escape_braces(text: str) -> str:
    out = []
    escaped = False
    for char in text:
        if escaped:
            escaped = False
            out.append(char)
        elif char == "\\":
            escaped = True
            out.append(char)
        elif char in "{}":
            out.append("\\" + char)
        else:
            out.append(char)
    return "".join(out)
