#!/usr/bin/env python3
"""Compile the LaTeX export of every .bib under the given folders; count the failures.

Each file is exported as a standalone document (``publist export -f latex --standalone``, read
as UTF-8 or, failing that, Latin-1) and compiled once with xelatex in a scratch folder. The
script prints each failure with the first error of TeX's log and the totals. Usage::

    PYTHONPATH=src python scripts/latex_smoke.py /usr/share/texlive/texmf-dist/bibtex/bib

Exits 1 when any export failed to compile.
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from realworld import find_bib_files

from publist.build.pipeline import load_bibliography
from publist.errors import BibFileError, PublistError
from publist.output import render


def _export(bib: Path, folder: Path) -> Path:
    source = bib
    if bib.name.endswith(".gz"):
        source = folder / bib.name.removesuffix(".gz")
        source.write_bytes(gzip.decompress(bib.read_bytes()))
    try:
        loaded = load_bibliography(source)
    except BibFileError:
        loaded = load_bibliography(source, encoding="latin-1")
    tex = folder / "export.tex"
    tex.write_text(
        render("latex", loaded.bibliography, loaded.config, standalone=True), encoding="utf-8"
    )
    return tex


def _first_error(log: str) -> str:
    for line in log.splitlines():
        if line.startswith("!"):
            return line
    return "no PDF"


def main(argv: list[str] | None = None) -> int:
    """Compile every export; print failures and totals."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--engine", default="xelatex")
    args = parser.parse_args(argv)
    engine = shutil.which(args.engine)
    if engine is None:
        parser.error(f"{args.engine} is not installed")
    files = list(find_bib_files(args.folders))  # as realworld.py finds them (symlinks too)
    failures = 0
    entries = 0
    started = time.perf_counter()
    for bib in files:
        with tempfile.TemporaryDirectory(prefix="publist-tex-") as scratch:
            folder = Path(scratch)
            try:
                tex = _export(bib, folder)
            except PublistError as error:
                print(f"{bib}: not exported: {error}")
                failures += 1
                continue
            entries += tex.read_text(encoding="utf-8").count("\\item[")
            done = subprocess.run(
                [engine, "-interaction=nonstopmode", "-halt-on-error", tex.name],
                cwd=folder,
                capture_output=True,
                text=True,
                errors="replace",
                timeout=600,
                check=False,
            )
            if done.returncode != 0 or not tex.with_suffix(".pdf").exists():
                failures += 1
                log = tex.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
                print(f"{bib}: {_first_error(log)}")
    print(
        f"files: {len(files)}  items: {entries}  compile failures: {failures}  "
        f"seconds: {time.perf_counter() - started:.0f}"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
