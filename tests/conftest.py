"""Shared pytest fixtures."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from hypothesis import settings

from publist.sources.arxiv.client import ArxivClient, ArxivSettings
from tests.arxiv_server import FakeArxiv, FakeTime
from tests.helpers import BUNDLED_BIB, BUNDLED_CONFIG

# CI runs the property tests on a fixed sequence of examples (the same every run, so a red CI
# is never a new random draw); developers' runs keep exploring new examples.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("PUBLIST_HYPOTHESIS_PROFILE") == "ci":
    settings.load_profile("ci")

# ============================================================================================
# CLI: a user's folder as the current directory.
# ============================================================================================


@pytest.fixture
def in_workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A user's folder holding publications.bib and publist.toml, as the current directory."""
    (tmp_path / "publications.bib").write_bytes(BUNDLED_BIB.read_bytes())
    (tmp_path / "publist.toml").write_bytes(BUNDLED_CONFIG.read_bytes())
    monkeypatch.chdir(tmp_path)
    return tmp_path


# ============================================================================================
# arXiv (branch ``arxiv``): a local fake API server, fake time and client wiring.
# Nothing here reaches the real arXiv.
# ============================================================================================


@pytest.fixture
def arxiv_offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Point the arXiv URL at a closed local port and the cache at a temp folder."""
    monkeypatch.setenv("PUBLIST_ARXIV_URL", "http://127.0.0.1:9/api/query")
    monkeypatch.setenv("PUBLIST_CACHE_DIR", str(tmp_path / "env-cache"))
    monkeypatch.delenv("PUBLIST_ARXIV_DELAY", raising=False)


@pytest.fixture
def arxiv_server() -> Iterator[FakeArxiv]:
    """A running fake arXiv API; add papers with ``.add``/``.add_many``, faults with ``.script``."""
    server = FakeArxiv()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fake_time() -> FakeTime:
    """Clocks and a sleep that never waits; ``.sleeps`` lists every requested wait."""
    return FakeTime()


@pytest.fixture
def arxiv_cache_dir(tmp_path: Path) -> Path:
    """The folder the test clients cache in."""
    return tmp_path / "arxiv-cache"


@pytest.fixture
def arxiv_settings(arxiv_server: FakeArxiv, arxiv_cache_dir: Path) -> ArxivSettings:
    """Production pacing and backoff (time is fake), short timeouts, the fake server."""
    return ArxivSettings(
        base_url=arxiv_server.url,
        delay=3.0,
        timeout=(2.0, 2.0),
        backoff=(10.0, 30.0, 60.0),
        max_attempts=4,
        max_retry_time=300.0,
        cache_dir=arxiv_cache_dir,
    )


@pytest.fixture
def make_arxiv_client(
    arxiv_settings: ArxivSettings, fake_time: FakeTime
) -> Iterator[Callable[..., ArxivClient]]:
    """Build clients on fake time; keyword arguments override ``arxiv_settings`` fields."""
    sessions: list[requests.Session] = []

    def make(**overrides: Any) -> ArxivClient:
        session = requests.Session()
        session.trust_env = False  # no proxy between the client and 127.0.0.1
        sessions.append(session)
        return ArxivClient(
            dataclasses.replace(arxiv_settings, **overrides),
            session=session,
            clock=fake_time.clock,
            sleep=fake_time.sleep,
            now=fake_time.time,
        )

    yield make
    for session in sessions:
        session.close()


@pytest.fixture
def arxiv_client(make_arxiv_client: Callable[..., ArxivClient]) -> ArxivClient:
    """A client for the fake server with the default test settings."""
    return make_arxiv_client()


# ============================================================================================
# end of arXiv fixtures
# ============================================================================================
