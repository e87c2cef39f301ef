"""The arXiv cache (publist.sources.cache, publist.sources.arxiv.records): hits, expiry, damage."""

from __future__ import annotations

import json
from pathlib import Path

import platformdirs
import pytest

from publist.sources.arxiv.client import ArxivClient, ArxivSettings
from publist.sources.arxiv.feed import parse_feed
from publist.sources.arxiv.records import (
    CACHE_FILE_NAME,
    ArxivRecord,
    read_cached_records,
)
from publist.sources.cache import DAY, default_cache_dir
from tests.arxiv_server import FakeArxiv, FakeTime, Paper, render_entry, render_feed
from tests.helpers import PAPER, MakeClient, ids

pytestmark = pytest.mark.usefixtures("arxiv_offline")


def test_record_json_round_trip() -> None:
    (record,) = parse_feed(render_feed([render_entry(PAPER, 3)], 1)).records
    assert ArxivRecord.from_json(json.loads(json.dumps(record.to_json()))) == record


def test_cache_hit_sends_nothing(
    arxiv_server: FakeArxiv, make_arxiv_client: MakeClient, arxiv_cache_dir: Path
) -> None:
    arxiv_server.add(PAPER)
    first = make_arxiv_client().fetch(ids("2501.18092", "2501.00002"))
    assert first.requests_sent == 1 and first.from_cache == ()
    # A new client (a later run) within 24 h: no request at all, same answer.
    second = make_arxiv_client().fetch(ids("2501.18092v1", "2501.00002"))
    assert second.requests_sent == 0
    assert len(arxiv_server.requests) == 1
    assert second.records == first.records
    assert second.not_found == ("2501.00002",)  # not-found answers are cached too
    assert second.from_cache == ("2501.18092", "2501.00002")
    data = json.loads((arxiv_cache_dir / CACHE_FILE_NAME).read_text(encoding="utf-8"))
    assert data["entries"]["2501.00002"]["value"] is None
    assert [p.name for p in arxiv_cache_dir.iterdir()] == [CACHE_FILE_NAME]  # no temp files


def test_cache_only_fetches_missing(arxiv_server: FakeArxiv, arxiv_client: ArxivClient) -> None:
    wanted = arxiv_server.add_many(3)
    arxiv_client.fetch(ids(wanted[0]))
    result = arxiv_client.fetch(ids(*wanted))
    assert arxiv_server.requests[-1].id_list == wanted[1:]
    assert list(result.records) == wanted


def test_refresh_bypasses_cache(arxiv_server: FakeArxiv, arxiv_client: ArxivClient) -> None:
    arxiv_server.add(PAPER)
    arxiv_client.fetch(ids("2501.18092"))
    arxiv_server.add(Paper(base="2501.18092", version=4, title="New title"))
    assert arxiv_client.fetch(ids("2501.18092")).records["2501.18092"].title == PAPER.title
    result = arxiv_client.fetch(ids("2501.18092"), refresh=True)
    assert result.requests_sent == 1
    assert result.records["2501.18092"].title == "New title"
    # The refreshed answer replaced the cached one.
    assert arxiv_client.fetch(ids("2501.18092")).records["2501.18092"].title == "New title"


def test_expired_cache_refetches(
    arxiv_server: FakeArxiv, arxiv_client: ArxivClient, fake_time: FakeTime
) -> None:
    arxiv_server.add(PAPER)
    arxiv_client.fetch(ids("2501.18092", "2501.00002"))
    fake_time.advance(DAY - 60)
    assert arxiv_client.fetch(ids("2501.18092", "2501.00002")).requests_sent == 0
    fake_time.advance(120)
    result = arxiv_client.fetch(ids("2501.18092", "2501.00002"))
    assert result.requests_sent == 1
    assert arxiv_server.requests[-1].id_list == ["2501.18092", "2501.00002"]


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"\xff\xfe\x00garbage",
        b"[]",
        b'{"format": 99, "entries": {}}',
        b'{"format": 1, "entries": {"2501.18092": {"fetched_at": "x", "value": 3}}}',
        b'{"format": 1, "entries": {"2501.18092": {"fetched_at": 1e30, "value": {"id": 5}}}}',
    ],
)
def test_corrupt_cache_is_ignored(
    arxiv_server: FakeArxiv,
    arxiv_client: ArxivClient,
    arxiv_cache_dir: Path,
    content: bytes,
) -> None:
    arxiv_server.add(PAPER)
    arxiv_cache_dir.mkdir(parents=True)
    (arxiv_cache_dir / CACHE_FILE_NAME).write_bytes(content)
    result = arxiv_client.fetch(ids("2501.18092"))
    assert result.requests_sent == 1
    assert "2501.18092" in result.records
    # The file was rewritten and is usable again.
    assert set(read_cached_records(arxiv_cache_dir)) == {"2501.18092"}


def test_damaged_entry_refetched_others_kept(
    arxiv_server: FakeArxiv, make_arxiv_client: MakeClient, arxiv_cache_dir: Path
) -> None:
    wanted = arxiv_server.add_many(2)
    make_arxiv_client().fetch(ids(*wanted))
    path = arxiv_cache_dir / CACHE_FILE_NAME
    data = json.loads(path.read_text(encoding="utf-8"))
    data["entries"][wanted[0]]["value"]["authors"] = "not a list"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = make_arxiv_client().fetch(ids(*wanted))
    assert arxiv_server.requests[-1].id_list == [wanted[0]]
    assert result.from_cache == (wanted[1],)
    assert list(result.records) == wanted


def test_unwritable_cache_does_not_fail(
    arxiv_server: FakeArxiv, make_arxiv_client: MakeClient, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    client = make_arxiv_client(cache_dir=blocker / "cache")
    arxiv_server.add(PAPER)
    assert "2501.18092" in client.fetch(ids("2501.18092")).records


def test_cache_can_be_disabled(
    arxiv_server: FakeArxiv, make_arxiv_client: MakeClient, arxiv_cache_dir: Path
) -> None:
    client = make_arxiv_client(use_cache=False)
    arxiv_server.add(PAPER)
    client.fetch(ids("2501.18092"))
    client.fetch(ids("2501.18092"))
    assert len(arxiv_server.requests) == 2
    assert not arxiv_cache_dir.exists()


def test_read_cached_records_offline(
    arxiv_server: FakeArxiv, arxiv_client: ArxivClient, arxiv_cache_dir: Path, fake_time: FakeTime
) -> None:
    arxiv_server.add(PAPER)
    arxiv_client.fetch(ids("2501.18092", "2501.00002"))
    arxiv_server.stop()
    fake_time.advance(10 * DAY)  # stale records are still returned for offline lookups
    records = read_cached_records(arxiv_cache_dir)
    assert list(records) == ["2501.18092"]
    assert records["2501.18092"].dois == PAPER.dois
    assert records["2501.18092"].journal_ref == "NeurIPS 2025"
    assert read_cached_records(arxiv_cache_dir / "missing") == {}


def test_cache_dir_from_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PUBLIST_CACHE_DIR", str(tmp_path / "c"))
    assert default_cache_dir() == tmp_path / "c"
    assert ArxivSettings().resolved_cache_dir == tmp_path / "c"
    monkeypatch.delenv("PUBLIST_CACHE_DIR")
    assert default_cache_dir() == Path(platformdirs.user_cache_dir("publist"))
