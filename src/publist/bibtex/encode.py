"""Text into BibTeX: make plain text (from arXiv or another service) safe in a braced value."""

from __future__ import annotations

import re

_SPACES = re.compile(r"\s+")
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
