"""Real researchers' homepage bibliographies (tests/data/corpus): nothing dropped, the owner bold.

The files and their owners are listed in ``tests/data/corpus/corpus.toml`` with their sources;
``scripts/corpus.py`` prints the same figures per file.
"""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

from tests.helpers import DATA, load_script

corpus = load_script("corpus")
FOLDER = DATA / "corpus"
MANIFEST: list[dict[str, Any]] = tomllib.loads(
    (FOLDER / "corpus.toml").read_text(encoding="utf-8")
)["file"]

# Entries that name the owner in a way no setting can recognise, each explained in the
# corpus README: an exporter title-cased the initials "AM" as "Am", a given name.
UNRECOGNISABLE = {("28-alice-trevail.bib", "trevail2023a")}


def test_the_corpus_is_real_and_large_enough() -> None:
    assert len(MANIFEST) >= 30
    for item in MANIFEST:
        assert (FOLDER / item["name"]).is_file()
        assert len(item["commit"]) == 40 and "/" in item["repo"]


@pytest.mark.parametrize("item", MANIFEST, ids=[item["name"] for item in MANIFEST])
def test_every_entry_is_listed_and_the_owner_bold(item: dict[str, Any]) -> None:
    result = corpus.check(
        FOLDER / item["name"],
        item["owner"],
        item.get("aliases", []),
        add_names=item.get("add_names", []),
        match_initials=bool(item.get("match_initials", False)),
    )
    assert result.entries > 0
    assert result.listed == result.entries
    missed = {(item["name"], miss.split()[2].rstrip(":")) for miss in result.misses}
    assert missed <= UNRECOGNISABLE, result.misses
    assert result.bold == result.named - len(missed)
