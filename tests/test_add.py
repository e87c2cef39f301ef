"""``publist add`` against local servers replaying real recorded answers (tests/data/recorded)."""

from __future__ import annotations

import dataclasses
import math
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from publist.bibtex.parse import parse
from publist.bibtex.style import detect_style
from publist.enrich.add import Clients, add, make_key, parse_identifier
from publist.errors import ExitCode
from publist.sources.arxiv.client import ArxivClient, ArxivSettings
from publist.sources.crossref.client import CrossrefClient
from publist.sources.doi.client import DoiClient
from publist.sources.settings import SourceSettings
from publist.sources.work import Person, WorkKind, WorkRecord
from tests.arxiv_server import FakeArxiv, FakeTime
from tests.golden import assert_golden
from tests.helpers import BUNDLED_BIB, BUNDLED_CONFIG, run_cli
from tests.recorded_server import Replay, Reply, replaying

pytestmark = pytest.mark.usefixtures("arxiv_offline")

SREP = "10.1038/srep16696"
ACM = "10.1145/2834800.2834802"
ZENODO = "10.5281/zenodo.8242099"


@pytest.fixture
def services() -> Iterator[Replay]:
    """arXiv, Crossref and doi.org on one local server, answering as recorded."""
    with replaying() as server:
        server.routes.update(
            {
                "/api/query": Reply.file("arxiv-idlist-1605.08386.xml"),
                f"/works/{SREP}": Reply.file("crossref-work-journal-srep16696.json"),
                f"/works/{ACM}": Reply.file("crossref-work-proceedings-acm-2834800.json"),
                f"/works/{ZENODO}": Reply.file("crossref-work-404.txt", status=404),
                f"/doi/{ZENODO}": Reply.file(
                    "datacite-csl-zenodo-8242099.json",
                    content_type="application/vnd.citationstyles.csl+json",
                ),
            }
        )
        yield server


def _clients(server_url: str, tmp_path: Path, fake_time: FakeTime) -> Clients:
    session = requests.Session()
    session.trust_env = False
    clock, sleep, now = fake_time.clock, fake_time.sleep, fake_time.time
    arxiv_settings = ArxivSettings(
        base_url=f"{server_url}/api/query", delay=3.0, timeout=(2.0, 2.0), cache_dir=tmp_path
    )
    sources = SourceSettings(
        crossref_url=server_url,
        doi_url=f"{server_url}/doi",
        mailto="owner@example.org",
        cache_dir=tmp_path,
        timeout=(2.0, 2.0),
    )
    return Clients(
        ArxivClient(arxiv_settings, session=session, clock=clock, sleep=sleep, now=now),
        CrossrefClient(sources, session=session, clock=clock, sleep=sleep, now=now),
        DoiClient(sources, session=session, clock=clock, sleep=sleep, now=now),
    )


@pytest.fixture
def bib(tmp_path: Path) -> Path:
    path = tmp_path / "publications.bib"
    shutil.copyfile(BUNDLED_BIB, path)
    shutil.copyfile(BUNDLED_CONFIG, tmp_path / "publist.toml")
    return path


@pytest.mark.parametrize(
    ("text", "arxiv", "doi"),
    [
        ("2501.18092", "2501.18092", ""),
        ("arXiv:2501.18092v2", "2501.18092", ""),
        ("https://arxiv.org/abs/2501.18092", "2501.18092", ""),
        ("https://arxiv.org/pdf/2501.18092v1.pdf", "2501.18092", ""),
        ("math/0309136", "math/0309136", ""),
        ("math.GT/0309136v1", "math/0309136", ""),
        ("10.48550/arXiv.2501.18092", "2501.18092", ""),
        ("10.1145/3600006.3613138", "", "10.1145/3600006.3613138"),
        ("https://doi.org/10.1145/3600006.3613138", "", "10.1145/3600006.3613138"),
        ("doi:10.1038/srep16696", "", "10.1038/srep16696"),
    ],
)
def test_every_id_form(text: str, arxiv: str, doi: str) -> None:
    parsed = parse_identifier(text)
    assert not isinstance(parsed, str), parsed
    assert (parsed.arxiv.base if parsed.arxiv else "", parsed.doi) == (arxiv, doi)


@pytest.mark.parametrize("text", ["2513.00001", "hello", "10.1/x", "arXiv:", "https://example.org"])
def test_malformed_ids_are_named(text: str) -> None:
    assert isinstance(parse_identifier(text), str)


