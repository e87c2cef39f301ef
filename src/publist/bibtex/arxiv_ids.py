"""arXiv identifiers: find them in an entry's fields and normalise them to canonical form.

Kept apart from the API client so that reading ids (export, list, check) imports no HTTP or
XML code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from publist.bibtex.links import split_urls

__all__ = ["ARXIV_ID_FIELDS", "OLD_ARCHIVES", "ArxivId", "find_arxiv_id", "normalize_arxiv_id"]


# The archives that issued old-style ids (archive/YYMMNNN, 1991 to March 2007). Later archives
# (stat, q-fin, eess, econ) only ever had new-style ids.
OLD_ARCHIVES: frozenset[str] = frozenset(
    {
        "acc-phys",
        "adap-org",
        "alg-geom",
        "ao-sci",
        "astro-ph",
        "atom-ph",
        "bayes-an",
        "chao-dyn",
        "chem-ph",
        "cmp-lg",
        "comp-gas",
        "cond-mat",
        "cs",
        "dg-ga",
        "funct-an",
        "gr-qc",
        "hep-ex",
        "hep-lat",
        "hep-ph",
        "hep-th",
        "math",
        "math-ph",
        "mtrl-th",
        "nlin",
        "nucl-ex",
        "nucl-th",
        "patt-sol",
        "physics",
        "plasm-ph",
        "q-alg",
        "q-bio",
        "quant-ph",
        "solv-int",
        "supr-con",
    }
)

# [0-9], not \d: other Unicode digits must never reach a request.
_VERSION = r"(?:[vV](?P<version>[0-9]+))?"
_NEW_ID = re.compile(r"(?P<yy>[0-9]{2})(?P<mm>[0-9]{2})\.(?P<num>[0-9]{4,5})" + _VERSION)
_OLD_ID = re.compile(
    r"(?P<archive>[A-Za-z]+(?:-[A-Za-z]+)?)(?:\.(?P<sc>[A-Za-z]+(?:-[A-Za-z]+)?))?"
    r"/(?P<yy>[0-9]{2})(?P<mm>[0-9]{2})(?P<num>[0-9]{3})" + _VERSION
)
# Characters that end an id inside free text ("arXiv:2501.18092, 2025").
_ID_CHARS = r"([^\s,;{}()\[\]<>\"']+)"
_DOI_PREFIX = re.compile(
    r"^(?:(?:https?://)?(?:dx\.)?doi\.org/|doi:\s*)?10\.48550/arxiv\.", re.IGNORECASE
)
_URL_PREFIX = re.compile(
    r"^(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|ps|html|format)/", re.IGNORECASE
)
_ARXIV_PREFIX = re.compile(r"^arxiv\s*:\s*", re.IGNORECASE)
_URL_WRAPPER = re.compile(r"\\url\s*\{(.*)\}", re.DOTALL)
_DOI_IN_TEXT = re.compile(r"10\.48550/arxiv\." + _ID_CHARS, re.IGNORECASE)
_URL_IN_TEXT = re.compile(
    r"arxiv\.org/(?:abs|pdf|ps|html|format)/" + r"((?:[A-Za-z.-]+/)?[^\s,;{}()\[\]<>\"'/]+)",
    re.IGNORECASE,
)
_PREFIX_IN_TEXT = re.compile(r"arxiv\s*:\s*" + _ID_CHARS, re.IGNORECASE)
_BARE_IN_TEXT = re.compile(
    r"(?<![\w./-])([0-9]{4}\.[0-9]{4,5}(?:[vV][0-9]+)?|[A-Za-z-]+(?:\.[A-Za-z-]+)?/[0-9]{7}"
    r"(?:[vV][0-9]+)?)(?![\w/-])"
)
_ARXIV_WORD = re.compile(r"\barxiv\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True, order=True)
class ArxivId:
    """A canonical arXiv identifier: ``base`` (``2501.18092``, ``math/0309136``) and a version."""

    base: str
    version: int | None = None

    def __post_init__(self) -> None:
        parsed = _parse_bare(self.base)
        if parsed is None or parsed.base != self.base or parsed.version is not None:
            raise ValueError(f"not a canonical arXiv identifier: {self.base!r}")
        if self.version is not None and self.version < 1:
            raise ValueError(f"arXiv versions start at 1, got {self.version}")

    def __str__(self) -> str:
        """The id as arXiv writes it: ``2501.18092v2``, or the base when no version is set."""
        return self.base if self.version is None else f"{self.base}v{self.version}"

    @property
    def latest(self) -> ArxivId:
        """The same paper without a version (the API then answers with the current one)."""
        return ArxivId(self.base)

    @property
    def abs_url(self) -> str:
        """The abstract page."""
        return f"https://arxiv.org/abs/{self}"

    @property
    def doi(self) -> str:
        """The DOI arXiv registers for the paper (DataCite, ``10.48550``)."""
        return f"10.48550/arXiv.{self.base}"


def posted_year_month(base: str) -> tuple[int, int] | None:
    """The (year, month) a canonical id (``2501.18092``, ``math/0309136``) was posted in."""
    match = _NEW_ID.fullmatch(base) or _OLD_ID.fullmatch(base)
    if match is None:
        return None
    year = int(match["yy"])
    # New-style ids start in 2007; old-style ones run from 1991 to 2007.
    century = 2000 if match.re is _NEW_ID or year < 91 else 1900
    return century + year, int(match["mm"])


def _parse_bare(text: str) -> ArxivId | None:
    """Parse exactly one id with optional version; None unless it can be a real arXiv id."""
    match = _NEW_ID.fullmatch(text)
    if match is not None:
        yymm = int(match["yy"] + match["mm"])
        digits = len(match["num"])
        if not 1 <= int(match["mm"]) <= 12 or int(match["num"]) == 0:
            return None
        # New-style ids began in April 2007; five-digit numbers replaced four in January 2015.
        if digits == 4 and not 704 <= yymm <= 1412:
            return None
        if digits == 5 and yymm < 1501:
            return None
        base = f"{match['yy']}{match['mm']}.{match['num']}"
    else:
        match = _OLD_ID.fullmatch(text)
        if match is None:
            return None
        archive = match["archive"].lower()
        if archive not in OLD_ARCHIVES:
            return None
        year, month = int(match["yy"]), int(match["mm"])
        if not 1 <= month <= 12 or int(match["num"]) == 0:
            return None
        # Old-style ids ran from 1991 to March 2007.
        if not (year >= 91 or year <= 6 or (year == 7 and month <= 3)):
            return None
        # The canonical form drops the subject class: math.GT/0309136 is math/0309136.
        base = f"{archive}/{match['yy']}{match['mm']}{match['num']}"
    version = match["version"]
    if version is None:
        return _make(base, None)
    # No paper has a million versions, and int() refuses thousands of digits (hostile input).
    if len(version) > 6:
        return None
    number = int(version)
    return None if number < 1 else _make(base, number)


def _make(base: str, version: int | None) -> ArxivId:
    # Bypasses the re-validation in __post_init__ (base was just validated).
    ident = object.__new__(ArxivId)
    object.__setattr__(ident, "base", base)
    object.__setattr__(ident, "version", version)
    return ident


def _unwrap(text: str) -> str:
    """Strip what BibTeX leaves around a value: ``\\url{}``, braces, spaces."""
    text = text.strip()
    wrapped = _URL_WRAPPER.fullmatch(text)
    if wrapped is not None:
        text = wrapped.group(1)
    return text.replace("{", "").replace("}", "").strip()


def _strip_tail(token: str) -> str:
    """Remove a URL's query, fragment, ``.pdf`` and trailing slashes or sentence dots."""
    token = re.split(r"[?#]", token, maxsplit=1)[0]
    token = token.rstrip("/.")
    if token.lower().endswith(".pdf"):
        token = token[:-4]
    return token.rstrip("/.")


