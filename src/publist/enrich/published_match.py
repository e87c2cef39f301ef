"""Is a record the published version of a preprint? Pure rules that are never wrong on purpose.

A record counts only when

* it is not itself a preprint (no preprint-server DOI, no arXiv/CoRR venue, a venue at all);
* the author lists overlap: the owner is on both, or at least half of the preprint's family
  names are on the record (accents, case and DBLP's homonym numbers ignored);
* the titles agree (:data:`TITLE_THRESHOLD` of a token-sort similarity of the folded words) —
  unless an identifier links the two (Semantic Scholar's merged record for this arXiv id,
  arXiv's own DOI): papers are renamed on acceptance, so then only the authors must agree;
* it was not published before the preprint's year minus one.

Records that pass and name different venues (no shared DOI, no shared venue name) are a
conflict: reported, never applied.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from publist.build.textfold import fold, fold_words
from publist.model import Item, Publication
from publist.sources.work import PREPRINT_DOI, WorkKind, WorkRecord

TITLE_THRESHOLD = 0.9
_PREPRINT_VENUES = {"arxiv", "arxivorg", "corr", "biorxiv", "medrxiv", "ssrn", "preprint"}
# Where a detail is best taken from: the publisher's record first.
_DETAIL_ORDER = ("Crossref", "DBLP", "OpenAlex", "Semantic Scholar", "arXiv")


@dataclass(frozen=True, slots=True)
class Finding:
    """A record accepted as the published version, with what it was accepted on."""

    record: WorkRecord
    evidence: str
    linked: bool


@dataclass(frozen=True, slots=True)
class Rejection:
    """A record looked at and refused, and why (for ``--json`` and debugging)."""

    record: WorkRecord
    reason: str


def title_similarity(one: str, other: str) -> float:
    """How alike two titles are, 0 to 1: their folded words, sorted, compared as text."""
    a = " ".join(sorted(fold_words(one).split()))
    b = " ".join(sorted(fold_words(other).split()))
    if not a or not b:
        return 0.0
    return difflib.SequenceMatcher(None, a, b).ratio()


def _families(names: Sequence[tuple[str, str]]) -> set[str]:
    return {fold(family) for _, family in names if fold(family)}


def judge(publication: Publication, record: WorkRecord, *, link: str = "") -> Finding | Rejection:
    """Accept ``record`` as ``publication``'s published version, or say why not."""
    venue = fold(record.venue)
    if record.kind is WorkKind.PREPRINT or venue in _PREPRINT_VENUES:
        return Rejection(record, "a preprint itself")
    if record.doi and PREPRINT_DOI.match(record.doi):
        return Rejection(record, f"a preprint server's DOI ({record.doi})")
    if not record.venue and not record.doi:
        return Rejection(record, "no venue and no DOI")
    ours = _families(
        [(a.first, f"{a.von} {a.last}") for a in publication.authors if a.last != "et al."]
    )
    owners = _families([(a.first, f"{a.von} {a.last}") for a in publication.authors if a.is_owner])
    theirs = _families([(p.given, p.family) for p in record.authors])
    shared = ours & theirs
    owner_on_both = bool(owners & theirs)
    if not (owner_on_both or (ours and 2 * len(shared) >= len(ours))):
        return Rejection(record, f"authors differ ({len(shared)} of {len(ours)} in common)")
    similarity = title_similarity(publication.title, record.title)
    if not link and similarity < TITLE_THRESHOLD:
        return Rejection(record, f"title differs (similarity {similarity:.2f})")
    if record.year and publication.year and record.year < publication.year - 1:
        return Rejection(record, f"published in {record.year}, before the preprint")
    authors = f"{len(shared)} of {len(ours)} authors"
    basis = f"{link}; {authors}" if link else f"title {similarity:.2f} and {authors}"
    return Finding(record, f"{record.source}: {basis}", bool(link))


def _names(record: WorkRecord) -> set[str]:
    return {fold(name) for name in (record.venue, record.venue_short, *record.venue_names) if name}


