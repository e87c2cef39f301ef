"""``publist discover``: the owner's arXiv papers not in the bib, ranked, a namesake's last."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from publist.enrich.candidates import parse_since, queries_for
from publist.enrich.discover import discover
from publist.errors import ConfigError, UsageError
from publist.sources.arxiv.client import ArxivClient, ArxivSettings
from tests.arxiv_server import FakeArxiv, FakeTime, Paper
from tests.helpers import run_cli
from tests.recorded_server import Replay, Reply, replaying

pytestmark = pytest.mark.usefixtures("arxiv_offline")

# Two of the papers in the recorded search for A. Del Maestro, as the owner's bib has them.
DEL_MAESTRO_BIB = """\
@article{herdman2015particle,
  title = {Particle partition entanglement of bosonic Luttinger liquids},
  author = {Herdman, C. M. and Del Maestro, Adrian},
  journal = {Phys. Rev. B}, year = 2015, eprint = {1412.6529},
  primaryclass = {cond-mat.quant-gas},
}
@article{kulchytskyy2013local,
  title = {Local Superfluidity at the Nanoscale},
  author = {Kulchytskyy, B. and Gervais, G. and Del Maestro, Adrian},
  journal = {Phys. Rev. B}, year = 2013, eprint = {1303.6954},
}
"""


def _folder(tmp_path: Path, bib: str, owner: str) -> Path:
    (tmp_path / "publications.bib").write_text(bib, encoding="utf-8")
    (tmp_path / "publist.toml").write_text(f'[owner]\nnames = ["{owner}"]\n', encoding="utf-8")
    return tmp_path / "publications.bib"


def _client(url: str, fake_time: FakeTime, tmp_path: Path) -> ArxivClient:
    settings = ArxivSettings(base_url=url, delay=3.0, cache_dir=tmp_path / "cache")
    return ArxivClient(settings, clock=fake_time.clock, sleep=fake_time.sleep, now=fake_time.time)


@pytest.fixture
def recorded() -> Iterator[Replay]:
    with replaying() as server:
        # arXiv's real answer to au:"A. Del Maestro" (12 results, a first page of 10); the
        # second page is a real empty answer.
        server.containing += [
            ("start=0", Reply.file("arxiv-search-au-del-maestro.xml")),
            ("start=10", Reply.file("arxiv-empty-search.xml")),
        ]
        yield server


def test_queries_ask_for_the_full_and_the_initialised_name() -> None:
    assert queries_for(["Adrian Del Maestro", "宋庆禹", "Jean-Pierre Dupont"]) == [
        'au:"Adrian Del Maestro" OR au:"A Del Maestro"',
        'au:"Jean-Pierre Dupont" OR au:"J P Dupont"',
    ]


def test_since_reads_dates_and_defaults_to_a_year() -> None:
    today = date(2026, 12, 5)
    assert parse_since(None, today) == date(2025, 12, 5)
    assert parse_since("2025", today) == date(2025, 1, 1)
    assert parse_since("2025-03", today) == date(2025, 3, 1)
    assert parse_since("2025-03-09", today) == date(2025, 3, 9)
    with pytest.raises(UsageError):
        parse_since("last week", today)


def test_recorded_search_ranks_shared_co_authors_first(
    tmp_path: Path, recorded: Replay, fake_time: FakeTime
) -> None:
    bib = _folder(tmp_path, DEL_MAESTRO_BIB, "Adrian Del Maestro")
    result = discover(
        bib,
        client=_client(f"{recorded.url}/api/query", fake_time, tmp_path),
        since="2000",
    )
    ids = [c.record.id.base for c in result.candidates]
    assert "1412.6529" not in ids and "1303.6954" not in ids  # already in the bib
    assert len(ids) == 8
    best = result.candidates[0]
    assert best.shared_coauthors and best.likely
    assert "C. M. Herdman" in best.shared_coauthors
    # A Herdman paper: the co-author the bib knows, spelled "C. M. Herdman" both times.
    assert all(c.shared_coauthors for c in result.candidates[:4])
    # The owner is found under arXiv's initialised spelling, so never "as configured".
    assert not any(c.exact_name for c in result.candidates)
    # The last: a paper in another field with co-authors the bib never had.
    last = result.candidates[-1]
    assert (last.record.id.base, last.likely) == ("2402.17843", False)
    assert result.add_command.startswith("publist add 1")
    assert "2402.17843" not in result.add_command
    queries = [parse_qs(urlsplit(r.path).query) for r in recorded.requests]
    assert [q["start"] for q in queries] == [["0"], ["10"]]
    assert queries[0]["search_query"] == ['au:"Adrian Del Maestro" OR au:"A Del Maestro"']
    assert queries[0]["sortBy"] == ["submittedDate"]


def test_a_namesake_is_marked_unlikely_and_listed_last(
    tmp_path: Path, arxiv_server: FakeArxiv, fake_time: FakeTime
) -> None:
    bib = _folder(
        tmp_path,
        "@misc{song2025learning, title = {Learning Provably Improves Descent},"
        " author = {Song, Qingyu and Lin, Wei and Xu, Hong}, year = 2025,"
        " eprint = {2501.18092}, primaryclass = {cs.LG}}\n",
        "Qingyu Song",
    )
    arxiv_server.add(
        Paper(base="2501.18092", authors=("Qingyu Song", "Wei Lin", "Hong Xu")),
        Paper(
            base="2511.00001",
            title="A Second Paper With a Co-author",
            authors=("Qingyu Song", "Hong Xu"),
            published="2025-11-02T00:00:00Z",
            primary_category="math.OC",
        ),
        Paper(
            base="2511.00002",
            title="Soil Microbes of the Tibetan Plateau",
            authors=("Qingyu Song", "Li Zhang"),
            published="2025-11-20T00:00:00Z",
            primary_category="q-bio.PE",
            categories=("q-bio.PE",),
        ),
        Paper(
            base="2510.00003",
            title="Another Learning Paper",
            authors=("Q. Song", "Ana Ortiz"),
            published="2025-10-01T00:00:00Z",
            primary_category="cs.LG",
        ),
    )
    result = discover(bib, client=_client(arxiv_server.url, fake_time, tmp_path), since="2025-06")
    ranked = [(c.record.id.base, c.likely) for c in result.candidates]
    assert ranked == [("2511.00001", True), ("2510.00003", True), ("2511.00002", False)]
    assert result.add_command == "publist add 2511.00001 2510.00003"


def test_paging_past_100_results_stops_at_since(
    tmp_path: Path, arxiv_server: FakeArxiv, fake_time: FakeTime
) -> None:
    bib = _folder(tmp_path, "", "Ada Lovelace")
    arxiv_server.add(
        *(
            Paper(
                base=f"2501.{n:05d}",
                title=f"Paper {n}",
                published=f"20{10 + n // 12:02d}-{n % 12 + 1:02d}-15T00:00:00Z",
            )
            for n in range(1, 180)
        )
    )
    client = _client(arxiv_server.url, fake_time, tmp_path)
    everything = discover(bib, client=client, since="2000")
    assert len(everything.candidates) == 179
    assert everything.requests_sent == 2  # two pages of 100, one query
    recent = discover(bib, client=client, since="2023-01")
    assert {c.record.published.year for c in recent.candidates if c.record.published} >= {2023}
    assert min(c.record.published for c in recent.candidates if c.record.published) >= date(
        2023, 1, 1
    )
    assert recent.requests_sent == 1  # the first page already reaches back before 2023
    assert fake_time.sleeps and min(fake_time.sleeps) >= 3.0  # arXiv's pacing between pages


def test_discover_needs_the_owners_name(tmp_path: Path, fake_time: FakeTime) -> None:
    bib = tmp_path / "publications.bib"
    bib.write_text("", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"set owner\.names"):
        discover(bib, client=_client("http://127.0.0.1:9/api/query", fake_time, tmp_path))


def test_the_cli_table_json_and_add_line(
    tmp_path: Path, recorded: Replay, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PUBLIST_ARXIV_DELAY", "0")  # a local server: no pacing to wait for
    bib = _folder(tmp_path, DEL_MAESTRO_BIB, "Adrian Del Maestro")
    url = f"{recorded.url}/api/query"
    table = run_cli("discover", "-b", bib, "--since", "2000", "--api-url", url)
    assert table.exit_code == 0, table.stderr
    assert table.stdout.splitlines()[-1].startswith("publist add ")
    assert "1610.08518" in table.stdout
    assert "8 paper(s) not in" in table.stderr and "also matches namesakes" in table.stderr
    data = json.loads(
        run_cli("discover", "-b", bib, "--since", "2000", "--api-url", url, "--json").stdout
    )
    assert len(data["candidates"]) == 8
    assert data["candidates"][0]["evidence"]["shared_coauthors"]
    assert data["add_command"].startswith("publist add ")
    assert (tmp_path / "publications.bib").read_text(encoding="utf-8") == DEL_MAESTRO_BIB
