"""The arXiv side of sync: ids, the Atom parser, the client against a local fake server, cache."""

from __future__ import annotations

import email.utils
import itertools
import json
import socket
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import platformdirs
import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st

from publist.errors import ArxivError, ExitCode, UsageError
from publist.sources.arxiv.client import (
    DEFAULT_BASE_URL,
    OLD_ARCHIVES,
    USER_AGENT,
    ArxivClient,
    ArxivId,
    ArxivRecord,
    ArxivSettings,
    FeedError,
    find_arxiv_id,
    normalize_arxiv_id,
    parse_feed,
    parse_retry_after,
    read_cached_records,
)
from publist.sources.cache import CACHE_FILE_NAME, DAY, default_cache_dir
from tests.arxiv_server import (
    ARXIV,
    ATOM,
    BILLION_LAUGHS,
    FakeArxiv,
    FakeTime,
    Fault,
    Paper,
    error_feed,
    render_entry,
    render_feed,
)

pytestmark = pytest.mark.usefixtures("arxiv_offline")

MakeClient = Callable[..., ArxivClient]


def ids(*texts: str) -> list[ArxivId]:
    """Parse ids that must be valid."""
    parsed = [normalize_arxiv_id(t) for t in texts]
    assert all(p is not None for p in parsed), texts
    return [p for p in parsed if p is not None]


# ============================================================================================
# Identifiers
# ============================================================================================

VALID = [
    ("2501.18092", "2501.18092", None),
    ("2501.18092v2", "2501.18092", 2),
    ("  2501.18092V3 ", "2501.18092", 3),
    ("arXiv:2501.18092", "2501.18092", None),
    ("arxiv: 2501.18092v1", "2501.18092", 1),
    ("{arXiv}:2501.18092", "2501.18092", None),
    ("https://arxiv.org/abs/2501.18092v2", "2501.18092", 2),
    ("http://arxiv.org/pdf/2501.18092.pdf", "2501.18092", None),
    ("arxiv.org/pdf/2501.18092v1", "2501.18092", 1),
    ("https://export.arxiv.org/abs/2501.18092/", "2501.18092", None),
    ("https://www.arxiv.org/abs/2501.18092?context=cs#x", "2501.18092", None),
    ("\\url{https://arxiv.org/abs/2501.18092}", "2501.18092", None),
    ("10.48550/arXiv.2501.18092", "2501.18092", None),
    ("10.48550/ARXIV.2501.18092", "2501.18092", None),
    ("https://doi.org/10.48550/arXiv.2501.18092", "2501.18092", None),
    ("doi:10.48550/arxiv.hep-th/9901001", "hep-th/9901001", None),
    ("0704.0001", "0704.0001", None),
    ("1412.9999", "1412.9999", None),
    ("1501.00001", "1501.00001", None),
    ("hep-th/9901001", "hep-th/9901001", None),
    ("math.GT/0309136v1", "math/0309136", 1),
    ("Math.gt/0309136", "math/0309136", None),
    ("HEP-TH/9108001", "hep-th/9108001", None),
    ("cond-mat/0703001", "cond-mat/0703001", None),
    ("https://arxiv.org/abs/math/0309136v2", "math/0309136", 2),
    ("arXiv:cs.AI/9308101", "cs/9308101", None),
]


@pytest.mark.parametrize(("text", "base", "version"), VALID)
def test_normalize_valid(text: str, base: str, version: int | None) -> None:
    assert normalize_arxiv_id(text) == ArxivId(base, version)


INVALID = [
    "",
    "abc",
    "2513.00001",  # month 13
    "2500.00001",  # month 00
    "2501.1234",  # four digits after 2014
    "1412.12345",  # five digits before 2015
    "0703.1234",  # new style before April 2007
    "2501.00000",
    "2501.18092v0",
    "2501.180920",
    "25011.8092",
    "foo/0101001",  # not an arXiv archive
    "stat/0101001",  # stat never had old-style ids
    "hep-th/9913001",
    "hep-th/0704001",  # old style ended March 2007
    "hep-th/8901001",
    "hep-th/990100",
    "hep-th/9901000",
    "https://arxiv.org/list/cs.LG/recent",
    "https://example.org/abs/2501.18092",
    "10.1109/ICSTW55395.2022.00035",
    "arXiv:",
    "２５０１.１８０９２",  # full-width digits
]


@pytest.mark.parametrize("text", INVALID)
def test_normalize_invalid(text: str) -> None:
    assert normalize_arxiv_id(text) is None


def test_id_str_and_properties() -> None:
    ident = ArxivId("2501.18092", 2)
    assert str(ident) == "2501.18092v2"
    assert str(ident.latest) == "2501.18092"
    assert ident.abs_url == "https://arxiv.org/abs/2501.18092v2"
    assert ident.doi == "10.48550/arXiv.2501.18092"
    assert str(ArxivId("math/0309136")) == "math/0309136"


