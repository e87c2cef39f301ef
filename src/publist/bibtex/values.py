"""BibTeX values: evaluate enclosing, ``@string`` macros and ``#`` concatenation; read months."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

MONTH_MACROS: Mapping[str, str] = {
    name: str(number)
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}


_BRACES = re.compile(r"[{}]")
_BRACES_AND_QUOTES = re.compile(r'[{}"]')
_CONCATENATION_MARKS = re.compile(r'[{}"#]')


def evaluate(raw: str, strings: Mapping[str, str]) -> str:
    """Evaluate a raw BibTeX value: strip enclosing, resolve macros and ``#`` concatenation."""
    raw = raw.strip()
    if not raw:
        return ""
    first = raw[0]
    # Fast paths: one braced or quoted piece, by far the most common value; the character
    # scans run only when the value holds a brace or quote that could end it early.
    if first == "{" and raw[-1] == "}":
        inner = raw[1:-1]
        if ("{" not in inner and "}" not in inner) or _closes_at_end(raw):
            return inner
    if first == '"' and raw[-1] == '"':
        inner = raw[1:-1]
        if '"' not in inner or _single_quoted(raw):
            return inner
    if "#" not in raw:  # a single macro name or number
        return _evaluate_piece(raw, strings)
    return "".join(_evaluate_piece(piece, strings) for piece in _split_concatenation(raw))


def single_piece(raw: str) -> str | None:
    """The text inside ``raw`` when it is one braced or quoted piece, else None.

    ``{A} # {B}``, ``"" # "A"``, a macro name or a number are not one piece.
    """
    raw = raw.strip()
    if len(raw) >= 2 and raw[0] == "{" and raw[-1] == "}" and _closes_at_end(raw):
        return raw[1:-1]
    if len(raw) >= 2 and raw[0] == '"' and raw[-1] == '"' and _single_quoted(raw):
        return raw[1:-1]
    return None


def _closes_at_end(raw: str) -> bool:
    """True when the brace that opens ``raw`` is closed by its last character."""
    # Only the braces are visited: values such as abstracts are long and have few of them.
    depth = 0
    for brace in _BRACES.finditer(raw):
        if brace.group() == "{":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return brace.start() == len(raw) - 1
    return False


def _single_quoted(raw: str) -> bool:
    """True when ``raw`` is one quoted piece (no quote at brace depth 0 inside it)."""
    depth = 0
    for mark in _BRACES_AND_QUOTES.finditer(raw, 1, len(raw) - 1):
        char = mark.group()
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif depth == 0:
            return False
    return True


def _split_concatenation(raw: str) -> Iterator[str]:
    depth = 0
    quoted = False
    start = 0
    for mark in _CONCATENATION_MARKS.finditer(raw):
        char = mark.group()
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"':
            if depth == 0:
                quoted = not quoted
        elif depth == 0 and not quoted:
            yield raw[start : mark.start()].strip()
            start = mark.end()
    yield raw[start:].strip()


def _evaluate_piece(piece: str, strings: Mapping[str, str]) -> str:
    if len(piece) >= 2 and piece[0] == "{" and piece[-1] == "}":
        return piece[1:-1]
    if len(piece) >= 2 and piece[0] == '"' and piece[-1] == '"':
        return piece[1:-1]
    name = piece.lower()
    if name in strings:
        return strings[name]
    if name in MONTH_MACROS:
        return MONTH_MACROS[name]
    # A number or an undefined macro: BibTeX would warn and use the name; show what was written.
    return piece


# The BibTeX macros (jan ... dec), the full names and "sept".
_MONTH_NAMES = {
    **{name: int(number) for name, number in MONTH_MACROS.items()},
    **{
        name: number
        for number, name in enumerate(
            (
                "january",
                "february",
                "march",
                "april",
                "may",
                "june",
                "july",
                "august",
                "september",
                "october",
                "november",
                "december",
            ),
            start=1,
        )
    },
    "sept": 9,
}
_MONTH_NUMBER = re.compile(r"[0-9]{1,2}")
_MONTH_HEAD = re.compile(r"([0-9]{1,2}|[a-z]+)\.?\s*[~/,\-–—\\\s]")


def parse_month(value: str) -> int | None:
    """The month number of a ``month`` value (``jan``, ``January``, ``Sept.``, ``6``), or None."""
    cleaned = value.strip().strip(".").lower()
    if not cleaned:
        return None
    if _MONTH_NUMBER.fullmatch(cleaned):
        number = int(cleaned)
        return number if 1 <= number <= 12 else None
    if cleaned in _MONTH_NAMES:
        return _MONTH_NAMES[cleaned]
    # "oct # {~1}", "4-5", "jun # {/} # jul": a day or a range after the month; sort by its start.
    head = _MONTH_HEAD.match(cleaned)
    return parse_month(head.group(1)) if head else None
