"""Where a preprint's published version may be listed: Semantic Scholar, DBLP, Crossref search,
OpenAlex. Each asks through the shared HTTP layer and returns :class:`WorkRecord` leads; none
of them decides anything (:mod:`publist.enrich.published_match` does).

Each service's answer is checked before it is read: an HTML page (DBLP's bot check, a 404 page),
a 403, 429 or 5xx, or JSON that does not parse means "source unavailable", never "not found".
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import requests

from publist.errors import NetworkError
from publist.sources.cache import DAY
from publist.sources.crossref.client import work_from_crossref
from publist.sources.http import (
    Answer,
    raise_for_overload,
    read_json,
)
from publist.sources.settings import SourceSettings
from publist.sources.work import PREPRINT_DOI, Person, WorkKind, WorkRecord, json_text

S2_URL = "https://api.semanticscholar.org/graph/v1"
DBLP_URL = "https://dblp.org"
OPENALEX_URL = "https://api.openalex.org"
S2_FIELDS = "title,authors,venue,publicationVenue,journal,publicationTypes,year,externalIds"
_HOMONYM = re.compile(r"\s+\d{4}$")


class ScholarError(NetworkError):
    """A scholarly service could not be asked (down, rate limited, or not answering JSON)."""


@dataclass(frozen=True, slots=True)
class ScholarSettings:
    """Endpoints and keys: ``PUBLIST_S2_URL``/``_KEY``, ``PUBLIST_DBLP_URL``,
    ``PUBLIST_OPENALEX_URL``/``_KEY`` (OpenAlex is off without a key)."""

    s2_url: str = S2_URL
    s2_key: str = ""
    dblp_url: str = DBLP_URL
    openalex_url: str = OPENALEX_URL
    openalex_key: str = ""

    @classmethod
    def from_env(
        cls, configured: Mapping[str, str] | None = None, environ: Mapping[str, str] | None = None
    ) -> ScholarSettings:
        """Defaults, then ``[sources]`` (``s2_url``, ``dblp_url``, ``openalex_url``), then the
        environment; keys only from the environment."""
        env = os.environ if environ is None else environ
        given = configured or {}

        def pick(name: str, variable: str, default: str) -> str:
            value = (env.get(variable, "") or given.get(name, "")).strip()
            return value.rstrip("/") if value else default

        return cls(
            s2_url=pick("s2_url", "PUBLIST_S2_URL", S2_URL),
            s2_key=env.get("PUBLIST_S2_KEY", "").strip(),
            dblp_url=pick("dblp_url", "PUBLIST_DBLP_URL", DBLP_URL),
            openalex_url=pick("openalex_url", "PUBLIST_OPENALEX_URL", OPENALEX_URL),
            openalex_key=env.get("PUBLIST_OPENALEX_KEY", "").strip(),
        )


class _Service:
    """A paced session for one service and its cache (found: a week; not found: a day)."""

    def __init__(
        self,
        name: str,
        min_interval: float,
        settings: SourceSettings,
        *,
        session: requests.Session | None,
        clock: Callable[[], float] | None,
        sleep: Callable[[float], None] | None,
        now: Callable[[], float] | None,
        notify: Callable[[str], None] | None,
    ) -> None:
        self.name = name
        self.http = settings.paced_session(
            name,
            min_interval,
            ScholarError,
            session=session,
            clock=clock,
            sleep=sleep,
            now=now,
            notify=notify,
        )
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        self.cache = settings.answer_cache(f"{slug}.json", name, ttl=7 * DAY, now=now)

    def cached(self, key: str) -> tuple[bool, Any]:
        """``(True, value)`` for a fresh cached answer (value None: nothing was found)."""
        hit = self.cache.fresh(key, not_found_ttl=DAY) if self.cache else None
        if hit is None:
            return False, None
        return True, hit.value

    def remember(self, key: str, value: dict[str, Any] | None) -> None:
        """Cache ``value`` (None: nothing found) for ``key``."""
        if self.cache is not None:
            self.cache.store({key: value})

    def json(self, answer: Answer, label: str) -> Any:
        """The JSON of an answer; anything else is "source unavailable"."""
        raise_for_overload(answer, self.http.now())
        if answer.status != 200:
            raise ScholarError(
                f"{self.name} answered {label} with HTTP {answer.status} (source unavailable)"
            )
        return read_json(answer, service=self.name, label=label, error=ScholarError)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


class SemanticScholar(_Service):
    """Semantic Scholar's merged records for arXiv ids (``POST /paper/batch``, 500 at a time)."""

    BATCH = 500

    def __init__(self, scholar: ScholarSettings, settings: SourceSettings, **kwargs: Any) -> None:
        # Without a key every caller shares one pool: slower, to keep clear of 429s.
        super().__init__("Semantic Scholar", 1.0 if scholar.s2_key else 3.0, settings, **kwargs)
        self.scholar = scholar

    def by_arxiv(self, ids: Sequence[str]) -> dict[str, WorkRecord | None]:
        """Each arXiv id's merged record (None when S2 does not know it)."""
        found: dict[str, WorkRecord | None] = {}
        pending = []
        for ident in dict.fromkeys(ids):
            hit, value = self.cached(ident)
            if hit:
                found[ident] = None if value is None else work_from_s2(value)
            else:
                pending.append(ident)
        headers = {"x-api-key": self.scholar.s2_key} if self.scholar.s2_key else {}
        for start in range(0, len(pending), self.BATCH):
            batch = pending[start : start + self.BATCH]
            label = f"batch of {len(batch)} arXiv ids"

            def check(answer: Answer, label: str = label) -> Any:
                return self.json(answer, label)

            data = self.http.request(
                "POST",
                f"{self.scholar.s2_url}/paper/batch",
                params={"fields": S2_FIELDS},
                headers=headers,
                label=label,
                check=check,
                json_body={"ids": [f"arXiv:{ident}" for ident in batch]},
            )
            if not isinstance(data, list) or len(data) != len(batch):
                raise ScholarError(f"Semantic Scholar's answer to the {label} does not fit it")
            for ident, paper in zip(batch, data, strict=True):
                value = paper if isinstance(paper, dict) else None
                self.remember(ident, value)
                found[ident] = None if value is None else work_from_s2(value)
        return found