@pytest.mark.parametrize(
    ("base", "version"),
    [("math.GT/0309136", None), ("2501.18092v2", None), ("abc", None), ("2501.18092", 0)],
)
def test_id_constructor_rejects_non_canonical(base: str, version: int | None) -> None:
    with pytest.raises(ValueError, match="arXiv"):
        ArxivId(base, version)


def _new_style() -> st.SearchStrategy[ArxivId]:
    def build(yymm: int, number: int, version: int | None) -> ArxivId:
        digits = 4 if yymm <= 1412 else 5
        number = number % (10**digits) or 1
        return ArxivId(f"{yymm:04d}.{number:0{digits}d}", version)

    yymms = st.builds(lambda y, m: y * 100 + m, st.integers(7, 99), st.integers(1, 12)).filter(
        lambda v: v >= 704
    )
    return st.builds(build, yymms, st.integers(1, 99999), st.none() | st.integers(1, 40))


def _old_style() -> st.SearchStrategy[ArxivId]:
    def build(archive: str, yymm: tuple[int, int], number: int, version: int | None) -> ArxivId:
        year, month = yymm
        return ArxivId(f"{archive}/{year:02d}{month:02d}{number:03d}", version)

    yymms = st.tuples(st.sampled_from([*range(91, 100), *range(8)]), st.integers(1, 12))
    return st.builds(
        build,
        st.sampled_from(sorted(OLD_ARCHIVES)),
        yymms.filter(lambda ym: not (ym[0] == 7 and ym[1] > 3)),
        st.integers(1, 999),
        st.none() | st.integers(1, 40),
    )


VALID_IDS = _new_style() | _old_style()


@given(VALID_IDS)
def test_str_round_trips(ident: ArxivId) -> None:
    assert normalize_arxiv_id(str(ident)) == ident


@given(VALID_IDS)
def test_every_written_form_round_trips(ident: ArxivId) -> None:
    forms = [
        f"arXiv:{ident}",
        f"https://arxiv.org/abs/{ident}",
        f"http://arxiv.org/pdf/{ident}.pdf",
        f"\\url{{arxiv.org/pdf/{ident}}}",
    ]
    for form in forms:
        assert normalize_arxiv_id(form) == ident, form
    assert normalize_arxiv_id(f"10.48550/arXiv.{ident.base}") == ident.latest
    assert find_arxiv_id({"journal": f"arXiv preprint arXiv:{ident}"}) == (ident, None)


@given(st.text(max_size=40))
def test_normalize_never_raises_and_returns_canonical(text: str) -> None:
    ident = normalize_arxiv_id(text)
    if ident is not None:
        assert ArxivId(ident.base, ident.version) == ident


FIELDS: list[tuple[dict[str, str], str | None, str | None]] = [
    ({"eprint": "2501.18092"}, "2501.18092", None),
    ({"eprint": "2501.18092v2", "archivePrefix": "arXiv"}, "2501.18092v2", None),
    ({"eprint": "{2501.18092}", "archiveprefix": "{arXiv}"}, "2501.18092", None),
    ({"eprint": "hep-th/9901001", "eprinttype": "arxiv"}, "hep-th/9901001", None),
    ({"eprint": "arXiv:2501.18092"}, "2501.18092", None),
    ({"eprint": "12345678", "eprinttype": "pubmed"}, None, None),
    ({"eprint": "12345678", "archiveprefix": "PubMed", "journal": "Nature"}, None, None),
    (
        {"eprint": "12345678", "eprinttype": "pubmed", "url": "https://arxiv.org/abs/2501.18092"},
        "2501.18092",
        None,
    ),
    ({"eprint": "2513.00001"}, None, "eprint '2513.00001' is not a valid arXiv identifier"),
    ({"eprint": "abc", "archiveprefix": "arXiv"}, None, "eprint 'abc'"),
    ({"eprint": "abc", "url": "https://arxiv.org/abs/2501.18092"}, None, "eprint 'abc'"),
    ({"arxivid": "2501.18092"}, "2501.18092", None),
    ({"doi": "10.48550/arXiv.2501.18092"}, "2501.18092", None),
    ({"doi": "10.48550/arXiv.2501.1809"}, None, "arXiv DOI"),
    ({"doi": "10.1145/3368089.3409692"}, None, None),
    ({"doi": "10.1145/1", "url": "https://arxiv.org/abs/2501.18092v3"}, "2501.18092v3", None),
    ({"url": "\\url{http://arxiv.org/pdf/2501.18092.pdf}"}, "2501.18092", None),
    ({"url": "https://arxiv.org/abs/9999.99999"}, None, "url"),
    ({"url": "https://openreview.net/forum?id=abc"}, None, None),
    ({"journal": "arXiv preprint arXiv:2501.18092"}, "2501.18092", None),
    ({"journal": "{arXiv} preprint {arXiv}:2501.18092"}, "2501.18092", None),
    ({"journal": "CoRR", "note": "arXiv 2501.18092."}, "2501.18092", None),
    ({"howpublished": "\\url{https://arxiv.org/abs/math/0309136}"}, "math/0309136", None),
    ({"note": "see arXiv:math.GT/0309136v1, 2003"}, "math/0309136v1", None),
    ({"journal": "arXiv preprint arXiv:2513.00001"}, None, "'2513.00001'"),
    ({"journal": "arXiv preprint"}, None, None),
    ({"journal": "Nature", "note": "Accepted 2501.18092"}, None, None),
    ({"note": "arXiv version of report tr/1234567"}, None, None),
    ({"note": "arXiv version of tr/1234567, i.e. 2501.18092"}, "2501.18092", None),
    ({"note": "arXiv 2013.12345"}, None, "'2013.12345'"),
    ({"note": "arXiv hep-th/9913001"}, None, "'hep-th/9913001'"),
    ({"journal": "Physical Review D", "volume": "12"}, None, None),
    ({}, None, None),
]


