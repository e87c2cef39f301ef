"""Crossref's REST API: the work a DOI names (``/works/{doi}``), through the shared HTTP layer.

Crossref asks clients to say who they are (``mailto`` in the User-Agent: the "polite pool")
and to keep to a few requests a second; answers are cached, found works for a week and "not
found" for a day. A DOI Crossref does not know (404, as for DataCite DOIs such as arXiv's
``10.48550/...``) is None, not an error: the caller may ask DOI content negotiation instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

import requests

from publist.errors import NetworkError
from publist.sources.cache import DAY
from publist.sources.http import (
    Answer,
    RetryableError,
    raise_for_overload,
    read_json,
)
from publist.sources.settings import SourceSettings
from publist.sources.work import Person, WorkKind, WorkRecord

# Crossref's public pool allows a few requests per second with one at a time.
MIN_INTERVAL = 0.25
FOUND_TTL = 7 * DAY
NOT_FOUND_TTL = DAY
_KINDS = {
    "journal-article": WorkKind.JOURNAL_ARTICLE,
    "proceedings-article": WorkKind.PROCEEDINGS_ARTICLE,
    "book-chapter": WorkKind.BOOK_CHAPTER,
    "book-part": WorkKind.BOOK_CHAPTER,
    "book-section": WorkKind.BOOK_CHAPTER,
    "book": WorkKind.BOOK,
    "monograph": WorkKind.BOOK,
    "edited-book": WorkKind.BOOK,
    "report": WorkKind.REPORT,
    "dissertation": WorkKind.THESIS,
    "posted-content": WorkKind.PREPRINT,
}


class CrossrefError(NetworkError):
    """Crossref could not be reached or answered badly after the retries."""


class CrossrefClient:
    """Works by DOI from Crossref, paced and cached."""

    def __init__(
        self,
        settings: SourceSettings,
        *,
        session: requests.Session | None = None,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] | None = None,
        now: Callable[[], float] | None = None,
        notify: Callable[[str], None] | None = None,
    ) -> None:
        self.settings = settings
        self._http = settings.paced_session(
            "Crossref",
            MIN_INTERVAL,
            CrossrefError,
            session=session,
            clock=clock,
            sleep=sleep,
            now=now,
            notify=notify,
        )
        self.cache = settings.answer_cache("crossref.json", "Crossref", ttl=FOUND_TTL, now=now)

    @property
    def requests_sent(self) -> int:
        """How many HTTP requests this client has sent."""
        return self._http.requests_sent

    def close(self) -> None:
        """Close the HTTP session if this client created it."""
        self._http.close()

    def work(self, doi: str) -> WorkRecord | None:
        """The work ``doi`` names, or None when Crossref does not know it."""
        key = doi.lower()
        hit = self.cache.fresh(key, not_found_ttl=NOT_FOUND_TTL) if self.cache else None
        if hit is not None:
            return None if hit.value is None else work_from_crossref(hit.value)
        label = f"work {doi}"

        def check(answer: Answer) -> dict[str, Any] | None:
            raise_for_overload(answer, self._http.now())
            if answer.status == 404:
                return None
            if answer.status != 200:
                raise CrossrefError(f"Crossref answered {label} with HTTP {answer.status}")
            data = read_json(answer, service="Crossref", label=label, error=CrossrefError)
            message = data.get("message") if isinstance(data, dict) else None
            if not isinstance(message, dict):
                raise RetryableError(f"Crossref's answer to {label} has no work in it")
            return message

        message = self._http.get(
            f"{self.settings.crossref_url}/works/{quote(doi, safe='/')}",
            params={},
            headers={"Accept": "application/json"},
            label=label,
            check=check,
        )
        if self.cache is not None:
            self.cache.store({key: message})
        return None if message is None else work_from_crossref(message)


def _text(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return " ".join(value.split()) if isinstance(value, str) else ""


def _date(message: Mapping[str, Any]) -> tuple[int | None, int | None]:
    for name in ("published-print", "published-online", "issued", "published", "created"):
        parts = (message.get(name) or {}).get("date-parts") if isinstance(message, dict) else None
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            first: Sequence[Any] = parts[0]
            year = first[0] if isinstance(first[0], int) else None
            month = first[1] if len(first) > 1 and isinstance(first[1], int) else None
            if year is not None:
                return year, month if month is None or 1 <= month <= 12 else None
    return None, None


def _people(values: Any) -> tuple[Person, ...]:
    people = []
    for value in values if isinstance(values, list) else []:
        if not isinstance(value, dict):
            continue
        family, given = _text(value.get("family")), _text(value.get("given"))
        if family:
            # Crossref's family field is authoritative: "Del Maestro" stays one family name.
            people.append(Person(given, family, _text(value.get("suffix"))))
        elif name := _text(value.get("name")):
            people.append(Person("", name))  # an organisation or consortium, kept whole
    return tuple(people)


def page_range(pages: str) -> str:
    """``12-34`` as BibTeX writes a range, ``12--34``; other forms as given."""
    return _RANGE.sub("--", pages)


_RANGE = re.compile(r"(?<=\w)\s*[-‐–]\s*(?=\w)")


def work_from_crossref(message: Mapping[str, Any]) -> WorkRecord:
    """A Crossref ``message`` (one work) as a :class:`WorkRecord`."""
    kind = _KINDS.get(_text(message.get("type")), WorkKind.OTHER)
    if kind is WorkKind.PREPRINT and _text(message.get("subtype")) not in ("", "preprint"):
        kind = WorkKind.OTHER
    arxiv = ""
    relation = message.get("relation")
    if isinstance(relation, dict):
        for link in relation.get("has-preprint") or []:
            if isinstance(link, dict) and link.get("id-type") == "arxiv":
                arxiv = _text(link.get("id"))
    year, month = _date(message)
    return WorkRecord(
        source="Crossref",
        kind=kind,
        title=_text(message.get("title")),
        authors=_people(message.get("author")),
        year=year,
        month=month,
        venue=_text(message.get("container-title")),
        volume=_text(message.get("volume")),
        number=_text(message.get("issue")),
        pages=page_range(_text(message.get("page"))),
        publisher=_text(message.get("publisher")),
        doi=_text(message.get("DOI")),
        arxiv_id=arxiv,
        url=_text(message.get("URL")),
    )
