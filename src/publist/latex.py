"""LaTeX to Unicode for displayed fields, with a fast path for values that need no decoding."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pylatexenc.latex2text import LatexNodes2Text

# A value without any of these characters is plain text already; most titles and names are.
_SPECIAL = re.compile(r"[\\{}$~%`']|--")
_BARE_PERCENT = re.compile(r"(?<!\\)%")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _decoder() -> LatexNodes2Text:
    # Imported lazily: pylatexenc is the slowest import of the export path.
    import logging

    from pylatexenc.latex2text import LatexNodes2Text

    # Unknown macros are expected in real files; pylatexenc would log each one.
    logging.getLogger("pylatexenc").setLevel(logging.CRITICAL)
    return LatexNodes2Text(math_mode="text", strict_latex_spaces=False)


def to_text(value: str) -> str:
    """Decode LaTeX in ``value`` to Unicode text and collapse whitespace."""
    if not _SPECIAL.search(value):
        return _SPACES.sub(" ", value).strip()
    return _decode(value)


@lru_cache(maxsize=8192)
def _decode(value: str) -> str:
    # In a .bib value a bare % is a literal percent sign, not a TeX comment.
    source = _BARE_PERCENT.sub(r"\\%", value)
    try:
        text = _decoder().latex_to_text(source)
    except Exception:  # pylatexenc raises assorted errors on malformed input
        text = value.replace("{", "").replace("}", "")
    # NBSP from ~ is a typesetting hint; a plain space reads the same and matches names.
    text = text.replace("\xa0", " ")
    return _SPACES.sub(" ", text).strip()
