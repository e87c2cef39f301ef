#!/usr/bin/env python3
"""Load and export every .bib under the given folders; report entries, diagnostics and losses.

Each file goes through the same pipeline as ``publist export`` (load, decode, categorize,
number) and is rendered as Markdown, HTML and plain text. For each file the script prints the
entries bibtexparser parses, the items each format rendered, the diagnostics, any crash, and
every parsed entry that is missing from an output. ``.bib.gz`` files (TeX Live's
documentation ships many) are decompressed first. A file that is not UTF-8 is reported and
read again with ``--fallback-encoding``, as a user would with ``--encoding``.

Usage::

    PYTHONPATH=src python scripts/realworld.py /usr/share/texlive [--quiet]

Exits 1 when any file crashed or lost an entry, else 0.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from bibtexparser.entrypoint import parse_string
from bibtexparser.model import Block, DuplicateBlockKeyBlock, DuplicateFieldKeyBlock, Entry

from publist.build.pipeline import CONTAINER_TYPES, LoadedBibliography, load_bibliography
from publist.errors import BibFileError, PublistError
from publist.output import latex, markdown, render

SUFFIXES = (".bib", ".bib.gz")
# The formats that print the lists (``js`` is the page script, ``json`` and kin are data).
LIST_FORMATS = ("md", "html", "text", "latex")


@dataclass
class FileReport:
    """What happened to one file."""

    path: Path
    entries: int = 0
    skipped: int = 0
    containers: int = 0
    rendered: dict[str, int] = field(default_factory=dict)
    diagnostics: Counter[str] = field(default_factory=Counter)
    crash: str = ""
    lost: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when nothing crashed and nothing was lost."""
        return not self.crash and not self.lost


