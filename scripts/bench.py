#!/usr/bin/env python3
"""Time whole ``publist`` processes against bibtexparser and pybtex, and check the targets.

Every figure is the median wall time of whole processes (``python -m publist ...`` with this
checkout's ``src`` first on ``PYTHONPATH``), measured round-robin so that load from other work
on the machine hits every command alike; peak memory is each child's ``ru_maxrss``. Usage::

    python scripts/bench.py            # 5 runs of everything (a few minutes)
    python scripts/bench.py --runs 9   # more runs, steadier medians
    python scripts/bench.py --quick    # one run on smaller generated files: a smoke test

The exit status is 0 when every target passes, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench_generate import SEED, generate_bib
from bench_measure import (
    Case,
    export_imports,
    fake_arxiv,
    measure,
    per_run_ratios,
    publist,
    publist_env,
    run_process,
    unneeded_for_export,
)

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
BUNDLED = ROOT / "publications.bib"
TUGBOAT_PATHS = (
    Path("/usr/share/texlive/texmf-dist/bibtex/bib/beebe/tugboat.bib"),
    Path("/usr/share/texmf/bibtex/bib/beebe/tugboat.bib"),
    Path("/usr/local/texlive/texmf-dist/bibtex/bib/beebe/tugboat.bib"),
)
TUGBOAT_ENTRIES = 4837
FULL_SIZES = (1000, 5000, 20000)
QUICK_SIZES = (200, 500, 2000)
MB = 1024 * 1024
# The generated sizes grow 4-fold; linear time grows a little less (start-up is fixed).
MAX_GROWTH = 4.5

# Run as separate processes so each figure includes interpreter start and imports.
RAW_PARSE = """\
import sys
import bibtexparser
with open(sys.argv[1], encoding="utf-8") as handle:
    bibtexparser.parse_string(handle.read())
"""
PYBTEX = """\
import io, sys
import pybtex.errors
from pybtex.database import parse_file
from pybtex.plugin import find_plugin
pybtex.errors.set_strict_mode(False)  # real files repeat fields; report, don't stop
data = parse_file(sys.argv[1], bib_format="bibtex")
style = find_plugin("pybtex.style.formatting", "plain")()
backend = find_plugin("pybtex.backends", "markdown")()
out = io.StringIO()
backend.write_to_stream(style.format_bibliography(data), out)
sys.stdout.write(out.getvalue())
"""


# ----------------------------------------------------------------------------------------------
# The run: files, cases, table, targets.


@dataclass(frozen=True, slots=True)
class BibFile:
    """A file the bench runs on."""

    label: str
    path: Path
    entries: int


@dataclass(frozen=True, slots=True)
class Verdict:
    """One target: passed or failed, with the figures behind it."""

    target: str
    passed: bool
    detail: str


_ENTRY_START = re.compile(r"^\s*@(?!string|preamble|comment)[a-z]+\s*[{(]", re.I | re.M)


def count_entries(path: Path) -> int:
    """The number of entries (not @string/@preamble/@comment) in ``path``."""
    return len(_ENTRY_START.findall(path.read_text(encoding="utf-8", errors="replace")))


def find_tugboat() -> Path | None:
    """TeX Live's tugboat.bib, from the Debian package or a TeX Live install, if present."""
    for path in TUGBOAT_PATHS:
        if path.is_file():
            return path
    kpsewhich = shutil.which("kpsewhich")
    if kpsewhich:
        found = subprocess.run(
            [kpsewhich, "tugboat.bib"], capture_output=True, text=True, check=False
        ).stdout.strip()
        if found and Path(found).is_file():
            return Path(found)
    return None


def prepare_files(folder: Path, sizes: Sequence[int]) -> tuple[BibFile, list[BibFile]]:
    """The big file (tugboat.bib or a stand-in) and the generated files, written to ``folder``."""
    tugboat = find_tugboat()
    if tugboat is None:
        path = folder / "tugboat-standin.bib"
        path.write_text(generate_bib(TUGBOAT_ENTRIES, seed=SEED + 1), encoding="utf-8")
        big = BibFile("tugboat stand-in (generated)", path, TUGBOAT_ENTRIES)
    else:
        big = BibFile("tugboat.bib", tugboat, count_entries(tugboat))
    generated = []
    for size in sizes:
        path = folder / f"generated-{size}.bib"
        path.write_text(generate_bib(size), encoding="utf-8")
        generated.append(BibFile(f"generated {_k(size)}", path, size))
    return big, generated


