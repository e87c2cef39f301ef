"""The arXiv Atom feed parser (publist.sources.arxiv.feed): real, generated and hostile feeds."""

from __future__ import annotations

import time
from datetime import date

import pytest

from publist.bibtex.arxiv_ids import ArxivId
from publist.errors import ArxivError, ExitCode
from publist.sources.arxiv.feed import FeedError, parse_feed
from tests.arxiv_server import (
    ARXIV,
    ATOM,
    BILLION_LAUGHS,
    Paper,
    error_feed,
    render_entry,
    render_feed,
)
from tests.helpers import PAPER

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
