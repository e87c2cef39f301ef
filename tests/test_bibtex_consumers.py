"""What publist writes, read by the real consumers: BibTeX (plain, IEEEtran) and biber (biblatex).

The bundled file, and files written by ``sync``, ``add`` and ``promote`` from real records, are
compiled with pdflatex and bibtex or biber: no error, no warning, and the references show the
surnames whole ("A. Del Maestro", "P. Le Gall") and the capitals kept ("DNA", "GUI", "Bethe").
``.ci/run`` installs biber, the biblatex styles and IEEEtran (texlive-bibtex-extra,
texlive-publishers); without them the tests are skipped unless ``PUBLIST_REQUIRE_TEX=1``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from publist.enrich.add import add
from publist.enrich.promote import promote
from publist.enrich.sync import sync
from tests.arxiv_server import FakeArxiv, FakeTime, Paper
from tests.helpers import BUNDLED_BIB, MakeClient, tex_program
from tests.recorded_server import Reply, replaying
from tests.test_add import _clients
from tests.test_published import CHEMCROW, CHEMCROW_DOI, _recorded, _s2_papers, _services

pytestmark = pytest.mark.usefixtures("arxiv_offline")

STYLES = {
    "bibtex-plain": ("bibtex", "plain"),
    "bibtex-IEEEtran": ("bibtex", "IEEEtran"),
    "biber-ieee": ("biber", "ieee"),
    "biber-authoryear": ("biber", "authoryear"),
}


def _run(argv: list[str], folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv, cwd=folder, capture_output=True, text=True, errors="replace", timeout=300, check=False
    )


def compile_references(bib: Path, style: str) -> str:
    """Typeset every entry of ``bib`` in ``style``; the PDF's text. Fails on any error/warning."""
    processor, name = STYLES[style]
    folder = bib.parent / f"typeset-{style}"
    folder.mkdir()
    shutil.copyfile(bib, folder / "refs.bib")
    if processor == "bibtex":
        body = f"\\nocite{{*}}\n\\bibliographystyle{{{name}}}\n\\bibliography{{refs}}\n"
        preamble = ""
    else:
        preamble = (
            f"\\usepackage[style={name},backend=biber]{{biblatex}}\n\\addbibresource{{refs.bib}}\n"
        )
        body = "\\nocite{*}\n\\printbibliography\n"
    (folder / "main.tex").write_text(
        "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage[utf8]{inputenc}\n"
        f"{preamble}\\begin{{document}}\n{body}\\end{{document}}\n",
        encoding="utf-8",
    )
    pdflatex = tex_program("pdflatex")
    run = [pdflatex, "-interaction=nonstopmode", "-halt-on-error", "main"]
    assert _run(run, folder).returncode == 0
    done = _run([tex_program(processor), "main"], folder)
    log = (folder / "main.blg").read_text(encoding="utf-8", errors="replace")
    assert done.returncode == 0, log[-3000:]
    if processor == "bibtex":
        assert "Warning--" not in log and "error message" not in log, log[-3000:]
    else:
        assert not re.search(r"^(WARN|ERROR) ", log, re.M), log[-3000:]
    for _ in range(2):
        assert _run(run, folder).returncode == 0
    text = _run([tex_program("pdftotext"), "-raw", "-enc", "UTF-8", "main.pdf", "-"], folder).stdout
    return " ".join(text.replace("-\n", "").split())


