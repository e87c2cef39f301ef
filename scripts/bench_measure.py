"""The bench's measurements: whole ``publist`` processes, their imports, and a fake arXiv.

Every figure is a whole process (``python -m publist ...`` with this checkout's ``src`` first on
``PYTHONPATH``); peak memory is the child's ``ru_maxrss``.
"""

from __future__ import annotations

import functools
import os
import random
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

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"

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