def same_venue(one: WorkRecord, other: WorkRecord) -> bool:
    """Two accepted records describe one publication: the same DOI, or a venue name in common."""
    if one.doi and other.doi:
        return one.doi.lower() == other.doi.lower()
    return bool(_names(one) & _names(other))


@dataclass(frozen=True, slots=True)
class Verdict:
    """What is known about one preprint: its status and, when published, the merged details."""

    status: str  # "published", "conflict", "not_found", "unavailable"
    findings: tuple[Finding, ...]
    venue: str = ""
    venue_short: str = ""
    year: int | None = None
    month: int | None = None
    doi: str = ""
    kind: WorkKind | None = None
    volume: str = ""
    number: str = ""
    pages: str = ""
    publisher: str = ""

    @property
    def sources(self) -> tuple[str, ...]:
        """The sources whose records were accepted."""
        return tuple(dict.fromkeys(f.record.source for f in self.findings))


def settle(findings: Sequence[Finding], *, unavailable: bool) -> Verdict:
    """One verdict from the accepted records: published, a conflict, or nothing found."""
    if not findings:
        return Verdict("unavailable" if unavailable else "not_found", ())
    first = findings[0].record
    if any(not same_venue(first, f.record) for f in findings[1:]):
        return Verdict("conflict", tuple(findings))

    def best(attribute: str) -> object:
        ordered = sorted(findings, key=lambda f: _rank(f.record.source))
        return next((v for f in ordered if (v := getattr(f.record, attribute))), None)

    kinds = [f.record.kind for f in sorted(findings, key=lambda f: _rank(f.record.source))]
    kind = next(
        (k for k in kinds if k in (WorkKind.PROCEEDINGS_ARTICLE, WorkKind.JOURNAL_ARTICLE)),
        kinds[0],
    )
    short = next(
        (
            f.record.venue_short
            for f in findings
            if f.record.source == "DBLP" and f.record.venue_short
        ),
        None,
    ) or best("venue_short")
    year = best("year")
    month = best("month")
    return Verdict(
        "published",
        tuple(findings),
        venue=str(best("venue") or ""),
        venue_short=str(short or ""),
        year=year if isinstance(year, int) else None,
        month=month if isinstance(month, int) else None,
        doi=str(best("doi") or ""),
        kind=kind,
        volume=str(best("volume") or ""),
        number=str(best("number") or ""),
        pages=str(best("pages") or ""),
        publisher=str(best("publisher") or ""),
    )


def _rank(source: str) -> int:
    return _DETAIL_ORDER.index(source) if source in _DETAIL_ORDER else len(_DETAIL_ORDER)


@dataclass(frozen=True, slots=True)
class PreprintStatus:
    """One preprint of the bib and what is known of its published version."""

    item: Item
    verdict: Verdict
    rejected: tuple[Rejection, ...] = ()
    unavailable: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        """The JSON object ``publist published --json`` prints for this preprint."""
        verdict = self.verdict
        return {
            "key": self.item.publication.key,
            "label": self.item.label,
            "arxiv_id": self.item.publication.arxiv_id,
            "status": verdict.status,
            "venue": verdict.venue or None,
            "venue_short": verdict.venue_short or None,
            "year": verdict.year,
            "doi": verdict.doi or None,
            "type": verdict.kind.value if verdict.kind else None,
            "sources": list(verdict.sources),
            "evidence": [finding.evidence for finding in verdict.findings],
            "unavailable": list(self.unavailable),
        }


@dataclass(frozen=True, slots=True)
class PublishedReport:
    """Every preprint checked, and the requests each service answered."""

    statuses: tuple[PreprintStatus, ...]
    requests: dict[str, int] = field(default_factory=dict)


def report_json(report: PublishedReport) -> str:
    """``publist published --json``: one object per preprint, and the requests per service."""
    payload = {
        "preprints": [status.to_json() for status in report.statuses],
        "requests": report.requests,
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
