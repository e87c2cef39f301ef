"""The shared HTTP layer (publist.sources.http) under the arXiv client: retries, limits, pacing."""

from __future__ import annotations

import email.utils
import itertools
import socket
import time

import pytest
import requests

from publist.errors import ArxivError
from publist.sources.arxiv.client import ArxivClient, ArxivSettings
from publist.sources.http import USER_AGENT, parse_retry_after
from tests.arxiv_server import FakeArxiv, FakeTime, Fault
from tests.helpers import PAPER, MakeClient, ids

pytestmark = pytest.mark.usefixtures("arxiv_offline")

NOW = 1_767_225_600.0


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        ("7", 7.0),
        ("0", 0.0),
        ("1.5", 1.5),
        ("-3", None),
        ("soon", None),
        (email.utils.formatdate(NOW + 20, usegmt=True), 20.0),
        (email.utils.formatdate(NOW - 20, usegmt=True), 0.0),
    ],
)
def test_parse_retry_after(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header, NOW) == expected


@pytest.mark.parametrize(
    ("fault", "expected_wait"),
    [
        (Fault.http(429, retry_after="7"), 7.0),
        (Fault.http(503, retry_after="12"), 12.0),
        (Fault.http(503, retry_after=email.utils.formatdate(NOW + 20, usegmt=True)), 20.0),
        (Fault.http(502), 10.0),
        (Fault.rate_exceeded(429, retry_after="5"), 5.0),
        (Fault.rate_exceeded(200), 10.0),
        (Fault.dropped(), 10.0),
        (Fault.cut_connection(), 10.0),
        (Fault.http(429, retry_after="0"), 0.0),
    ],
)
def test_retry_honours_retry_after(
    arxiv_server: FakeArxiv,
    arxiv_client: ArxivClient,
    fake_time: FakeTime,
    fault: Fault,
    expected_wait: float,
) -> None:
    fake_time.wall = NOW
    arxiv_server.add(PAPER)
    arxiv_server.script(fault)
    result = arxiv_client.fetch(ids("2501.18092"))
    assert "2501.18092" in result.records
    assert result.requests_sent == 2 == len(arxiv_server.requests)
    # Never faster than the pacing delay, even when Retry-After says 0.
    assert fake_time.sleeps == [max(expected_wait, 3.0)]
    assert all(r.headers["User-Agent"] == USER_AGENT for r in arxiv_server.requests)


def test_growing_backoff_then_success(
    arxiv_server: FakeArxiv, arxiv_client: ArxivClient, fake_time: FakeTime
) -> None:
    arxiv_server.add(PAPER)
    arxiv_server.script(Fault.http(503), Fault.http(500), Fault.http(429))
    result = arxiv_client.fetch(ids("2501.18092"))
    assert result.requests_sent == 4
    assert fake_time.sleeps == [10.0, 30.0, 60.0]


def test_retries_are_bounded(
    arxiv_server: FakeArxiv, arxiv_client: ArxivClient, fake_time: FakeTime
) -> None:
    arxiv_server.add(PAPER)
    arxiv_server.script(*[Fault.http(503)] * 5)
    with pytest.raises(
        ArxivError, match=r"gave up on arXiv batch 1/1 .* after 4 attempts: HTTP 503"
    ):
        arxiv_client.fetch(ids("2501.18092"))
    assert len(arxiv_server.requests) == 4
    assert fake_time.sleeps == [10.0, 30.0, 60.0]


def test_retry_time_is_bounded(
    arxiv_server: FakeArxiv, make_arxiv_client: MakeClient, fake_time: FakeTime
) -> None:
    client = make_arxiv_client(max_retry_time=50.0)
    arxiv_server.script(*[Fault.http(503)] * 5)
    with pytest.raises(ArxivError, match=r"after 3 attempts.*would exceed 50 s"):
        client.fetch(ids("2501.18092"))
    assert fake_time.sleeps == [10.0, 30.0]


def test_long_retry_after_gives_up_at_once(
    arxiv_server: FakeArxiv, arxiv_client: ArxivClient, fake_time: FakeTime
) -> None:
    arxiv_server.script(Fault.http(429, retry_after="3600"))
    with pytest.raises(ArxivError, match=r"HTTP 429.*waiting 3600 s.*try again later"):
        arxiv_client.fetch(ids("2501.18092"))
    assert len(arxiv_server.requests) == 1
    assert fake_time.sleeps == []


def _closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/query"