def test_arxiv_and_doi_papers_enter_in_the_files_style(
    bib: Path, services: Replay, tmp_path: Path, fake_time: FakeTime
) -> None:
    before = bib.read_text(encoding="utf-8")
    result = add(
        bib,
        ["arXiv:1605.08386v1", f"https://doi.org/{SREP}", ACM, ZENODO],
        clients=_clients(services.url, tmp_path, fake_time),
    )
    assert result.problems == ()
    assert [a.key for a in result.additions] == [
        "stanley2016heat",
        "tosatto2015single",
        "anzt2015adaptive",
        "willighagen2023shield",
    ]
    after = bib.read_text(encoding="utf-8")
    assert after.startswith(before)  # every byte the user wrote is still there, in place
    assert_golden("add.bundled.bib", after[len(before) :])
    # The new entries read back: the owner config, categories and labels apply to them.
    document = parse(after, path=bib)
    assert len(document.entries) == 15 and not document.diagnostics
    seen = [request.headers.get("User-Agent", "") for request in services.requests]
    assert all("mailto:owner@example.org" in agent for agent in seen[1:])


def test_style_is_detected_from_the_majority_of_entries(tmp_path: Path) -> None:
    text = (
        '@Article{one,\n\tauthor = "Lin, Wei",\n\ttitle = "A",\n\tyear = "2020",\n'
        '\tmonth = "3"\n}\n\n'
        '@Article{two,\n\ttitle = "B",\n\tauthor = "Xu, Hong",\n\tyear = "2021"\n}\n'
    )
    style = detect_style(parse(text, path=tmp_path / "x.bib"))
    assert (style.indent, style.quotes, style.aligned, style.trailing_comma) == (
        "\t",
        True,
        False,
        False,
    )
    assert (style.type_case, style.month_macros) == ("capitalized", False)


@pytest.mark.parametrize(
    "name",
    ["quoted-tabs", "aligned-braces", "crlf-upper"],
)
def test_new_entries_follow_differently_written_files(
    name: str, services: Replay, tmp_path: Path, fake_time: FakeTime
) -> None:
    texts = {
        "quoted-tabs": '@Article{lin2020a,\n\tauthor = "Lin, Wei",\n\ttitle = "A",\n'
        '\tjournal = "J",\n\tyear = "2020"\n}\n',
        "aligned-braces": "@article{lin2020a,\n  title   = {A},\n  author  = {Lin, Wei},\n"
        "  journal = {J},\n  year    = {2020},\n  month   = mar,\n}\n",
        "crlf-upper": "@ARTICLE{lin2020a,\r\n    AUTHOR={Lin, Wei},\r\n    TITLE={A},\r\n"
        "    YEAR={2020},\r\n}\r\n",
    }
    bib = tmp_path / "p.bib"
    bib.write_bytes(texts[name].encode("utf-8"))
    result = add(bib, [ACM], clients=_clients(services.url, tmp_path, fake_time))
    assert result.written
    data = bib.read_bytes().decode("utf-8")
    assert data.startswith(texts[name])
    assert_golden(f"add.{name}.bib", data)


def test_keys_are_unique_and_follow_the_pattern() -> None:
    record = WorkRecord(
        "arXiv", WorkKind.PREPRINT, "The Learning of Things", (Person("Qingyu", "Song"),), 2025
    )
    assert make_key(record, "{author}{year}{title}", set()) == "song2025learning"
    taken = {"song2025learning", "song2025learninga"}
    assert make_key(record, "{author}{year}{title}", taken) == "song2025learningb"
    assert make_key(record, "{author}:{year}", set()) == "song:2025"
    accented = dataclasses.replace(record, authors=(Person("Jörg", "Müller-Lüdenscheidt"),))
    assert make_key(accented, "{author}{year}{title}", set()) == "mullerludenscheidt2025learning"


def test_a_paper_already_in_the_bib_is_refused_with_its_key_and_line(
    bib: Path, services: Replay, tmp_path: Path, fake_time: FakeTime
) -> None:
    before = bib.read_bytes()
    result = add(
        bib,
        ["2501.18092", "https://arxiv.org/abs/2412.00059"],
        clients=_clients(services.url, tmp_path, fake_time),
    )
    assert [(p.kind, p.existing_key, p.existing_line) for p in result.problems] == [
        ("duplicate", "song2025learning", 7),
        ("duplicate", "lin2024adaptive", 18),
    ]
    assert services.requests == []  # refused by id before anything is fetched
    assert bib.read_bytes() == before and not result.written


