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
import functools
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs, urlparse

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
BUNDLED = ROOT / "publications.bib"
TUGBOAT_PATHS = (
    Path("/usr/share/texlive/texmf-dist/bibtex/bib/beebe/tugboat.bib"),
    Path("/usr/share/texmf/bibtex/bib/beebe/tugboat.bib"),
    Path("/usr/local/texlive/texmf-dist/bibtex/bib/beebe/tugboat.bib"),
)
TUGBOAT_ENTRIES = 4837
SEED = 20240601
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
# The generator: deterministic .bib files shaped like a department's bibliography.

_FIRST = (
    "Wei",
    "Hong",
    "Qingyu",
    "Anna",
    "Jürgen",
    'J{\\"u}rgen',
    "Ren{\\'e}",
    "Fran\\c{c}ois",
    'Zo{\\"e}',
    "S{\\o}ren",
    "Andr\\'e",
    'Bj{\\"o}rn',
    "Mar{\\'\\i}a",
    "Ji\\v{r}\\'\\i",
    "Barbara",
    "Donald E.",
    "Leslie",
    "Frank",
    "Karl",
    "Hans",
    "Ulrike",
    "Yu",
    "Min-Jun",
    "Priya",
    "Ola",
    "Emma",
    "D.",
    "J. R.",
    "{\\L}ukasz",
    "Ibrahim",
    "Chen",
    "Sofia",
    "Matthias",
    "Ana",
)
_LAST = (
    "Song",
    "Lin",
    "Xu",
    'M{\\"u}ller',
    "Garc{\\'\\i}a",
    "Knuth",
    "Lamport",
    "Mittelbach",
    "Beeton",
    "Berry",
    'Schr{\\"o}dinger',
    "Nov{\\'a}k",
    "{\\O}stergaard",
    "Wang",
    "Li",
    "Zhang",
    "Kim",
    "Patel",
    "Nordmann",
    "Dvo{\\v{r}}{\\'a}k",
    "Smith",
    "Brown",
    "Tanaka",
    "Rossi",
    "{Lopez de Prado}",
    "Okafor",
    "Hern{\\'a}ndez",
    "Weiß",
    "Carlisle",
    "Hagen",
)
_VON = ("van der", "de la", "von", "di")
_WORDS = (
    "learning",
    "optimization",
    "typesetting",
    "fonts",
    "convergence",
    "robust",
    "adaptive",
    "networks",
    "graphs",
    "scalable",
    "distributed",
    "systems",
    "macros",
    "tables",
    "analysis",
    "towards",
    "efficient",
    "method",
    "theory",
    "guarantees",
    "sparse",
    "models",
    "inference",
    "language",
    "design",
    "performance",
    "multilingual",
    "hyphenation",
    "algorithms",
    "data",
    "the",
    "of",
    "for",
    "with",
    "and",
    "in",
    "a",
    "on",
    "via",
    "beyond",
)
_SPECIAL_WORDS = (
    "{CVPR}",
    "{MIMO}",
    "{\\TeX}",
    "{\\LaTeX}",
    "$\\Lambda$CDM",
    "$O(n \\log n)$",
    "{Newton}",
    "\\emph{fast}",
    "{\\em new}",
    'Schr{\\"o}dinger',
    'na{\\"\\i}ve',
    "{GPU}",
    "--",
    "---",
    "``quoted''",
    "{\\it italic}",
    "\\BibTeX",
    "{ConTeXt}",
    "caf\\'e",
    '{\\AA}ngstr{\\"o}m',
    "$\\alpha$-helix",
    "50\\%",
    "R\\&D",
    "{L}ua{\\TeX}",
)
_JOURNALS = (
    ("j-TUGboat", "TUGboat"),
    ("j-PRL", "Phys. Rev. Lett."),
    ("j-TOMS", "ACM Transactions on Mathematical Software"),
    ("j-JMLR", "Journal of Machine Learning Research"),
    ("j-TPAMI", "{IEEE} Transactions on Pattern Analysis and Machine Intelligence"),
)
_VENUES = (
    (
        "Proceedings of the {IEEE/CVF} Conference on Computer Vision and Pattern Recognition",
        "CVPR",
        "IEEE/CVF",
    ),
    ("Advances in Neural Information Processing Systems", "NeurIPS", ""),
    ("Proceedings of the {ACM SIGCOMM} Conference", "SIGCOMM", "ACM"),
    ("International Conference on Learning Representations", "ICLR", ""),
    ("Proceedings of the Workshop on Hot Topics in Networks", "HotNets", "ACM"),
)
_PUBLISHERS = ("pub-AW", "pub-SV", "{MIT} Press", "Cambridge University Press", "pub-TUG")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_TYPES = (
    ("article", 40),
    ("inproceedings", 30),
    ("misc", 10),
    ("book", 5),
    ("incollection", 5),
    ("techreport", 5),
    ("phdthesis", 3),
    ("unpublished", 2),
)


