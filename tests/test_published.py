"""Preprint to published: real recorded answers of Semantic Scholar, Crossref, DBLP and OpenAlex.

The recorded records (tests/data/recorded, sources in its README) are served by a local server;
Semantic Scholar's batch answer is assembled from its recorded paper records (one per arXiv
id, ``null`` for one it does not know), as its batch endpoint returns them, and Crossref's
``/works/{doi}`` envelope wraps the recorded work item of the same DOI.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from publist.enrich.promote import promote
from publist.enrich.published import Services, find_published
from publist.enrich.published_match import Rejection, judge, title_similarity
from publist.errors import UsageError
from publist.sources.arxiv.client import ArxivClient, ArxivSettings
from publist.sources.crossref.client import CrossrefClient
from publist.sources.scholar.clients import (
    CrossrefSearch,
    Dblp,
    OpenAlex,
    ScholarSettings,
    SemanticScholar,
    work_from_s2,
)
from publist.sources.settings import SourceSettings
from tests.arxiv_server import FakeArxiv, FakeTime, Paper
from tests.golden import assert_golden
from tests.helpers import run_cli
from tests.recorded_server import RECORDED, Replay, Reply, replaying

pytestmark = pytest.mark.usefixtures("arxiv_offline")

CHEMCROW_DOI = "10.1038/s42256-024-00832-8"


def _recorded(name: str) -> Any:
    return json.loads((RECORDED / name).read_text(encoding="utf-8"))


def _s2_papers() -> dict[str, Any]:
    """The recorded Semantic Scholar paper records, by arXiv id."""
    papers = {}
    for name in (
        "s2-arxiv-match-chemcrow-natmi.json",
        "s2-arxiv-match-attention-neurips.json",
        "s2-arxiv-doi-paperqa-arxivonly.json",
    ):
        data = _recorded(name)
        paper = data["data"][0] if "data" in data else data
        papers[paper["externalIds"]["ArXiv"]] = paper
    return papers


@pytest.fixture
def services_server() -> Iterator[Replay]:
    with replaying() as server:
        papers = _s2_papers()

        def batch(body: bytes) -> Reply:
            ids = json.loads(body)["ids"]
            answer = [papers.get(i.removeprefix("arXiv:")) for i in ids]
            return Reply(200, json.dumps(answer).encode())

        server.posted["/s2/paper/batch"] = batch
        item = _recorded("crossref-search-title-chemcrow-natmi.json")["message"]["items"][0]
        work = {"status": "ok", "message-type": "work", "message": item}
        server.routes[f"/works/{CHEMCROW_DOI}"] = Reply(200, json.dumps(work).encode())
        server.routes["/dblp/search/publ/api"] = Reply.file("dblp-search-test-2019.json")
        server.routes["/works"] = Reply.file("crossref-search-title-paperqa-nomatch.json")
        yield server


def _services(
    server: Replay, arxiv: FakeArxiv, tmp_path: Path, fake_time: FakeTime, *, openalex: bool = False
) -> Services:
    session = requests.Session()
    session.trust_env = False
    clock, sleep, now = fake_time.clock, fake_time.sleep, fake_time.time
    settings = SourceSettings(
        crossref_url=server.url, doi_url=server.url, cache_dir=tmp_path / "cache", timeout=(2, 2)
    )
    scholar = ScholarSettings(
        s2_url=f"{server.url}/s2",
        dblp_url=f"{server.url}/dblp",
        openalex_url=f"{server.url}/openalex",
        openalex_key="test-key" if openalex else "",
    )
    common: dict[str, Any] = {
        "session": session,
        "notify": None,
        "clock": clock,
        "sleep": sleep,
        "now": now,
    }
    return Services(
        ArxivClient(
            ArxivSettings(base_url=arxiv.url, delay=3.0, cache_dir=tmp_path / "cache"),
            session=session,
            clock=clock,
            sleep=sleep,
            now=now,
        ),
        CrossrefClient(settings, session=session, clock=clock, sleep=sleep, now=now),
        SemanticScholar(scholar, settings, **common),
        Dblp(scholar, settings, **common),
        CrossrefSearch(settings, **common),
        OpenAlex(scholar, settings, **common),
    )


CHEMCROW = """\
@misc{bran2023chemcrow,
  title         = {ChemCrow: Augmenting large-language models with chemistry tools},
  author        = {Bran, Andres M. and Cox, Sam and Schilter, Oliver and
                   Baldassari, Carlo and White, Andrew D. and Schwaller, Philippe},
  journal       = {arXiv preprint arXiv:2304.05376},
  year          = {2023},
  month         = apr,
  eprint        = {2304.05376},
  archiveprefix = {arXiv},
  primaryclass  = {physics.chem-ph},
  pdf           = {chemcrow.pdf},
  selected      = {true},
  category      = {submission},
}
"""
ATTENTION = """\
@misc{vaswani2017attention,
  title = {Attention Is All You Need},
  author = {Vaswani, Ashish and Shazeer, Noam and Parmar, Niki and Uszkoreit, Jakob and
            Jones, Llion and Gomez, Aidan N.},
  year = 2017, eprint = {1706.03762}, archiveprefix = {arXiv},
}
"""
PAPERQA = """\
@misc{lala2023paperqa,
  title = {PaperQA: Retrieval-Augmented Generative Agent for Scientific Research},
  author = {L{\\'a}la, Jakub and O'Donoghue, Odhran and Shtedritski, Aleksandar and
            Cox, Sam and Rodriques, Samuel G. and White, Andrew D.},
  year = 2023, eprint = {2312.07559},
}
"""
MONKEY = """\
@misc{wetzlmaier2017hybrid,
  title = {Hybrid monkey testing: enhancing automated {GUI} tests with random test generation},
  author = {Wetzlmaier, Thomas and Ramler, Rudolf},
  year = 2017, eprint = {1701.00001},
}
"""


def _bib(tmp_path: Path, *entries: str, owner: str = "Andrew D. White") -> Path:
    bib = tmp_path / "publications.bib"
    bib.write_text("\n".join(entries), encoding="utf-8")
    (tmp_path / "publist.toml").write_text(f'[owner]\nnames = ["{owner}"]\n', encoding="utf-8")
    return bib


def _arxiv(server: FakeArxiv, *ids: str, **fields: Any) -> None:
    server.add(*(Paper(base=i, **fields) for i in ids))


def _point_the_cli_at(
    monkeypatch: pytest.MonkeyPatch, services: Replay, arxiv: FakeArxiv, tmp_path: Path
) -> None:
    """The command line's endpoints on the local servers, its cache in ``tmp_path``, no waits."""
    for name, value in {
        "PUBLIST_ARXIV_URL": arxiv.url,
        "PUBLIST_ARXIV_DELAY": "0",
        "PUBLIST_CROSSREF_URL": services.url,
        "PUBLIST_S2_URL": f"{services.url}/s2",
        "PUBLIST_DBLP_URL": f"{services.url}/dblp",
        "PUBLIST_CACHE_DIR": str(tmp_path / "cache"),
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("time.sleep", lambda seconds: None)


def _statuses(bib: Path, services: Services) -> dict[str, Any]:
    _, report = find_published(bib, services=services)
    return {s.item.publication.key: s for s in report.statuses}


def test_semantic_scholar_and_crossref_find_a_renamed_journal_version(
    tmp_path: Path, services_server: Replay, arxiv_server: FakeArxiv, fake_time: FakeTime
) -> None:
    _arxiv(arxiv_server, "2304.05376")
    bib = _bib(tmp_path, CHEMCROW)
    status = _statuses(bib, _services(services_server, arxiv_server, tmp_path, fake_time))[
        "bran2023chemcrow"
    ]
    verdict = status.verdict
    assert verdict.status == "published"
    assert (verdict.venue, verdict.year, verdict.doi) == (
        "Nature Machine Intelligence",
        2024,  # the publisher's year, not Semantic Scholar's 2023 (the arXiv year)
        CHEMCROW_DOI,
    )
    assert verdict.sources == ("Semantic Scholar", "Crossref")
    assert "merges arXiv:2304.05376" in verdict.findings[0].evidence


def test_a_conference_paper_without_a_doi_is_found_by_semantic_scholar(
    tmp_path: Path, services_server: Replay, arxiv_server: FakeArxiv, fake_time: FakeTime
) -> None:
    _arxiv(arxiv_server, "1706.03762")
    bib = _bib(tmp_path, ATTENTION, owner="Ashish Vaswani")
    verdict = _statuses(bib, _services(services_server, arxiv_server, tmp_path, fake_time))[
        "vaswani2017attention"
    ].verdict
    assert (verdict.status, verdict.venue, verdict.kind.value if verdict.kind else "") == (
        "published",
        "Neural Information Processing Systems",
        "proceedings-article",
    )


def test_an_arxiv_only_paper_is_not_found_and_crossrefs_nearest_hit_is_refused(
    tmp_path: Path, services_server: Replay, arxiv_server: FakeArxiv, fake_time: FakeTime
) -> None:
    _arxiv(arxiv_server, "2312.07559")
    bib = _bib(tmp_path, PAPERQA)
    status = _statuses(bib, _services(services_server, arxiv_server, tmp_path, fake_time))[
        "lala2023paperqa"
    ]
    assert status.verdict.status == "not_found"
    reasons = {(r.record.source, r.reason.split(" (")[0]) for r in status.rejected}
    # S2's record is the arXiv one (JournalArticle, arXiv DOI, venue arXiv.org): no publication.
    assert ("Semantic Scholar", "a preprint itself") in reasons
    # Crossref's search always returns something: here "Retrieval augmented scientific claim
    # verification", which the guards refuse.
    assert any(source == "Crossref" for source, _ in reasons)


def test_dblp_finds_the_conference_version_by_title_and_authors(
    tmp_path: Path, services_server: Replay, arxiv_server: FakeArxiv, fake_time: FakeTime
) -> None:
    _arxiv(arxiv_server, "1701.00001")
    bib = _bib(tmp_path, MONKEY, owner="Rudolf Ramler")
    verdict = _statuses(bib, _services(services_server, arxiv_server, tmp_path, fake_time))[
        "wetzlmaier2017hybrid"
    ].verdict
    assert verdict.status == "published"
    assert (verdict.venue_short, verdict.doi, verdict.year) == (
        "A-TEST@ESEC/SIGSOFT FSE",
        "10.1145/3121245.3121247",
        2017,
    )
    assert verdict.sources == ("DBLP",)


def test_a_namesakes_paper_with_the_same_title_is_never_matched(
    tmp_path: Path, services_server: Replay, arxiv_server: FakeArxiv, fake_time: FakeTime
) -> None:
    _arxiv(arxiv_server, "1701.00001")
    namesake = MONKEY.replace("Wetzlmaier, Thomas and Ramler, Rudolf", "Doe, Jane and Roe, Richard")
    bib = _bib(tmp_path, namesake, owner="Jane Doe")
    status = _statuses(bib, _services(services_server, arxiv_server, tmp_path, fake_time))[
        "wetzlmaier2017hybrid"
    ]
    assert status.verdict.status == "not_found"
    assert any(r.reason.startswith("authors differ") for r in status.rejected)


def test_a_near_identical_title_by_the_same_authors_is_never_matched(
    tmp_path: Path, services_server: Replay, arxiv_server: FakeArxiv, fake_time: FakeTime
) -> None:
    # DBLP lists two editorials of these authors in one journal, a volume apart: the preprint is
    # the first; the second, with its similar title, must not be taken for it.
    first = (
        "Editorial for the special issue of STVR on tests and proofs volume 1 - "
        "tests and proofs in model-based testing"
    )
    second = (
        "Editorial for the special issue of STVR on tests and proofs volume 2 - "
        "tests and proofs for improving the generation time and quality of test data suites"
    )
    assert title_similarity(first, second) < 0.9
    _arxiv(arxiv_server, "1402.0001")
    bib = _bib(
        tmp_path,
        f"@misc{{brucker2014editorial, title = {{{first}}}, author = {{Brucker, Achim D. and "
        "Julliand, Jacques}, year = 2014, eprint = {1402.0001}}\n",
        owner="Achim D. Brucker",
    )
    verdict = _statuses(bib, _services(services_server, arxiv_server, tmp_path, fake_time))[
        "brucker2014editorial"
    ].verdict
    assert verdict.status == "published"
    assert verdict.doi == "10.1002/stvr.1560"  # volume 1's, never volume 2's 10.1002/stvr.1558


def test_sources_that_disagree_are_a_conflict_and_nothing_is_applied(
    tmp_path: Path, services_server: Replay, arxiv_server: FakeArxiv, fake_time: FakeTime
) -> None:
    # arXiv's authors wrote a journal reference naming another venue than Semantic Scholar's.
    _arxiv(
        arxiv_server,
        "2304.05376",
        title="ChemCrow: Augmenting large-language models with chemistry tools",
        authors=("Andres M. Bran", "Sam Cox", "Andrew D. White", "Philippe Schwaller"),
        journal_ref="Proceedings of ChemAI 2023, pp. 1-9",
    )
    bib = _bib(tmp_path, CHEMCROW)
    services = _services(services_server, arxiv_server, tmp_path, fake_time)
    status = _statuses(bib, services)["bran2023chemcrow"]
    assert status.verdict.status == "conflict"
    before = bib.read_bytes()
    result = promote(bib, ["bran2023chemcrow"], services=services)
    assert result.promotions == () and not result.written
    assert "sources disagree" in result.skipped[0][1]
    assert bib.read_bytes() == before


def test_openalex_is_asked_only_with_a_key(
    tmp_path: Path, services_server: Replay, arxiv_server: FakeArxiv, fake_time: FakeTime
) -> None:
    services_server.posted["/s2/paper/batch"] = lambda body: Reply(200, b"[null]")
    services_server.routes["/openalex/works"] = Reply.file("openalex-search-title-chemcrow.json")
    _arxiv(arxiv_server, "2304.05376")
    bib = _bib(tmp_path, CHEMCROW)
    without = _statuses(bib, _services(services_server, arxiv_server, tmp_path, fake_time))
    assert without["bran2023chemcrow"].verdict.status == "not_found"
    assert not any(r.path.startswith("/openalex") for r in services_server.requests)
    keyed = _statuses(
        bib, _services(services_server, arxiv_server, tmp_path / "k", fake_time, openalex=True)
    )["bran2023chemcrow"].verdict
    assert (keyed.status, keyed.venue, keyed.sources) == (
        "published",
        "Nature Machine Intelligence",
        ("OpenAlex",),
    )


def test_requests_are_batched_and_cached(
    tmp_path: Path, services_server: Replay, arxiv_server: FakeArxiv, fake_time: FakeTime
) -> None:
    _arxiv(arxiv_server, "2304.05376", "1706.03762", "2312.07559")
    bib = _bib(tmp_path, CHEMCROW, ATTENTION, PAPERQA)
    services = _services(services_server, arxiv_server, tmp_path, fake_time)
    _, first = find_published(bib, services=services)
    assert first.requests["Semantic Scholar"] == 1  # three arXiv ids, one batch
    assert first.requests["arXiv"] == 1
    _, second = find_published(bib, services=services)
    assert second.requests == {
        "arXiv": 0,
        "Crossref": 0,
        "Semantic Scholar": 0,
        "DBLP": 0,
        "OpenAlex": 0,
    }


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (
            Reply(200, b"<html><title>Making sure you're not a bot!</title></html>", "text/html"),
            "not JSON",
        ),
        (Reply(200, b'{"result": {"hits": ', "application/json"), "unreadable JSON"),
        (Reply(200, b"[" * 100_000 + b"]" * 100_000, "application/json"), "unreadable JSON"),
        (Reply(500, b"<html>oops</html>", "text/html"), "HTTP 500"),
    ],
)
def test_bad_answers_make_a_source_unavailable_and_the_others_still_count(
    tmp_path: Path,
    services_server: Replay,
    arxiv_server: FakeArxiv,
    fake_time: FakeTime,
    answer: Reply,
    expected: str,
) -> None:
    services_server.routes["/dblp/search/publ/api"] = answer
    _arxiv(arxiv_server, "2312.07559", "2304.05376")
    bib = _bib(tmp_path, PAPERQA, CHEMCROW)
    before = bib.read_bytes()
    statuses = _statuses(bib, _services(services_server, arxiv_server, tmp_path, fake_time))
    assert statuses["lala2023paperqa"].verdict.status == "unavailable"
    assert statuses["lala2023paperqa"].unavailable == ("DBLP",)
    assert statuses["bran2023chemcrow"].verdict.status == "published"  # S2 still answered
    assert bib.read_bytes() == before
    # What the source said is kept for the user: which answer made it unavailable.
    with pytest.raises(Exception, match=expected):
        _services(services_server, arxiv_server, tmp_path / "again", fake_time).dblp.search("x")


