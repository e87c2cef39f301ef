"""``publist sync`` against a local arXiv stand-in: what changes, what never does.

The module is one piece although it is over 400 lines: every test is the same end-to-end
scenario (copy a bib file, run a whole sync against the fake arXiv, compare the bytes written)
over the bundled file's two preprints ``A1`` and ``A2``, and what sync changes and what it must
never touch are two halves of one contract, best read side by side.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from publist.bibtex.parse import parse
from publist.enrich.sync import sync
from publist.errors import ArxivError, ExitCode, InputError
from publist.sources.arxiv.client import FetchResult
from tests.arxiv_server import FakeArxiv, Fault, Paper
from tests.helpers import BUNDLED_BIB, BUNDLED_CONFIG, MakeClient, run_cli

A2 = Paper(
    base="2501.18092",
    version=1,
    title="Learning Provably Improves the Convergence of Gradient Descent",
    authors=("Qingyu Song", "Wei Lin", "Hong Xu"),
    summary="",
    published="2025-01-30T12:00:00Z",
    updated="2025-01-30T12:00:00Z",
)
A1 = Paper(
    base="2412.00059",
    version=1,
    title="Adaptive Coordinate-Wise Step Sizes for Quasi-Newton Methods: "
    "A Learning-to-Optimize Approach",
    authors=("Wei Lin", "Qingyu Song", "Hong Xu"),
    summary="",
    published="2024-12-01T12:00:00Z",
    updated="2024-12-01T12:00:00Z",
)


@pytest.fixture
def bib(tmp_path: Path) -> Path:
    """A copy of the bundled file (and its config) to sync."""
    path = tmp_path / "publications.bib"
    path.write_bytes(BUNDLED_BIB.read_bytes())
    (tmp_path / "publist.toml").write_bytes(BUNDLED_CONFIG.read_bytes())
    return path


def test_bundled_file_round_trips_byte_identical(
    bib: Path, arxiv_server: FakeArxiv, make_arxiv_client: MakeClient
) -> None:
    arxiv_server.add(A2, A1)
    before = bib.read_bytes()
    result = sync(bib, client=make_arxiv_client())
    assert result.plan.updates == ()
    assert not result.written
    assert result.requests_sent == 1
    assert bib.read_bytes() == before


def test_second_sync_the_same_day_sends_nothing_and_changes_nothing(
    bib: Path, arxiv_server: FakeArxiv, make_arxiv_client: MakeClient
) -> None:
    arxiv_server.add(
        Paper(**{**A2.__dict__, "summary": "We prove it & more: 50% faster, $\\sigma_1$."}), A1
    )
    first = sync(bib, client=make_arxiv_client())
    assert first.written
    assert [(u.key, [c.field for c in u.changes]) for u in first.plan.updates] == [
        ("song2025learning", ["abstract"])
    ]
    after_first = bib.read_bytes()
    assert b"abstract      = {We prove it \\& more: 50\\% faster, $\\sigma_1$.}," in after_first
    second = sync(bib, client=make_arxiv_client())
    assert second.requests_sent == 0
    assert second.plan.updates == ()
    assert bib.read_bytes() == after_first
    assert len(arxiv_server.requests) == 1


def test_new_version_updates_the_preprint_and_nothing_else(
    bib: Path, arxiv_server: FakeArxiv, make_arxiv_client: MakeClient
) -> None:
    arxiv_server.add(
        Paper(
            **{
                **A2.__dict__,
                "version": 3,
                "title": "Learning Provably Improves Gradient Descent: Rates & Limits",
                "authors": ("Qingyu Song", "Wei Lin", "Juncheng Wang", "Hong Xu"),
                "updated": "2025-06-02T00:00:00Z",
            }
        ),
        A1,
    )
    before = BUNDLED_BIB.read_text(encoding="utf-8")
    result = sync(bib, client=make_arxiv_client())
    after = bib.read_text(encoding="utf-8")
    (update,) = result.plan.updates
    assert {c.field: c.new for c in update.changes} == {
        "title": "{Learning Provably Improves Gradient Descent: Rates \\& Limits}",
        "author": "{Song, Qingyu and Lin, Wei and Wang, Juncheng and Xu, Hong}",
        "month": "jun",
    }
    # Every line outside the entry is unchanged, and inside it only the three fields.
    changed = [
        (old, new)
        for old, new in zip(before.splitlines(), after.splitlines(), strict=True)
        if old != new
    ]
    assert [new.split("=")[0].strip() for _, new in changed] == ["title", "author", "month"]
    # The new author list still highlights the owner.
    result_md = run_cli("export", "--bib", bib)
    assert "- A2. **Qingyu Song**, Wei Lin, Juncheng Wang, and Hong Xu." in result_md.stdout


def test_pinned_version_follows_the_latest(
    tmp_path: Path, arxiv_server: FakeArxiv, make_arxiv_client: MakeClient
) -> None:
    bib = tmp_path / "p.bib"
    bib.write_text(
        "@misc{k,\n  title = {A Paper},\n  author = {Ada Lovelace and Alan Turing},\n"
        "  year = {2025},\n  month = feb,\n  eprint = {2501.00001v1},\n"
        "  url = {https://arxiv.org/abs/2501.00001v1}\n}\n",
        encoding="utf-8",
    )
    arxiv_server.add(Paper(base="2501.00001", version=2))
    result = sync(bib, client=make_arxiv_client())
    (update,) = result.plan.updates
    assert {c.field: c.new for c in update.changes} == {
        "abstract": "{An abstract with $\\sigma$ \\& more.}",
        "eprint": "{2501.00001v2}",
        "url": "{https://arxiv.org/abs/2501.00001v2}",
    }


def test_published_entries_only_gain_missing_arxiv_fields(
    tmp_path: Path, arxiv_server: FakeArxiv, make_arxiv_client: MakeClient
) -> None:
    bib = tmp_path / "p.bib"
    bib.write_text(
        "@inproceedings{k,\n  title = {My Own {Title}},\n  author = {Song, Qingyu},\n"
        "  booktitle = {CVPR},\n  year = 2024,\n  doi = {10.48550/arXiv.2501.00002}\n}\n",
        encoding="utf-8",
    )
    arxiv_server.add(Paper(base="2501.00002", title="Their Title", authors=("Someone Else",)))
    result = sync(bib, client=make_arxiv_client())
    (update,) = result.plan.updates
    assert [(c.field, c.old, c.new) for c in update.changes] == [
        ("eprint", None, "{2501.00002}"),
        ("archiveprefix", None, "{arXiv}"),
        ("primaryclass", None, "{cs.LG}"),
        ("url", None, "{https://arxiv.org/abs/2501.00002}"),
        ("abstract", None, "{An abstract with $\\sigma$ \\& more.}"),
    ]
    text = bib.read_text(encoding="utf-8")
    assert "title = {My Own {Title}}" in text and "Their Title" not in text
    assert "year = 2024," in text


def test_a_preprint_with_a_doi_looks_published_and_gains_the_doi(
    bib: Path, arxiv_server: FakeArxiv, make_arxiv_client: MakeClient
) -> None:
    arxiv_server.add(
        Paper(**{**A1.__dict__, "dois": ("10.1109/X.2025.1",), "journal_ref": "CVPR 2025"}), A2
    )
    result = sync(bib, client=make_arxiv_client())
    (update,) = result.plan.updates
    assert [(c.field, c.new) for c in update.changes] == [("doi", "{10.1109/X.2025.1}")]
    (notice,) = [n for n in result.plan.notices if n.kind == "published"]
    assert notice.key == "lin2024adaptive"
    assert "journal_ref: CVPR 2025" in notice.message
    # Its category is not changed silently: it is still listed as a submission.
    md = run_cli("export", "--bib", bib).stdout
    assert "- A1. Wei Lin, **Qingyu Song**, and Hong Xu." in md


def test_opt_out_invalid_ids_and_not_found(
    tmp_path: Path, arxiv_server: FakeArxiv, make_arxiv_client: MakeClient
) -> None:
    bib = tmp_path / "p.bib"
    text = (
        "@misc{optout, title={X}, eprint={2501.00003}, publist_sync={false}}\n"
        "@misc{invalid, title={X}, eprint={2513.00001}}\n"
        "@misc{missing, title={X}, eprint={2501.99999}}\n"
        "@misc{plain, title={No arXiv here}}\n"
    )
    bib.write_text(text, encoding="utf-8")
    arxiv_server.add(Paper(base="2501.00003"))
    result = sync(bib, client=make_arxiv_client())
    kinds = {(n.key, n.kind) for n in result.plan.notices}
    assert kinds == {("optout", "skipped"), ("invalid", "invalid-id"), ("missing", "not-found")}
    assert [r.id_list for r in arxiv_server.requests] == [["2501.99999"]]
    assert bib.read_text(encoding="utf-8") == text


def test_failed_blocks_refuse_unless_forced_and_stay_as_written(
    tmp_path: Path, arxiv_server: FakeArxiv, make_arxiv_client: MakeClient
) -> None:
    bib = tmp_path / "p.bib"
    text = (
        "@misc{good, title={A Paper}, author={Ada Lovelace and Alan Turing},"
        " eprint={2501.00001}, year={2025}, month=feb}\n"
        "@misc{bad, title={never closed\n\n"
        "@misc{after, title={Fine}}\n"
    )
    bib.write_text(text, encoding="utf-8")
    arxiv_server.add(Paper(base="2501.00001"))
    with pytest.raises(InputError, match="--force"):
        sync(bib, client=make_arxiv_client())
    assert arxiv_server.requests == []
    result = sync(bib, client=make_arxiv_client(), force=True)
    assert result.written
    new = bib.read_text(encoding="utf-8")
    assert "@misc{bad, title={never closed\n\n@misc{after, title={Fine}}\n" in new
    assert "WARNING" not in new
    sync(bib, client=make_arxiv_client(), force=True)
    assert bib.read_text(encoding="utf-8") == new


def test_dry_run_writes_nothing(
    bib: Path, arxiv_server: FakeArxiv, make_arxiv_client: MakeClient
) -> None:
    arxiv_server.add(Paper(**{**A2.__dict__, "title": "A New Title"}), A1)
    before = bib.read_bytes()
    result = sync(bib, client=make_arxiv_client(), dry_run=True)
    assert [c.field for c in result.plan.updates[0].changes] == ["title"]
    assert not result.written
    assert bib.read_bytes() == before


def _big_bib(path: Path, ids: list[str]) -> str:
    blocks = [
        f"@misc{{p{i},\n  title = {{Paper {i}}},\n  author = {{Ada Lovelace and Alan Turing}},\n"
        f"  year = {{2025}},\n  month = feb,\n  eprint = {{{i}}}\n}}\n"
        for i in ids
    ]
    blocks += [f"@article{{j{n}, title = {{Journal {n}}}, journal = {{J}}}}\n" for n in range(50)]
    text = "% a big file\n\n" + "\n".join(blocks)
    path.write_text(text, encoding="utf-8")
    return text


def test_250_entries_200_ids_make_two_requests_then_none(
    tmp_path: Path, arxiv_server: FakeArxiv, make_arxiv_client: MakeClient
) -> None:
    ids = arxiv_server.add_many(200)
    bib = tmp_path / "big.bib"
    text = _big_bib(bib, ids)
    result = sync(bib, client=make_arxiv_client())
    assert result.requests_sent == 2
    assert [len(r.id_list) for r in arxiv_server.requests] == [100, 100]
    assert all(r.max_results == "100" for r in arxiv_server.requests)
    assert len(result.plan.updates) == 200  # each gains its abstract
    new = bib.read_text(encoding="utf-8")
    assert new.count("abstract = {An abstract") == 200
    # Every journal entry and the comment are byte-identical.
    assert new.startswith("% a big file\n\n")
    assert text[text.index("@article{j0") :] == new[new.index("@article{j0") :]
    again = sync(bib, client=make_arxiv_client())
    assert again.requests_sent == 0
    assert bib.read_text(encoding="utf-8") == new


def test_an_injected_503_costs_one_more_request(
    tmp_path: Path, arxiv_server: FakeArxiv, make_arxiv_client: MakeClient
) -> None:
    ids = arxiv_server.add_many(200)
    bib = tmp_path / "big.bib"
    _big_bib(bib, ids)
    arxiv_server.script(Fault.http(503, retry_after="5"))
    result = sync(bib, client=make_arxiv_client())
    assert result.requests_sent == 3
    assert len(result.plan.updates) == 200


def test_arxiv_unreachable_leaves_the_file_untouched(
    bib: Path, arxiv_server: FakeArxiv, make_arxiv_client: MakeClient
) -> None:
    arxiv_server.script(*[Fault.http(503)] * 10)
    before = bib.read_bytes()
    with pytest.raises(ArxivError):
        sync(bib, client=make_arxiv_client())
    assert bib.read_bytes() == before


def test_crlf_file_keeps_crlf(
    tmp_path: Path, arxiv_server: FakeArxiv, make_arxiv_client: MakeClient
) -> None:
    bib = tmp_path / "crlf.bib"
    text = (
        "% windows\r\n@misc{k,\r\n  title = {Old},\r\n  eprint = {2501.00001}\r\n}\r\n"
        "@misc{other, title={x}}\r\n"
    )
    bib.write_bytes(text.encode("utf-8"))
    arxiv_server.add(Paper(base="2501.00001", title="New"))
    sync(bib, client=make_arxiv_client())
    data = bib.read_bytes()
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"  title = {New},\r\n" in data
    assert data.endswith(b"}\r\n@misc{other, title={x}}\r\n")


def test_a_failed_write_leaves_the_old_file_whole(
    bib: Path,
    arxiv_server: FakeArxiv,
    make_arxiv_client: MakeClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    arxiv_server.add(Paper(**{**A2.__dict__, "title": "Changed"}), A1)
    before = bib.read_bytes()

    def crash(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", crash)
    env = {
        "PUBLIST_ARXIV_URL": arxiv_server.url,
        "PUBLIST_ARXIV_DELAY": "0",
        "PUBLIST_CACHE_DIR": str(bib.parent / "cache"),
    }
    result = run_cli("sync", "--bib", bib, env=env)
    assert result.exit_code == ExitCode.OUTPUT
    assert bib.read_bytes() == before
    assert sorted(p.name for p in bib.parent.iterdir()) == [
        "cache",
        "publications.bib",
        "publist.toml",
    ]


def test_written_file_parses_cleanly(
    bib: Path, arxiv_server: FakeArxiv, make_arxiv_client: MakeClient
) -> None:
    arxiv_server.add(
        Paper(**{**A2.__dict__, "title": "Odd {chars} & 100% _x_ #1 $\\alpha$ } {"}), A1
    )
    sync(bib, client=make_arxiv_client())
    document = parse(bib.read_text(encoding="utf-8"), path=bib)
    assert document.diagnostics == ()
    assert len(document.entries) == 11


def test_cli_sync_summary_and_exit_codes(
    bib: Path, arxiv_server: FakeArxiv, tmp_path: Path
) -> None:
    arxiv_server.add(Paper(**{**A2.__dict__, "title": "Changed Title"}), A1)
    env = {
        "PUBLIST_ARXIV_URL": arxiv_server.url,
        "PUBLIST_CACHE_DIR": str(tmp_path / "cache"),
        "PUBLIST_ARXIV_DELAY": "0",
        "COLUMNS": "120",
    }
    dry = run_cli("sync", "--bib", bib, "--dry-run", env=env)
    assert dry.exit_code == 0, dry.stderr
    assert "Changed Title" in dry.stdout and "song2025learning" in dry.stdout
    assert "nothing written (--dry-run)" in dry.stderr
    real = run_cli("sync", "--bib", bib, env=env)
    assert real.exit_code == 0
    assert f"wrote {bib}" in real.stderr
    assert "0 requests" in real.stderr  # the dry run's answers were cached
    # A 400 is not retried: the run ends at once with the network exit code.
    arxiv_server.script(Fault.bad_request("incorrect id format for 2501.18092"))
    bad = run_cli("sync", "--bib", bib, "--refresh", env=env)
    assert bad.exit_code == ExitCode.NETWORK
    assert "incorrect id format" in bad.stderr
    assert bad.stderr.startswith("error: ")
    assert "Traceback" not in bad.output


def test_edits_made_while_sync_waits_for_arxiv_are_not_lost(
    bib: Path,
    arxiv_server: FakeArxiv,
    make_arxiv_client: MakeClient,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    arxiv_server.add(Paper(**{**A2.__dict__, "title": "Changed"}), A1)
    client = make_arxiv_client()
    real_fetch = client.fetch

    def fetch_while_the_user_edits(*args: Any, **kwargs: Any) -> FetchResult:
        with bib.open("a", encoding="utf-8") as handle:
            handle.write("\n@misc{added, title={Added meanwhile}}\n")
        return real_fetch(*args, **kwargs)

    monkeypatch.setattr(client, "fetch", fetch_while_the_user_edits)
    with pytest.raises(InputError, match="changed on disk"):
        sync(bib, client=client)
    assert "Added meanwhile" in bib.read_text(encoding="utf-8")


def test_a_latin1_file_is_written_back_in_latin1(
    tmp_path: Path, arxiv_server: FakeArxiv, make_arxiv_client: MakeClient
) -> None:
    bib = tmp_path / "latin1.bib"
    other = "@misc{other, author = {M\xfcller, J\xf6rg}, title = {Caf\xe9}}\n"
    bib.write_bytes(
        ("@misc{k,\n  title = {Old},\n  eprint = {2501.00001}\n}\n" + other).encode("latin-1")
    )
    arxiv_server.add(Paper(base="2501.00001", title="New"))
    sync(bib, client=make_arxiv_client(), encoding="latin-1")
    data = bib.read_bytes()
    assert data.endswith(other.encode("latin-1"))
    assert b"  title = {New},\n" in data


def test_a_symlinked_bib_stays_a_symlink(
    tmp_path: Path, arxiv_server: FakeArxiv, make_arxiv_client: MakeClient
) -> None:
    real = tmp_path / "real.bib"
    real.write_text("@misc{k,\n  title = {Old},\n  eprint = {2501.00001}\n}\n", encoding="utf-8")
    link = tmp_path / "link.bib"
    link.symlink_to(real)
    arxiv_server.add(Paper(base="2501.00001", title="New"))
    sync(link, client=make_arxiv_client())
    assert link.is_symlink()
    assert "title = {New}" in real.read_text(encoding="utf-8")


def test_people_keep_their_spelling_and_marks_when_the_list_changes(
    tmp_path: Path, arxiv_server: FakeArxiv, make_arxiv_client: MakeClient
) -> None:
    bib = tmp_path / "p.bib"
    bib.write_text(
        "@misc{k,\n  title = {A Paper},\n"
        "  author = {Garc{\\'\\i}a M{\\'a}rquez, Gabriel and Song*, Qingyu and Smith, Jr., John},\n"
        "  year = {2025},\n  month = feb,\n  eprint = {2501.00001}\n}\n",
        encoding="utf-8",
    )
    same = ("Gabriel García Márquez", "Qingyu Song", "John Smith Jr.")
    arxiv_server.add(Paper(base="2501.00001", authors=same, summary=""))
    assert sync(bib, client=make_arxiv_client()).plan.updates == ()
    arxiv_server.add(Paper(base="2501.00001", authors=(*same, "Ada Lovelace"), summary=""))
    result = sync(bib, client=make_arxiv_client(), refresh=True)
    (update,) = result.plan.updates
    assert update.changes[0].new == (
        "{Garc{\\'\\i}a M{\\'a}rquez, Gabriel and Song*, Qingyu and Smith, Jr., John"
        " and Lovelace, Ada}"
    )


def test_markup_like_values_are_shown_literally_in_the_summary(
    bib: Path, arxiv_server: FakeArxiv, tmp_path: Path
) -> None:
    arxiv_server.add(Paper(**{**A2.__dict__, "title": "Sets [/b] and [red]colours[/red]"}), A1)
    env = {
        "PUBLIST_ARXIV_URL": arxiv_server.url,
        "PUBLIST_CACHE_DIR": str(tmp_path / "cache"),
        "PUBLIST_ARXIV_DELAY": "0",
        "COLUMNS": "200",
    }
    result = run_cli("sync", "--bib", bib, "--dry-run", env=env)
    assert result.exit_code == 0, result.stderr
    assert "Sets [/b] and [red]colours[/red]" in result.stdout


def test_a_malformed_api_url_is_a_usage_error(bib: Path) -> None:
    result = run_cli("sync", "--bib", bib, "--api-url", "http://[::1")
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.strip() == "error: the arXiv URL is not a valid URL: 'http://[::1'"


def test_a_file_with_an_xdata_container_syncs_its_preprints(
    bib: Path, arxiv_server: FakeArxiv, make_arxiv_client: MakeClient
) -> None:
    arxiv_server.add(Paper(**{**A2.__dict__, "title": "A New Title"}), A1)
    bib.write_text(
        "@xdata{shared, publisher = {P}}\n\n" + bib.read_text(encoding="utf-8"), encoding="utf-8"
    )
    result = sync(bib, client=make_arxiv_client(), dry_run=True)
    assert [c.field for c in result.plan.updates[0].changes] == ["title"]