def generate_bib(count: int, *, seed: int = SEED) -> str:
    """A deterministic .bib of ``count`` entries with realistic fields, macros and LaTeX."""
    rng = random.Random(f"{seed}:{count}")
    lines = [
        "% Generated by scripts/bench.py: a department-sized bibliography, deterministic.",
        "",
        *(f'@String{{{macro} = "{text}"}}' for macro, text in _JOURNALS),
        '@String{pub-AW = "Addison-Wesley"}',
        '@String{pub-SV = "Spring{\\-}er-Verlag"}',
        '@String{pub-TUG = "{\\TeX} Users Group"}',
        '@String{ack-nhfb = "Nelson H. F. Beebe, University of Utah"}',
        "",
    ]
    kinds = [kind for kind, _ in _TYPES]
    weights = [weight for _, weight in _TYPES]
    for index in range(count):
        kind = rng.choices(kinds, weights)[0]
        lines.append(_entry(rng, index, kind))
        lines.append("")
    return "\n".join(lines)


def _name(rng: random.Random) -> str:
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    roll = rng.random()
    if roll < 0.05:
        return f"{rng.choice(_VON)} {last}, {first}"
    if roll < 0.08:
        return f"{last}, Jr., {first}"
    if roll < 0.55:
        return f"{last}, {first}"
    return f"{first} {last}"


def _title(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(4, 13))]
    for _ in range(rng.choice((0, 0, 1, 1, 2))):
        words.insert(rng.randrange(len(words) + 1), rng.choice(_SPECIAL_WORDS))
    words[0] = words[0][:1].upper() + words[0][1:]
    return " ".join(words)


def _quoted(rng: random.Random, value: str) -> str:
    return f'"{value}"' if rng.random() < 0.5 else f"{{{value}}}"


def _entry(rng: random.Random, index: int, kind: str) -> str:
    year = rng.randint(1980, 2025)
    authors = [_name(rng) for _ in range(rng.choice((1, 1, 2, 2, 3, 3, 4, 5, 8)))]
    if rng.random() < 0.03:
        authors.append("others")
    key = f"{re.sub(r'[^A-Za-z]', '', authors[0].split(',')[0])[:12] or 'Anon'}:{year}:{index}"
    fields: list[tuple[str, str]] = [
        ("author", _quoted(rng, " and ".join(authors))),
        ("title", _quoted(rng, _title(rng))),
    ]
    first_page = rng.randint(1, 900)
    pages = f"{first_page}--{first_page + rng.randint(1, 30)}"
    if kind == "article":
        macro, _ = rng.choice(_JOURNALS)
        journal = f'{macro} # " (special issue)"' if rng.random() < 0.05 else macro
        fields += [
            ("journal", journal),
            ("volume", f'"{rng.randint(1, 60)}"'),
            ("number", f'"{rng.randint(1, 12)}"'),
            ("pages", f'"{pages}"'),
        ]
    elif kind == "inproceedings":
        booktitle, abbr, organizer = rng.choice(_VENUES)
        fields += [("booktitle", _quoted(rng, booktitle)), ("pages", f'"{pages}"')]
        if rng.random() < 0.7:
            fields.append(("abbr", f"{{{abbr}}}"))
        if organizer:
            fields.append(("organization", f"{{{organizer}}}"))
    elif kind == "misc":
        year = max(year, 2008)  # new-style arXiv ids start in 2007
        # Four-digit numbers until 2014, five from 2015 on.
        number = f"{rng.randint(1, 29999):05d}" if year >= 2015 else f"{rng.randint(1, 9999):04d}"
        arxiv = f"{year % 100:02d}{rng.randint(1, 12):02d}.{number}"
        fields += [
            ("eprint", f"{{{arxiv}}}"),
            ("archiveprefix", "{arXiv}"),
            ("primaryclass", "{cs.LG}"),
        ]
    elif kind in ("book", "incollection"):
        publisher = rng.choice(_PUBLISHERS)
        value = publisher if publisher.startswith("pub-") else _quoted(rng, publisher)
        fields.append(("publisher", value))
        if kind == "incollection":
            fields += [("booktitle", _quoted(rng, _title(rng))), ("pages", f'"{pages}"')]
    elif kind == "techreport":
        fields += [("institution", "{University of Utah}"), ("number", f'"UU-{index}"')]
    elif kind == "phdthesis":
        fields.append(("school", '{Technische Universit{\\"a}t M{\\"u}nchen}'))
    else:
        fields.append(("note", "{Submitted}"))
    month = rng.random()
    if month < 0.6:
        fields.append(("month", rng.choice(_MONTHS)))
    elif month < 0.7:
        fields.append(("month", f'"{rng.randint(1, 12)}"'))
    fields.append(("year", f'"{year}"' if rng.random() < 0.7 else str(year)))
    if rng.random() < 0.5:
        fields.append(("doi", f'"10.{rng.randint(1000, 9999)}/{key.lower().replace(":", ".")}"'))
    fields += [
        ("url", f'"https://example.org/papers/{index}.pdf"'),
        ("bibdate", f'"Mon Aug {rng.randint(10, 28)} 16:37:31 MDT {rng.randint(2000, 2024)}"'),
        (
            "bibsource",
            '"http://www.math.utah.edu/pub/tex/bib/index-table.html#example;\n'
            '                 http://www.math.utah.edu/pub/tex/bib/example.bib"',
        ),
        ("acknowledgement", "ack-nhfb"),
        ("keywords", _quoted(rng, ", ".join(rng.sample(_WORDS[:30], 4)))),
    ]
    if rng.random() < 0.3:
        fields.append(("abstract", _quoted(rng, " ".join(_title(rng) for _ in range(4)) + ".")))
    body = ",\n".join(f"  {name:<15} = {value}" for name, value in fields)
    return f"@{kind.capitalize() if rng.random() < 0.5 else kind}{{{key},\n{body},\n}}"


