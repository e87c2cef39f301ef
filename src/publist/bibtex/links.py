"""Links of a publication: which fields hold them, how they become URLs, which are safe."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from urllib.parse import unquote

from publist.model import Link

# (field, link kind) in display order; al-folio's names and the standard ones.
LINK_FIELDS: tuple[tuple[str, str], ...] = (
    ("pdf", "PDF"),
    ("eprint", "arXiv"),
    ("doi", "DOI"),
    ("url", "URL"),
    ("html", "HTML"),
    ("code", "Code"),
    ("slides", "Slides"),
    ("poster", "Poster"),
    ("video", "Video"),
    ("supp", "Supplement"),
    ("website", "Website"),
)

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
# Browsers ignore ASCII whitespace and control characters inside a scheme ("java\tscript:").
_IGNORED_BY_BROWSERS = re.compile(r"[\x00-\x20\x7f]+")
_PLAIN_SAFE = re.compile(
    r"(?:[hH][tT][tT][pP][sS]?|[mM][aA][iI][lL][tT][oO]):[^&%\\\x00-\x20\x7f]*"
)
_URL_MACRO = re.compile(r"^\\(?:url|href)\s*\{([^{}]*)\}(?:\s*\{.*\})?$", re.DOTALL)
# Beebe's bibliographies list several URLs in one field: "https://a/x.html;\n    https://b/y.pdf".
_URL_LIST = re.compile(r"[;,]?\s+(?=[A-Za-z][A-Za-z0-9+.\-]*:)")
_WRAPPED = re.compile(r"\s*\n\s*")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


def clean_url(value: str) -> str:
    """Unwrap ``\\url{...}`` and braces; never LaTeX-decode a URL."""
    value = value.strip()
    match = _URL_MACRO.match(value)
    if match:
        value = match.group(1)
    return value.replace("{", "").replace("}", "").strip()


def bare_doi(value: str) -> str:
    """A DOI without its resolver prefix: ``10.1109/ABC.2024.1``."""
    return _DOI_PREFIX.sub("", clean_url(value)).strip()


def is_safe_url(url: str) -> bool:
    """True for http, https, mailto and relative links; false for javascript:, data: and kin.

    The scheme is read the way a browser would (whitespace and control characters inside it
    ignored, any case) and again after undoing HTML entities and percent-encoding, so an
    obfuscated ``java&#115;cript:`` is refused even though escaping alone would defuse it.
    A protocol-relative ``//host/path`` is allowed: it follows the page's own http(s).
    """
    # An http(s)/mailto URL with nothing to decode or ignore: the rounds below accept it.
    return bool(_PLAIN_SAFE.fullmatch(url)) or _decoded_scheme_safe(url)


def _decoded_scheme_safe(url: str) -> bool:
    previous = None
    candidate = url
    # Three rounds undo double encoding (``&amp;#106;``); a longer chain is itself suspicious.
    for _ in range(3):
        if not _safe_scheme(candidate):
            return False
        previous, candidate = candidate, unquote(html.unescape(candidate))
        if candidate == previous:
            return True
    return False


def _safe_scheme(url: str) -> bool:
    squeezed = _IGNORED_BY_BROWSERS.sub("", url)
    # Browsers read a leading backslash as a slash; "\\evil" would be protocol-relative
    # in some and a file share in others.
    if squeezed.startswith("\\"):
        return False
    match = _SCHEME.match(squeezed)
    if match is None:
        return True
    return match.group(1).lower() in SAFE_SCHEMES


def split_urls(value: str) -> list[str]:
    """The URLs in one field: ``a; b`` lists split where a new scheme starts.

    A URL wrapped over lines in the .bib is joined again; a plain space inside one becomes
    ``%20`` as a browser would send it.
    """
    if value.isprintable() and " " not in value:  # no whitespace: one URL
        single = value.rstrip(";,")
        return [single] if single else []
    urls = []
    for piece in _URL_LIST.split(value):
        piece = _WRAPPED.sub("", piece.strip().rstrip(";,").strip())
        if piece:
            urls.append(piece.replace(" ", "%20"))
    return urls


def collect_links(
    field: Callable[[str], str], *, arxiv_id: str, doi: str
) -> tuple[tuple[Link, ...], list[str]]:
    """The links of one entry, and a message for each unsafe one that was dropped."""
    links: list[Link] = []
    dropped: list[str] = []
    seen: set[str] = set()
    for name, kind in LINK_FIELDS:
        if name == "doi":
            url = f"https://doi.org/{doi}" if doi else ""
        elif name == "eprint":
            url = f"https://arxiv.org/abs/{arxiv_id}" if arxiv_id else ""
        else:
            value = field(name)
            url = clean_url(value) if value else ""
        if not url:
            continue
        for one in split_urls(url) if name not in ("doi", "eprint") else [url]:
            if not one or one in seen:
                continue
            if not is_safe_url(one):
                dropped.append(f"unsafe link in field {name!r} dropped: {one[:60]!r}")
                continue
            seen.add(one)
            links.append(Link(kind, one))
    return tuple(links), dropped
