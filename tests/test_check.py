"""``publist check``: every seeded problem is found on its line, the bundled file is clean."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from publist.build.pipeline import load_bibliography
from publist.model import Diagnostic, Severity
from publist.views.check import (
    SEVERITIES,
    CheckReport,
    check,
    check_file,
    format_finding,
    report_json,
    summary,
)
from tests.helpers import BUNDLED_BIB, BUNDLED_CONFIG, DATA

PROBLEMS_BIB = DATA / "problems.bib"
PROBLEMS_CONFIG = DATA / "problems.toml"

E = Severity.ERROR
W = Severity.WARNING

# (line, key, code, severity) of every finding in tests/data/problems.bib, in file order.
EXPECTED = [
    (14, None, "parse-error", E),
    (26, "twice2023", "duplicate-key", E),
    (26, "twice2023", "repeated-key", W),
    (36, "dupfield2022", "duplicate-field", E),
    (43, "notitle2021", "missing-field", E),
    (50, "noauthor2021", "missing-field", E),
    (57, "noyear", "missing-field", E),
    (64, "novenue2020", "missing-field", E),
    (73, "notmine2020", "owner-missing", W),
    (83, "badarxiv2025", "invalid-arxiv-id", E),
    (95, "published2024", "duplicate-paper", E),
    (111, "doi2022b", "duplicate-paper", E),
    (127, "similar2022", "similar-paper", W),
    (140, "badcategory2019", "unknown-category", E),
    (149, "badmonth2019", "bad-month", W),
]


@pytest.fixture(scope="module")
def report() -> CheckReport:
    return check_file(PROBLEMS_BIB, config_path=PROBLEMS_CONFIG)


def test_every_seeded_problem_is_found_on_its_line(report: CheckReport) -> None:
    found = [(f.line, f.key, f.code, f.severity) for f in report.findings]
    assert found == EXPECTED


def test_the_fixtures_comments_name_true_lines() -> None:
    # problems.bib documents its own line numbers; a stale comment would mislead the next editor.
    lines = PROBLEMS_BIB.read_text(encoding="utf-8").splitlines()
    numbers = [
        int(number)
        for line in lines
        if line.startswith("%")
        for number in re.findall(r"line (\d+)", line)
    ]
    assert len(numbers) >= len(EXPECTED)
    for number in numbers:
        target = lines[number - 1]
        assert target.startswith("@") or re.match(r"  \w+ *= ", target), (number, target)
    for number, key, _code, _severity in EXPECTED:
        assert number in numbers, f"line {number} ({key}) is not named in a comment"


@pytest.mark.parametrize(
    ("key", "fragment"),
    [
        ("twice2023", "duplicate entry key (first at line 20)"),
        ("dupfield2022", "field 'title' given twice (line 35 and 36); the first value is used"),
        ("notitle2021", "missing title"),
        ("noauthor2021", "missing author"),
        ("noyear", "missing year"),
        ("novenue2020", "missing venue (journal) for a journal entry"),
        ("notmine2020", "none of the owner's names is among the authors"),
        ("badarxiv2025", "eprint '2501.1809' is not a valid arXiv identifier"),
        (
            "published2024",
            "same paper as preprint2023 (line 88): same arXiv id 2305.12345; "
            "keep the published version, drop the preprint",
        ),
        ("doi2022b", "same paper as doi2022a (line 104): same DOI 10.1000/XYZ.123"),
        ("similar2022", "same paper as similar2021w (line 120)? same title and authors"),
        ("badcategory2019", "unknown category 'conferense' ignored"),
        ("badmonth2019", "month '13' is not a month"),
    ],
)
def test_messages(report: CheckReport, key: str, fragment: str) -> None:
    messages = [f.message for f in report.findings if f.key == key and f.code != "repeated-key"]
    assert len(messages) == 1
    assert fragment in messages[0]


def test_a_second_paper_under_a_repeated_key_is_listed_and_named(report: CheckReport) -> None:
    (listed,) = [f for f in report.findings if f.code == "repeated-key"]
    assert listed.message == (
        "another paper under the key of line 20: listed, with the id 'twice2023-2' "
        "(give it a key of its own)"
    )


def test_counts_and_failure(report: CheckReport) -> None:
    assert (report.entries, report.errors, report.warnings) == (18, 11, 4)
    assert report.failed()
    assert report.failed(strict=True)


def test_the_bundled_file_is_clean() -> None:
    report = check_file(BUNDLED_BIB, config_path=BUNDLED_CONFIG)
    assert report.findings == ()
    assert not report.failed(strict=True)
    assert summary(report).endswith("publications.bib: 11 entries checked, no problems found")


def test_warnings_alone_fail_only_under_strict(tmp_path: Path) -> None:
    bib = tmp_path / "publications.bib"
    bib.write_text(
        "@inproceedings{a,\n  title = {T},\n  author = {Doe, Jane},\n"
        "  booktitle = {B},\n  year = {2020},\n  month = {13},\n}\n",
        encoding="utf-8",
    )
    report = check_file(bib, config_path=PROBLEMS_CONFIG)
    assert [f.code for f in report.findings] == ["owner-missing", "bad-month"]
    assert not report.failed()
    assert report.failed(strict=True)


def test_owner_is_only_checked_when_names_are_configured(tmp_path: Path) -> None:
    bib = tmp_path / "publications.bib"
    bib.write_text(
        "@article{a,\n  title = {T},\n  author = {Doe, Jane},\n  journal = {J},\n"
        "  year = {2020},\n}\n",
        encoding="utf-8",
    )
    assert check_file(bib).findings == ()


def test_editors_count_as_people_for_the_owner(tmp_path: Path) -> None:
    bib = tmp_path / "publications.bib"
    bib.write_text(
        "@book{a,\n  title = {T},\n  editor = {Song, Qingyu},\n  publisher = {P},\n"
        "  year = {2020},\n}\n",
        encoding="utf-8",
    )
    assert check_file(bib, config_path=PROBLEMS_CONFIG).findings == ()


def test_loader_diagnostics_are_regraded_by_code() -> None:
    loaded = load_bibliography(PROBLEMS_BIB, config_path=PROBLEMS_CONFIG)
    by_code = {d.code: d.severity for d in loaded.bibliography.diagnostics}
    # export treats an unknown category as a warning; check makes it an error.
    assert by_code["unknown-category"] is W
    graded = {d.code: d.severity for d in check(loaded)}
    assert graded["unknown-category"] is E


def test_every_code_has_one_severity() -> None:
    assert set(SEVERITIES.values()) == {E, W}
    assert all(code == code.lower() and " " not in code for code in SEVERITIES)


def test_a_bad_arxiv_url_is_an_error(tmp_path: Path) -> None:
    bib = tmp_path / "publications.bib"
    bib.write_text(
        "@misc{a,\n  title = {T},\n  author = {Song, Qingyu},\n  year = {2025},\n"
        "  url = {https://arxiv.org/abs/2501.1809},\n}\n",
        encoding="utf-8",
    )
    findings = check_file(bib, config_path=PROBLEMS_CONFIG).findings
    assert [(f.line, f.code, f.severity) for f in findings] == [(5, "invalid-arxiv-id", E)]
    assert findings[0].message == (
        "url 'https://arxiv.org/abs/2501.1809' names an invalid arXiv identifier"
    )


def test_format_finding() -> None:
    finding = Diagnostic("pubs.bib", 12, "k", E, "missing-field", "missing title")
    assert format_finding(finding) == "pubs.bib:12: error: k: missing title [missing-field]"
    anonymous = Diagnostic("pubs.bib", None, None, W, "bad-month", "odd")
    assert format_finding(anonymous) == "pubs.bib: warning: odd [bad-month]"


def test_summary_counts(report: CheckReport) -> None:
    assert summary(report) == f"{PROBLEMS_BIB}: 18 entries checked, 11 errors, 4 warnings"
    one = CheckReport("a.bib", 1, (Diagnostic("a.bib", 1, "k", E, "bad-name", "x"),))
    assert summary(one) == "a.bib: 1 entry checked, 1 error, 0 warnings"


def test_report_json(report: CheckReport) -> None:
    data = json.loads(report_json(report))
    assert (data["entries"], data["errors"], data["warnings"], data["failed"]) == (18, 11, 4, True)
    assert data["findings"][1] == {
        "path": str(PROBLEMS_BIB),
        "line": 26,
        "key": "twice2023",
        "severity": "error",
        "code": "duplicate-key",
        "message": (
            "duplicate entry key (first at line 20); BibTeX and biber use only the first entry"
        ),
    }
    clean = CheckReport("a.bib", 0, ())
    assert json.loads(report_json(clean, strict=True))["failed"] is False


def test_a_file_with_an_xdata_container_is_checked_entry_by_entry(tmp_path: Path) -> None:
    # The container has no publication of its own; the entries after it keep their findings.
    bib = tmp_path / "publications.bib"
    bib.write_text(
        "@xdata{venue, booktitle = {Shared Venue}, year = {2010}}\n"
        "@inproceedings{child, title = {T}, author = {Doe, Jane}, xdata = {venue}}\n"
        "@article{late, title = {Other}, author = {Roe, Jim}, journal = {J}, year = {2020},"
        " month = {13}}\n",
        encoding="utf-8",
    )
    report = check_file(bib)
    assert report.entries == 2
    assert [(f.key, f.code) for f in report.findings] == [("late", "bad-month")]
