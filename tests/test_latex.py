"""LaTeX export: text is escaped to data, and a real engine compiles what publist writes.

The compile tests run xelatex, pdflatex and pdftotext from TeX Live (``.ci/run`` installs
them); without them they are skipped, unless ``PUBLIST_REQUIRE_TEX=1`` (set by ``.ci/run``)
makes a missing engine a failure.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from publist.bibtex.latex import to_text
from publist.build.pipeline import load_bibliography
from publist.build.textfold import fold
from publist.output.latex import escape, label_key, url
from tests.helpers import BUNDLED_BIB, BUNDLED_CONFIG, DATA, run_cli, tex_program

HOSTILE_BIB = DATA / "hostile.bib"
HOSTILE_CONFIG = DATA / "hostile.toml"
SPECIALS = set("\\{}$&#%_^~")


# -- escaping (no engine needed) ----------------------------------------------------------------


ESCAPED = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "%": r"\%", "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}",
}  # fmt: skip


def _balanced(latex: str) -> bool:
    depth = 0
    for char in re.sub(r"\\[{}]", "", latex):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


@example("\ufb00")  # the ligature ﬀ: pylatexenc writes "ff"
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_escaped_text_is_pieces_no_field_can_turn_into_a_command(text: str) -> None:
    latex = escape(text)
    # Character by character: publist's LaTeX is the pieces of each character, joined.
    assert latex == "".join(escape(char) for char in text)
    for char in text:
        piece = escape(char)
        if char in ESCAPED:
            assert piece == ESCAPED[char]
        elif char.isascii() and char.isprintable():
            assert piece in (char, r"\textless{}", r"\textgreater{}", r"\textbar{}",
                             r"\textquotedbl{}", r"\textasciigrave{}")  # fmt: skip
        elif piece not in ("", " ", char) and any(c.isascii() for c in piece):
            # LaTeX for one character: a macro with its argument (pylatexenc's table or an
            # accent built from its parts), a tie for a no-break space, or plain letters for a
            # ligature ("ﬀ" is "ff"). Never a free special.
            plain_letters = piece.isascii() and piece.isalnum()
            assert piece == "~" or plain_letters or piece.startswith(("\\", "{")), (char, piece)
            assert _balanced(piece), (char, piece)
            free = re.sub(r"\\(?:[A-Za-z]+|.)", "", piece)  # what is left outside commands
            assert not set(free) & set("$&#%_^\\"), (char, piece)
    assert "^^" not in latex


# "^" is left out: pylatexenc decodes \textasciicircum to U+02C6, a letter, not "^".
@given(
    st.text(
        alphabet=st.characters(min_codepoint=32, max_codepoint=126, exclude_characters="^"),
        max_size=80,
    )
)
def test_ascii_text_comes_back_from_its_latex(text: str) -> None:
    # Decoding publist's LaTeX with the same decoder the bib goes through gives the text back.
    decoded = to_text(escape(text))
    assert fold(decoded) == fold(text)


@pytest.mark.parametrize(
    ("text", "latex"),
    [
        ("Schrödinger α-divergences", r"Schr\"odinger \ensuremath{\alpha}-divergences"),
        ("Qíngyǔ", r"Q\'\i{}ngy\v{u}"),
        ("宋庆禹", "宋庆禹"),
        ("50% of $x_1$ & #2", r"50\% of \$x\_1\$ \& \#2"),
        (r"\input{/etc/passwd}", r"\textbackslash{}input\{/etc/passwd\}"),
        ("^^5cinput", r"\textasciicircum{}\textasciicircum{}5cinput"),
        ("!`?`", r"!\textasciigrave{}?\textasciigrave{}"),
    ],
)
def test_escape_examples(text: str, latex: str) -> None:
    assert escape(text) == latex


def test_keys_become_safe_label_names_and_urls_safe_href_arguments() -> None:
    assert label_key("song2024towards") == "song2024towards"
    assert label_key("a_b:c.d-e") == "a_b:c.d-e"
    assert label_key("x\\write18{y}") == "x+005Cwrite18+007By+007D"
    assert url("https://ex.org/a b?q=1#f") == r"https://ex.org/a\%20b?q=1\#f"
    assert url("https://ex.org/{\\input}%") == r"https://ex.org/\%7B\%5Cinput\%7D\%"


def test_format_latex_is_chosen_by_name_and_suffix(tmp_path: Path) -> None:
    out = tmp_path / "pubs.tex"
    result = run_cli("export", "-b", BUNDLED_BIB, "-o", out)
    assert result.exit_code == 0
    assert r"\item[C7.]\publistitem{C7}{huang2025toward}" in out.read_text(encoding="utf-8")
    assert run_cli("export", "-b", BUNDLED_BIB, "-f", "tex").stdout.startswith("% Publication")


def test_owner_macro_and_heading_come_from_the_config(tmp_path: Path) -> None:
    config = tmp_path / "publist.toml"
    config.write_text(
        '[owner]\nnames = ["Qingyu Song"]\n[latex]\nowner = "\\\\underline"\n'
        'heading = "\\\\section*"\n',
        encoding="utf-8",
    )
    text = run_cli("export", "-b", BUNDLED_BIB, "-c", config, "-f", "latex").stdout
    assert r"\providecommand\publistowner[1]{\underline{#1}}" in text
    assert r"\section*{Conference Papers}" in text
    bad = tmp_path / "bad.toml"
    bad.write_text('[latex]\nowner = "\\\\textbf{x}\\\\input{y}"\n', encoding="utf-8")
    result = run_cli("export", "-b", BUNDLED_BIB, "-c", bad, "-f", "latex")
    assert result.exit_code == 1
    assert "latex.owner must be one LaTeX command" in result.stderr


def test_into_a_tex_document_fills_only_its_blocks(tmp_path: Path) -> None:
    cv = tmp_path / "cv.tex"
    before = "\\documentclass{article}\n% a comment\n\\begin{document}\nIntro.\n"
    after = "More.\n\\end{document}\n"
    cv.write_text(
        f"{before}  % publist:start category=workshop heading=no\nold\n  % publist:end\n{after}",
        encoding="utf-8",
    )
    result = run_cli("export", "-b", BUNDLED_BIB, "-c", BUNDLED_CONFIG, "--into", cv)
    assert result.exit_code == 0, result.stderr
    text = cv.read_text(encoding="utf-8")
    assert text.startswith(f"{before}  % publist:start category=workshop heading=no\n% Publication")
    assert text.endswith(f"\\end{{enumerate}}\n  % publist:end\n{after}")
    assert text.count(r"\item[") == 2 and "old" not in text
    again = run_cli("export", "-b", BUNDLED_BIB, "-c", BUNDLED_CONFIG, "--into", cv)
    assert "is up to date" in again.stderr


def test_labels_blocks_are_refused_in_latex(tmp_path: Path) -> None:
    cv = tmp_path / "cv.tex"
    cv.write_text("% publist:labels keyword=l2o\n% publist:end\n", encoding="utf-8")
    result = run_cli("export", "-b", BUNDLED_BIB, "--into", cv)
    assert result.exit_code == 1
    assert f"error: {cv}:1: " in result.stderr and r"\publistref{KEY}" in result.stderr


# -- compiled by a real engine ------------------------------------------------------------------


def _compile(tex: Path, *, engine: str = "xelatex", runs: int = 1) -> str:
    """Compile ``tex`` in its folder; the PDF's text (ligatures and line breaks undone)."""
    program = tex_program(engine)
    for _ in range(runs):
        done = subprocess.run(
            [program, "-interaction=nonstopmode", "-halt-on-error", tex.name],
            cwd=tex.parent,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert done.returncode == 0, done.stdout[-3000:]
    pdftotext = tex_program("pdftotext")
    text = subprocess.run(
        [pdftotext, "-enc", "UTF-8", tex.with_suffix(".pdf").name, "-"],
        cwd=tex.parent,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # A page break is a form feed at the start of the next page's first line.
    return unicodedata.normalize("NFKC", text).replace("\x0c", "\n")


def _flat(text: str) -> str:
    """Letters and digits only: robust to line breaks, hyphenation and quote styles."""
    return re.sub(r"[\W_]+", "", fold(text))


def _standalone(tmp_path: Path, bib: Path, config: Path, name: str = "cv.tex") -> Path:
    out = tmp_path / name
    result = run_cli("export", "-b", bib, "-c", config, "-f", "latex", "--standalone", "-o", out)
    assert result.exit_code == 0, result.stderr
    return out


def _assert_everything_shows(pdf_text: str) -> None:
    loaded = load_bibliography(BUNDLED_BIB, config_path=BUNDLED_CONFIG)
    flat = _flat(pdf_text)
    for item in loaded.bibliography.items:
        assert re.search(rf"(?m)^{item.label}\. ", pdf_text), item.label
        assert _flat(item.publication.title) in flat, item.publication.title
    assert pdf_text.count("Qingyu Song") >= len(loaded.bibliography.items)


@pytest.mark.parametrize("engine", ["xelatex", "pdflatex"])
def test_the_standalone_document_compiles(tmp_path: Path, engine: str) -> None:
    tex = _standalone(tmp_path, BUNDLED_BIB, BUNDLED_CONFIG)
    text = _compile(tex, engine=engine)
    _assert_everything_shows(text)
    fonts = subprocess.run(
        [tex_program("pdffonts"), "cv.pdf"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Bold" in fonts  # the owner and the venues


WRAPPERS = {
    # A CV laid out like moderncv's: a name block, \section, \cvitem-style rows, prose first.
    "cv": r"""\documentclass[11pt]{article}
\usepackage{fontspec}
\usepackage[hidelinks]{hyperref}
\newcommand\cvitem[2]{\par\noindent\makebox[7em][l]{\textbf{#1}}#2\par}
%PREAMBLE%
\begin{document}
{\Large Qingyu Song}\par
\section{Research}
\cvitem{L2O}{Papers: \publistrefs{song2025learning,lin2024adaptive,huang2025toward}.}
\cvitem{Theory}{See \publistref{song2025learning} and \publistref{nosuchkey2020}.}
\section{Publications}
\input{pubs}
\end{document}
""",
    "article": r"""\documentclass{article}
\usepackage[hidelinks]{hyperref}
%PREAMBLE%
\begin{document}
\section*{Papers}
The CVPR paper is \publistref{song2024towards}.
\input{pubs}
\end{document}
""",
}
# A test highlight that shows in the PDF text which names went through the owner macro.
RECORDING_OWNER = r"\newcommand\publistowner[1]{\textbf{[[OWNER:#1]]}}"
PREAMBLE = r"""\makeatletter
\providecommand\publistref[1]{\ref{publist:#1}}
\providecommand\publistrefs[1]{[\publist@first\@for\publist@key:=#1\do{%
  \publist@sep\ref{publist:\publist@key}}]}
\providecommand\publist@first{\def\publist@sep{\def\publist@sep{, }}}
\makeatother"""


@pytest.mark.parametrize("wrapper", sorted(WRAPPERS))
def test_the_fragment_compiles_inside_a_cv_and_its_labels_are_citable(
    tmp_path: Path, wrapper: str
) -> None:
    fragment = run_cli("export", "-b", BUNDLED_BIB, "-c", BUNDLED_CONFIG, "-f", "latex").stdout
    (tmp_path / "pubs.tex").write_text(fragment, encoding="utf-8")
    main = tmp_path / "main.tex"
    preamble = f"{PREAMBLE}\n{RECORDING_OWNER}"
    main.write_text(WRAPPERS[wrapper].replace("%PREAMBLE%", preamble), encoding="utf-8")
    text = _compile(main, runs=2)
    _assert_everything_shows(text.replace("[[OWNER:", "").replace("]]", ""))
    loaded = load_bibliography(BUNDLED_BIB, config_path=BUNDLED_CONFIG)
    assert text.count("[[OWNER:Qingyu Song]]") == len(loaded.bibliography.items)
    flat = " ".join(text.split())
    if wrapper == "cv":
        assert "Papers: [A2, A1, C7]." in flat
        assert "See A2 and ??." in flat  # an unknown key: LaTeX's ?? and a warning, no error
        log = main.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
        assert "Reference `publist:nosuchkey2020' on page" in log
    else:
        assert "The CVPR paper is C6." in flat


def test_cjk_names_compile_with_xelatex(tmp_path: Path) -> None:
    bib = tmp_path / "cjk.bib"
    bib.write_text(
        "@inproceedings{song2024,\n  title = {跨语言 Learning},\n"
        "  author = {宋庆禹 and Lin, Wei},\n  booktitle = {会议}, abbr = {CONF}, year = 2024,\n}\n",
        encoding="utf-8",
    )
    config = tmp_path / "publist.toml"
    config.write_text('[owner]\nnames = ["Qingyu Song", "宋庆禹"]\n', encoding="utf-8")
    tex = _standalone(tmp_path, bib, config)
    assert r"\usepackage{xeCJK}" in tex.read_text(encoding="utf-8")
    text = _compile(tex)
    assert "宋庆禹" in text and "跨语言" in text
    assert "C1. 宋庆禹 and Wei Lin." in " ".join(text.split())


def test_a_hostile_bib_compiles_and_reads_writes_and_runs_nothing(tmp_path: Path) -> None:
    secret = "TOPSECRET-4242"
    (tmp_path / "secret.txt").write_text(secret + "\n", encoding="utf-8")
    (tmp_path / "secret.tex").write_text(secret + "\n", encoding="utf-8")
    tex = _standalone(tmp_path, HOSTILE_BIB, HOSTILE_CONFIG)
    before = {path.name for path in tmp_path.iterdir()}
    text = _compile(tex)
    made = {path.name for path in tmp_path.iterdir()} - before
    assert made <= {"cv.aux", "cv.log", "cv.out", "cv.pdf"}, made
    assert secret not in text
    assert "root:" not in text
    assert "pwned" in text  # the hostile text is printed, as text
    # TeX's log names every file it opens as "(path": none of the planted ones, nor a command.
    log = tex.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
    assert "(./secret" not in log and "(/etc/passwd" not in log
    assert "runsystem" not in log
