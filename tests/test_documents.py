"""A whole CV kept current: list blocks with options, labels in prose, counts, --check."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

import publist.output.export as export_module
from publist.build.markup import Strong, format_authors, plain
from publist.build.pipeline import LoadedBibliography, load_bibliography
from publist.errors import ExitCode
from publist.model import Author
from tests.golden import assert_golden
from tests.helpers import BUNDLED_BIB, BUNDLED_CONFIG, ROOT, run_cli

EXAMPLE = ROOT / "examples" / "cv.md"

# The seed CV's "研究方向" lines (../shared/seed/cv.md), as the owner wrote them by hand.
SEED_LINES = [
    "- 深度学习中的优化理论。论文: [A2]",
    "  - 利用深度学习求解优化问题。论文: [A2, A1, C7, C6, C5, W2, W1]。",
    "  - AI for 网络资源优化。论文: [C7, C5, W2, W1]。",
    "  - 联邦学习通信优化。论文: [C4]。",
    "  - 图神经网络。论文: [C5, W2, W1]",
    "  - 时间序列预测。论文: [C5, C3, C1]。",
]
COMMENT = re.compile(r"<!--.*?-->")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A user's folder: the bundled bib and config, and the example CV."""
    shutil.copyfile(BUNDLED_BIB, tmp_path / "publications.bib")
    shutil.copyfile(BUNDLED_CONFIG, tmp_path / "publist.toml")
    shutil.copyfile(EXAMPLE, tmp_path / "cv.md")
    return tmp_path


def _into(folder: Path, *documents: str, check: bool = False) -> tuple[int, str]:
    args: list[str | Path] = ["export", "-b", folder / "publications.bib"]
    for document in documents:
        args += ["--into", folder / document]
    if check:
        args.append("--check")
    result = run_cli(*args)
    assert result.stdout == ""
    return result.exit_code, result.stderr


def _document(folder: Path, body: str, name: str = "page.md") -> Path:
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return path


def _filled(folder: Path, body: str, name: str = "page.md") -> str:
    path = _document(folder, body, name)
    code, stderr = _into(folder, name)
    assert code == 0, stderr
    return path.read_text(encoding="utf-8")


# -- the seed, end to end -----------------------------------------------------------------------


def test_the_example_cv_is_reproduced_exactly(folder: Path) -> None:
    before = (folder / "cv.md").read_bytes()
    code, stderr = _into(folder, "cv.md")
    assert code == 0
    assert (folder / "cv.md").read_bytes() == before
    assert stderr.strip() == f"{folder / 'cv.md'} is up to date (9 blocks)"
    assert _into(folder, "cv.md", check=True)[0] == 0


def test_the_example_cites_what_the_seed_cites() -> None:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    prose = [COMMENT.sub("", line) for line in lines if "publist:labels" in line]
    assert prose == SEED_LINES


def test_a_label_block_renders_like_the_seeds_hand_written_line() -> None:
    markdown = MarkdownIt("commonmark")
    lines = [line for line in EXAMPLE.read_text(encoding="utf-8").splitlines() if "论文:" in line]
    for ours, seed in zip(lines, SEED_LINES, strict=True):
        assert COMMENT.sub("", markdown.render(ours)) == markdown.render(seed)


def test_the_seeds_publication_section_is_the_export(folder: Path) -> None:
    text = (folder / "cv.md").read_text(encoding="utf-8")
    section = text.split("<!-- publist:start -->\n\n", 1)[1].split("\n<!-- publist:end -->")[0]
    assert section == run_cli("export", "-b", BUNDLED_BIB).stdout