@pytest.mark.parametrize(("fields", "expected", "error"), FIELDS)
def test_find_arxiv_id(fields: dict[str, str], expected: str | None, error: str | None) -> None:
    ident, message = find_arxiv_id(fields)
    assert (str(ident) if ident else None) == expected
    if error is None:
        assert message is None
    else:
        assert message is not None and error in message


# ============================================================================================
# Atom parser
# ============================================================================================

REAL_FEED = b"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"
      xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/api/x</id>
  <title>arXiv Query</title>
  <opensearch:totalResults>7</opensearch:totalResults>
<entry>
  <id>http://arxiv.org/abs/2202.12139v1</id>
  <title>Testing Deep Learning Models: A First Comparative Study of Multiple Testing
    Techniques</title>
  <updated>2022-02-24T15:05:19Z</updated>
  <link href="https://arxiv.org/abs/2202.12139v1" rel="alternate" type="text/html"/>
  <link href="https://arxiv.org/pdf/2202.12139v1" rel="related" type="application/pdf"
        title="pdf"/>
  <summary>  Deep Learning (DL) has revolutionized
  the capabilities of $\\sigma$ &amp; more.
</summary>
  <category term="cs.SE" scheme="http://arxiv.org/schemas/atom"/>
  <category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>
  <published>2022-02-24T15:05:19Z</published>
  <arxiv:comment>Artificial Intelligence in Software Testing 2022 workshop
    @ ICST 2022</arxiv:comment>
  <arxiv:primary_category term="cs.SE"/>
  <arxiv:journal_ref>Artificial Intelligence in Software Testing @ 2022 IEEE International
    Conference on Software Testing, Verification and Validation Workshops
    (ICSTW)</arxiv:journal_ref>
  <author><name>Mohit Kumar Ahuja</name></author>
  <author><name>Arnaud Gotlieb</name><arxiv:affiliation>Simula</arxiv:affiliation></author>
  <author><name>Helge Spieker</name></author>
  <arxiv:doi>10.1109/ICSTW55395.2022.00035</arxiv:doi>
  <link rel="related" href="https://doi.org/10.1109/ICSTW55395.2022.00035" title="doi"/>