DOCUMENT_BLOCKS = 30
_YEAR_FIELD = re.compile(r"(?im)^\s*year\s*=\s*[{\"]?\s*(\d{4})")


def block_document(bib: Path, path: Path) -> Path:
    """A CV of 30 publist blocks over ``bib``: the whole lists, the newest year's list, and 14
    label and 14 count blocks by year (years repeat when the file has fewer)."""
    years = sorted({int(y) for y in _YEAR_FIELD.findall(bib.read_text("utf-8", "replace"))})
    newest = years[::-1]
    lines = ["# CV", "", "<!-- publist:start -->", "<!-- publist:end -->", ""]
    lines += [f"<!-- publist:start year={newest[0]} heading=no -->", "<!-- publist:end -->", ""]
    for index in range((DOCUMENT_BLOCKS - 2) // 2):
        year = newest[index % len(newest)]
        lines.append(
            f"- {year}: <!-- publist:count year={year} --><!-- publist:end --> papers, "
            f"<!-- publist:labels year={year} --><!-- publist:end -->"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _k(size: int) -> str:
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


def _mb(size: int) -> str:
    return f"{size / MB:.0f}"


def build_cases(
    big: BibFile,
    generated: Sequence[BibFile],
    *,
    folder: Path,
) -> list[Case]:
    """Every command the table shows, in table order."""
    bundled = BibFile("bundled publications.bib", BUNDLED, count_entries(BUNDLED))
    empty = folder / "empty.bib"
    empty.write_text("", encoding="utf-8")
    cases = [
        Case("publist --help", "", publist("--help")),
        # The fixed cost of a run: interpreter, imports, option parsing.
        Case("publist export -f md", "empty .bib", publist("export", "-b", empty), 0),
    ]
    for bib in (bundled, big):
        document = block_document(bib.path, folder / f"cv-{len(cases)}.md")
        cases.append(
            Case(
                f"publist export --into ({DOCUMENT_BLOCKS} blocks)",
                bib.label,
                publist("export", "-b", bib.path, "--into", document),
                bib.entries,
            )
        )
    for bib in (bundled, big, *generated):
        # The newer formats on the bundled and the big file only: the generated sizes
        # measure growth.
        formats = (
            ("md", "html", "text", "latex", "json", "csl-json")
            if bib in (bundled, big)
            else ("md", "html", "text")
        )
        for fmt in formats:
            cases.append(
                Case(
                    f"publist export -f {fmt}",
                    bib.label,
                    publist("export", "-b", bib.path, "-f", fmt),
                    bib.entries,
                )
            )
        if bib in (bundled, big):
            cases.append(
                Case(
                    "publist export -f html --standalone",
                    bib.label,
                    publist("export", "-b", bib.path, "-f", "html", "--standalone"),
                    bib.entries,
                )
            )
        cases.append(
            Case(
                "publist list --json",
                bib.label,
                publist("list", "--json", "-b", bib.path),
                bib.entries,
            )
        )
        if bib is not bundled:
            cases.append(
                Case(
                    "bibtexparser raw parse",
                    bib.label,
                    [sys.executable, "-c", RAW_PARSE, str(bib.path)],
                    bib.entries,
                )
            )
        if bib is big:
            cases.append(
                Case(
                    "pybtex parse + Markdown",
                    bib.label,
                    [sys.executable, "-c", PYBTEX, str(bib.path)],
                    bib.entries,
                )
            )
    return cases


def _find(cases: Sequence[Case], label: str, file_label: str) -> Case | None:
    for case in cases:
        if case.label == label and case.file_label == file_label and case.samples:
            return case
    return None


def table(cases: Sequence[Case], big: BibFile) -> str:
    """The results as a Markdown table, with ratios to the raw parse and to pybtex."""
    pybtex = _find(cases, "pybtex parse + Markdown", big.label)
    rows = [
        "| command | file | entries | median s | peak MB | × raw parse | × pybtex |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for case in cases:
        raw = _find(cases, "bibtexparser raw parse", case.file_label)
        if not case.ok:
            rows.append(f"| {case.label} | {case.file_label} | | failed | | | |")
            continue
        vs_raw = f"{case.median / raw.median:.2f}" if raw and raw.ok and raw is not case else ""
        vs_pybtex = (
            f"{case.median / pybtex.median:.2f}"
            if pybtex and pybtex.ok and case.file_label == big.label and case is not pybtex
            else ""
        )
        entries = "" if case.entries is None else f"{case.entries:,}"
        rows.append(
            f"| {case.label} | {case.file_label} | {entries} | {case.median:.2f} "
            f"| {_mb(case.peak)} | {vs_raw} | {vs_pybtex} |"
        )
    return "\n".join(rows)


def check_targets(
    cases: Sequence[Case], big: BibFile, generated: Sequence[BibFile]
) -> list[Verdict]:
    """The issue's targets, each PASS or FAIL."""
    verdicts: list[Verdict] = []
    raw = _find(cases, "bibtexparser raw parse", big.label)
    pybtex = _find(cases, "pybtex parse + Markdown", big.label)
    for fmt in ("md", "html", "html --standalone", "latex", "json", "csl-json"):
        export = _find(cases, f"publist export -f {fmt}", big.label)
        what = f"export -f {fmt} of {big.label}"
        if export is None or not export.ok:
            verdicts.append(Verdict(what, False, "the export failed"))
            continue
        if raw is not None and raw.ok:
            ratio = export.median / raw.median
            # The spread says how much one run's load can move the figure.
            runs = per_run_ratios(export, raw)
            verdicts.append(
                Verdict(
                    f"{what} ≤ 1.5 × bibtexparser raw parse",
                    ratio <= 1.5,
                    f"{export.median:.2f} s vs {raw.median:.2f} s = {ratio:.2f} × "
                    f"(single runs: {min(runs):.2f}–{max(runs):.2f} ×)",
                )
            )
        if pybtex is not None and pybtex.ok:
            ratio = export.median / pybtex.median
            verdicts.append(
                Verdict(
                    f"{what} ≤ 1/4 of pybtex",
                    ratio <= 0.25,
                    f"{export.median:.2f} s vs {pybtex.median:.2f} s = {ratio:.2f} ×",
                )
            )
    if len(generated) >= 2:
        small, large = generated[-2], generated[-1]
        for label in ("publist export -f md", "publist list --json"):
            low, high = _find(cases, label, small.label), _find(cases, label, large.label)
            if low is None or high is None:
                continue
            growth = high.median / low.median
            verdicts.append(
                Verdict(
                    f"{label}: growth from {_k(small.entries)} to {_k(large.entries)} entries "
                    f"≤ {MAX_GROWTH} ×",
                    low.ok and high.ok and growth <= MAX_GROWTH,
                    f"{low.median:.2f} s → {high.median:.2f} s = {growth:.2f} ×",
                )
            )
    for bib_label, slack in (("bundled publications.bib", 0.03), (big.label, 0.1)):
        into = _find(cases, f"publist export --into ({DOCUMENT_BLOCKS} blocks)", bib_label)
        export = _find(cases, "publist export -f md", bib_label)
        if into is None or export is None:
            continue
        extra = into.median - export.median
        verdicts.append(
            Verdict(
                f"filling {DOCUMENT_BLOCKS} blocks of a CV from {bib_label} ≤ its export + "
                f"{slack * 1000:.0f} ms",
                into.ok and export.ok and extra <= slack,
                f"{into.median:.3f} s vs {export.median:.3f} s ({extra * 1000:+.0f} ms)",
            )
        )
    quick = [_find(cases, "publist --help", "")]
    quick += [
        _find(cases, f"publist export -f {f}", "bundled publications.bib")
        for f in ("md", "html", "text")
    ]
    for case in quick:
        if case is not None:
            what = case.label + (f" of the {case.file_label}" if case.file_label else "")
            verdicts.append(
                Verdict(f"{what} ≤ 0.3 s", case.ok and case.median <= 0.3, f"{case.median:.3f} s")
            )
    on_big = [c for c in cases if c.file_label == big.label and c.label.startswith("publist")]
    if on_big:
        peak = max(c.peak for c in on_big)
        verdicts.append(
            Verdict(
                f"peak memory of publist on {big.label} < 200 MB",
                peak < 200 * MB,
                f"{_mb(peak)} MB",
            )
        )
    return verdicts


IMPORTS_LABEL = "export imports no network, XML, pydantic or rich code"


def check_imports(*, env: dict[str, str]) -> Verdict:
    """``publist export`` of the bundled file must not import what it does not use."""
    modules = export_imports(BUNDLED, env=env)
    if "publist.output" not in modules:
        return Verdict(IMPORTS_LABEL, False, "importtime gave nothing")
    bad = unneeded_for_export(modules)
    return Verdict(
        IMPORTS_LABEL,
        not bad,
        f"{len(modules)} modules" + (f"; unwanted: {', '.join(bad)}" if bad else ""),
    )


def check_sync(folder: Path, *, env: dict[str, str]) -> list[Verdict]:
    """``publist sync`` of the bundled file: one request with a fresh cache, none when warm."""
    work = folder / "sync"
    work.mkdir()
    bib = work / BUNDLED.name
    shutil.copyfile(BUNDLED, bib)
    shutil.copyfile(BUNDLED.with_name("publist.toml"), work / "publist.toml")
    verdicts = []
    with fake_arxiv() as (url, log):
        sync_env = dict(env)
        sync_env.update(
            PUBLIST_ARXIV_URL=url,
            PUBLIST_CACHE_DIR=str(work / "cache"),
            PUBLIST_ARXIV_DELAY="0",
        )
        for state, expected in (("fresh", 1), ("warm", 0)):
            before = len(log)
            sample = run_process(publist("sync", "-b", bib), env=sync_env)
            made = len(log) - before
            detail = f"{made} request(s), {sample.seconds:.2f} s, exit {sample.returncode}"
            if sample.returncode != 0:
                detail += f": {sample.stderr.strip().splitlines()[-1:]}"
            verdicts.append(
                Verdict(
                    f"sync of the bundled file with a {state} cache: {expected} request(s)",
                    sample.returncode == 0 and made == expected,
                    detail,
                )
            )
    return verdicts


def machine() -> str:
    """A one-line description of this machine, for the report."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    load = ""
    if hasattr(os, "getloadavg"):
        load = f", load {os.getloadavg()[0]:.1f}"
    return (
        f"{cpu}, {os.cpu_count()} CPUs{load}; Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the bench; print the table and a PASS/FAIL line per target."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--runs", type=int, help="timed runs per command (default 5; quick 1)")
    parser.add_argument(
        "--quick", action="store_true", help="one run, smaller generated files: a smoke test"
    )
    args = parser.parse_args(argv)
    runs = args.runs if args.runs is not None else (1 if args.quick else 5)
    if runs < 1:
        parser.error("--runs must be at least 1")
    env = publist_env()
    with tempfile.TemporaryDirectory(prefix="publist-bench-") as tmp:
        folder = Path(tmp)
        big, generated = prepare_files(folder, QUICK_SIZES if args.quick else FULL_SIZES)
        cases = build_cases(big, generated, folder=folder)
        for case in cases:
            if "--into" in case.argv:
                # Fill the document once: the timed runs then find it current, as a CV mostly is.
                run_process(case.argv, env=env)
        print(f"publist bench: {runs} run(s) of {len(cases)} commands ...", file=sys.stderr)
        measure(cases, runs=runs, env=env)
        verdicts = check_targets(cases, big, generated)
        verdicts.append(check_imports(env=env))
        verdicts += check_sync(folder, env=env)
    print(f"Median of {runs} whole-process run(s); {machine()}.\n")
    print(table(cases, big))
    print()
    for verdict in verdicts:
        print(f"{'PASS' if verdict.passed else 'FAIL'}  {verdict.target}: {verdict.detail}")
    for case in cases:
        failed = [s for s in case.samples if s.returncode != 0]
        if failed:
            print(f"\n{case.label} on {case.file_label} exited {failed[0].returncode}:")
            print(failed[0].stderr[-2000:])
    return 0 if all(v.passed for v in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