def work_from_s2(paper: Mapping[str, Any]) -> WorkRecord:
    """A Semantic Scholar paper as a record (its year is arXiv's: not used for dating)."""
    ids = _mapping(paper.get("externalIds"))
    doi = json_text(ids.get("DOI"))
    types = paper.get("publicationTypes") or []
    types = types if isinstance(types, list) else []
    venue_info = (
        paper.get("publicationVenue") if isinstance(paper.get("publicationVenue"), dict) else {}
    )
    assert isinstance(venue_info, dict)
    journal = paper.get("journal") if isinstance(paper.get("journal"), dict) else {}
    assert isinstance(journal, dict)
    venue = (
        json_text(venue_info.get("name"))
        or json_text(paper.get("venue"))
        or json_text(journal.get("name"))
    )
    alternates = venue_info.get("alternate_names") or []
    names = (
        tuple(json_text(n) for n in alternates if json_text(n))
        if isinstance(alternates, list)
        else ()
    )
    kind = (
        WorkKind.PROCEEDINGS_ARTICLE
        if "Conference" in types
        else WorkKind.JOURNAL_ARTICLE
        if "JournalArticle" in types
        else WorkKind.OTHER
    )
    if _is_preprint_venue(venue) or PREPRINT_DOI.match(doi):
        kind = WorkKind.PREPRINT
    authors = paper.get("authors") or []
    return WorkRecord(
        source="Semantic Scholar",
        kind=kind,
        title=json_text(paper.get("title")),
        authors=tuple(
            Person.from_display(json_text(a.get("name")))
            for a in authors
            if isinstance(a, dict) and json_text(a.get("name"))
        ),
        year=None,  # S2's year is the arXiv version's; the publisher's record dates the paper
        venue=venue,
        volume=json_text(journal.get("volume")),
        pages=json_text(journal.get("pages")),
        doi="" if PREPRINT_DOI.match(doi) else doi,
        arxiv_id=json_text(ids.get("ArXiv")),
        venue_short=names[0] if names else "",
        venue_names=names,
    )


def _is_preprint_venue(venue: str) -> bool:
    return venue.strip().lower() in ("arxiv", "arxiv.org", "corr", "biorxiv", "medrxiv", "ssrn")


class Dblp(_Service):
    """DBLP's publication search by title (it has no lookup by arXiv id or DOI)."""

    def __init__(self, scholar: ScholarSettings, settings: SourceSettings, **kwargs: Any) -> None:
        # DBLP asks for "at least one or two seconds between requests".
        super().__init__("DBLP", 2.0, settings, **kwargs)
        self.scholar = scholar

    def search(self, title: str) -> list[WorkRecord]:
        """The publication records DBLP finds for ``title`` (preprints included, marked)."""
        key = " ".join(title.lower().split())
        hit, value = self.cached(key)
        if not hit:
            label = f"search for {title!r}"

            def check(answer: Answer) -> Any:
                return self.json(answer, label)

            value = self.http.get(
                f"{self.scholar.dblp_url}/search/publ/api",
                params={"q": title, "format": "json", "h": "20"},
                headers={"Accept": "application/json"},
                label=label,
                check=check,
            )
            self.remember(key, value if isinstance(value, dict) else None)
        return records_from_dblp(value) if isinstance(value, dict) else []


_DBLP_KINDS = {
    "Conference and Workshop Papers": WorkKind.PROCEEDINGS_ARTICLE,
    "Journal Articles": WorkKind.JOURNAL_ARTICLE,
    "Informal and Other Publications": WorkKind.PREPRINT,
    "Informal Publications": WorkKind.PREPRINT,
    "Parts in Books or Collections": WorkKind.BOOK_CHAPTER,
}


