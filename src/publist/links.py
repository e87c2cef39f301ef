"""Links of a publication: which fields hold them, how they become URLs, which are safe."""

from __future__ import annotations

import re
from collections.abc import Callable

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
_URL_MACRO = re.compile(r"^\\(?:url|href)\s*\{([^{}]*)\}(?:\s*\{.*\})?$", re.DOTALL)
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
    """True for http, https, mailto and relative links; false for javascript:, data: and kin."""
    squeezed = _IGNORED_BY_BROWSERS.sub("", url)
    if squeezed.startswith("\\"):
        return False
    match = _SCHEME.match(squeezed)
    if match is None:
        return True
    return match.group(1).lower() in SAFE_SCHEMES


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
        if not url or url in seen:
            continue
        if not is_safe_url(url):
            dropped.append(f"unsafe link in field {name!r} dropped: {url[:60]!r}")
            continue
        seen.add(url)
        links.append(Link(kind, url))
    return tuple(links), dropped