def test_a_rate_limited_source_is_retried_after_retry_after(
    tmp_path: Path, services_server: Replay, arxiv_server: FakeArxiv, fake_time: FakeTime
) -> None:
    papers = _s2_papers()
    answers = iter(
        [
            Reply(429, b'{"message": "Too Many Requests"}'),
            Reply(200, json.dumps([papers["2304.05376"]]).encode()),
        ]
    )
    services_server.posted["/s2/paper/batch"] = lambda body: next(answers)
    _arxiv(arxiv_server, "2304.05376")
    bib = _bib(tmp_path, CHEMCROW)
    status = _statuses(bib, _services(services_server, arxiv_server, tmp_path, fake_time))[
        "bran2023chemcrow"
    ]
    assert status.verdict.status == "published"
    assert 10.0 in fake_time.sleeps  # the backoff before the second attempt


def test_the_published_json(
    tmp_path: Path,
    services_server: Replay,
    arxiv_server: FakeArxiv,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _arxiv(arxiv_server, "2304.05376", "2312.07559")
    bib = _bib(tmp_path, CHEMCROW, PAPERQA)
    _point_the_cli_at(monkeypatch, services_server, arxiv_server, tmp_path)
    result = run_cli("published", "-b", bib, "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    first = {p["key"]: p for p in data["preprints"]}
    assert first["bran2023chemcrow"] | {"evidence": None} == {
        "key": "bran2023chemcrow",
        "label": "P2",
        "arxiv_id": "2304.05376",
        "status": "published",
        "venue": "Nature Machine Intelligence",
        "venue_short": None,
        "year": 2024,
        "doi": CHEMCROW_DOI,
        "type": "journal-article",
        "sources": ["Semantic Scholar", "Crossref"],
        "evidence": None,
        "unavailable": [],
    }
    assert first["lala2023paperqa"]["status"] == "not_found"
    table = run_cli("published", "-b", bib)
    assert table.exit_code == 0
    assert "2 preprint(s) checked: 1 not found, 1 published" in table.stderr


@pytest.mark.parametrize("style", ["aligned", "quoted"])
def test_promote_rewrites_only_the_entry(
    tmp_path: Path,
    services_server: Replay,
    arxiv_server: FakeArxiv,
    fake_time: FakeTime,
    style: str,
) -> None:
    entry = CHEMCROW
    if style == "quoted":
        entry = (
            '@Misc{bran2023chemcrow,\n\ttitle = "{ChemCrow}: Augmenting large-language models '
            'with chemistry tools",\n\tauthor = "Bran, Andres M. and Cox, Sam and Schilter, '
            'Oliver and Baldassari, Carlo and White*, Andrew D. and Schwaller, Philippe",\n'
            '\tyear = "2023",\n\teprint = "2304.05376",\n\tnote = "Code on GitHub",\n'
            '\tkeywords = "llm, chemistry"\n}\n'
        )
    _arxiv(arxiv_server, "2304.05376")
    other = (
        "% my papers\n@article{keep, title = {Untouched}, author = {White, Andrew D.},"
        " journal = {J}, year = 2020}\n"
    )
    bib = _bib(tmp_path, other, entry)
    before = bib.read_text(encoding="utf-8")
    services = _services(services_server, arxiv_server, tmp_path, fake_time)
    preview = promote(bib, ["P1"], dry_run=True, services=services)
    assert bib.read_text(encoding="utf-8") == before
    (promotion,) = preview.promotions
    assert "+  doi" in promotion.diff("publications.bib") or "+\tdoi" in promotion.diff("p")
    result = promote(bib, ["bran2023chemcrow"], services=services)
    after = bib.read_text(encoding="utf-8")
    assert result.written
    assert after.startswith(other)  # every other byte as it was
    assert_golden(f"promote.{style}.bib", after)
    with pytest.raises(UsageError):
        promote(bib, [], services=services)


def test_judge_refuses_an_arxiv_only_record_even_when_linked() -> None:
    record = work_from_s2(_s2_papers()["2312.07559"])
    from publist.bibtex.parse import parse
    from publist.build.pipeline import build
    from publist.config import Config

    loaded = build(parse(PAPERQA, path=Path("p.bib")), Config(owner_names=("Andrew D. White",)))
    verdict = judge(loaded.publications[0], record, link="Semantic Scholar merges it")
    assert isinstance(verdict, Rejection) and verdict.reason == "a preprint itself"


def test_arxivs_own_doi_leads_to_crossrefs_record(
    tmp_path: Path, services_server: Replay, arxiv_server: FakeArxiv, fake_time: FakeTime
) -> None:
    services_server.posted["/s2/paper/batch"] = lambda body: Reply(200, b"[null]")
    _arxiv(arxiv_server, "2304.05376", dois=(CHEMCROW_DOI,))
    bib = _bib(tmp_path, CHEMCROW)
    verdict = _statuses(bib, _services(services_server, arxiv_server, tmp_path, fake_time))[
        "bran2023chemcrow"
    ].verdict
    assert (verdict.status, verdict.sources, verdict.year) == ("published", ("Crossref",), 2024)
    assert verdict.findings[0].evidence.startswith(f"Crossref: arXiv lists the DOI {CHEMCROW_DOI}")


def test_crossrefs_title_search_finds_a_journal_article(
    tmp_path: Path, services_server: Replay, arxiv_server: FakeArxiv, fake_time: FakeTime
) -> None:
    services_server.routes["/works"] = Reply.file("crossref-search-title-copper-jap.json")
    _arxiv(arxiv_server, "1511.00001")
    bib = _bib(
        tmp_path,
        "@misc{skarlinski2015effect, title = {Effect of native oxide layers on copper thin-film"
        " tensile properties: A reactive molecular dynamics study}, author = {Skarlinski,"
        " Michael D. and Quesnel, David J.}, year = 2015, eprint = {1511.00001}}\n",
        owner="Michael D. Skarlinski",
    )
    verdict = _statuses(bib, _services(services_server, arxiv_server, tmp_path, fake_time))[
        "skarlinski2015effect"
    ].verdict
    assert (verdict.status, verdict.sources, verdict.venue, verdict.doi) == (
        "published",
        ("Crossref",),
        "Journal of Applied Physics",
        "10.1063/1.4938384",
    )
    assert verdict.findings[0].evidence.startswith("Crossref: title 1.00 and 2 of 2 authors")


def test_promote_all_rewrites_two_preprints_under_one_key_each_in_its_place(
    tmp_path: Path, services_server: Replay, arxiv_server: FakeArxiv, fake_time: FakeTime
) -> None:
    _arxiv(arxiv_server, "2304.05376", "1706.03762")
    first = CHEMCROW.replace("{bran2023chemcrow,", "{dup,")
    second = ATTENTION.replace("{vaswani2017attention,", "{dup,")
    bib = _bib(tmp_path, first, second)
    services = _services(services_server, arxiv_server, tmp_path, fake_time)
    result = promote(bib, [], every=True, services=services)
    assert len(result.promotions) == 2
    after = bib.read_text(encoding="utf-8")
    assert after.count("ChemCrow") == 1 and after.count("Attention Is All You Need") == 1
    assert after.index("@article{dup,") < after.index("@inproceedings{dup,")
    assert "Nature Machine Intelligence" in after.split("@inproceedings")[0]
    assert "Neural Information Processing Systems" in after.split("@inproceedings")[1]


@pytest.mark.parametrize(
    "unsafe",
    ["  % my own copy\n  pdf = {chemcrow.pdf},", "  pdf = {chemcrow.pdf},\n  pdf = {other.pdf},"],
    ids=["comment-inside", "repeated-field"],
)
def test_promote_leaves_an_entry_it_would_lose_bytes_of(
    tmp_path: Path,
    services_server: Replay,
    arxiv_server: FakeArxiv,
    fake_time: FakeTime,
    unsafe: str,
) -> None:
    _arxiv(arxiv_server, "2304.05376")
    bib = _bib(tmp_path, CHEMCROW.replace("  pdf           = {chemcrow.pdf},", unsafe))
    before = bib.read_bytes()
    services = _services(services_server, arxiv_server, tmp_path, fake_time)
    result = promote(bib, ["bran2023chemcrow"], services=services)
    assert result.promotions == () and not result.written
    assert result.skipped == (
        ("bran2023chemcrow", "a repeated field or a % comment inside the entry; fix it first"),
    )
    assert bib.read_bytes() == before


def test_an_undecided_preprint_makes_published_and_promote_exit_3(
    tmp_path: Path,
    services_server: Replay,
    arxiv_server: FakeArxiv,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A script sees that a rerun is needed; what could be decided is still shown and applied."""
    services_server.routes["/dblp/search/publ/api"] = Reply(500, b"<html>oops</html>", "text/html")
    _arxiv(arxiv_server, "2304.05376", "2312.07559")
    bib = _bib(tmp_path, CHEMCROW, PAPERQA)
    _point_the_cli_at(monkeypatch, services_server, arxiv_server, tmp_path)
    shown = run_cli("published", "-b", bib, "--json")
    assert shown.exit_code == 3, shown.stderr
    assert {p["key"]: p["status"] for p in json.loads(shown.stdout)["preprints"]} == {
        "bran2023chemcrow": "published",
        "lala2023paperqa": "unavailable",
    }
    assert run_cli("published", "-b", bib).exit_code == 3
    done = run_cli("promote", "--all", "-b", bib)
    assert done.exit_code == 3, done.stderr
    assert "promoted bran2023chemcrow" in done.stderr
    assert "lala2023paperqa: left as it is: could not ask DBLP" in done.stderr
    assert "Nature Machine Intelligence" in bib.read_text(encoding="utf-8")
