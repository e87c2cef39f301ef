"""Text into BibTeX: make plain text (from arXiv or another service) safe in a braced value."""

from __future__ import annotations

import re

from publist.bibtex.names import SURNAME_PARTICLES

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


def split_display_name(name: str) -> tuple[str, str]:
    """``(given, family)`` of a display name ("Adrian Del Maestro" -> "Adrian", "Del Maestro").

    The last word is the family name, extended leftwards over surname particles whatever their
    case (:data:`~publist.bibtex.names.SURNAME_PARTICLES`); a one-word or CJK name is all family.
    """
    words = name.split()
    if len(words) <= 1 or _CJK.search(name):
        return "", " ".join(words)
    start = len(words) - 1
    while start > 1 and words[start - 1].lower().rstrip(".") in SURNAME_PARTICLES:
        start -= 1
    return " ".join(words[:start]), " ".join(words[start:])


_SUFFIX = re.compile(r"(?:,\s*|\s+)(Jr\.?|Sr\.?|II|III|IV)$")


def split_person(name: str) -> tuple[str, str, str]:
    """``(given, family, suffix)`` of a display name: "John Smith Jr." -> John, Smith, Jr."""
    name = " ".join(name.split())
    suffix = ""
    match = _SUFFIX.search(name)
    if match is not None and len(name[: match.start()].split()) >= 2:
        suffix, name = match.group(1), name[: match.start()]
    given, family = split_display_name(name)
    return given, family, suffix


def person(given: str, family: str, suffix: str = "") -> str:
    """One name for an ``author`` field in BibTeX's unambiguous ``Family, Given`` form.

    A family name BibTeX could misread (a single word given whole, CJK, one holding "and" or a
    comma) is braced; the text is escaped as :func:`to_bibtex` does.
    """
    family_text = to_bibtex(family)
    given_text = to_bibtex(given)
    if not given_text:
        return "{" + family_text + "}"
    if _NEEDS_BRACES.search(family_text) or _NEEDS_BRACES.search(given_text):
        family_text = "{" + family_text + "}"
        given_text = "{" + given_text + "}" if _NEEDS_BRACES.search(given_text) else given_text
    if suffix:
        return f"{family_text}, {to_bibtex(suffix)}, {given_text}"
    return f"{family_text}, {given_text}"


# A comma or a standalone "and" inside a part would split the name or the list.
_NEEDS_BRACES = re.compile(r",|\band\b", re.IGNORECASE)
_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff]")
