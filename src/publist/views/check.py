"""``publist check``: lint a loaded bibliography for CI; pure over :class:`LoadedBibliography`.

Every finding is a :class:`~publist.model.Diagnostic` with a code. The severity of each code is
set once, in :data:`SEVERITIES`: an *error* means the lists would come out wrong or an entry is
lost; a *warning* means something looks off but the lists still render as written.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from publist.bibtex.parse import RawEntry
from publist.build.identity import same_authors
from publist.build.pipeline import LoadedBibliography, load_bibliography
from publist.build.textfold import fold_words as fold
from publist.model import Category, Diagnostic, Publication, Severity

_E = Severity.ERROR
_W = Severity.WARNING

SEVERITIES: Mapping[str, Severity] = MappingProxyType(
    {
        "parse-error": _E,  # a block that cannot be parsed: it is missing from every list
        "duplicate-key": _E,  # BibTeX and biber use only the first entry with a key
        "repeated-key": _W,  # another paper under a repeated key: listed under key-2
        "duplicate-entry": _W,  # the same paper twice under one key: listed once
        "duplicate-field": _E,  # tools disagree on which value wins
        "missing-field": _E,  # no title, author, year or venue: the line is incomplete
        "bad-year": _E,  # a year that cannot be read: the entry sorts as undated
        "bad-name": _E,  # a name BibTeX cannot split
        "invalid-arxiv-id": _E,  # no such id can exist: no arXiv link, and sync skips it
        "unknown-category": _E,  # the category field is ignored: the entry may land elsewhere
        "duplicate-paper": _E,  # same arXiv id or DOI: the paper is listed twice
        "similar-paper": _W,  # same title and authors: often a workshop and a full version
        "owner-missing": _W,  # none of the owner's names among the authors
        "bad-month": _W,  # the month is ignored for ordering
        "unsafe-link": _W,  # a javascript:/data: link is dropped from the output
    }
)

# Where each category takes its venue from, for the "missing venue" message.
VENUE_FIELDS: Mapping[Category, str] = MappingProxyType(
    {
        Category.JOURNAL: "journal",
        Category.CONFERENCE: "booktitle",
        Category.WORKSHOP: "booktitle",
        Category.CHAPTER: "booktitle",
        Category.THESIS: "school",
        Category.REPORT: "institution",
    }
)


@dataclass(frozen=True, slots=True)
class CheckReport:
    """The findings of one check, in file order, and how many entries were looked at."""

    path: str
    entries: int
    findings: tuple[Diagnostic, ...]

    @property
    def errors(self) -> int:
        """How many findings are errors."""
        return sum(1 for finding in self.findings if finding.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        """How many findings are warnings."""
        return sum(1 for finding in self.findings if finding.severity is Severity.WARNING)

    def failed(self, *, strict: bool = False) -> bool:
        """True when there are errors, or with ``strict`` any finding at all."""
        return bool(self.findings) if strict else self.errors > 0


def check_file(
    bib_path: Path, *, config_path: Path | None = None, encoding: str = "utf-8"
) -> CheckReport:
    """Load ``bib_path`` and lint it."""
    loaded = load_bibliography(bib_path, config_path=config_path, encoding=encoding)
    return CheckReport(loaded.document.display_path, len(loaded.publications), check(loaded))


def check(loaded: LoadedBibliography) -> tuple[Diagnostic, ...]:
    """Every finding for ``loaded``: the loader's diagnostics re-graded, plus the lint rules."""
    findings = [_graded(diagnostic) for diagnostic in loaded.bibliography.diagnostics]
    pairs = loaded.entries_with_publications()
    owner_known = bool(loaded.config.owner_names)
    for entry, publication in pairs:
        findings.extend(_entry_findings(entry, publication, owner_known=owner_known))
    findings.extend(_duplicates(pairs))
    return tuple(sorted(findings, key=lambda d: (d.line or 0, d.key or "", d.code)))


def _graded(diagnostic: Diagnostic) -> Diagnostic:
    severity = SEVERITIES.get(diagnostic.code, diagnostic.severity)
    return dataclasses.replace(diagnostic, severity=severity)


