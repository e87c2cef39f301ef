"""The arXiv client (publist.sources.arxiv.client): its settings and fetching from a fake server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests

from publist.bibtex.arxiv_ids import ArxivId
from publist.errors import ArxivError, ExitCode, UsageError
from publist.sources.arxiv.client import DEFAULT_BASE_URL, ArxivClient, ArxivSettings
from publist.sources.arxiv.feed import parse_feed
from publist.sources.http import USER_AGENT
from tests.arxiv_server import FakeArxiv, FakeTime, Fault, Paper, error_feed
from tests.helpers import PAPER, ids

pytestmark = pytest.mark.usefixtures("arxiv_offline")


# ============================================================================================
# Settings
# ============================================================================================


def test_settings_defaults_and_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    default = ArxivSettings()
    assert default.base_url == DEFAULT_BASE_URL == "https://export.arxiv.org/api/query"
    assert default.delay == 3.0
    assert default.batch_size == 100
    env = {
        "PUBLIST_ARXIV_URL": "http://127.0.0.1:1/api/query",
        "PUBLIST_ARXIV_DELAY": "0.5",
        "PUBLIST_CACHE_DIR": str(tmp_path),
    }
    settings = ArxivSettings.from_env(env)
    assert settings.base_url == "http://127.0.0.1:1/api/query"
    assert settings.delay == 0.5 == settings.effective_delay
    assert settings.resolved_cache_dir == tmp_path
    # CLI flags override the environment; None means "flag not given".
    override = ArxivSettings.from_env(env, delay=2.0, base_url=None)
    assert (override.delay, override.base_url) == (2.0, "http://127.0.0.1:1/api/query")
    monkeypatch.setenv("PUBLIST_ARXIV_DELAY", "7")
    assert ArxivSettings.from_env().delay == 7.0


def test_delay_never_below_three_seconds_for_arxiv() -> None:
    assert ArxivSettings(delay=0.0).effective_delay == 3.0
    assert ArxivSettings(base_url="https://arxiv.org/api/query", delay=1).effective_delay == 3.0
    assert ArxivSettings(base_url="http://localhost:1/q", delay=0.0).effective_delay == 0.0


@pytest.mark.parametrize("env", [{"PUBLIST_ARXIV_DELAY": "soon"}, {"PUBLIST_ARXIV_DELAY": "-1"}])
def test_bad_env_is_a_usage_error(env: dict[str, str]) -> None:
    with pytest.raises(UsageError, match=r"(?i)delay"):
        ArxivSettings.from_env(env)


@pytest.mark.parametrize(
    "kwargs",
    [{"batch_size": 101}, {"batch_size": 0}, {"max_attempts": 0}, {"base_url": "ftp://x/"}],
)
def test_bad_settings(kwargs: dict[str, Any]) -> None:
    with pytest.raises(UsageError):
        ArxivSettings(**kwargs)


# ============================================================================================
# Client against the fake server
# ============================================================================================


def test_fetch_basic(arxiv_server: FakeArxiv, arxiv_client: ArxivClient) -> None:
    arxiv_server.add(PAPER, Paper(base="hep-th/9901001", title="Old"))
    wanted = ids("2501.18092v1", "math.GT/0309136", "hep-th/9901001")
    result = arxiv_client.fetch(wanted)
    assert set(result.records) == {"2501.18092", "hep-th/9901001"}
    # The latest version comes back although v1 was asked for.
    assert result.records["2501.18092"].id == ArxivId("2501.18092", 3)
    assert result.records["hep-th/9901001"].title == "Old"
    assert result.not_found == ("math/0309136",)
    assert result.requests_sent == 1
    (request,) = arxiv_server.requests
    assert request.path == "/api/query"
    assert request.id_list == ["2501.18092", "math/0309136", "hep-th/9901001"]
    assert request.max_results == "3"
    assert request.headers["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("publist/0.") and "(+https://" in USER_AGENT


def test_exact_versions(arxiv_server: FakeArxiv, arxiv_client: ArxivClient) -> None:
    arxiv_server.add(PAPER)
    result = arxiv_client.fetch(ids("2501.18092v2", "2501.18092v9"), exact_versions=True)
    assert arxiv_server.requests[0].id_list == ["2501.18092v2", "2501.18092v9"]
    assert list(result.records) == ["2501.18092v2"]
    assert result.records["2501.18092v2"].id.version == 2
    assert result.not_found == ("2501.18092v9",)


def test_duplicates_sent_once(arxiv_server: FakeArxiv, arxiv_client: ArxivClient) -> None:
    arxiv_server.add(PAPER)
    result = arxiv_client.fetch(ids("2501.18092", "arXiv:2501.18092v2", "2501.18092v1"))
    assert arxiv_server.requests[0].id_list == ["2501.18092"]
    assert arxiv_server.requests[0].max_results == "1"
    assert list(result.records) == ["2501.18092"]


@pytest.mark.parametrize(("count", "sizes"), [(250, [100, 100, 50]), (200, [100, 100])])
def test_batching(
    arxiv_server: FakeArxiv, arxiv_client: ArxivClient, count: int, sizes: list[int]
) -> None:
    wanted = arxiv_server.add_many(count)
    calls: list[tuple[int, int]] = []
    result = arxiv_client.fetch(ids(*wanted), progress=lambda d, t: calls.append((d, t)))
    assert result.requests_sent == len(sizes)
    assert [len(r.id_list) for r in arxiv_server.requests] == sizes
    assert [r.max_results for r in arxiv_server.requests] == [str(s) for s in sizes]
    assert [i for r in arxiv_server.requests for i in r.id_list] == wanted
    assert len(result.records) == count and result.not_found == ()
    assert all(result.records[i].title == f"Paper {i}" for i in wanted)
    done = [0]
    for size in sizes:
        done.append(done[-1] + size)
    assert calls == [(d, count) for d in done]


def test_server_truncates_without_max_results(arxiv_server: FakeArxiv) -> None:
    # The fake behaves like arXiv: no max_results means 10 entries, silently.
    wanted = arxiv_server.add_many(14)
    response = requests.get(arxiv_server.url, params={"id_list": ",".join(wanted)}, timeout=5)
    assert response.status_code == 200
    assert len(parse_feed(response.content).records) == 10


def test_shuffled_answer_is_indexed_by_id(
    arxiv_server: FakeArxiv, arxiv_client: ArxivClient
) -> None:
    wanted = arxiv_server.add_many(30)
    result = arxiv_client.fetch(ids(*wanted))
    answered = [i.removesuffix("v1") for i in arxiv_server.answered_order[0]]
    assert sorted(answered) == wanted and answered != wanted  # really shuffled
    assert [result.records[i].title for i in wanted] == [f"Paper {i}" for i in wanted]
    assert list(result.records) == wanted  # results come in request order


@pytest.mark.parametrize("old_format", [False, True])
def test_old_response_format(
    arxiv_server: FakeArxiv, arxiv_client: ArxivClient, old_format: bool
) -> None:
    arxiv_server.old_format = old_format
    arxiv_server.add(PAPER)
    record = arxiv_client.fetch(ids("2501.18092")).records["2501.18092"]
    assert record.title == PAPER.title
    assert record.dois == PAPER.dois
    assert record.journal_ref == "NeurIPS 2025"


def test_all_unknown_is_not_found(arxiv_server: FakeArxiv, arxiv_client: ArxivClient) -> None:
    result = arxiv_client.fetch(ids("2501.00001", "hep-th/9901001"))
    assert result.records == {}
    assert result.not_found == ("2501.00001", "hep-th/9901001")


def test_empty_request_sends_nothing(arxiv_server: FakeArxiv, arxiv_client: ArxivClient) -> None:
    result = arxiv_client.fetch([])
    assert (result.records, result.not_found, result.requests_sent) == ({}, (), 0)
    assert arxiv_server.requests == []


def test_server_rejects_malformed_id_with_400(arxiv_server: FakeArxiv) -> None:
    response = requests.get(
        arxiv_server.url, params={"id_list": "2501.00001,abc", "max_results": "2"}, timeout=5
    )
    assert response.status_code == 400
    assert parse_feed(response.content).errors == ("incorrect id format for abc",)


def test_400_is_not_retried(
    arxiv_server: FakeArxiv, arxiv_client: ArxivClient, fake_time: FakeTime
) -> None:
    arxiv_server.script(Fault.bad_request("incorrect id format for 2501.00001"))
    with pytest.raises(ArxivError, match=r"rejected batch 1/1.*incorrect id format") as info:
        arxiv_client.fetch(ids("2501.00001"))
    assert info.value.exit_code == ExitCode.NETWORK
    assert len(arxiv_server.requests) == 1
    assert fake_time.sleeps == []


def test_other_client_errors_not_retried(
    arxiv_server: FakeArxiv, arxiv_client: ArxivClient
) -> None:
    arxiv_server.script(Fault.http(414))
    with pytest.raises(ArxivError, match="HTTP 414"):
        arxiv_client.fetch(ids("2501.00001"))
    assert len(arxiv_server.requests) == 1


def test_error_entry_in_200_answer(arxiv_server: FakeArxiv, arxiv_client: ArxivClient) -> None:
    arxiv_server.script(Fault(body=error_feed("something broke")))
    with pytest.raises(ArxivError, match="something broke"):
        arxiv_client.fetch(ids("2501.00001"))
