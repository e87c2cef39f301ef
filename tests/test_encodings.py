"""Encodings and line endings, through the command line."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from publist.errors import ExitCode
from tests.helpers import run_cli

ENTRY = (
    "% Publications\n"
    "@article{muller2020,\n"
    "  author  = {Müller, Jürgen},\n"
    "  title   = {Über Café Society},\n"
    "  journal = {Journal},\n"
    "  year    = {2020},\n"
    "}\n"
)


def _export(bib: Path, *extra: str) -> tuple[int, str, str]:
    result = run_cli("export", "--bib", bib, "--format", "text", *extra)
    return result.exit_code, result.stdout, result.stderr


def test_utf8_with_and_without_bom_read_the_same(tmp_path: Path) -> None:
    plain = tmp_path / "plain.bib"
    plain.write_bytes(ENTRY.encode("utf-8"))
    bom = tmp_path / "bom.bib"
    bom.write_bytes(codecs.BOM_UTF8 + ENTRY.encode("utf-8"))
    code_plain, out_plain, err_plain = _export(plain)
    code_bom, out_bom, err_bom = _export(bom)
    assert (code_plain, code_bom) == (0, 0)
    assert out_plain == out_bom
    assert 'Jürgen Müller. "Über Café Society."' in out_plain
    assert err_plain == err_bom == ""


def test_latin1_file_is_one_clear_error_naming_the_file_and_first_bad_line(
    tmp_path: Path,
) -> None:
    bib = tmp_path / "latin1.bib"
    bib.write_bytes(ENTRY.encode("latin-1"))
    code, out, err = _export(bib)
    assert code == ExitCode.INPUT
    assert out == ""
    # "ü" in Müller, line 3, is the first byte that is not UTF-8.
    assert err == (
        f"error: {bib}:3: not valid utf-8 (byte 0xfc); "
        "re-save the file as UTF-8 or pass --encoding\n"
    )


def test_latin1_file_reads_with_its_encoding_named(tmp_path: Path) -> None:
    bib = tmp_path / "latin1.bib"
    bib.write_bytes(ENTRY.encode("latin-1"))
    code, out, err = _export(bib, "--encoding", "latin-1")
    assert code == 0
    assert 'Jürgen Müller. "Über Café Society."' in out
    assert err == ""


def test_unknown_encoding_is_an_error(tmp_path: Path) -> None:
    bib = tmp_path / "x.bib"
    bib.write_bytes(ENTRY.encode("utf-8"))
    code, _, err = _export(bib, "--encoding", "klingon")
    assert code == ExitCode.INPUT
    assert err == f"error: {bib}: unknown encoding 'klingon'\n"


@pytest.mark.parametrize("bom", [codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE])
def test_utf16_file_is_named_as_such(tmp_path: Path, bom: bytes) -> None:
    bib = tmp_path / "utf16.bib"
    codec = "utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be"
    bib.write_bytes(bom + ENTRY.encode(codec))
    code, _, err = _export(bib)
    assert code == ExitCode.INPUT
    assert err == (
        f"error: {bib}:1: the file is UTF-16 (it starts with a UTF-16 byte-order mark); "
        "re-save it as UTF-8 or pass --encoding utf-16\n"
    )
    code, out, _ = _export(bib, "--encoding", "utf-16")
    assert code == 0
    assert "Über Café Society" in out


def test_crlf_line_endings_export_like_lf_with_the_same_line_numbers(tmp_path: Path) -> None:
    text = ENTRY.replace("{2020}", "{someday}")
    lf = tmp_path / "lf.bib"
    lf.write_bytes(text.encode("utf-8"))
    crlf = tmp_path / "crlf.bib"
    crlf.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    code_lf, out_lf, err_lf = _export(lf)
    code_crlf, out_crlf, err_crlf = _export(crlf)
    assert (code_lf, code_crlf) == (0, 0)
    assert out_lf == out_crlf
    assert err_lf.replace(str(lf), "X") == err_crlf.replace(str(crlf), "X")
    assert ":6: muller2020: cannot read a year from 'someday'" in err_lf


def test_arbitrary_binary_is_an_error_or_diagnostics_never_a_traceback(tmp_path: Path) -> None:
    bib = tmp_path / "binary.bib"
    bib.write_bytes(bytes(range(256)) * 4)
    code, _, err = _export(bib)
    assert code == ExitCode.INPUT
    # Byte 0x80, after the first newline (0x0a), is the first that is not UTF-8.
    assert err.startswith(f"error: {bib}:2: not valid utf-8 (byte 0x80)")
    code, _, err = _export(bib, "--encoding", "latin-1")
    assert code == 0
