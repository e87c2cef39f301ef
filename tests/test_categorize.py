"""Categories, ordering and numbering."""

from __future__ import annotations

from pathlib import Path

import pytest

from publist.bibtex.parse import parse
from publist.build.pipeline import build
from publist.config import Config, parse_config
from publist.model import Category


def _build(body: str, config: Config | None = None) -> tuple[dict[str, Category], list[str]]:
    loaded = build(parse(body, path=Path("t.bib")), config or Config())
    categories = {p.key: p.category for p in loaded.publications}
    labels = [f"{item.label}:{item.publication.key}" for item in loaded.bibliography.items]
    return categories, labels


@pytest.mark.parametrize(
    ("entry", "category"),
    [
        ("@article{k, journal = {Nature}}", Category.JOURNAL),
        ("@article{k, journal = {arXiv preprint arXiv:2501.18092}}", Category.SUBMISSION),
        ("@article{k, journal = {CoRR}, volume = {abs/2501.18092}}", Category.SUBMISSION),
        ("@article{k, journal = {Corrosion Science}}", Category.JOURNAL),
        ("@article{k, eprint = {2501.18092}}", Category.SUBMISSION),
        ("@inproceedings{k, booktitle = {Proc. CVPR}}", Category.CONFERENCE),
        ("@conference{k, booktitle = {Proc. CVPR}}", Category.CONFERENCE),
        ("@inproceedings{k, booktitle = {CVPR Workshops}}", Category.WORKSHOP),
        ("@inproceedings{k, booktitle = {ICML}, workshop = {SciML}}", Category.WORKSHOP),
        ("@misc{k, eprint = {2501.18092}, archiveprefix = {arXiv}}", Category.SUBMISSION),
        ("@misc{k, url = {https://arxiv.org/abs/2501.18092}}", Category.SUBMISSION),
        ("@misc{k, howpublished = {Software}}", Category.OTHER),
        ("@unpublished{k, note = {Under review}}", Category.SUBMISSION),
        ("@article{k, journal = {Nature}, pubstate = {submitted}}", Category.SUBMISSION),
        ("@phdthesis{k, school = {CUHK}}", Category.THESIS),
        ("@mastersthesis{k, school = {THU}}", Category.THESIS),
        ("@book{k, publisher = {P}}", Category.BOOK),
        ("@incollection{k, booktitle = {B}}", Category.CHAPTER),
        ("@techreport{k, institution = {I}}", Category.REPORT),
        ("@patent{k, number = {1}}", Category.OTHER),
    ],
)
def test_rules(entry: str, category: Category) -> None:
    categories, _ = _build(entry)
    assert categories["k"] is category


def test_explicit_category_field_always_wins() -> None:
    body = (
        "@inproceedings{k, booktitle = {9th Asia-Pacific Workshop on Networking},"
        " category = {Conference}}"
    )
    loaded = build(parse(body, path=Path("t.bib")), Config())
    (publication,) = loaded.publications
    assert publication.category is Category.CONFERENCE
    assert publication.category_rule == "the entry's category field"


def test_unknown_category_override_is_a_diagnostic_and_falls_back() -> None:
    body = "@inproceedings{k,\n  booktitle = {X},\n  category = {poster},\n  year = 2020}"
    loaded = build(parse(body, path=Path("t.bib")), Config())
    assert loaded.publications[0].category is Category.CONFERENCE
    (diagnostic,) = [d for d in loaded.bibliography.diagnostics if d.code == "unknown-category"]
    assert diagnostic.line == 3
    assert "unknown category 'poster'" in diagnostic.message


YEARS = """
@inproceedings{old, booktitle={A}, year=2019, month=jul}
@inproceedings{new, booktitle={A}, year=2024, month=jun}
@inproceedings{newer, booktitle={A}, year=2024, month=dec}
@inproceedings{nomonth, booktitle={A}, year=2024}
@inproceedings{tie1, booktitle={A}, year=2020, month=may}
@inproceedings{tie2, booktitle={A}, year=2020, month=may}
@inproceedings{undated, booktitle={A}}
@article{j, journal={J}, year=2001}
"""


def test_newest_first_numbered_from_the_oldest() -> None:
    _, labels = _build(YEARS)
    assert labels == [
        "J1:j",
        "C7:undated",
        "C6:newer",
        "C5:new",
        "C4:nomonth",
        "C3:tie1",
        "C2:tie2",
        "C1:old",
    ]


def test_continuous_numbering_and_custom_order() -> None:
    config = parse_config(
        {
            "lists": {"order": ["conference"], "numbering": "continuous"},
            "categories": {"conference": {"prefix": ""}, "journal": {"prefix": ""}},
        }
    )
    _, labels = _build(YEARS, config)
    # Conference first (named in the order), journal after: nothing is dropped.
    assert labels[0] == "8:undated"
    assert labels[-1] == "1:j"


def test_month_names_numbers_and_macros() -> None:
    body = """
@misc{a, year=2020, month=jan}
@misc{b, year=2020, month={February}}
@misc{c, year=2020, month={3}}
@misc{d, year=2020, month={Sept.}}
@misc{e, year=2020, month={13}}
"""
    loaded = build(parse(body, path=Path("t.bib")), Config())
    months = {p.key: p.month for p in loaded.publications}
    assert months == {"a": 1, "b": 2, "c": 3, "d": 9, "e": None}
    bad = [d for d in loaded.bibliography.diagnostics if d.code == "bad-month"]
    assert [d.key for d in bad] == ["e"]
