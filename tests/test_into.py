"""``--into``: only the text between the markers changes; bad markers leave the file alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from publist.errors import ExitCode, UsageError
from publist.output.document import END_MARKER, START_MARKER
from publist.output.export import export
from tests.golden import GOLDEN_DIR
from tests.helpers import BUNDLED_BIB, run_cli

BEFORE = "# 宋庆禹\n\nSome text the user wrote.  \n\n## 论文成果\n\n"
AFTER = "\n\n## 科研及项目经历\n\ntrailing text without newline"


def _cv(tmp_path: Path, middle: str = "old list\n", *, newline: str = "\n") -> Path:
    path = tmp_path / "CV.md"
    text = f"{BEFORE}{START_MARKER}\n{middle}{END_MARKER}{AFTER}".replace("\n", newline)
    path.write_bytes(text.encode("utf-8"))
    return path


def test_into_replaces_only_between_markers(tmp_path: Path) -> None:
    cv = _cv(tmp_path)
    result = run_cli("export", "--bib", BUNDLED_BIB, "--into", cv)
    assert result.exit_code == 0, result.stderr
    golden = (GOLDEN_DIR / "bundled.md").read_text(encoding="utf-8")
    expected = f"{BEFORE}{START_MARKER}\n\n{golden}\n{END_MARKER}{AFTER}"
    assert cv.read_text(encoding="utf-8") == expected
    assert result.stdout == ""


def test_into_is_idempotent(tmp_path: Path) -> None:
    cv = _cv(tmp_path)
    run_cli("export", "--bib", BUNDLED_BIB, "--into", cv)
    first = cv.read_bytes()
    run_cli("export", "--bib", BUNDLED_BIB, "--into", cv)
    assert cv.read_bytes() == first


def test_into_keeps_crlf_and_bom(tmp_path: Path) -> None:
    cv = _cv(tmp_path, newline="\r\n")
    cv.write_bytes(b"\xef\xbb\xbf" + cv.read_bytes())
    result = run_cli("export", "--bib", BUNDLED_BIB, "--into", cv)
    assert result.exit_code == 0
    data = cv.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf# ")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert data.endswith(AFTER.replace("\n", "\r\n").encode("utf-8"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"no markers here\n{END_MARKER}\n", f"marker {START_MARKER} not found"),
        (f"{START_MARKER}\nno end\n", f"marker {END_MARKER} not found"),
        (f"a\n{END_MARKER}\nb\n{START_MARKER}\n", f"{END_MARKER} comes before {START_MARKER}"),
        (f"{START_MARKER}\n{START_MARKER}\n{END_MARKER}\n", "a publist block inside another"),
        (f"{START_MARKER}\n{END_MARKER}\n{END_MARKER}\n", "closes no block"),
    ],
)
def test_bad_markers_are_an_error_and_leave_the_file_untouched(
    tmp_path: Path, text: str, message: str
) -> None:
    cv = tmp_path / "CV.md"
    cv.write_text(text, encoding="utf-8")
    result = run_cli("export", "--bib", BUNDLED_BIB, "--into", cv)
    assert result.exit_code == ExitCode.INPUT
    assert message in result.stderr
    assert result.stderr.startswith(f"error: {cv}")
    assert cv.read_text(encoding="utf-8") == text


def test_out_of_order_markers_name_the_line(tmp_path: Path) -> None:
    cv = tmp_path / "CV.md"
    cv.write_text(f"a\n{END_MARKER}\nb\n{START_MARKER}\n", encoding="utf-8")
    result = run_cli("export", "--bib", BUNDLED_BIB, "--into", cv)
    assert result.stderr.startswith(f"error: {cv}:2: ")


def test_into_missing_file(tmp_path: Path) -> None:
    result = run_cli("export", "--bib", BUNDLED_BIB, "--into", tmp_path / "nope.md")
    assert result.exit_code == ExitCode.INPUT
    assert "file not found" in result.stderr


def test_into_html_format_from_suffix(tmp_path: Path) -> None:
    page = tmp_path / "index.html"
    page.write_text(f"<body>\n{START_MARKER}\n{END_MARKER}\n</body>\n", encoding="utf-8")
    result = run_cli("export", "--bib", BUNDLED_BIB, "--into", page)
    assert result.exit_code == 0
    assert '<div class="publist">' in page.read_text(encoding="utf-8")


def test_the_library_refuses_output_and_into_together(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("<!-- publist:start -->\n<!-- publist:end -->\n", encoding="utf-8")
    with pytest.raises(UsageError, match="not both"):
        export(BUNDLED_BIB, output=tmp_path / "out.md", into=page)
    assert not (tmp_path / "out.md").exists()
    assert page.read_text(encoding="utf-8") == "<!-- publist:start -->\n<!-- publist:end -->\n"


def test_two_bare_blocks_are_both_filled(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(f"{START_MARKER}{END_MARKER}\ntext\n{START_MARKER}{END_MARKER}\n", "utf-8")
    result = run_cli("export", "--bib", BUNDLED_BIB, "--into", page)
    assert result.exit_code == 0, result.stderr
    golden = (GOLDEN_DIR / "bundled.md").read_text(encoding="utf-8")
    block = f"{START_MARKER}\n\n{golden}\n{END_MARKER}"
    assert page.read_text(encoding="utf-8") == f"{block}\ntext\n{block}\n"