def _claim(text: str) -> tuple[bool, ArxivId | None]:
    """Whether ``text`` (unwrapped) as a whole claims to be an arXiv reference, and its id."""
    for prefix in (_DOI_PREFIX, _URL_PREFIX, _ARXIV_PREFIX):
        match = prefix.match(text)
        if match is not None:
            rest = _strip_tail(text[match.end() :].strip())
            return True, _parse_bare(rest)
    return False, _parse_bare(text.rstrip("."))


def normalize_arxiv_id(text: str) -> ArxivId | None:
    """The canonical id in ``text`` (bare id, ``arXiv:``, abs/pdf URL or arXiv DOI), else None."""
    return _claim(_unwrap(text))[1]


def _search_text(text: str) -> tuple[bool, ArxivId | None, str]:
    """Look for an arXiv id inside free text such as ``arXiv preprint arXiv:2501.18092``."""
    text = _unwrap(text)
    for pattern in (_DOI_IN_TEXT, _URL_IN_TEXT, _PREFIX_IN_TEXT):
        match = pattern.search(text)
        if match is not None:
            token = _strip_tail(match.group(1))
            return True, _parse_bare(token), token
    # A bare id counts only where the text names arXiv ("arXiv preprint 2501.18092").
    if not _ARXIV_WORD.search(text):
        return False, None, ""
    first_bad = ""
    for match in _BARE_IN_TEXT.finditer(text):
        token = _strip_tail(match.group(1))
        ident = _parse_bare(token)
        if ident is not None:
            return True, ident, token
        # "report tr/1234567" is not an arXiv id at all; only a new-style shape or a real
        # archive name is taken as a (mistyped) arXiv id.
        archive = token.split("/", 1)[0].split(".", 1)[0].lower()
        if not first_bad and ("/" not in token or archive in OLD_ARCHIVES):
            first_bad = token
    if first_bad:
        return True, None, first_bad
    return False, None, ""


