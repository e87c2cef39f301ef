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