@pytest.fixture
def written(
    tmp_path: Path,
    arxiv_server: FakeArxiv,
    make_arxiv_client: MakeClient,
    fake_time: FakeTime,
) -> Iterator[Path]:
    """One bib holding what sync, add and promote wrote from real (and rendered) records."""
    bib = tmp_path / "publications.bib"
    shutil.copyfile(BUNDLED_BIB, bib)
    # sync: a preprint whose arXiv version changed its title and authors.
    bib.write_text(
        bib.read_text(encoding="utf-8")
        + "\n@misc{gall2026efficient,\n  title = {Old},\n  author = {Someone, Else},\n"
        "  year = {2026},\n  eprint = {2601.00001},\n}\n",
        encoding="utf-8",
    )
    arxiv_server.add(
        Paper(
            base="2601.00001",
            title="Efficient Two-Stage Group Testing Algorithms for DNA Screening on the Bethe "
            "Lattice",
            authors=("Adrian Del Maestro", "Pascale Le Gall", "Qingyu Song"),
            summary="",
            published="2026-01-05T00:00:00Z",
            updated="2026-01-05T00:00:00Z",
        )
    )
    assert sync(bib, client=make_arxiv_client()).written
    with replaying() as server:
        # add: arXiv's recorded answers (a GUI title; A. Del Maestro) and Crossref's works.
        server.containing += [
            ("id_list=1812.11470", Reply.file("arxiv-search-testing-p1.xml")),
            ("id_list=1610.08518", Reply.file("arxiv-search-au-del-maestro.xml")),
        ]
        server.routes["/works/10.1038/srep16696"] = Reply.file(
            "crossref-work-journal-srep16696.json"
        )
        for ids in (["1812.11470", "10.1038/srep16696"], ["1610.08518"]):
            # One call per recorded arXiv answer: a call asks for its ids in one request.
            result = add(bib, ids, clients=_clients(server.url, tmp_path, fake_time))
            assert len(result.additions) == len(ids), result.problems
        # promote: ChemCrow's preprint, published in Nature Machine Intelligence.
        bib.write_text(bib.read_text(encoding="utf-8") + "\n" + CHEMCROW, encoding="utf-8")
        papers = _s2_papers()
        server.posted["/s2/paper/batch"] = lambda body: Reply(
            200,
            json.dumps(
                [papers.get(i.removeprefix("arXiv:")) for i in json.loads(body)["ids"]]
            ).encode(),
        )
        item = _recorded("crossref-search-title-chemcrow-natmi.json")["message"]["items"][0]
        server.routes[f"/works/{CHEMCROW_DOI}"] = Reply(
            200, json.dumps({"status": "ok", "message": item}).encode()
        )
        server.routes["/dblp/search/publ/api"] = Reply.file("dblp-search-test-2019.json")
        arxiv_server.add(Paper(base="2304.05376"))
        services = _services(server, arxiv_server, tmp_path / "s", fake_time)
        assert promote(bib, ["bran2023chemcrow"], services=services).written
    yield bib


@pytest.mark.parametrize("style", sorted(STYLES))
def test_the_bundled_file_typesets_cleanly(tmp_path: Path, style: str) -> None:
    bib = tmp_path / "publications.bib"
    shutil.copyfile(BUNDLED_BIB, bib)
    text = compile_references(bib, style)
    assert "MIMO" in text and "Fed2Com" in text and "Newton" in text


@pytest.mark.parametrize("style", sorted(STYLES))
def test_what_publist_writes_typesets_with_surnames_and_capitals_kept(
    written: Path, style: str
) -> None:
    text = compile_references(written, style)
    for word in ("DNA", "Bethe", "GUI", "FRET"):
        assert word in text, word
    if style in ("bibtex-IEEEtran", "biber-ieee"):
        assert "A. Del Maestro" in text and "P. Le Gall" in text
    else:
        assert "Del Maestro" in text and "Le Gall" in text
    if style == "bibtex-IEEEtran":  # biblatex shortens long lists to "et al."
        assert "M. Dalla Serra" in text  # Crossref's family name, kept whole
    elif style == "bibtex-plain":
        assert "Mauro Dalla Serra" in text
    assert "Nature Machine Intelligence" in text
    assert "4He" in text.replace(" ", "")  # arXiv's "superfluid $^4$He" keeps its capital
    # Never the split BibTeX makes of "Adrian Del Maestro" written First Last.
    assert "D. Maestro" not in text and "L. Gall" not in text