def test_connection_refused(make_arxiv_client: MakeClient, fake_time: FakeTime) -> None:
    client = make_arxiv_client(base_url=_closed_port_url())
    with pytest.raises(ArxivError, match="after 4 attempts: could not reach") as info:
        client.fetch(ids("2501.18092"))
    assert info.value.exit_code == 3
    # A host that refuses every connection is given up within about 15 s, not 100 s.
    assert fake_time.sleeps == [3.0, 4.0, 8.0]  # the first wait is arXiv's 3 s pacing
    assert "Connection refused" in str(info.value)
    assert "is this machine online" in str(info.value)


def test_read_timeout_is_retried(
    arxiv_server: FakeArxiv, make_arxiv_client: MakeClient, fake_time: FakeTime
) -> None:
    client = make_arxiv_client(timeout=(2.0, 0.2))
    arxiv_server.add(PAPER)
    arxiv_server.script(Fault.slow(1.0))
    result = client.fetch(ids("2501.18092"))
    assert "2501.18092" in result.records
    assert result.requests_sent == 2
    assert fake_time.sleeps == [10.0]


def test_persistent_timeout_fails(arxiv_server: FakeArxiv, make_arxiv_client: MakeClient) -> None:
    client = make_arxiv_client(timeout=(2.0, 0.2), max_attempts=2)
    arxiv_server.script(Fault.slow(1.0), Fault.slow(1.0))
    with pytest.raises(ArxivError, match=r"after 2 attempts: could not reach.*Timeout"):
        client.fetch(ids("2501.18092"))


def test_truncated_xml_retried_once(
    arxiv_server: FakeArxiv, arxiv_client: ArxivClient, fake_time: FakeTime
) -> None:
    arxiv_server.add(PAPER)
    arxiv_server.script(Fault.truncated())
    result = arxiv_client.fetch(ids("2501.18092"))
    assert "2501.18092" in result.records
    assert len(arxiv_server.requests) == 2
    assert fake_time.sleeps == [10.0]


def test_truncated_xml_twice_fails(arxiv_server: FakeArxiv, arxiv_client: ArxivClient) -> None:
    arxiv_server.add(PAPER)
    arxiv_server.script(Fault.truncated(), Fault.truncated(), Fault.truncated())
    with pytest.raises(ArxivError, match=r"answered batch 1/1 .*badly: .*not valid XML"):
        arxiv_client.fetch(ids("2501.18092"))
    assert len(arxiv_server.requests) == 2  # one retry only, although 4 attempts are allowed


def test_billion_laughs_not_retried(arxiv_server: FakeArxiv, arxiv_client: ArxivClient) -> None:
    arxiv_server.script(Fault.billion_laughs())
    with pytest.raises(ArxivError, match="DTD or entities"):
        arxiv_client.fetch(ids("2501.18092"))
    assert len(arxiv_server.requests) == 1


@pytest.mark.parametrize("declare_length", [True, False])
def test_oversized_answer(
    arxiv_server: FakeArxiv, make_arxiv_client: MakeClient, declare_length: bool
) -> None:
    client = make_arxiv_client(max_bytes=100_000)
    arxiv_server.script(Fault.oversized(2_000_000, declare_length=declare_length))
    with pytest.raises(ArxivError, match="larger than 100000 bytes"):
        client.fetch(ids("2501.18092"))
    assert len(arxiv_server.requests) == 1


def test_pacing_with_fake_clock(
    arxiv_server: FakeArxiv, arxiv_client: ArxivClient, fake_time: FakeTime
) -> None:
    wanted = arxiv_server.add_many(250)
    arxiv_client.fetch(ids(*wanted))
    assert fake_time.sleeps == [3.0, 3.0]
    # A later fetch on the same client is paced too, counting time already passed.
    fake_time.advance(1.0)
    arxiv_client.fetch(ids("2501.00001"), refresh=True)
    assert fake_time.sleeps == [3.0, 3.0, 2.0]


def test_pacing_in_real_time(arxiv_server: FakeArxiv) -> None:
    wanted = arxiv_server.add_many(5)
    session = requests.Session()
    session.trust_env = False
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        time.sleep(seconds)

    settings = ArxivSettings(base_url=arxiv_server.url, delay=0.05, batch_size=2, use_cache=False)
    with session, ArxivClient(settings, session=session, sleep=sleep) as client:
        client.fetch(ids(*wanted))
    stamps = [r.at for r in arxiv_server.requests]
    assert len(stamps) == 3 and len(slept) == 2
    assert all(b - a >= 0.05 for a, b in itertools.pairwise(stamps))
