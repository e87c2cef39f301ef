"""``publist published``: for each preprint of the bib, is there a published version, and where?

Sources are asked from the strongest evidence to the weakest, and a weaker one only when the
stronger found nothing: arXiv's own DOI and journal reference; Semantic Scholar's merged record
for the arXiv id (one batched request) and, for a DOI it names, Crossref's record of that DOI
(the publisher's year, pages and type); then DBLP's title search, Crossref's title and author
search, and OpenAlex's (with a key). :mod:`publist.enrich.published_match` judges every record;
a source that cannot be asked is reported as unavailable, never as "not found".
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from publist.bibtex.arxiv_ids import ArxivId
from publist.build.pipeline import LoadedBibliography, load_bibliography
from publist.enrich.published_match import (
    Finding,
    PreprintStatus,
    PublishedReport,
    Rejection,
    judge,
    settle,
)
from publist.errors import NetworkError
from publist.model import Category, Item
from publist.sources.arxiv.client import ArxivClient, ArxivSettings
from publist.sources.arxiv.records import ArxivRecord
from publist.sources.crossref.client import CrossrefClient
from publist.sources.scholar.clients import (
    CrossrefSearch,
    Dblp,
    OpenAlex,
    ScholarSettings,
    SemanticScholar,
)
from publist.sources.settings import SourceSettings
from publist.sources.work import PREPRINT_DOI, Person, WorkKind, WorkRecord

_YEAR = re.compile(r"\b(19|20)\d{2}\b")


@dataclass
class Services:
    """The sources ``published`` and ``promote`` ask; tests pass their own."""

    arxiv: ArxivClient
    crossref: CrossrefClient
    s2: SemanticScholar
    dblp: Dblp
    crossref_search: CrossrefSearch
    openalex: OpenAlex

    @classmethod
    def from_config(
        cls, loaded: LoadedBibliography, *, notify: Callable[[str], None] | None = None
    ) -> Services:
        """Clients for the configured (or default) endpoints."""
        sources = loaded.config.sources
        settings = SourceSettings.from_env(sources)
        scholar = ScholarSettings.from_env(sources)
        options = {"session": None, "clock": None, "sleep": None, "now": None, "notify": notify}
        arxiv_url = sources.get("arxiv_url")
        return cls(
            ArxivClient(ArxivSettings.from_env(base_url=arxiv_url), notify=notify),
            CrossrefClient(settings, notify=notify),
            SemanticScholar(scholar, settings, **options),
            Dblp(scholar, settings, **options),
            CrossrefSearch(settings, **options),
            OpenAlex(scholar, settings, **options),
        )

    def requests(self) -> dict[str, int]:
        """Requests sent so far, per service."""
        return {
            "arXiv": self.arxiv.requests_sent,
            "Crossref": self.crossref.requests_sent + self.crossref_search.http.requests_sent,
            "Semantic Scholar": self.s2.http.requests_sent,
            "DBLP": self.dblp.http.requests_sent,
            "OpenAlex": self.openalex.http.requests_sent,
        }

    def close(self) -> None:
        """Close every session."""
        self.arxiv.close()
        self.crossref.close()
        for service in (self.s2, self.dblp, self.crossref_search, self.openalex):
            service.http.close()


def find_published(
    bib_path: Path,
    *,
    config_path: Path | None = None,
    encoding: str = "utf-8",
    services: Services | None = None,
    notify: Callable[[str], None] | None = None,
    only: Callable[[Item], bool] | None = None,
) -> tuple[LoadedBibliography, PublishedReport]:
    """Check the bib's preprints (those ``only`` keeps) for published versions."""
    loaded = load_bibliography(bib_path, config_path=config_path, encoding=encoding)
    own = services is None
    active = services if services is not None else Services.from_config(loaded, notify=notify)
    try:
        report = check_preprints(loaded, active, only=only)
    finally:
        if own:
            active.close()
    return loaded, report