# ----------------------------------------------------------------------------------------------
# Measuring whole processes.


@dataclass(frozen=True, slots=True)
class Sample:
    """One whole-process run: wall time, peak resident memory and exit code."""

    seconds: float
    max_rss: int
    returncode: int
    stderr: str


@functools.cache
def _gnu_time() -> str | None:
    """GNU time, when installed: it measures a child's peak memory from a tiny parent."""
    path = Path("/usr/bin/time")
    if not path.is_file():
        return None
    probe = subprocess.run(
        [str(path), "-f", "%M", "true"], capture_output=True, text=True, check=False
    )
    return str(path) if probe.returncode == 0 and probe.stderr.strip().isdigit() else None


def run_process(argv: Sequence[str], *, env: dict[str, str]) -> Sample:
    """Run ``argv`` to completion; stdout is discarded, stderr kept for a failure report.

    Peak memory comes from GNU time when present. A child's ``ru_maxrss`` also counts the
    memory it shared with this (large) process between fork and exec, so ``os.wait4`` alone
    over-reports small commands; it is the fallback.
    """
    with tempfile.TemporaryFile() as err, tempfile.TemporaryDirectory() as folder:
        rss_file = Path(folder) / "rss"
        gnu_time = _gnu_time()
        command = [*(gnu_time, "-f", "%M", "-o", str(rss_file)), *argv] if gnu_time else argv
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=err, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
        # Linux reports ru_maxrss in KiB, macOS in bytes; GNU time in KiB.
        max_rss = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
        if gnu_time and rss_file.is_file():
            lines = rss_file.read_text(encoding="utf-8").split()
            if lines and lines[-1].isdigit():
                max_rss = int(lines[-1]) * 1024
    return Sample(seconds, max_rss, process.returncode, stderr)


@dataclass(slots=True)
class Case:
    """A command measured several times; its row in the table."""

    label: str
    file_label: str
    argv: list[str]
    entries: int | None = None
    samples: list[Sample] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every run exited with 0."""
        return bool(self.samples) and all(s.returncode == 0 for s in self.samples)

    @property
    def median(self) -> float:
        """Median wall time in seconds."""
        return statistics.median(s.seconds for s in self.samples)

    @property
    def peak(self) -> int:
        """Largest peak resident memory over the runs, in bytes."""
        return max(s.max_rss for s in self.samples)


def publist_env() -> dict[str, str]:
    """The environment for children: this checkout's ``src`` first, no colour, no cache."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(SRC), env.get("PYTHONPATH"))))
    env["NO_COLOR"] = "1"
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def publist(*args: str | Path) -> list[str]:
    """The argv of ``python -m publist ARGS``."""
    return [sys.executable, "-m", "publist", *(str(a) for a in args)]