</entry>
</feed>
"""


def test_parse_real_entry() -> None:
    feed = parse_feed(REAL_FEED)
    assert feed.errors == ()
    assert feed.total_results == 7
    (record,) = feed.records
    assert record.id == ArxivId("2202.12139", 1)
    assert record.title == (
        "Testing Deep Learning Models: A First Comparative Study of Multiple Testing Techniques"
    )
    assert record.authors == ("Mohit Kumar Ahuja", "Arnaud Gotlieb", "Helge Spieker")
    assert (
        record.abstract
        == "Deep Learning (DL) has revolutionized the capabilities of $\\sigma$ & more."
    )
    assert record.published == date(2022, 2, 24)
    assert record.updated == date(2022, 2, 24)
    assert record.dois == ("10.1109/ICSTW55395.2022.00035",)
    assert record.journal_ref is not None
    assert record.journal_ref.startswith("Artificial Intelligence in Software Testing @ 2022")
    assert "  " not in record.journal_ref
    assert record.comment == "Artificial Intelligence in Software Testing 2022 workshop @ ICST 2022"
    assert record.primary_category == "cs.SE"
    assert record.categories == ("cs.SE", "cs.LG")


PAPER = Paper(
    base="2501.18092",
    version=3,
    title="Sparse Attention for Long Sequences",
    authors=("Zoë Çelik", "J. Doe"),
    summary="We study $O(n)$ attention & <more>.",
    published="2025-01-30T12:00:00Z",
    updated="2025-03-01T00:00:00Z",
    dois=("10.1000/a", "10.1000/b"),
    journal_ref="NeurIPS 2025",
    comment="12 pages",
    primary_category="cs.LG",
    categories=("cs.CL", "cs.LG"),
)


@pytest.mark.parametrize("old_format", [False, True])
def test_parse_generated_formats(old_format: bool) -> None:
    data = render_feed([render_entry(PAPER, 3, old_format=old_format)], 1, old_format=old_format)
    if old_format:
        # Namespaces live on the elements, not the root.
        assert b"xmlns:arxiv" not in data.split(b"<entry")[0]
    (record,) = parse_feed(data).records
    assert record.id == ArxivId("2501.18092", 3)
    assert record.title == "Sparse Attention for Long Sequences"
    assert record.authors == ("Zoë Çelik", "J. Doe")
    assert record.abstract == "We study $O(n)$ attention & <more>."
    assert record.published == date(2025, 1, 30)
    assert record.updated == date(2025, 3, 1)
    assert record.dois == ("10.1000/a", "10.1000/b")
    assert record.journal_ref == "NeurIPS 2025"
    assert record.comment == "12 pages"
    assert record.primary_category == "cs.LG"
    assert record.categories == ("cs.LG", "cs.CL")  # primary first


def test_parse_by_namespace_uri_not_prefix() -> None:
    data = f"""<a:feed xmlns:a="{ATOM}"><a:entry>
      <x:doi xmlns:x="{ARXIV}">10.1/one 10.1/two</x:doi>
      <arxiv:doi xmlns:arxiv="http://example.org/not-arxiv">10.1/ignored</arxiv:doi>
      <a:title>T</a:title><a:id>http://arxiv.org/abs/hep-th/9901001v2</a:id>
      <x:journal_ref xmlns:x="{ARXIV}">Phys. Rev. D 1</x:journal_ref>
      <title>not atom</title>
    </a:entry></a:feed>""".encode()
    (record,) = parse_feed(data).records
    assert record.id == ArxivId("hep-th/9901001", 2)
    assert record.dois == ("10.1/one", "10.1/two")
    assert record.journal_ref == "Phys. Rev. D 1"
    assert record.title == "T"


def test_parse_error_feed() -> None:
    feed = parse_feed(error_feed("incorrect id format for abc"))
    assert feed.records == ()
    assert feed.errors == ("incorrect id format for abc",)


def test_paper_titled_error_is_a_paper() -> None:
    paper = Paper(base="2301.00001", title="Error")
    feed = parse_feed(render_feed([render_entry(paper, 1)], 1))
    assert feed.errors == ()
    assert [r.title for r in feed.records] == ["Error"]


def test_entry_with_unreadable_id_is_skipped() -> None:
    data = f'<feed xmlns="{ATOM}"><entry><id>http://arxiv.org/abs/nonsense</id></entry></feed>'
    feed = parse_feed(data.encode())
    assert feed.records == ()
    assert len(feed.skipped) == 1 and "nonsense" in feed.skipped[0]


def test_empty_feed_has_no_records() -> None:
    assert parse_feed(render_feed([], 0)).records == ()


def test_billion_laughs_refused() -> None:
    started = time.perf_counter()
    with pytest.raises(FeedError, match="DTD or entities") as info:
        parse_feed(BILLION_LAUGHS)
    assert info.value.hostile
    assert isinstance(info.value, ArxivError)
    assert time.perf_counter() - started < 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"Rate exceeded.", "not valid XML.*Rate exceeded"),
        (b"", "not valid XML"),
        (render_feed([render_entry(PAPER, 1)], 1)[:300], "not valid XML"),
        (b"<html><body>Service unavailable</body></html>", "not an Atom feed"),
        (b'<feed xmlns="http://example.org/"/>', "not an Atom feed"),
    ],
)
def test_non_feed_answers(body: bytes, message: str) -> None:
    with pytest.raises(FeedError, match=message) as info:
        parse_feed(body)
    assert not info.value.hostile
    assert info.value.exit_code == ExitCode.NETWORK


def test_record_json_round_trip() -> None:
    (record,) = parse_feed(render_feed([render_entry(PAPER, 3)], 1)).records
    assert ArxivRecord.from_json(json.loads(json.dumps(record.to_json()))) == record


# ============================================================================================
# Settings and Retry-After
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
    assert fake_time.sleeps == [10.0, 30.0, 60.0]


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


# ============================================================================================
# Cache
# ============================================================================================


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
