"""arXiv identifiers (publist.bibtex.arxiv_ids): parsing, canonical forms, finding ids in fields."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from publist.bibtex.arxiv_ids import OLD_ARCHIVES, ArxivId, find_arxiv_id, normalize_arxiv_id

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