class _EntryCollector(HTMLParser):
    """Collects the ``data-label`` of every ``li.publist-entry`` in an HTML export."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.labels: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "li" and values.get("class") == "publist-entry":
            self.labels.append(values.get("data-label") or "")


def find_bib_files(folders: list[Path]) -> Iterator[Path]:
    """Every ``.bib`` and ``.bib.gz`` under ``folders``, following symlinks, sorted."""
    found: set[Path] = set()
    for folder in folders:
        if folder.is_file():
            found.add(folder)
            continue
        for root, _dirs, names in os.walk(folder, followlinks=True):
            found.update(Path(root) / name for name in names if name.endswith(SUFFIXES))
    yield from sorted(found)


def _rendered_labels(fmt: str, text: str, labels: list[str]) -> list[str]:
    """The item labels an export actually contains, in order."""
    if fmt == "html":
        collector = _EntryCollector()
        collector.feed(text)
        collector.close()
        return collector.labels
    if fmt == "latex":
        items = {f"\\item[{latex.escape(label)}.]": label for label in labels}
        return [items[m] for m in re.findall(r"\\item\[[^\]\n]*\.\]", text) if m in items]
    wanted = {
        (f"- {markdown.label_marker(label)} " if fmt == "md" else f"{label}. "): label
        for label in labels
    }
    found = []
    for line in text.splitlines():
        head = line[: line.find(". ") + 2] if ". " in line else ""
        if head in wanted:
            found.append(wanted[head])
    return found


def check_file(path: Path, *, fallback_encoding: str, scratch: Path) -> FileReport:
    """Load, export and cross-check one file; never raises."""
    report = FileReport(path)
    started = time.perf_counter()
    try:
        source = path
        if path.name.endswith(".gz"):
            source = scratch / path.name.removesuffix(".gz")
            source.write_bytes(gzip.decompress(path.read_bytes()))
        try:
            loaded = load_bibliography(source)
        except BibFileError as error:
            report.diagnostics["encoding"] += 1
            print(f"  note: {error}; reading as {fallback_encoding}", file=sys.stderr)
            loaded = load_bibliography(source, encoding=fallback_encoding)
        _cross_check(loaded, report)
    except PublistError as error:
        report.crash = f"error: {error}"
    except Exception as error:
        frame = traceback.extract_tb(error.__traceback__)[-1]
        where = f"{Path(frame.filename).name}:{frame.lineno}"
        report.crash = f"{type(error).__name__} at {where}: {error}"
    report.seconds = time.perf_counter() - started
    return report


def _cross_check(loaded: LoadedBibliography, report: FileReport) -> None:
    # The reference count comes from bibtexparser itself, not from publist's own loader.
    reference = parse_string(loaded.document.text, parse_stack=[])
    parsed = Counter(
        entry.key for entry in reference.entries if entry.entry_type.lower() not in CONTAINER_TYPES
    )
    report.containers = len(reference.entries) - sum(parsed.values())
    # An entry with a field given twice, or a second entry under a key, is a failed block to
    # bibtexparser (wrapped once or twice); publist lists it, so it counts as parsed.
    for block in reference.failed_blocks:
        entry: Block | None = block
        while isinstance(entry, DuplicateBlockKeyBlock | DuplicateFieldKeyBlock):
            entry = entry.ignore_error_block
        listed = isinstance(entry, Entry) and entry.entry_type.lower() not in CONTAINER_TYPES
        if entry is not block and listed and isinstance(entry, Entry):
            parsed[entry.key] += 1
    # The same paper written twice under one key is listed once, with a warning.
    once = [d.key for d in loaded.bibliography.diagnostics if d.code == "duplicate-entry"]
    report.skipped = len(once)
    parsed.subtract(key for key in once if key is not None)
    report.entries = sum(parsed.values())
    report.diagnostics.update(d.code for d in loaded.bibliography.diagnostics)
    items = loaded.bibliography.items
    in_model = Counter(item.publication.key for item in items)
    report.lost.extend(f"{key} (not in the read model)" for key in (parsed - in_model).elements())
    labels = [item.label for item in items]
    by_label = {item.label: item.publication.key for item in items}
    if len(set(labels)) != len(labels):
        report.lost.append("labels are not unique")
    for fmt in LIST_FORMATS:
        text = render(fmt, loaded.bibliography, loaded.config, standalone=True)
        found = _rendered_labels(fmt, text, labels)
        report.rendered[fmt] = len(found)
        missing = Counter(labels) - Counter(found)
        report.lost.extend(
            f"{by_label[label]} (missing from {fmt})" for label in missing.elements()
        )


def main(argv: list[str] | None = None) -> int:
    """Run the check over the folders named on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+", type=Path, help="folders (or files) to scan")
    parser.add_argument("--fallback-encoding", default="latin-1")
    parser.add_argument("--quiet", "-q", action="store_true", help="print only problem files")
    args = parser.parse_args(argv)

    reports: list[FileReport] = []
    with tempfile.TemporaryDirectory(prefix="publist-realworld-") as scratch:
        for path in find_bib_files(args.folders):
            report = check_file(
                path, fallback_encoding=args.fallback_encoding, scratch=Path(scratch)
            )
            reports.append(report)
            if not args.quiet or not report.ok:
                _print_report(report)

    codes: Counter[str] = Counter()
    for report in reports:
        codes.update(report.diagnostics)
    crashes = sum(1 for report in reports if report.crash)
    skipped = sum(report.skipped for report in reports)
    containers = sum(report.containers for report in reports)
    lost = sum(len(report.lost) for report in reports)
    print()
    print(
        f"files: {len(reports)}  entries: {sum(r.entries for r in reports)}  "
        f"rendered: {sum(r.rendered.get('html', 0) for r in reports)}  "
        f"diagnostics: {sum(codes.values())}  "
        f"same paper twice under a key, listed once: {skipped}  "
        f"@xdata containers: {containers}  "
        f"crashes: {crashes}  lost entries: {lost}  "
        f"seconds: {sum(r.seconds for r in reports):.1f}"
    )
    if codes:
        print("diagnostics by code: " + ", ".join(f"{c} {n}" for c, n in codes.most_common()))
    return 1 if crashes or lost else 0


def _print_report(report: FileReport) -> None:
    rendered = "/".join(str(report.rendered.get(fmt, 0)) for fmt in LIST_FORMATS)
    status = "ok" if report.ok else "FAIL"
    print(
        f"{status:4} {report.entries:6} entries  {rendered:>17} md/html/text  "
        f"{sum(report.diagnostics.values()):5} diagnostics  {report.path}"
    )
    if report.crash:
        print(f"     crash: {report.crash}")
    for lost in report.lost:
        print(f"     lost: {lost}")


if __name__ == "__main__":
    sys.exit(main())
