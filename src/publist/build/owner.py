"""Recognise the owner in an author list, whatever spelling of their name the file uses.

A name is the owner when its family name (with any ``von`` part) equals that of one of the
owner's configured names, ignoring case, accents, braces and LaTeX, and its given names agree:

* the given names are the same as written (``Qing-yu`` is ``Qingyu``), or
* the first given name is the same and the names after it agree one by one, where a full name
  agrees with itself or its initial (``Aviv A. Rosenberg``, ``Aviv Alon Rosenberg``), and
  either side may have more of them (``Rosenberg, Aviv A`` for the owner "Aviv Rosenberg"); a
  different initial never agrees (``Aviv B. Rosenberg`` is not "Aviv A. Rosenberg"), or
* with ``match_initials``, the given names are initials only (``J. A.``, ``J.-P.``, and the
  undotted ``JA``/``JP`` of Google Scholar and PubMed) and one initial sequence starts the
  other: ``Ricard, JA`` is "Jean Ricard" or "Jean A. Ricard", never "Jean B. Ricard"; or the
  first given name is its initial and the rest agree (``A Fathi Jouzdani``), or
* the whole name has the same words in the same order, however BibTeX splits it into given
  and family name (``De Prins, Toon`` and ``Toon De Prins``).

A name without given names (CJK ``宋庆禹``, a whole name in braces ``{Qingyu Song}``) is
compared word by word with the whole configured name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from publist.bibtex.names import SURNAME_PARTICLES, decode_name, split_or_whole
from publist.build.textfold import fold, fold_words
from publist.model import Author

# An initial as written: "J", "J.", "J.-P.", "J-P" (a hyphenated given name's initials).
_INITIAL = re.compile(r"(?:[^\W\d_]\.?)(?:-[^\W\d_]\.?)*")
# Initials run together with dots and no space: "J.A.", "J.-P.M."
_DOTTED_RUN = re.compile(r"(?:[^\W\d_]\.-?){2,}")
# Google Scholar and PubMed write initials run together without dots: "JA", "AFY".
_UNDOTTED_RUN = re.compile(r"[A-Z]{2,3}")


@dataclass(frozen=True, slots=True)
class _Given:
    """One given name: folded for comparison, its initials, and whether it is only initials."""

    folded: str
    initials: str
    is_initial: bool


@dataclass(frozen=True, slots=True)
class _Name:
    """A name reduced to what matching compares."""

    family: str
    given: tuple[_Given, ...]
    given_folded: str
    words: str  # the whole name word by word, compared when one side has no given name


@dataclass(frozen=True, slots=True)
class OwnerMatcher:
    """Recognises the owner's name in any spelling the config lists."""

    names: tuple[_Name, ...]
    match_initials: bool

    @classmethod
    def from_names(cls, names: Iterable[str], *, match_initials: bool = False) -> OwnerMatcher:
        """Build a matcher from the owner's name variants (``Qingyu Song``, ``宋庆禹``)."""
        spellings = []
        for name in names:
            (first, von, last, jr), _ = split_or_whole(name)
            author = decode_name(first, von, last, jr)
            spellings.append(_reduce(author.first, author.von, author.last))
        return cls(tuple(dict.fromkeys(spellings)), match_initials)

    def matches(self, author: Author) -> bool:
        """True when ``author`` is the owner."""
        if not self.names:
            return False
        return _matches(self, _reduce(author.first, author.von, author.last))


# Every author of every entry is compared with the owner, and the same names come back entry
# after entry: each spelling is reduced, and compared, once.
@lru_cache(maxsize=16384)
def _matches(matcher: OwnerMatcher, name: _Name) -> bool:
    return any(_same_person(owner, name, matcher.match_initials) for owner in matcher.names)


def _same_person(owner: _Name, name: _Name, match_initials: bool) -> bool:
    if not owner.given or not name.given:
        # "宋庆禹", "{Qingyu Song}": word by word, so "{Qing Yusong}" differs from "Qingyu Song".
        return bool(owner.words) and owner.words == name.words
    if owner.words == name.words:
        # The same words in the same order, split differently between given and family name:
        # "De Prins, Toon" and "Toon De Prins", "Fathi Jouzdani, Ali" and "Jouzdani, Ali Fathi".
        return True
    if owner.family != name.family:
        return False
    if owner.given_folded == name.given_folded:
        return True
    file_initials = all(given.is_initial for given in name.given)
    owner_initials = all(given.is_initial for given in owner.given)
    if file_initials or owner_initials:
        # A configured spelling in initials ("B. Chen") vouches for initials, not for names.
        if not (match_initials or (file_initials and owner_initials)):
            return False
        return _prefix_of_either(_initials(owner), _initials(name))
    first, other = owner.given[0], name.given[0]
    if first.folded != other.folded:
        initial = first.is_initial or other.is_initial
        if not (match_initials and initial and _agree(first, other)):
            return False
    return all(_agree(a, b) for a, b in zip(owner.given[1:], name.given[1:], strict=False))


def _agree(one: _Given, other: _Given) -> bool:
    """Two given names at the same place: the same name, or a name and its initial."""
    if one.folded == other.folded:
        return True
    if one.is_initial or other.is_initial:
        return _prefix_of_either(one.initials, other.initials)
    return False


def _prefix_of_either(one: str, other: str) -> bool:
    return bool(one) and bool(other) and (one.startswith(other) or other.startswith(one))


def _initials(name: _Name) -> str:
    return "".join(given.initials for given in name.given)


@lru_cache(maxsize=16384)
def _reduce(first: str, von: str, last: str) -> _Name:
    words = first.split()
    moved: list[str] = []
    while len(words) > 1 and fold(words[-1]) in SURNAME_PARTICLES:
        moved.insert(0, words.pop())
    if moved:
        first, von = " ".join(words), " ".join([*moved, von]).strip()
    # Undotted initials count as initials only beside a family name that is not all capitals:
    # in "LIN, WEI" the "WEI" is a name.
    given = tuple(_given_names(first, allow_undotted=not last.isupper()))
    return _Name(fold(f"{von} {last}"), given, fold(first), fold_words(f"{first} {von} {last}"))


def _given_names(first: str, *, allow_undotted: bool) -> list[_Given]:
    names: list[_Given] = []
    for chunk in first.split():
        if _DOTTED_RUN.fullmatch(chunk) and chunk.count("-") == 0:
            names.extend(_initial(letter) for letter in chunk.split(".") if letter)
        elif allow_undotted and _UNDOTTED_RUN.fullmatch(chunk):
            names.extend(_initial(letter) for letter in chunk)
        elif _INITIAL.fullmatch(chunk):
            names.append(_initial(chunk))
        elif folded := fold(chunk):
            parts = [fold(part) for part in chunk.split("-")]
            names.append(_Given(folded, "".join(part[:1] for part in parts if part), False))
    return names


def _initial(written: str) -> _Given:
    letters = "".join(fold(part)[:1] for part in written.replace(".", "").split("-"))
    return _Given(letters, letters, True)
