"""Waiting on a service is never silent: every retry is announced, and no network fails fast.

Time is injected (``FakeTime``): the waits are checked, not slept.
"""

from __future__ import annotations

import dataclasses
import socket
from pathlib import Path
from typing import Any

import pytest
import requests

from publist.errors import ArxivError
from publist.sources.arxiv.client import ArxivClient, ArxivSettings
from tests.arxiv_server import FakeArxiv, FakeTime, Fault
from tests.helpers import BUNDLED_BIB, PAPER, ids, run_cli

pytestmark = pytest.mark.usefixtures("arxiv_offline")


def _client(
    settings: ArxivSettings, fake_time: FakeTime, said: list[str], **overrides: Any
) -> ArxivClient:
    session = requests.Session()
    session.trust_env = False
    return ArxivClient(
        dataclasses.replace(settings, **overrides),
        session=session,
        clock=fake_time.clock,
        sleep=fake_time.sleep,
        now=fake_time.time,
        notify=said.append,
    )


def test_each_retry_is_announced_with_the_problem_attempt_and_wait(
    arxiv_server: FakeArxiv, arxiv_settings: ArxivSettings, fake_time: FakeTime
) -> None:
    said: list[str] = []
    arxiv_server.add(PAPER)
    arxiv_server.script(Fault.http(503, retry_after="7"), Fault.http(502))
    result = _client(arxiv_settings, fake_time, said).fetch(ids("2501.18092"))
    assert "2501.18092" in result.records
    assert said == [
        "arXiv batch 1/1 (2501.18092): HTTP 503; attempt 1 of 4 failed, retrying in 7 s",
        "arXiv batch 1/1 (2501.18092): HTTP 502; attempt 2 of 4 failed, retrying in 30 s",
    ]
    assert fake_time.sleeps == [7.0, 30.0]  # Retry-After, then the usual backoff


def test_overloaded_server_keeps_the_long_backoff(
    arxiv_server: FakeArxiv, arxiv_settings: ArxivSettings, fake_time: FakeTime
) -> None:
    said: list[str] = []
    arxiv_server.script(*[Fault.http(503)] * 4)
    with pytest.raises(ArxivError, match=r"after 4 attempts: HTTP 503$"):
        _client(arxiv_settings, fake_time, said).fetch(ids("2501.18092"))
    assert fake_time.sleeps == [10.0, 30.0, 60.0]
    assert [message.rsplit(" in ", 1)[1] for message in said] == ["10 s", "30 s", "60 s"]


def test_a_host_whose_name_does_not_resolve_is_given_up_within_15_seconds(
    arxiv_settings: ArxivSettings, fake_time: FakeTime, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_dns(*args: object, **kwargs: object) -> list[Any]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    said: list[str] = []
    client = _client(
        arxiv_settings, fake_time, said, base_url="http://arxiv.invalid/api/query", delay=0.0
    )
    started = fake_time.clock()
    with pytest.raises(ArxivError) as info:
        client.fetch(ids("2501.18092"))
    assert fake_time.clock() - started <= 15
    assert fake_time.sleeps == [2.0, 4.0, 8.0]
    assert "Failed to resolve" in str(info.value)
    assert "is this machine online, and is the URL right?" in str(info.value)
    assert len(said) == 3 and all("Failed to resolve" in message for message in said)


def test_slow_failing_connections_count_toward_the_15_seconds(
    arxiv_settings: ArxivSettings, fake_time: FakeTime, monkeypatch: pytest.MonkeyPatch
) -> None:
    def slow_no_dns(*args: object, **kwargs: object) -> list[Any]:
        fake_time.advance(6.0)  # a resolver that times out after 6 s
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", slow_no_dns)
    said: list[str] = []
    client = _client(arxiv_settings, fake_time, said, base_url="http://arxiv.invalid/api/query")
    started = fake_time.clock()
    with pytest.raises(ArxivError, match=r"after 2 attempts.*\(no answer for 15 s\)"):
        client.fetch(ids("2501.18092"))
    assert fake_time.clock() - started == 15.0  # 6 s, a 3 s wait, 6 s: then it stops
    assert len(said) == 1


def test_sync_without_a_network_says_what_it_waits_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    waits: list[float] = []
    monkeypatch.setattr("time.sleep", waits.append)
    bib = tmp_path / "publications.bib"
    bib.write_bytes(BUNDLED_BIB.read_bytes())
    result = run_cli(
        "sync", "-b", bib, "--api-url", f"http://127.0.0.1:{port}/api/query", "--delay", "0"
    )
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    retries = [line for line in lines if "failed, retrying in" in line]
    assert [line.split("; attempt ")[1] for line in retries] == [
        "1 of 4 failed, retrying in 2 s",
        "2 of 4 failed, retrying in 4 s",
        "3 of 4 failed, retrying in 8 s",
    ]
    assert lines[-1].startswith("error: gave up on arXiv batch 1/1")
    assert sum(waits) <= 15
    assert bib.read_bytes() == BUNDLED_BIB.read_bytes()