def test_accepting_a2_moves_every_citation_and_count(folder: Path) -> None:
    bib = folder / "publications.bib"
    text = bib.read_text(encoding="utf-8")
    accepted = text.replace(
        "@misc{song2025learning,\n",
        "@inproceedings{song2025learning,\n"
        "  booktitle     = {Advances in Neural Information Processing Systems},\n"
        "  abbr          = {NeurIPS},\n",
    ).replace(
        "  month         = jan,\n  keywords      = {theory, l2o},",
        "  month         = dec,\n  keywords      = {theory, l2o},",
    )
    assert (
        accepted.count("NeurIPS") == 1
        and "month         = dec,\n  keywords      = {theory" in accepted
    )
    # A new preprint is posted and takes the free number A2.
    accepted += (
        "\n@misc{song2026new,\n  title = {A New Preprint},\n  author = {Song, Qingyu},\n"
        "  year = {2026},\n  eprint = {2601.00001},\n  keywords = {l2o},\n}\n"
    )
    bib.write_text(accepted, encoding="utf-8")
    code, stderr = _into(folder, "cv.md", check=True)
    assert code == ExitCode.INPUT
    assert "out of date: <!-- publist:labels keyword=theory -->" in stderr
    assert (folder / "cv.md").read_bytes() == EXAMPLE.read_bytes()  # --check wrote nothing
    assert _into(folder, "cv.md")[0] == 0
    cv = (folder / "cv.md").read_text(encoding="utf-8")
    prose = [COMMENT.sub("", line) for line in cv.splitlines() if "论文:" in line]
    assert prose == [
        "- 深度学习中的优化理论。论文: [C8]",
        "  - 利用深度学习求解优化问题。论文: [A2, A1, C8, C7, C6, C5, W2, W1]。",
        "  - AI for 网络资源优化。论文: [C7, C5, W2, W1]。",
        "  - 联邦学习通信优化。论文: [C4]。",
        "  - 图神经网络。论文: [C5, W2, W1]",
        "  - 时间序列预测。论文: [C5, C3, C1]。",
    ]
    assert "会议论文 <!-- publist:count category=conference -->8<!-- publist:end --> 篇" in cv
    assert "其中第一作者 <!-- publist:count category=conference first-author -->5<" in cv
    assert "- C8. **Qingyu Song**, Wei Lin, and Hong Xu." in cv
    assert '- A2. **Qingyu Song**. "A New Preprint."' in cv


# -- options -----------------------------------------------------------------------------------


def _labels(folder: Path, selector: str) -> str:
    text = _filled(folder, f"x <!-- publist:labels {selector} --><!-- publist:end --> y\n")
    return text.split("-->", 1)[1].split("<!--", 1)[0]


@pytest.mark.parametrize(
    ("selector", "labels"),
    [
        ("category=conference", "[C7, C6, C5, C4, C3, C2, C1]"),
        ("category=workshop,submission", "[A2, A1, W2, W1]"),
        ("since=2024", "[A2, A1, C7, C6, C5, C4]"),
        ("until=2020", "[C3, C2, C1]"),
        ("since=2020 until=2023", "[C3, C2, W2, W1]"),
        ("year=2024", "[A1, C6, C5, C4]"),
        ("keyword=L2O", "[A2, A1, C7, C6, C5, W2, W1]"),  # keywords ignore case
        ("keyword=gnn,federated", "[C5, C4, W2, W1]"),
        ("keys=song2024learning,song2025learning", "[A2, C5]"),  # list order, not key order
        ("first-author category=conference", "[C6, C5, C3, C1]"),
        ("category=conference first-author since=2024", "[C6, C5]"),
    ],
)
def test_label_selectors(folder: Path, selector: str, labels: str) -> None:
    assert _labels(folder, selector) == labels


def test_count_blocks(folder: Path) -> None:
    text = _filled(
        folder,
        "<!-- publist:count category=conference -->?<!-- publist:end --> conference papers, "
        "<!-- publist:count category=conference first-author -->?<!-- publist:end --> first.\n",
    )
    assert COMMENT.sub("", text) == "7 conference papers, 4 first.\n"


def test_selected_and_keywords_with_semicolons(folder: Path) -> None:
    bib = folder / "publications.bib"
    text = bib.read_text(encoding="utf-8")
    text = text.replace("  keywords     = {federated},", "  keywords     = {Federated; FL},")
    text = text.replace(
        "@inproceedings{song2024learning,\n",
        "@inproceedings{song2024learning,\n  selected = {true},\n",
    )
    bib.write_text(text, encoding="utf-8")
    assert _labels(folder, "keyword=fl") == "[C4]"
    listed = _filled(folder, "<!-- publist:start selected -->\n<!-- publist:end -->\n")
    assert "- C5. **Qingyu Song**" in listed  # a selected C5 is still C5
    assert listed.count("\n- ") == 1
    assert "### Conferences" in listed and "### Workshops" not in listed


def test_co_first_authors_count_as_first(folder: Path) -> None:
    bib = folder / "publications.bib"
    text = bib.read_text(encoding="utf-8").replace(
        "author       = {Zhang, Yu and Lin, Wei and Chen, Sisi and Song, Qingyu",
        "author       = {Zhang*, Yu and Lin, Wei and Chen, Sisi and Song*, Qingyu",
    )
    assert "Song*, Qingyu" in text
    bib.write_text(text, encoding="utf-8")
    assert _labels(folder, "first-author category=conference") == "[C6, C5, C4, C3, C1]"