def _finding(publication: Publication, line: int, code: str, message: str) -> Diagnostic:
    return Diagnostic(publication.path, line, publication.key, SEVERITIES[code], code, message)


def _entry_findings(
    entry: RawEntry, publication: Publication, *, owner_known: bool
) -> Iterator[Diagnostic]:
    venue_field = VENUE_FIELDS.get(publication.category)
    if venue_field and not (publication.venue or publication.venue_short):
        yield _finding(
            publication,
            entry.line,
            "missing-field",
            f"missing venue ({venue_field}) for a {publication.category.value} entry",
        )
    people = publication.authors or publication.editors
    if owner_known and people and not any(person.is_owner for person in people):
        field = "author" if publication.authors else "editor"
        yield _finding(
            publication,
            entry.field_lines.get(field, entry.line),
            "owner-missing",
            f"none of the owner's names is among the {field}s",
        )


# ---- the same paper twice ---------------------------------------------------------------------


def _duplicates(pairs: list[tuple[RawEntry, Publication]]) -> Iterator[Diagnostic]:
    by_arxiv: dict[str, Publication] = {}
    by_doi: dict[str, Publication] = {}
    by_title: dict[str, list[Publication]] = {}
    for entry, publication in pairs:
        keys: list[tuple[dict[str, Publication], str, str]] = []
        if publication.arxiv_id:
            # The read model holds the canonical id (no version, no subject class).
            ident = publication.arxiv_id
            keys.append((by_arxiv, ident, f"same arXiv id {ident}"))
        if publication.doi:
            keys.append((by_doi, publication.doi.lower(), f"same DOI {publication.doi}"))
        match: tuple[Publication, str] | None = None
        for index, key, reason in keys:
            earlier = index.setdefault(key, publication)
            if earlier is not publication and match is None:
                match = (earlier, reason)
        if match is not None:
            earlier, reason = match
            yield _finding(
                publication,
                entry.line,
                "duplicate-paper",
                f"same paper as {earlier.key} (line {earlier.line}): {reason}"
                f"{_pair(earlier, publication)}",
            )
            continue
        title = fold(publication.title)
        if not title:
            continue
        similar = next(
            (other for other in by_title.get(title, []) if same_authors(other, publication)),
            None,
        )
        by_title.setdefault(title, []).append(publication)
        if similar is not None:
            yield _finding(
                publication,
                entry.line,
                "similar-paper",
                f"same paper as {similar.key} (line {similar.line})? same title and authors"
                f"{_pair(similar, publication)}",
            )


def _pair(first: Publication, second: Publication) -> str:
    """A hint when one of the two is the preprint of the other."""
    kinds = {first.category is Category.SUBMISSION, second.category is Category.SUBMISSION}
    return "; keep the published version, drop the preprint" if len(kinds) == 2 else ""


# ---- output -----------------------------------------------------------------------------------


def format_finding(finding: Diagnostic) -> str:
    """``file:line: severity: key: message [code]``, the layout editors and CI annotators read."""
    where = finding.path if finding.line is None else f"{finding.path}:{finding.line}"
    who = f" {finding.key}:" if finding.key else ""
    return f"{where}: {finding.severity.value}:{who} {finding.message} [{finding.code}]"


def summary(report: CheckReport) -> str:
    """One line: how many entries, errors and warnings."""
    entries = f"{report.entries} entr{'y' if report.entries == 1 else 'ies'}"
    if not report.findings:
        return f"{report.path}: {entries} checked, no problems found"
    errors = f"{report.errors} error{'s' if report.errors != 1 else ''}"
    warnings = f"{report.warnings} warning{'s' if report.warnings != 1 else ''}"
    return f"{report.path}: {entries} checked, {errors}, {warnings}"


def report_json(report: CheckReport, *, strict: bool = False) -> str:
    """The report as one JSON object: counts, whether it failed, and the findings."""
    data = {
        "path": report.path,
        "entries": report.entries,
        "errors": report.errors,
        "warnings": report.warnings,
        "failed": report.failed(strict=strict),
        "findings": [
            {
                "path": finding.path,
                "line": finding.line,
                "key": finding.key,
                "severity": finding.severity.value,
                "code": finding.code,
                "message": finding.message,
            }
            for finding in report.findings
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
