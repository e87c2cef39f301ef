"""DOI content negotiation: CSL JSON for a DOI from its registration agency (DataCite, ...).

``GET https://doi.org/{doi}`` with ``Accept: application/vnd.citationstyles.csl+json`` is
answered by the agency that registered the DOI; publist asks it for the DOIs Crossref does not
know, such as DataCite's (Zenodo, arXiv's ``10.48550/arXiv.*``). Same layer, pacing and cache
as every source.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

import requests

from publist.bibtex.arxiv_ids import normalize_arxiv_id
from publist.errors import NetworkError
from publist.sources.cache import DAY
from publist.sources.crossref.client import page_range
from publist.sources.http import (
    Answer,
    RetryableError,
    raise_for_overload,
    read_json,
)
from publist.sources.settings import SourceSettings
from publist.sources.work import Person, WorkKind, WorkRecord, json_text

CSL_JSON = "application/vnd.citationstyles.csl+json"
MIN_INTERVAL = 0.5
_KINDS = {
    "article-journal": WorkKind.JOURNAL_ARTICLE,
    "paper-conference": WorkKind.PROCEEDINGS_ARTICLE,
    "chapter": WorkKind.BOOK_CHAPTER,
    "book": WorkKind.BOOK,
    "report": WorkKind.REPORT,
    "thesis": WorkKind.THESIS,
    "manuscript": WorkKind.PREPRINT,
    "posted-content": WorkKind.PREPRINT,
}


class DoiError(NetworkError):
    """DOI content negotiation failed after the retries."""


class DoiClient:
    """CSL JSON for DOIs, through doi.org (or a configured resolver), paced and cached."""

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
            "doi.org",
            MIN_INTERVAL,
            DoiError,
            session=session,
            clock=clock,
            sleep=sleep,
            now=now,
            notify=notify,
        )
        self.cache = settings.answer_cache("doi.json", "DOI", ttl=7 * DAY, now=now)

    @property
    def requests_sent(self) -> int:
        """How many HTTP requests this client has sent."""
        return self._http.requests_sent

    def close(self) -> None:
        """Close the HTTP session if this client created it."""
        self._http.close()

    def work(self, doi: str) -> WorkRecord | None:
        """The work ``doi`` names, or None when no agency knows the DOI."""
        key = doi.lower()
        hit = self.cache.fresh(key, not_found_ttl=DAY) if self.cache else None
        if hit is not None:
            return None if hit.value is None else work_from_csl(hit.value)
        label = f"DOI {doi}"

        def check(answer: Answer) -> dict[str, Any] | None:
            raise_for_overload(answer, self._http.now())
            if answer.status in (404, 410):
                return None
            if answer.status != 200:
                raise DoiError(f"doi.org answered {label} with HTTP {answer.status}")
            data = read_json(answer, service="doi.org", label=label, error=DoiError)
            if not isinstance(data, dict):
                raise RetryableError(f"doi.org's answer to {label} is not a CSL item")
            return data

        item = self._http.get(
            f"{self.settings.doi_url}/{quote(doi, safe='/')}",
            params={},
            headers={"Accept": CSL_JSON},
            label=label,
            check=check,
        )
        if self.cache is not None:
            self.cache.store({key: item})
        return None if item is None else work_from_csl(item)


def _people(values: Any) -> tuple[Person, ...]:
    people = []
    for value in values if isinstance(values, list) else []:
        if not isinstance(value, dict):
            continue
        family, given = json_text(value.get("family")), json_text(value.get("given"))
        if family:
            people.append(Person(given, family, json_text(value.get("suffix"))))
        elif literal := json_text(value.get("literal")):
            people.append(Person.from_display(literal))
    return tuple(people)


def _date(item: Mapping[str, Any]) -> tuple[int | None, int | None]:
    for name in ("issued", "published", "created"):
        value = item.get(name)
        parts = value.get("date-parts") if isinstance(value, dict) else None
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            first = [int(p) if isinstance(p, str) and p.isdigit() else p for p in parts[0]]
            year = first[0] if isinstance(first[0], int) else None
            month = first[1] if len(first) > 1 and isinstance(first[1], int) else None
            if year is not None:
                return year, month if month is None or 1 <= month <= 12 else None
    return None, None


def work_from_csl(item: Mapping[str, Any]) -> WorkRecord:
    """A CSL JSON item as a :class:`WorkRecord`; an arXiv DOI makes it an arXiv preprint."""
    doi = json_text(item.get("DOI"))
    arxiv = normalize_arxiv_id(doi) if doi else None
    kind = _KINDS.get(json_text(item.get("type")), WorkKind.OTHER)
    if arxiv is not None:
        kind = WorkKind.PREPRINT
    year, month = _date(item)
    return WorkRecord(
        source="DataCite"
        if arxiv is not None or "datacite" in json_text(item.get("source")).lower()
        else "DOI",
        kind=kind,
        title=json_text(item.get("title")),
        authors=_people(item.get("author")),
        year=year,
        month=month,
        venue=json_text(item.get("container-title")),
        volume=json_text(item.get("volume")),
        number=json_text(item.get("issue")),
        pages=page_range(json_text(item.get("page"))),
        publisher=json_text(item.get("publisher")),
        doi="" if arxiv is not None else doi,
        arxiv_id=arxiv.base if arxiv is not None else "",
        url=json_text(item.get("URL")) if arxiv is None else f"https://arxiv.org/abs/{arxiv.base}",
    )