def test_a_list_block_with_options(folder: Path) -> None:
    text = _filled(
        folder,
        "# CV\n\n<!-- publist:start category=conference since=2024 heading=no max-authors=3 -->"
        "\nold\n<!-- publist:end -->\n",
    )
    assert_golden("document.options.md", text)
    assert "###" not in text
    assert "- C4. Yu Zhang, Wei Lin, Sisi Chen, **Qingyu Song**, et al. " in text
    assert "- C6. **Qingyu Song**, Wei Lin, Juncheng Wang, et al. " in text


def test_a_list_block_in_another_format(folder: Path) -> None:
    text = _filled(
        folder, "<!-- publist:start format=html category=workshop -->\n<!-- publist:end -->\n"
    )
    assert '<section class="publist-section" id="publist-workshop">' in text
    assert text.count('<li class="publist-entry"') == 2


def test_html_and_text_documents(folder: Path) -> None:
    html = _filled(
        folder,
        "<html><body>\n<p><!-- publist:count --><!-- publist:end --> papers: "
        "<!-- publist:labels keyword=gnn --><!-- publist:end --></p>\n"
        "<!-- publist:start category=submission -->\n<!-- publist:end -->\n</body></html>\n",
        "index.html",
    )
    assert_golden("document.html", html)
    text = _filled(
        folder,
        "Papers: <!-- publist:labels keyword=time-series --><!-- publist:end -->\n"
        "<!-- publist:start category=workshop heading=no -->\n<!-- publist:end -->\n",
        "cv.txt",
    )
    assert_golden("document.txt", text)


def test_every_document_in_one_run_shares_one_parse(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Path] = []

    def counting(
        path: Path, *, config_path: Path | None = None, encoding: str = "utf-8"
    ) -> LoadedBibliography:
        calls.append(path)
        return load_bibliography(path, config_path=config_path, encoding=encoding)

    monkeypatch.setattr(export_module, "load_bibliography", counting)
    _document(folder, "<!-- publist:count --><!-- publist:end -->\n", "a.md")
    _document(
        folder, "<p><!-- publist:labels category=workshop --><!-- publist:end --></p>\n", "b.html"
    )
    code, stderr = _into(folder, "a.md", "b.html", "cv.md")
    assert code == 0, stderr
    assert len(calls) == 1
    assert (folder / "a.md").read_text(encoding="utf-8") == (
        "<!-- publist:count -->11<!-- publist:end -->\n"
    )
    assert "[W2, W1]" in (folder / "b.html").read_text(encoding="utf-8")
    assert f"wrote {folder / 'a.md'} (1 of 1 block changed)" in stderr


def test_check_names_the_stale_blocks_and_writes_nothing(folder: Path) -> None:
    page = _document(
        folder,
        "<!-- publist:count -->11<!-- publist:end -->\n"
        "<!-- publist:labels keyword=gnn -->[C5]<!-- publist:end -->\n",
    )
    before = page.read_bytes()
    code, stderr = _into(folder, "page.md", check=True)
    assert code == ExitCode.INPUT
    assert stderr.splitlines() == [
        f"{page}:2: out of date: <!-- publist:labels keyword=gnn -->",
        f"{page}: 1 of 2 blocks out of date; run without --check",
    ]
    assert page.read_bytes() == before
    assert _into(folder, "page.md")[0] == 0
    assert _into(folder, "page.md", check=True) == (0, f"{page} is up to date (2 blocks)\n")


def test_a_second_run_changes_nothing(folder: Path) -> None:
    page = _document(folder, "<!-- publist:start keyword=l2o -->\n<!-- publist:end -->\n")
    assert _into(folder, "page.md")[0] == 0
    first = page.read_bytes()
    code, stderr = _into(folder, "page.md")
    assert (code, page.read_bytes()) == (0, first)
    assert "is up to date" in stderr