def test_the_same_title_with_an_author_in_common_is_refused(
    bib: Path, services: Replay, tmp_path: Path, fake_time: FakeTime
) -> None:
    bib.write_text(
        bib.read_text(encoding="utf-8")
        + "\n@article{mine, title = {Adaptive precision solvers for sparse linear systems},"
        " author = {Anzt, H. and Someone, Else}, journal = {J}, year = 2015}\n",
        encoding="utf-8",
    )
    result = add(bib, [ACM], clients=_clients(services.url, tmp_path, fake_time))
    (problem,) = result.problems
    assert problem.existing_key == "mine"
    assert "the same title and an author in common" in problem.message


def test_partial_failure_adds_the_others(
    bib: Path, services: Replay, tmp_path: Path, fake_time: FakeTime
) -> None:
    result = add(
        bib,
        ["10.9999/nobody.knows", SREP, "not-an-id", "2501.18092"],
        clients=_clients(services.url, tmp_path, fake_time),
    )
    assert [a.key for a in result.additions] == ["tosatto2015single"]
    assert [(p.identifier, p.kind) for p in result.problems] == [
        ("10.9999/nobody.knows", "not-found"),
        ("not-an-id", "invalid"),
        ("2501.18092", "duplicate"),
    ]
    assert result.written


def test_the_cli_dry_run_prints_and_writes_nothing(
    bib: Path, services: Replay, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PUBLIST_CROSSREF_URL", services.url)
    monkeypatch.setenv("PUBLIST_DOI_URL", f"{services.url}/doi")
    monkeypatch.setenv("PUBLIST_CACHE_DIR", str(tmp_path / "cache"))
    before = bib.read_bytes()
    result = run_cli("add", "-b", bib, "--dry-run", SREP, "2501.18092")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("@article{tosatto2015single,\n  title        = {Single")
    assert "note: 2501.18092: already in the bib as song2025learning (line 7)" in result.stderr
    assert "would add tosatto2015single (Crossref, journal-article)" in result.stderr
    assert bib.read_bytes() == before


def test_the_cli_exit_codes(
    bib: Path, services: Replay, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PUBLIST_CROSSREF_URL", services.url)
    monkeypatch.setenv("PUBLIST_DOI_URL", f"{services.url}/doi")
    monkeypatch.setenv("PUBLIST_CACHE_DIR", str(tmp_path / "cache"))
    only_duplicates = run_cli("add", "-b", bib, "2501.18092")
    assert only_duplicates.exit_code == ExitCode.INPUT
    bad = run_cli("add", "-b", bib, "nonsense")
    assert bad.exit_code == ExitCode.INPUT
    assert "error: nonsense: 'nonsense' is neither an arXiv id" in bad.stderr
    services.routes[f"/works/{SREP}"] = Reply(503, b"down", "text/plain")
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    down = run_cli("add", "-b", bib, SREP)
    assert down.exit_code == ExitCode.NETWORK
    assert "error: 10.1038/srep16696: gave up on Crossref work 10.1038/srep16696" in down.stderr


def test_an_html_answer_is_unavailable_not_not_found(
    bib: Path, services: Replay, tmp_path: Path, fake_time: FakeTime
) -> None:
    services.routes[f"/works/{SREP}"] = Reply(200, b"<html>bot check</html>", "text/html")
    result = add(bib, [SREP], clients=_clients(services.url, tmp_path, fake_time))
    (problem,) = result.problems
    assert problem.kind == "unavailable"
    assert "text/html, not JSON (source unavailable)" in problem.message


def test_n_arxiv_ids_take_ceil_n_over_100_requests_and_a_warm_cache_none(
    tmp_path: Path, arxiv_server: FakeArxiv, fake_time: FakeTime
) -> None:
    ids = arxiv_server.add_many(150)
    bib = tmp_path / "p.bib"
    bib.write_text("", encoding="utf-8")
    clients = _clients("http://127.0.0.1:9", tmp_path, fake_time)
    clients.arxiv = ArxivClient(
        ArxivSettings(base_url=arxiv_server.url, delay=3.0, cache_dir=tmp_path / "c"),
        clock=fake_time.clock,
        sleep=fake_time.sleep,
        now=fake_time.time,
    )
    result = add(bib, ids, clients=clients, dry_run=True)
    assert len(result.additions) == 150
    assert len(arxiv_server.requests) == math.ceil(150 / 100) == result.requests_sent
    again = add(bib, ids, clients=clients, dry_run=True)
    assert again.requests_sent == 0
    assert len(arxiv_server.requests) == 2
