"""A key written twice: another paper is still listed (with its own id), the same paper once.

Google Scholar's BibTeX export gives two different papers of one year whose titles start alike
the same key (``jones2022associations``); for a publication list the key is only an anchor.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from publist.bibtex.parse import parse
from publist.build.pipeline import build
from publist.config import Config
from publist.enrich.sync import sync
from tests.arxiv_server import FakeArxiv, Paper
from tests.helpers import MakeClient, run_cli

BIB = """\
@article{jones2022associations,
  title   = {Associations between sleep and mood in adolescents},
  author  = {Jones, Gwen and Ricard, Jean},
  journal = {Journal of Sleep},
  year    = {2022},
}

@article{jones2022associations,
  title   = {Associations of screen time with attention},
  author  = {Jones, Gwen and Patel, Ravi},
  journal = {Journal of Attention},
  year    = {2022},
}

@article{jones2022associations-2,
  title   = {A paper whose own key looks like an id},
  author  = {Jones, Gwen},
  journal = {Journal of Names},
  year    = {2021},
}

@article{twice2020,
  title   = {The Same Paper, Pasted Twice},
  author  = {Jones, Gwen and Lee, Min},
  journal = {Journal of Copies},
  year    = {2020},
  doi     = {10.1000/copy.1},
}

@article{twice2020,
  title   = {The Same Paper, Pasted Twice},
  author  = {Jones, G. and Lee, M.},
  journal = {J. Copies},
  year    = {2020},
  doi     = {10.1000/COPY.1},
}
"""
CONFIG = '[owner]\nnames = ["Gwen Jones"]\n'


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "publications.bib").write_text(BIB, encoding="utf-8")
    (tmp_path / "publist.toml").write_text(CONFIG, encoding="utf-8")
    return tmp_path


def test_both_papers_under_a_repeated_key_are_listed_and_numbered() -> None:
    loaded = build(parse(BIB, path=Path("p.bib")), Config(owner_names=("Gwen Jones",)))
    listed = [
        (item.label, item.publication.ref, item.publication.title)
        for item in loaded.bibliography.items
    ]
    assert listed == [
        ("J4", "jones2022associations", "Associations between sleep and mood in adolescents"),
        ("J3", "jones2022associations-3", "Associations of screen time with attention"),
        ("J2", "jones2022associations-2", "A paper whose own key looks like an id"),
        ("J1", "twice2020", "The Same Paper, Pasted Twice"),
    ]
    refs = [ref for _, ref, _ in listed]
    assert len(set(refs)) == len(refs)  # every anchor distinct, even from a real key "-2"


def test_the_same_paper_twice_is_listed_once_with_a_warning() -> None:
    loaded = build(parse(BIB, path=Path("p.bib")), Config(owner_names=("Gwen Jones",)))
    found = [(d.line, d.key, d.code, d.severity.value) for d in loaded.bibliography.diagnostics]
    assert (8, "jones2022associations", "duplicate-key", "error") in found
    assert (8, "jones2022associations", "repeated-key", "warning") in found
    assert (30, "twice2020", "duplicate-key", "error") in found
    assert (30, "twice2020", "duplicate-entry", "warning") in found
    (listed_once,) = [d for d in loaded.bibliography.diagnostics if d.code == "duplicate-entry"]
    assert listed_once.message == (
        "the same paper as the entry at line 22 (same DOI 10.1000/copy.1); listed once"
    )


def test_html_ids_are_distinct_and_stable(folder: Path) -> None:
    result = run_cli("export", "-b", folder / "publications.bib", "--format", "html")
    assert result.exit_code == 0
    ids = re.findall(r'<li class="publist-entry" id="([^"]+)"', result.stdout)
    assert ids == [
        "jones2022associations",
        "jones2022associations-3",
        "jones2022associations-2",
        "twice2020",
    ]
    again = run_cli("export", "-b", folder / "publications.bib", "--format", "html")
    assert again.stdout == result.stdout


def test_markdown_lists_every_paper_and_stderr_names_the_repeat(folder: Path) -> None:
    result = run_cli("export", "-b", folder / "publications.bib")
    assert result.exit_code == 0
    assert result.stdout.count("- J") == 4
    assert "Associations of screen time with attention" in result.stdout
    assert result.stdout.count("The Same Paper, Pasted Twice") == 1
    assert "listed, with the id 'jones2022associations-3'" in result.stderr
    assert "listed once" in result.stderr


def test_check_still_fails_on_the_duplicate_key(folder: Path) -> None:
    result = run_cli("check", "-b", folder / "publications.bib", "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    codes = {(f["line"], f["code"]) for f in data["findings"]}
    assert {(8, "duplicate-key"), (30, "duplicate-key")} <= codes


def test_show_asks_for_the_label_when_a_key_is_ambiguous(folder: Path) -> None:
    bib = folder / "publications.bib"
    ambiguous = run_cli("show", "-b", bib, "jones2022associations")
    assert ambiguous.exit_code == 1
    assert ambiguous.stdout == ""
    assert "names 2 entries: J4 (line 1, id jones2022associations), " in ambiguous.stderr
    assert "J3 (line 8, id jones2022associations-3); give the label" in ambiguous.stderr
    by_label = run_cli("show", "-b", bib, "J3", "--json")
    assert json.loads(by_label.stdout)["title"] == "Associations of screen time with attention"
    by_id = run_cli("show", "-b", bib, "jones2022associations-3", "--json")
    assert json.loads(by_id.stdout)["label"] == "J3"
    # The problems shown are the entry's own, not those of the other entry under its key.
    first = json.loads(run_cli("show", "-b", bib, "J4", "--json").stdout)
    assert first["problems"] == []
    second = json.loads(by_label.stdout)
    assert {problem["code"] for problem in second["problems"]} == {"duplicate-key", "repeated-key"}


SYNC_BIB = """\
@misc{song2025,
  title  = {Old Title One},
  author = {Song, Qingyu},
  year   = {2025},
  eprint = {2501.00001},
}

@misc{song2025,
  title  = {Old Title Two},
  author = {Song, Qingyu},
  year   = {2025},
  eprint = {2501.00002},
}
"""


def _paper(base: str, title: str) -> Paper:
    return Paper(
        base=base,
        version=1,
        title=title,
        authors=("Qingyu Song",),
        summary="",
        published="2025-01-30T12:00:00Z",
        updated="2025-01-30T12:00:00Z",
    )


@pytest.mark.usefixtures("arxiv_offline")
def test_sync_updates_each_entry_under_a_repeated_key_at_its_own_place(
    tmp_path: Path, arxiv_server: FakeArxiv, make_arxiv_client: MakeClient
) -> None:
    bib = tmp_path / "publications.bib"
    bib.write_text(SYNC_BIB, encoding="utf-8")
    arxiv_server.add(_paper("2501.00001", "New Title One"), _paper("2501.00002", "New Title Two"))
    result = sync(bib, client=make_arxiv_client())
    assert result.written
    assert [(u.key, u.line) for u in result.plan.updates] == [("song2025", 1), ("song2025", 8)]
    first, second = bib.read_text(encoding="utf-8").split("\n\n@misc")
    assert "New Title One" in first and "2501.00001" in first and "Title Two" not in first
    assert "New Title Two" in second and "2501.00002" in second and "Title One" not in second