# -- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        (
            "a\n<!-- publist:start catgory=conference -->\n<!-- publist:end -->\n",
            2,
            "unknown option 'catgory=conference'",
        ),
        (
            "<!-- publist:labels keys=nope2020 --><!-- publist:end -->\n",
            1,
            "no entry has the key 'nope2020'",
        ),
        ("\n\n<!-- publist:count year=1999 --><!-- publist:end -->\n", 3, "selects no paper"),
        ("x\n<!-- publist:labels keyword=gnn -->\n[C5]\n", 2, "is never closed"),
        (
            "<!-- publist:start -->\n<!-- publist:labels -->x<!-- publist:end -->\n",
            2,
            "a publist block inside another",
        ),
        (
            "<!-- publist:labels heading=no --><!-- publist:end -->\n",
            1,
            "only applies to a list block",
        ),
        ("<!-- publist:start since=twenty -->\n<!-- publist:end -->\n", 1, "since must be a year"),
        (
            "<!-- publist:start category=journals -->\n<!-- publist:end -->\n",
            1,
            "unknown category 'journals'",
        ),
        ("<!-- publist:start format=pdf -->\n<!-- publist:end -->\n", 1, "format must be one of"),
        ("<!-- publist:start max-authors=0 -->\n<!-- publist:end -->\n", 1, "max-authors must be"),
        ("<!-- publist:count selected=yes --><!-- publist:end -->\n", 1, "takes no value"),
        ("<!-- publist:shart --><!-- publist:end -->\n", 1, "unknown marker"),
    ],
)
def test_bad_blocks_are_one_error_and_leave_every_document_untouched(
    folder: Path, body: str, line: int, message: str
) -> None:
    good = _document(folder, "<!-- publist:count --><!-- publist:end -->\n", "good.md")
    bad = _document(folder, body, "bad.md")
    code, stderr = _into(folder, "good.md", "bad.md")
    assert code == ExitCode.INPUT
    assert stderr.startswith(f"error: {bad}:{line}: "), stderr
    assert message in stderr
    assert len(stderr.splitlines()) == 1
    assert bad.read_text(encoding="utf-8") == body
    # No partial update: the good document is not written either.
    assert good.read_text(encoding="utf-8") == "<!-- publist:count --><!-- publist:end -->\n"


def test_check_needs_into(folder: Path) -> None:
    result = run_cli("export", "-b", folder / "publications.bib", "--check")
    assert result.exit_code == ExitCode.USAGE
    assert "--check compares documents" in result.stderr


def test_the_pre_commit_hook_checks_documents() -> None:
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert "id: publist-cv" in hooks
    assert "entry: publist export --check" in hooks


# -- what the items show ------------------------------------------------------------------------


def _authors(count: int, owner: int) -> list[Author]:
    return [
        Author(
            first="Q" if i == owner else f"A{i}",
            von="",
            last="Song" if i == owner else "X",
            jr="",
            is_owner=i == owner,
        )
        for i in range(count)
    ]


@pytest.mark.parametrize(
    ("count", "owner", "shown"),
    [
        (8, 6, "A0 X, A1 X, A2 X, …, Q Song, et al."),
        (8, 7, "A0 X, A1 X, A2 X, …, Q Song"),
        (8, 3, "A0 X, A1 X, A2 X, Q Song, et al."),
        (8, 1, "A0 X, Q Song, A2 X, et al."),
        (3, 2, "A0 X, A1 X, and Q Song"),  # not longer than the limit: unchanged
    ],
)
def test_max_authors_never_hides_the_owner(count: int, owner: int, shown: str) -> None:
    nodes = format_authors(_authors(count, owner), max_authors=3)
    assert plain(nodes) == shown
    assert [n.text for n in nodes if isinstance(n, Strong)] == ["Q Song"]


AWARD_BIB = """\
@inproceedings{a2024,
  title = {Awarded},
  author = {Song, Qingyu and Lin, Wei and Xu, Hong and Wang, Juncheng and Li, Jingzong},
  booktitle = {Conference}, abbr = {CONF}, year = {2024},
  award = {Best Paper Award at CONF 2024}, award_name = {Best Paper Award}, note = {Oral},
}
@inproceedings{b2023,
  title = {Plain}, author = {Lin, Wei and Song, Qingyu}, booktitle = {Conference},
  abbr = {CONF}, year = {2023}, award = {Spotlight},
}
@article{c2023,
  title = {Journal}, author = {Song, Qingyu}, journal = {Journal}, year = {2023},
  note = {Invited paper.},
}
"""


@pytest.mark.parametrize("fmt", ["md", "html", "text"])
def test_awards_notes_author_limits_and_year_groups_in_every_format(
    tmp_path: Path, fmt: str
) -> None:
    bib = tmp_path / "publications.bib"
    bib.write_text(AWARD_BIB, encoding="utf-8")
    (tmp_path / "publist.toml").write_text(
        '[owner]\nnames = ["Qingyu Song"]\n[lists]\nmax_authors = 2\ngroup_by = "year"\n',
        encoding="utf-8",
    )
    result = run_cli("export", "-b", bib, "--format", fmt)
    assert result.exit_code == 0, result.stderr
    assert_golden(f"awards.{fmt}", result.stdout)
    text = re.sub(r"<[^>]+>|\*\*", "", result.stdout)
    assert "Qingyu Song, Wei Lin, et al." in text
    assert "In CONF, 2024. Best Paper Award. Oral." in text
    assert "Spotlight." in text and "Invited paper." in text
