"""Author names: split BibTeX name lists, decode them, and recognise the owner's spellings."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from publist.bibfile import NameSplitError, split_name, split_names
from publist.latex import to_text
from publist.model import Author

# Marks authors attach to their names: equal contribution, corresponding author, and kin.
MARK_CHARS = "*†‡§¶#"
_MARK_PREFIXES = ("^", "\\textsuperscript")
# Each optional part is anchored by a literal token, so matching stays linear on long runs of
# spaces (``\s*\{?\s*`` would backtrack cubically on hostile input).
_LATEX_MARKS = (
    (
        re.compile(
            r"\$\s*\^\s*(?:\{\s*)?\\dagger\s*(?:\}\s*)?\$"
            r"|\\textsuperscript\{\s*\\dagger\s*\}|\\dagger\b|\\textdagger\b"
        ),
        "†",
    ),
    (
        re.compile(r"\$\s*\^\s*(?:\{\s*)?\\ddagger\s*(?:\}\s*)?\$|\\ddagger\b|\\textdaggerdbl\b"),
        "‡",
    ),
    (
        re.compile(
            r"\$\s*\^\s*(?:\{\s*)?(\*|\\ast)\s*(?:\}\s*)?\$"
            r"|\\textsuperscript\{\s*\*\s*\}|\\textasteriskcentered\b"
        ),
        "*",
    ),
)
_NON_LETTERS = re.compile(r"[^\w]+")


@dataclass(frozen=True, slots=True)
class OwnerMatcher:
    """Recognises the owner's name in any spelling the config lists."""

    keys: frozenset[tuple[str, str]]
    initials: frozenset[tuple[str, str]]
    match_initials: bool

    @classmethod
    def from_names(cls, names: Iterable[str], *, match_initials: bool = False) -> OwnerMatcher:
        """Build a matcher from the owner's name variants (``Qingyu Song``, ``宋庆禹``)."""
        keys: set[tuple[str, str]] = set()
        initials: set[tuple[str, str]] = set()
        for name in names:
            try:
                first, von, last, jr = split_name(name)
            except NameSplitError:
                first, von, last, jr = "", "", name, ""
            author = _decoded(first, von, last, jr)
            keys.update(_name_keys(author))
            initials.add((_initials(author.first), _last_key(author)))
        return cls(frozenset(keys), frozenset(initials), match_initials)

    def matches(self, author: Author) -> bool:
        """True when ``author`` is the owner."""
        if not self.keys:
            return False
        if any(key in self.keys for key in _name_keys(author)):
            return True
        if self.match_initials and _is_initials_only(author.first):
            return (_initials(author.first), _last_key(author)) in self.initials
        return False


def parse_authors(value: str, owner: OwnerMatcher | None = None) -> tuple[list[Author], list[str]]:
    """Split and decode a BibTeX name list; returns the authors and any problems found."""
    authors: list[Author] = []
    problems: list[str] = []
    for raw in split_names(value):
        if raw.strip().lower() == "others":
            authors.append(Author(first="", von="", last="et al.", jr=""))
            continue
        author, problem = _parse_name(raw)
        if problem:
            problems.append(problem)
        if owner is not None and owner.matches(author):
            author = Author(
                author.first, author.von, author.last, author.jr, author.marks, is_owner=True
            )
        authors.append(author)
    return authors, problems


@lru_cache(maxsize=16384)
def _parse_name(raw: str) -> tuple[Author, str | None]:
    """One name of a list, decoded, and the problem splitting it; names repeat, so cached."""
    stripped, marks = extract_marks(raw)
    problem = None
    try:
        first, von, last, jr = split_name(stripped)
    except NameSplitError as exc:
        problem = f"cannot split name {raw.strip()!r}: {exc}"
        first, von, last, jr = "", "", stripped, ""
    return _decoded(first, von, last, jr, marks=marks), problem


def extract_marks(name: str) -> tuple[str, str]:
    """Remove ``*``/``†`` style marks from a raw name; return the name and the marks in order."""
    found: list[str] = []
    for pattern, mark in _LATEX_MARKS:
        if pattern.search(name):
            name = pattern.sub("", name)
            found.append(mark)
    # Marks may sit after the last name or the first name ("Song*, Qingyu").
    pieces = name.split(",")
    cleaned = []
    for piece in pieces:
        end, marks = _trailing_marks(piece)
        found.extend(marks)
        cleaned.append(piece[:end])
    ordered = "".join(dict.fromkeys(found))
    return ",".join(cleaned).strip(), ordered


def _trailing_marks(piece: str) -> tuple[int, list[str]]:
    """Where the name in ``piece`` ends before its trailing marks, and those marks in order.

    Scans backwards by hand: a regular expression for "marks, each optionally after ``^``,
    spaces anywhere" backtracks cubically on a long run of spaces.
    """
    marks: list[str] = []
    end = len(piece)
    while True:
        cut = _skip_spaces(piece, end)
        if not cut or piece[cut - 1] not in MARK_CHARS:
            break
        mark = piece[cut - 1]
        cut = _skip_spaces(piece, cut - 1)
        for prefix in _MARK_PREFIXES:
            if piece.endswith(prefix, 0, cut):
                cut = _skip_spaces(piece, cut - len(prefix))
                break
        if not cut:  # a mark with no name before it is the name itself
            break
        marks.append(mark)
        end = cut
    marks.reverse()
    return end, marks


def _skip_spaces(text: str, end: int) -> int:
    while end and text[end - 1].isspace():
        end -= 1
    return end


def _decoded(first: str, von: str, last: str, jr: str, *, marks: str = "") -> Author:
    return Author(to_text(first), to_text(von), to_text(last), to_text(jr), marks)


def _fold(text: str) -> str:
    """Case- and accent-insensitive form: ``Qíngyǔ`` and ``QINGYU`` fold alike."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_LETTERS.sub("", stripped.casefold())


def _last_key(author: Author) -> str:
    return _fold(f"{author.von} {author.last}")


def _name_keys(author: Author) -> list[tuple[str, str]]:
    first = _fold(author.first)
    last = _last_key(author)
    # Only the exact (given, family) pair matches: joining the parts would let "Qing Yusong"
    # pass for "Qingyu Song". One-token names (CJK "宋庆禹") have an empty given part.
    return [(first, last)]


def _initials(first: str) -> str:
    return "".join(_fold(part)[:1] for part in re.split(r"[\s.\-]+", first) if _fold(part))


def _is_initials_only(first: str) -> bool:
    parts = [p for p in re.split(r"[\s.\-]+", first) if p]
    return bool(parts) and all(len(_fold(p)) == 1 for p in parts)