def records_from_dblp(data: Mapping[str, Any]) -> list[WorkRecord]:
    """DBLP's hits as records; CoRR ones are preprints."""
    hits = ((data.get("result") or {}).get("hits") or {}).get("hit") or []
    records = []
    for hit in hits if isinstance(hits, list) else []:
        info = hit.get("info") if isinstance(hit, dict) else None
        if not isinstance(info, dict):
            continue
        people = (info.get("authors") or {}).get("author") or []
        people = people if isinstance(people, list) else [people]
        authors = tuple(
            Person.from_display(
                _HOMONYM.sub("", json_text(p.get("text") if isinstance(p, dict) else p))
            )
            for p in people
        )
        venue = json_text(info.get("venue"))
        kind = _DBLP_KINDS.get(json_text(info.get("type")), WorkKind.OTHER)
        if venue.lower() == "corr":
            kind = WorkKind.PREPRINT
        year = json_text(info.get("year"))
        records.append(
            WorkRecord(
                source="DBLP",
                kind=kind,
                title=json_text(info.get("title")).rstrip("."),
                authors=authors,
                year=int(year) if year.isdigit() else None,
                venue=venue,
                volume=json_text(info.get("volume")),
                pages=json_text(info.get("pages")),
                doi=json_text(info.get("doi")).lower(),
                venue_short=venue,
                venue_names=(venue,) if venue else (),
            )
        )
    return records


class CrossrefSearch(_Service):
    """Crossref's bibliographic search: a last resort, whose first hit is always *something*."""

    def __init__(self, settings: SourceSettings, **kwargs: Any) -> None:
        super().__init__("Crossref search", 0.5, settings, **kwargs)
        self.settings = settings

    def search(self, title: str, family: str) -> list[WorkRecord]:
        """Works Crossref ranks nearest to ``title`` by an author named ``family``."""
        key = f"{title.lower()}|{family.lower()}"
        hit, value = self.cached(key)
        if not hit:
            label = f"search for {title!r}"

            def check(answer: Answer) -> Any:
                return self.json(answer, label)

            params = {"query.bibliographic": title, "rows": "5"}
            if family:
                params["query.author"] = family
            value = self.http.get(
                f"{self.settings.crossref_url}/works",
                params=params,
                headers={"Accept": "application/json"},
                label=label,
                check=check,
            )
            self.remember(key, value if isinstance(value, dict) else None)
        message = value.get("message") if isinstance(value, dict) else None
        items = message.get("items") if isinstance(message, dict) else None
        return [work_from_crossref(item) for item in items or [] if isinstance(item, dict)]


class OpenAlex(_Service):
    """OpenAlex's title search, used only with an API key (required since February 2026)."""

    def __init__(self, scholar: ScholarSettings, settings: SourceSettings, **kwargs: Any) -> None:
        super().__init__("OpenAlex", 0.2, settings, **kwargs)
        self.scholar = scholar

    @property
    def enabled(self) -> bool:
        """OpenAlex is asked only when ``PUBLIST_OPENALEX_KEY`` is set."""
        return bool(self.scholar.openalex_key)

    def search(self, title: str) -> list[WorkRecord]:
        """Works whose title matches ``title``."""
        if not self.enabled:
            return []
        key = " ".join(title.lower().split())
        hit, value = self.cached(key)
        if not hit:
            label = f"search for {title!r}"

            def check(answer: Answer) -> Any:
                return self.json(answer, label)

            value = self.http.get(
                f"{self.scholar.openalex_url}/works",
                params={
                    "filter": f"title.search:{title.replace(',', ' ')}",
                    "per-page": "10",
                    "api_key": self.scholar.openalex_key,
                },
                headers={"Accept": "application/json"},
                label=label,
                check=check,
            )
            self.remember(key, value if isinstance(value, dict) else None)
        results = value.get("results") if isinstance(value, dict) else None
        return [work_from_openalex(r) for r in results or [] if isinstance(r, dict)]


def work_from_openalex(work: Mapping[str, Any]) -> WorkRecord:
    """An OpenAlex work as a record; its primary location names the venue."""
    location = (
        work.get("primary_location") if isinstance(work.get("primary_location"), dict) else {}
    )
    assert isinstance(location, dict)
    source = location.get("source") if isinstance(location.get("source"), dict) else {}
    assert isinstance(source, dict)
    venue = json_text(source.get("display_name"))
    doi = re.sub(r"^https?://doi\.org/", "", json_text(work.get("doi")), flags=re.IGNORECASE)
    kind = {"article": WorkKind.JOURNAL_ARTICLE, "preprint": WorkKind.PREPRINT}.get(
        json_text(work.get("type")), WorkKind.OTHER
    )
    if json_text(source.get("type")) == "conference":
        kind = WorkKind.PROCEEDINGS_ARTICLE
    if location.get("version") == "submittedVersion" or _is_preprint_venue(venue):
        kind = WorkKind.PREPRINT
    year = work.get("publication_year")
    authorships = work.get("authorships") or []
    return WorkRecord(
        source="OpenAlex",
        kind=kind,
        title=json_text(work.get("title") or work.get("display_name")),
        authors=tuple(
            Person.from_display(json_text(_mapping(a.get("author")).get("display_name")))
            for a in authorships
            if isinstance(a, dict)
        ),
        year=year if isinstance(year, int) else None,
        venue=venue,
        doi="" if PREPRINT_DOI.match(doi) else doi,
    )
