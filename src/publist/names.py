"""Author names: split BibTeX name lists, decode them, and recognise the owner's spellings."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from publist.bibfile import NameSplitError, split_name, split_names
from publist.latex import to_text
from publist.model import Author
from publist.textfold import fold as _fold
from publist.textfold import fold_words

# Marks authors attach to their names: equal contribution, corresponding author, and kin.
MARK_CHARS = "*†‡§¶#"
# A superscript after a name: "$^*$", "$^{\dagger}$", "\textsuperscript{1,*}". Its marks are
# kept; affiliation numbers and letters are dropped (the CV has no affiliations to point to).
_SUPERSCRIPT = re.compile(
    r"\$\s*\^\s*(\{[^{}$]*\}|\\[a-zA-Z]+|[^\s{}$])\s*\$|\\textsuperscript\s*\{([^{}]*)\}"
)
_MARK_PREFIXES = ("^", "\\textsuperscript")
_MARK_MACROS = {
    "\\dagger": "†",
    "\\dag": "†",
    "\\textdagger": "†",
    "\\ddagger": "‡",
    "\\ddag": "‡",
    "\\textdaggerdbl": "‡",
    "\\ast": "*",
    "\\textasteriskcentered": "*",
}
_MARK_TOKEN = re.compile(r"\\[a-zA-Z]+|\S")
_BARE_MARK_MACRO = re.compile(r"\\(?:dagger|dag|textdagger|ddagger|ddag|textdaggerdbl)\b(?:\{\})?")
_INITIAL_SEPARATORS = re.compile(r"[\s.\-]+")


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
            (first, von, last, jr), _ = _split_or_whole(name)
            author = _decoded(first, von, last, jr)
            keys.add(_name_key(author.first, author.von, author.last))
            # "{Qingyu Song}" is one brace-protected token to BibTeX: match it as a whole.
            # Word by word, so "{Qing Yusong}" still differs from "Qingyu Song".
            keys.add(("", fold_words(f"{author.first} {author.von} {author.last}")))
            initials.add((_initials(author.first), _last_key(author)))
        return cls(frozenset(keys), frozenset(initials), match_initials)

    def matches(self, author: Author) -> bool:
        """True when ``author`` is the owner."""
        if not self.keys:
            return False
        if _name_key(author.first, author.von, author.last) in self.keys:
            return True
        if self.match_initials and _is_initials_only(author.first):
            return (_initials(author.first), _last_key(author)) in self.initials
        return False


def parse_authors(value: str, owner: OwnerMatcher | None = None) -> tuple[list[Author], list[str]]:
    """Split and decode a BibTeX name list; returns the authors and any problems found."""
    authors: list[Author] = []
    problems: list[str] = []
    for raw in _split(value):
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


@lru_cache(maxsize=4096)
def _split(value: str) -> tuple[str, ...]:
    # The same author lists come back again and again in a group's file.
    return tuple(split_names(value))


@lru_cache(maxsize=16384)
def _parse_name(raw: str) -> tuple[Author, str | None]:
    """One name of a list, decoded, and the problem splitting it; names repeat, so cached."""
    stripped, marks = extract_marks(raw)
    (first, von, last, jr), error = _split_or_whole(stripped)
    problem = f"cannot split name {raw.strip()!r}: {error}" if error is not None else None
    return _decoded(first, von, last, jr, marks=marks), problem


def _split_or_whole(name: str) -> tuple[tuple[str, str, str, str], str | None]:
    """BibTeX's (first, von, last, jr) of ``name``; one it cannot split is all last name."""
    try:
        return split_name(name), None
    except NameSplitError as exc:
        return ("", "", name, ""), str(exc)


def extract_marks(name: str) -> tuple[str, str]:
    """Remove ``*``/``†`` style marks from a raw name; return the name and the marks in order."""
    found: list[str] = []

    def superscript(match: re.Match[str]) -> str:
        content = (match.group(1) or match.group(2) or "").strip("{}")
        for token in _MARK_TOKEN.findall(content):
            mark = _MARK_MACROS.get(token, token)
            if mark in MARK_CHARS:
                found.append(mark)
        return ""

    def bare(match: re.Match[str]) -> str:
        found.append(_MARK_MACROS[match.group(0).removesuffix("{}")])
        return ""

    name = _SUPERSCRIPT.sub(superscript, name)
    name = _BARE_MARK_MACRO.sub(bare, name)
    # Marks may sit after the last name or the first name ("Song*, Qingyu").
    cleaned = []
    for piece in name.split(","):
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


def _last_key(author: Author) -> str:
    return _fold(f"{author.von} {author.last}")


# Every author of every entry is compared with the owner, and the same names come back entry
# after entry: the folded keys are computed once per spelling.
@lru_cache(maxsize=16384)
def _name_key(first: str, von: str, last: str) -> tuple[str, str]:
    # Only the exact (given, family) pair matches: joining the parts would let "Qing Yusong"
    # pass for "Qingyu Song". A name without a given part (CJK "宋庆禹", or a whole name in
    # braces, "{Qingyu Song}") is compared word by word.
    if not first:
        return ("", fold_words(f"{von} {last}"))
    return (_fold(first), _fold(f"{von} {last}"))


@lru_cache(maxsize=4096)
def _initials(first: str) -> str:
    return "".join(
        folded[:1] for part in _INITIAL_SEPARATORS.split(first) if (folded := _fold(part))
    )


@lru_cache(maxsize=4096)
def _is_initials_only(first: str) -> bool:
    parts = [p for p in _INITIAL_SEPARATORS.split(first) if p]
    return bool(parts) and all(len(_fold(p)) == 1 for p in parts)
