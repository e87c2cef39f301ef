"""arXiv's Atom feed: parsed by namespace URI, with XML entities and DTDs refused."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from xml.etree.ElementTree import Element

import defusedxml
import defusedxml.ElementTree as SafeET

from publist.bibtex.arxiv_ids import normalize_arxiv_id
from publist.errors import ArxivError
from publist.sources.arxiv.records import ArxivRecord

__all__ = ["Feed", "FeedError", "parse_feed"]

ATOM_NS = "http://www.w3.org/2005/Atom"
ARXIV_NS = "http://arxiv.org/schemas/atom"
OPENSEARCH_NS = "http://a9.com/-/spec/opensearch/1.1/"


def _atom(tag: str) -> str:
    return f"{{{ATOM_NS}}}{tag}"


def _ax(tag: str) -> str:
    return f"{{{ARXIV_NS}}}{tag}"


class FeedError(ArxivError):
    """An answer that is not a usable Atom feed; ``hostile`` if it must never be retried."""

    def __init__(self, message: str, *, hostile: bool = False) -> None:
        super().__init__(message)
        self.hostile = hostile


@dataclass(frozen=True, slots=True)
class Feed:
    """A parsed answer: its records, the messages of its error entries, unreadable entries."""

    records: tuple[ArxivRecord, ...]
    errors: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    total_results: int | None = None


def _collapse(text: str | None) -> str:
    return " ".join((text or "").split())


def _child_text(element: Element, tag: str) -> str | None:
    child = element.find(tag)
    if child is None:
        return None
    return _collapse("".join(child.itertext())) or None


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def _snippet(data: bytes) -> str:
    text = data[:80].decode("utf-8", errors="replace")
    text = " ".join(text.split())
    return repr(text + ("…" if len(data) > 80 else ""))


_DOI_URL = re.compile(r"^https?://(?:dx\.)?doi\.org/", re.IGNORECASE)


def _parse_entry(entry: Element, raw_id: str) -> ArxivRecord | str:
    """A record, or a message saying why the entry was unusable (``raw_id``: its <id>)."""
    marker = "/abs/"
    ident = None
    if marker in raw_id:
        ident = normalize_arxiv_id(raw_id[raw_id.index(marker) + len(marker) :])
    if ident is None:
        return f"entry with unreadable id {raw_id!r}"

    authors = tuple(
        name
        for author in entry.findall(_atom("author"))
        if (name := _child_text(author, _atom("name")))
    )

    dois: list[str] = []
    # arxiv:doi may hold several DOIs separated by spaces, and may repeat.
    for element in entry.findall(_ax("doi")):
        dois.extend("".join(element.itertext()).split())
    for link in entry.findall(_atom("link")):
        if link.get("title") == "doi":
            href = link.get("href", "")
            dois.append(_DOI_URL.sub("", href).strip())
    unique_dois = tuple(dict.fromkeys(doi for doi in dois if doi))

    primary_element = entry.find(_ax("primary_category"))
    primary = primary_element.get("term") if primary_element is not None else None
    categories = [c.get("term", "") for c in entry.findall(_atom("category"))]
    ordered = [primary] if primary else []
    ordered += [c for c in categories if c and c != primary]

    return ArxivRecord(
        id=ident,
        title=_child_text(entry, _atom("title")) or "",
        authors=authors,
        abstract=_child_text(entry, _atom("summary")) or "",
        published=_day(_child_text(entry, _atom("published"))),
        updated=_day(_child_text(entry, _atom("updated"))),
        dois=unique_dois,
        journal_ref=_child_text(entry, _ax("journal_ref")),
        comment=_child_text(entry, _ax("comment")),
        primary_category=primary or None,
        categories=tuple(dict.fromkeys(ordered)),
    )


def parse_feed(data: bytes) -> Feed:
    """Parse an API answer by namespace URI; FeedError for anything but an Atom feed."""
    try:
        # arXiv's feeds never declare a DTD; one that does is refused before any expansion.
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException as exc:
        raise FeedError(
            "refused the arXiv answer: it declares a DTD or entities "
            f"({type(exc).__name__}), which an arXiv feed never does",
            hostile=True,
        ) from exc
    except SafeET.ParseError as exc:
        raise FeedError(f"the arXiv answer is not valid XML ({exc}): {_snippet(data)}") from exc
    if root.tag != _atom("feed"):
        raise FeedError(f"the arXiv answer is not an Atom feed (root element {root.tag!r})")

    records: list[ArxivRecord] = []
    errors: list[str] = []
    skipped: list[str] = []
    for entry in root.findall(_atom("entry")):
        raw_id = _child_text(entry, _atom("id")) or ""
        # Error entries are told apart by their id, never by the title "Error".
        if "/api/errors" in raw_id:
            errors.append(
                _child_text(entry, _atom("summary")) or _child_text(entry, _atom("title")) or raw_id
            )
            continue
        parsed = _parse_entry(entry, raw_id)
        if isinstance(parsed, str):
            skipped.append(parsed)
        else:
            records.append(parsed)

    total: int | None = None
    total_text = _child_text(root, f"{{{OPENSEARCH_NS}}}totalResults")
    if total_text is not None and total_text.isdigit():
        total = int(total_text)
    return Feed(tuple(records), tuple(errors), tuple(skipped), total)
