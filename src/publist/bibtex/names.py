"""Author names: split BibTeX name lists by BibTeX's rules, find marks, decode to Unicode."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Protocol

from bibtexparser.middlewares.names import (
    InvalidNameError,
    parse_single_name_into_parts,
    split_multiple_persons_names,
)

from publist.bibtex.latex import to_text
from publist.model import Author

# BibTeX's name separator: "and" in any case between runs of space, tab, CR or LF ("~" binds).
# A match starts only where a run of whitespace starts: tried from inside a long run, the
# pattern would rescan the rest of it at every position (quadratic time).
_NAME_SEPARATOR = re.compile(r"(?<![ \t\r\n])[ \t\r\n]+[aA][nN][dD][ \t\r\n]+")
_NAME_SEPARATOR_OR_BRACE = re.compile(r"[{}]|(?<![ \t\r\n])[ \t\r\n]+[aA][nN][dD][ \t\r\n]+")


def _words(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``: a long word list written as prose."""
    return frozenset(text.split())


# Common Vietnamese, Chinese and Korean family names in Latin letters. Before one of them a
# capitalised particle word is a given or middle name, not part of the family name: "Thanh Van
# Nguyen" is Nguyen, Thanh Van (Văn), "Xin Di Wu" is Wu, Xin Di; "Toon Van Hoof" stays
# Van Hoof, Toon. Lowercase particles ("van der Waals") are always part of the family name.
EAST_ASIAN_FAMILY_NAMES = _words(
    """
    Nguyen Tran Le Pham Hoang Huynh Phan Vu Vo Dang Bui Do Ho Ngo Duong Ly Dinh Truong Trinh Mai
    Lam Luong Ha Cao Ta Quach Doan Chu Lu Tang Vuong Wang Li Zhang Liu Chen Yang Huang Zhao Wu
    Zhou Xu Sun Ma Zhu Hu Guo He Lin Gao Luo Zheng Liang Xie Song Han Feng Deng Peng Zeng Xiao
    Tian Dong Pan Yuan Cai Jiang Yu Du Ye Cheng Wei Su Ding Ren Shen Yao Jin Fu Zhong Qian Fan
    Shi Wen Qin Dai Tan Kong Bai Mao Qiu Jia Xia Xiong Meng Hou Yin Chang Gu Hao Lei Long Duan
    Kang Lai Wan Shao Qi Yan Cui Lv Zou Xue Fang Ling Mo Niu Kim Lee Park Choi Jung Cho Yoon
    Jang Lim Oh Seo Shin Kwon Hwang Ahn Yoo Hong Jeon Ko Moon Son Bae Baek Heo Nam
    """
)
# Words that begin a family name whatever their case ("Toon De Prins", "Adrian Del Maestro",
# "Pascale Le Gall"): BibTeX reads a capitalised one in "First von Last" as a given name.
SURNAME_PARTICLES = frozenset(
    [
        "da",
        "das",
        "de",
        "del",
        "della",
        "der",
        "des",
        "di",
        "do",
        "dos",
        "du",
        "la",
        "le",
        "st",
        "ten",
        "ter",
        "van",
        "vande",
        "vander",
        "von",
        "zu",
        "bin",
        "ibn",
        "al",
        "el",
    ]
)


class NameSplitError(ValueError):
    """A name that BibTeX's rules cannot split (for example too many commas)."""


def split_names(value: str) -> list[str]:
    """Split a name list on top-level ``and``."""
    if "\\" in value:
        # An escape can hide a space or a brace; bibtexparser's scanner knows them.
        names = split_multiple_persons_names(value)
    else:
        names = _split_unescaped_names(value.strip(" \r\n\t"))
    return [name for name in names if name.strip()]


def _split_unescaped_names(value: str) -> list[str]:
    """``split_multiple_persons_names`` for a value without backslashes, by regex.

    Only separators and braces are visited instead of every character (a property test
    compares the two); an "and" inside braces ("{Simon and Schuster}") does not separate.
    """
    if not value:
        return []
    if "{" not in value and "}" not in value:
        return _NAME_SEPARATOR.split(value)
    names: list[str] = []
    start = 0
    depth = 0
    for mark in _NAME_SEPARATOR_OR_BRACE.finditer(value):
        piece = mark.group()
        if piece == "{":
            depth += 1
        elif piece == "}":
            depth = max(depth - 1, 0)  # BibTeX ignores a stray closing brace
        elif depth == 0 and not value.startswith("}", mark.end()):
            # (A closing brace right after " and " cancels it in bibtexparser's scanner.)
            names.append(value[start : mark.start()])
            start = mark.end()
    names.append(value[start:])
    return names


def split_name(name: str) -> tuple[str, str, str, str]:
    """Split one name into (first, von, last, jr) by BibTeX's rules."""
    try:
        parts = parse_single_name_into_parts(name, strict=True)
    except InvalidNameError as exc:
        raise NameSplitError(str(exc)) from None
    return (
        " ".join(parts.first),
        " ".join(parts.von),
        " ".join(parts.last),
        " ".join(parts.jr),
    )


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


class OwnerTest(Protocol):
    """Tells whether an author is the owner (:class:`publist.build.owner.OwnerMatcher` does)."""

    def matches(self, author: Author) -> bool:
        """True when ``author`` is the owner."""
        ...


def parse_authors(value: str, owner: OwnerTest | None = None) -> tuple[list[Author], list[str]]:
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
    (first, von, last, jr), error = split_or_whole(stripped)
    problem = f"cannot split name {raw.strip()!r}: {error}" if error is not None else None
    return decode_name(first, von, last, jr, marks=marks), problem


def split_or_whole(name: str) -> tuple[tuple[str, str, str, str], str | None]:
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


def decode_name(first: str, von: str, last: str, jr: str, *, marks: str = "") -> Author:
    return Author(to_text(first), to_text(von), to_text(last), to_text(jr), marks)