_ARXIV_FIELDS = ("arxivid", "arxiv")
_TEXT_FIELDS = ("journal", "note", "howpublished")
# "arxiv" once braces are dropped ("ar{X}iv" too), matched as the rules below match it.
_ID_FIELDS = ("eprint", *_ARXIV_FIELDS)
_MENTION_FIELDS = ("doi", "url", *_TEXT_FIELDS)
# Every field find_arxiv_id reads: callers evaluate only these.
ARXIV_ID_FIELDS = frozenset(("archiveprefix", "eprinttype", *_ID_FIELDS, *_MENTION_FIELDS))
_ARXIV_ANYWHERE = re.compile("a[{}]*r[{}]*x[{}]*i[{}]*v", re.IGNORECASE)


def _may_name_arxiv(fields: Mapping[str, str]) -> bool:
    """False only when no rule below could find an id: most entries, checked cheaply."""
    for name in _ID_FIELDS:
        if fields.get(name, "").strip():
            return True
    # Every other rule needs the word "arxiv" in the value once its braces are gone.
    for name in _MENTION_FIELDS:
        value = fields.get(name)
        if value and _ARXIV_ANYWHERE.search(value):
            return True
    return False


def find_arxiv_id(fields: Mapping[str, str]) -> tuple[ArxivId | None, str | None]:
    """The arXiv id of an entry's evaluated fields, or an error for an id that cannot be valid.

    Sources are tried in order (eprint, arxivid, doi, url, journal, note, howpublished) and the
    first one that refers to arXiv decides: a malformed ``eprint`` is reported even if a URL
    elsewhere is fine, so that the user fixes the field that is wrong.
    """
    lowered = {name.lower(): value for name, value in fields.items()}
    if not _may_name_arxiv(lowered):
        return None, None
    return _find(lowered)


def _find(lowered: Mapping[str, str]) -> tuple[ArxivId | None, str | None]:
    prefix = _unwrap(lowered.get("archiveprefix") or lowered.get("eprinttype") or "").lower()
    eprint = _unwrap(lowered.get("eprint", ""))
    # eprint without a prefix is taken as arXiv (the common case); another prefix
    # (pubmed, hal, jstor, ...) means the eprint is not ours to read.
    if eprint and prefix in ("", "arxiv"):
        ident = _claim(eprint)[1]
        if ident is None:
            return None, f"eprint {eprint!r} is not a valid arXiv identifier"
        return ident, None

    for name in _ARXIV_FIELDS:
        value = _unwrap(lowered.get(name, ""))
        if value:
            ident = _claim(value)[1]
            if ident is None:
                return None, f"{name} {value!r} is not a valid arXiv identifier"
            return ident, None

    doi = _unwrap(lowered.get("doi", ""))
    if doi:
        claimed, ident = _claim(doi)
        if claimed:
            if ident is None:
                return None, f"doi {doi!r} is an arXiv DOI with an invalid identifier"
            return ident, None

    # A url field may list several URLs ("https://arxiv.org/abs/X;\n https://doi.org/Y").
    for url in split_urls(_unwrap(lowered.get("url", ""))):
        claimed, ident = _claim(_unwrap(url))
        if claimed:
            if ident is None:
                return None, f"url {url!r} names an invalid arXiv identifier"
            return ident, None

    for name in _TEXT_FIELDS:
        value = lowered.get(name, "")
        if not value:
            continue
        claimed, ident, token = _search_text(value)
        if claimed:
            if ident is None:
                return None, f"{name} names an invalid arXiv identifier {token!r}"
            return ident, None
    return None, None