def measure(cases: Sequence[Case], *, runs: int, env: dict[str, str]) -> None:
    """Run every case ``runs`` times, round-robin, after one untimed warm-up of each.

    Each run takes the cases in a new (seeded) order, so that no command always follows the
    same heavy one; a burst of load on the machine then lands on different commands each run.
    """
    for case in cases:
        run_process(case.argv, env=env)  # warm the page cache and the .pyc files
    order = random.Random(SEED)
    for run in range(runs):
        shuffled = list(cases)
        order.shuffle(shuffled)
        for case in shuffled:
            case.samples.append(run_process(case.argv, env=env))
        print(f"  run {run + 1}/{runs} done", file=sys.stderr, flush=True)


def per_run_ratios(numerator: Case, denominator: Case) -> list[float]:
    """The ratio of the two commands' times in each run (their samples pair up by run)."""
    return [
        top.seconds / bottom.seconds
        for top, bottom in zip(numerator.samples, denominator.samples, strict=True)
    ]


def export_imports(bib: Path, *, env: dict[str, str]) -> set[str]:
    """Modules ``publist export`` imports, from ``python -X importtime``."""
    with tempfile.TemporaryFile() as err:
        subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "publist", "export", "-b", str(bib)],
            stdout=subprocess.DEVNULL,
            stderr=err,
            env=env,
            check=False,
        )
        err.seek(0)
        return imported_modules(err.read().decode("utf-8", "replace"))


def imported_modules(importtime_report: str) -> set[str]:
    """The module names in the report ``python -X importtime`` writes to stderr."""
    return {
        line.rsplit("|", 1)[1].strip()
        for line in importtime_report.splitlines()
        if line.startswith("import time:") and "|" in line
    }


def unneeded_for_export(modules: set[str]) -> list[str]:
    """The modules of ``modules`` that an export has no use for (see UNNEEDED_FOR_EXPORT)."""
    return sorted(
        m for m in modules if any(m == n or m.startswith(n + ".") for n in UNNEEDED_FOR_EXPORT)
    )


# ----------------------------------------------------------------------------------------------
# A fake arXiv for `publist sync`: counts the requests it answers.

ATOM_ENTRY = """\
  <entry>
    <id>http://arxiv.org/abs/{id}v1</id>
    <updated>2025-01-30T12:00:00Z</updated>
    <published>2025-01-30T12:00:00Z</published>
    <title>Paper {id}</title>
    <summary>An abstract.</summary>
    <author><name>Qingyu Song</name></author>
    <link href="http://arxiv.org/abs/{id}v1" rel="alternate" type="text/html"/>
    <link title="pdf" href="http://arxiv.org/pdf/{id}v1" rel="related" type="application/pdf"/>
    <arxiv:primary_category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>
  </entry>
"""
ATOM_FEED = """\
<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom"
      xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">
  <title>arXiv Query</title>
  <id>http://arxiv.org/api/fake</id>
  <updated>2025-01-30T00:00:00-05:00</updated>
  <opensearch:totalResults>{count}</opensearch:totalResults>
  <opensearch:startIndex>0</opensearch:startIndex>
  <opensearch:itemsPerPage>{count}</opensearch:itemsPerPage>
{entries}</feed>
"""


class _FakeArxiv(BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.requests.append(self.path)
        query = parse_qs(urlparse(self.path).query)
        ids = [i for value in query.get("id_list", []) for i in value.split(",") if i]
        body = ATOM_FEED.format(
            count=len(ids), entries="".join(ATOM_ENTRY.format(id=i) for i in ids)
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/atom+xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: the bench prints its own report."""


@contextmanager
def fake_arxiv() -> Iterator[tuple[str, list[str]]]:
    """Serve a fake arXiv API on 127.0.0.1; yields its query URL and the request log."""
    log: list[str] = []
    handler = type("Handler", (_FakeArxiv,), {"requests": log})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/query", log
    finally:
        server.shutdown()
        server.server_close()


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
    for bib in (bundled, big, *generated):
        for fmt in ("md", "html", "text"):
            cases.append(
                Case(
                    f"publist export -f {fmt}",
                    bib.label,
                    publist("export", "-b", bib.path, "-f", fmt),
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
    for fmt in ("md", "html"):
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


# Code an export has no use for: the network and XML (sync only), pydantic (typer 0.29 parses
# options through it; publist requires typer < 0.29) and rich (tables, colour, progress bars).
UNNEEDED_FOR_EXPORT = (
    "requests",
    "urllib3",
    "http.client",
    "xml",
    "defusedxml",
    "publist.sources.arxiv.client",
    "publist.sources.http",
    "pydantic",
    "rich",
)
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