def check_preprints(
    loaded: LoadedBibliography, services: Services, *, only: Callable[[Item], bool] | None = None
) -> PublishedReport:
    """Ask the sources about every preprint with an arXiv id; judge what they answer."""
    before = services.requests()
    items = [
        item
        for item in loaded.bibliography.items
        if item.publication.category is Category.SUBMISSION
        and item.publication.arxiv_id
        and (only is None or only(item))
    ]
    ids = [item.publication.arxiv_id for item in items]
    down: set[str] = set()
    arxiv: dict[str, ArxivRecord] = {}
    s2: dict[str, WorkRecord | None] = {}
    if ids:
        try:
            arxiv = services.arxiv.fetch([ArxivId(base) for base in ids]).records
        except NetworkError:
            down.add("arXiv")
        try:
            s2 = services.s2.by_arxiv(ids)
        except NetworkError:
            down.add("Semantic Scholar")
    statuses = [
        _check(
            item,
            arxiv.get(item.publication.arxiv_id),
            s2.get(item.publication.arxiv_id),
            services,
            set(down),
        )
        for item in items
    ]
    after = services.requests()
    sent = {name: after[name] - before.get(name, 0) for name in after}
    return PublishedReport(tuple(statuses), sent)


def _check(
    item: Item,
    arxiv: ArxivRecord | None,
    s2: WorkRecord | None,
    services: Services,
    down: set[str],
) -> PreprintStatus:
    publication = item.publication
    found: list[Finding] = []
    rejected: list[Rejection] = []

    def consider(records: Sequence[WorkRecord | None], link: str = "") -> None:
        for record in records:
            if record is None:
                continue
            if not link and record.arxiv_id == publication.arxiv_id:
                # Crossref's has-preprint relation names this very arXiv id.
                link = (
                    f"{record.source}'s record names arXiv:{publication.arxiv_id} as its preprint"
                )
            verdict = judge(publication, record, link=link)
            if isinstance(verdict, Finding):
                found.append(verdict)
            else:
                rejected.append(verdict)

    def asked(
        source: str, call: Callable[[], Sequence[WorkRecord | None]]
    ) -> list[WorkRecord | None]:
        try:
            return list(call())
        except NetworkError:
            down.add(source)
            return []

    base = publication.arxiv_id
    # 1. arXiv itself: the DOI the authors gave, else their journal reference.
    if arxiv is not None:
        for doi in (d for d in arxiv.dois if not PREPRINT_DOI.match(d)):
            work = asked("Crossref", functools.partial(_one, services.crossref.work, doi))
            consider(work, f"arXiv lists the DOI {doi}")
        if arxiv.journal_ref and not found:
            consider([_journal_ref(arxiv)], "arXiv's journal reference")
    # 2. Semantic Scholar's record of this arXiv id, and the publisher's record of its DOI.
    if s2 is not None:
        link = f"Semantic Scholar merges arXiv:{base} with it"
        consider([s2], link)  # an arXiv-only record is refused here, and says why
        if s2.doi and s2.kind is not WorkKind.PREPRINT:
            consider(
                asked("Crossref", functools.partial(_one, services.crossref.work, s2.doi)), link
            )
    # 3. Title searches, only when nothing linked by an identifier was found.
    title = publication.title
    if not found:
        consider(asked("DBLP", functools.partial(services.dblp.search, title)))
    if not found:
        family = next((a.last for a in publication.authors if a.last != "et al."), "")
        consider(
            asked("Crossref", functools.partial(services.crossref_search.search, title, family))
        )
    if not found and services.openalex.enabled:
        consider(asked("OpenAlex", functools.partial(services.openalex.search, title)))
    verdict = settle(found, unavailable=bool(down))
    return PreprintStatus(item, verdict, tuple(rejected), tuple(sorted(down)))


def _one(lookup: Callable[[str], WorkRecord | None], key: str) -> list[WorkRecord | None]:
    return [lookup(key)]


def _journal_ref(record: ArxivRecord) -> WorkRecord:
    """arXiv's free-text journal reference as a record (venue and year only)."""
    text = record.journal_ref or ""
    year = _YEAR.search(text)
    return WorkRecord(
        source="arXiv",
        kind=WorkKind.OTHER,
        title=record.title,
        authors=tuple(Person.from_display(name) for name in record.authors),
        year=int(year.group()) if year else None,
        venue=text,
    )
