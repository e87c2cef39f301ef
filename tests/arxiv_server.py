"""A local HTTP server that answers like the arXiv API, with scriptable faults, for tests.

It serves ``GET /api/query?id_list=...&max_results=N`` from an in-memory dict of papers and
behaves the way the real API does: ``max_results`` defaults to 10 and truncates silently,
a malformed id fails the whole request with HTTP 400 and an error feed, unknown ids are
silently left out, and entries come back in shuffled order. Every request is recorded.

Faults are scripted per request, in order: ``server.script(Fault.http(503), Fault.truncated())``
makes the next request get a 503 and the one after a cut-off feed; later requests are
answered normally.

The module is one piece although it is over 400 lines: it is a single fake server, whose
papers, faults, Atom rendering, request log and handler all serve one ``FakeArxiv`` and refer to
one another (faults render error feeds, the handler renders papers and applies faults), and
``FakeTime`` is only the clock every client of that server runs on.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import cast
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape, quoteattr

ATOM = "http://www.w3.org/2005/Atom"
ARXIV = "http://arxiv.org/schemas/atom"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
API_PATH = "/api/query"

# The server's own idea of a well-formed id, written independently of publist's parser.
_WELL_FORMED = re.compile(
    r"(?P<base>[0-9]{4}\.[0-9]{4,5}|[a-z-]+(?:\.[A-Z]{2})?/[0-9]{7})(?:v(?P<v>[0-9]+))?"
)


@dataclass(frozen=True)
class Paper:
    """One paper the fake arXiv knows; ``version`` is its latest version."""

    base: str
    version: int = 1
    title: str = "A Paper"
    authors: tuple[str, ...] = ("Ada Lovelace", "Alan Turing")
    summary: str = "An abstract with $\\sigma$ & more."
    published: str = "2025-01-30T12:00:00Z"
    updated: str = "2025-02-03T08:30:00Z"
    dois: tuple[str, ...] = ()
    journal_ref: str | None = None
    comment: str | None = None
    primary_category: str = "cs.LG"
    categories: tuple[str, ...] = ("cs.LG", "stat.ML")


@dataclass(frozen=True)
class Fault:
    """What to do instead of (or on top of) a normal answer for one request."""

    status: int = 200
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0
    truncate: bool = False
    drop: bool = False
    cut: bool = False
    declare_length: bool = True

    @classmethod
    def http(cls, status: int, *, retry_after: str | None = None, body: bytes = b"") -> Fault:
        """Answer with ``status`` (and ``Retry-After`` when given)."""
        headers = (("Retry-After", retry_after),) if retry_after is not None else ()
        return cls(status=status, body=body, headers=headers)

    @classmethod
    def bad_request(cls, message: str) -> Fault:
        """HTTP 400 with arXiv's error feed carrying ``message``."""
        return cls(status=400, body=error_feed(message))

    @classmethod
    def rate_exceeded(cls, status: int = 503, *, retry_after: str | None = None) -> Fault:
        """The rate limiter's plain-text ``Rate exceeded.`` answer."""
        headers = (("Retry-After", retry_after),) if retry_after is not None else ()
        return cls(status=status, body=b"Rate exceeded.", headers=headers)

    @classmethod
    def truncated(cls) -> Fault:
        """A complete HTTP 200 whose feed is cut off half-way."""
        return cls(truncate=True)

    @classmethod
    def slow(cls, seconds: float) -> Fault:
        """Wait ``seconds`` before answering normally (beyond the client's read timeout)."""
        return cls(delay=seconds)

    @classmethod
    def billion_laughs(cls) -> Fault:
        """An entity-expansion bomb."""
        return cls(body=BILLION_LAUGHS)

    @classmethod
    def oversized(cls, size: int, *, declare_length: bool = True) -> Fault:
        """A 200 answer of ``size`` bytes, with or without a Content-Length header."""
        head = f'<feed xmlns="{ATOM}"><title>'.encode()
        return cls(body=head + b"x" * (size - len(head)), declare_length=declare_length)

    @classmethod
    def cut_connection(cls) -> Fault:
        """Announce the full Content-Length, send half the feed, then close the connection."""
        return cls(cut=True)

    @classmethod
    def dropped(cls) -> Fault:
        """Close the connection without answering."""
        return cls(drop=True)


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server saw it."""

    method: str
    path: str
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]
    at: float

    @property
    def id_list(self) -> list[str]:
        """The ids asked for, in order."""
        values = self.query.get("id_list", [""])
        return [i for i in values[0].split(",") if i]

    @property
    def max_results(self) -> str | None:
        """The ``max_results`` parameter as sent, if any."""
        values = self.query.get("max_results")
        return values[0] if values else None


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<feed xmlns="http://www.w3.org/2005/Atom"><title>&lol9;</title></feed>
"""


def error_feed(message: str) -> bytes:
    """arXiv's error feed (sent with HTTP 400)."""
    anchor = re.sub(r"\W", "_", message)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<feed xmlns:opensearch="{OPENSEARCH}" xmlns:arxiv="{ARXIV}" xmlns="{ATOM}">\n'
        f"  <id>https://arxiv.org/</id>\n"
        f"  <title>arXiv Search Results</title>\n"
        f"  <opensearch:totalResults>1</opensearch:totalResults>\n"
        f"  <entry>\n"
        f"    <id>https://arxiv.org/api/errors#{anchor}</id>\n"
        f"    <title>Error</title>\n"
        f"    <summary>{escape(message)}</summary>\n"
        f"    <author><name>arXiv api core</name></author>\n"
        f"  </entry>\n"
        f"</feed>\n"
    ).encode()


def _wrap(text: str) -> str:
    """Hard-wrap a title the way older responses did."""
    words = text.split(" ")
    half = max(1, len(words) // 2)
    return " ".join(words[:half]) + "\n  " + " ".join(words[half:])


def render_entry(paper: Paper, version: int, *, old_format: bool = False) -> str:
    """One ``<entry>``; the old format declares namespaces per element and reorders them."""
    ident = f"{paper.base}v{version}"
    ax = f' xmlns:arxiv="{ARXIV}"' if old_format else ""
    parts = {
        "id": f"<id>http://arxiv.org/abs/{ident}</id>",
        "title": f"<title>{escape(_wrap(paper.title) if old_format else paper.title)}</title>",
        "updated": f"<updated>{paper.updated}</updated>",
        "links": (
            f'<link href="https://arxiv.org/abs/{ident}" rel="alternate" type="text/html"/>'
            f'<link href="https://arxiv.org/pdf/{ident}" rel="related" '
            f'type="application/pdf" title="pdf"/>'
        ),
        "summary": f"<summary>  {escape(paper.summary)}\n</summary>",
        "categories": "".join(
            f'<category term={quoteattr(c)} scheme="{ARXIV}"/>' for c in paper.categories
        ),
        "published": f"<published>{paper.published}</published>",
        "comment": (
            f"<arxiv:comment{ax}>{escape(paper.comment)}</arxiv:comment>"
            if paper.comment is not None
            else ""
        ),
        "primary": f"<arxiv:primary_category{ax} term={quoteattr(paper.primary_category)}/>",
        "journal_ref": (
            f"<arxiv:journal_ref{ax}>{escape(paper.journal_ref)}</arxiv:journal_ref>"
            if paper.journal_ref is not None
            else ""
        ),
        "authors": "".join(
            f"<author><name>{escape(name)}</name></author>" for name in paper.authors
        ),
        "dois": "".join(f"<arxiv:doi{ax}>{escape(d)}</arxiv:doi>" for d in paper.dois)
        + "".join(
            f'<link rel="related" href="https://doi.org/{escape(d)}" title="doi"/>'
            for d in paper.dois
        ),
    }
    order = list(parts)
    if old_format:
        order.reverse()  # element order inside an entry is not to be relied on
    entry_ns = f' xmlns="{ATOM}"' if old_format else ""
    return f"<entry{entry_ns}>\n  " + "\n  ".join(parts[k] for k in order) + "\n</entry>"


def render_feed(entries: Iterable[str], total: int, *, old_format: bool = False) -> bytes:
    """A whole feed around rendered entries."""
    if old_format:
        head = (
            f'<feed xmlns="{ATOM}">\n'
            f'<link xmlns="{ATOM}" href="http://arxiv.org/api/query" rel="self"/>\n'
            f'<title xmlns="{ATOM}">ArXiv Query: id_list</title>\n'
            f'<opensearch:totalResults xmlns:opensearch="{OPENSEARCH}">{total}'
            "</opensearch:totalResults>\n"
        )
    else:
        head = (
            f'<feed xmlns="{ATOM}" xmlns:opensearch="{OPENSEARCH}" xmlns:arxiv="{ARXIV}">\n'
            f"<id>https://arxiv.org/api/query</id>\n<title>arXiv Query</title>\n"
            f"<opensearch:totalResults>{total}</opensearch:totalResults>\n"
        )
    body = '<?xml version="1.0" encoding="UTF-8"?>\n' + head + "\n".join(entries) + "\n</feed>\n"
    return body.encode()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fake: FakeArxiv) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fake = fake

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that gave up (timeout) makes the write fail; that is expected here.
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def do_GET(self) -> None:
        cast(_Server, self.server).fake.handle(self)

    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass
class FakeArxiv:
    """The fake API: papers, scripted faults and the log of requests."""

    papers: dict[str, Paper] = field(default_factory=dict)
    old_format: bool = False
    shuffle: bool = True
    seed: int = 1
    requests: list[RecordedRequest] = field(default_factory=list)
    answered_order: list[list[str]] = field(default_factory=list)
    faults: deque[Fault] = field(default_factory=deque)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- setup -------------------------------------------------------------------------------

    def add(self, *papers: Paper) -> None:
        """Make papers known."""
        for paper in papers:
            self.papers[paper.base] = paper

    def add_many(self, count: int, *, prefix: str = "2501") -> list[str]:
        """Add ``count`` papers with ids ``<prefix>.00001`` ... and return the ids."""
        ids = [f"{prefix}.{n:05d}" for n in range(1, count + 1)]
        self.add(*(Paper(base=i, title=f"Paper {i}") for i in ids))
        return ids

    def script(self, *faults: Fault) -> None:
        """Queue faults for the next requests, one per request."""
        self.faults.extend(faults)

    def start(self) -> None:
        """Serve on 127.0.0.1 at a random port in a background thread."""
        self._server = _Server(self)
        # A short poll interval keeps shutdown (and so each test's teardown) fast.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def url(self) -> str:
        """The API endpoint to give the client."""
        assert self._server is not None, "server not started"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{API_PATH}"

    # -- answering ---------------------------------------------------------------------------

    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        """Answer one request (called on the server's thread)."""
        split = urlsplit(handler.path)
        query = parse_qs(split.query, keep_blank_values=True)
        with self._lock:
            self.requests.append(
                RecordedRequest(
                    handler.command, split.path, query, dict(handler.headers), time.monotonic()
                )
            )
            fault = self.faults.popleft() if self.faults else Fault()
        if fault.drop:
            handler.close_connection = True
            return
        if fault.delay:
            time.sleep(fault.delay)
        if fault.body is not None and not fault.truncate:
            self._send(handler, fault.status, fault.body, fault.headers, fault.declare_length)
            return
        status, body = self.answer(split.path, query)
        if fault.truncate:
            body = body[: len(body) // 2]
        if fault.cut:
            self._send_cut(handler, body)
            return
        self._send(handler, status, body, fault.headers, fault.declare_length)

    @staticmethod
    def _send_cut(handler: BaseHTTPRequestHandler, body: bytes) -> None:
        try:
            handler.send_response(200)
            handler.send_header("Content-Type", "application/atom+xml; charset=utf-8")
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body[: len(body) // 2])
            handler.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        handler.close_connection = True

    def answer(self, path: str, query: Mapping[str, list[str]]) -> tuple[int, bytes]:
        """What the real API would answer to ``query``."""
        if path != API_PATH:
            return 404, b"Not Found"
        if query.get("search_query"):
            return self._search(query)
        raw_ids = [i for i in query.get("id_list", [""])[0].split(",") if i]
        try:
            max_results = int(query.get("max_results", ["10"])[0])
        except ValueError:
            return 400, error_feed("max_results must be an integer")
        for raw in raw_ids:
            # A prefix like "arXiv:" is not malformed for the server: such ids are just unknown.
            if not _WELL_FORMED.fullmatch(raw.split(":", 1)[-1]):
                return 400, error_feed(f"incorrect id format for {raw}")
        entries: list[tuple[str, str]] = []
        seen: set[str] = set()
        for raw in dict.fromkeys(raw_ids):  # a repeated id comes back once
            match = _WELL_FORMED.fullmatch(raw)
            if match is None:
                continue
            base = re.sub(r"\.[A-Z]{2}/", "/", match["base"])
            paper = self.papers.get(base)
            if paper is None or base in seen:
                continue
            version = int(match["v"]) if match["v"] else paper.version
            if version > paper.version:
                continue
            seen.add(base)
            entries.append(
                (f"{base}v{version}", render_entry(paper, version, old_format=self.old_format))
            )
        entries = entries[:max_results]  # silently, as arXiv does
        if self.shuffle:
            self._rng.shuffle(entries)
        with self._lock:
            self.answered_order.append([ident for ident, _ in entries])
        return 200, render_feed(
            (xml for _, xml in entries), len(entries), old_format=self.old_format
        )

    def _search(self, query: Mapping[str, list[str]]) -> tuple[int, bytes]:
        """A page of an author search as arXiv's current backend answers it.

        Every quoted name of the query is matched against each author's words, as arXiv
        does (all words of one name, any order; initials match initialised forms); newest
        submissions first, ``start`` and ``max_results`` paging, the whole count in
        ``totalResults``.
        """
        wanted = [
            set(name.replace(".", " ").lower().split())
            for name in re.findall(r'au:"([^"]+)"', query["search_query"][0])
        ]

        def matches(paper: Paper) -> bool:
            for author in paper.authors:
                words = author.replace(".", " ").lower().split()
                forms = {*words, *(w[0] for w in words[:-1])}
                if any(name <= forms for name in wanted):
                    return True
            return False

        found = sorted(
            (p for p in self.papers.values() if matches(p)), key=lambda p: p.published, reverse=True
        )
        start = int(query.get("start", ["0"])[0])
        size = int(query.get("max_results", ["10"])[0])
        page = found[start : start + size]
        with self._lock:
            self.answered_order.append([p.base for p in page])
        return 200, render_feed(
            (render_entry(p, p.version, old_format=self.old_format) for p in page), len(found)
        )

    @staticmethod
    def _send(
        handler: BaseHTTPRequestHandler,
        status: int,
        body: bytes,
        headers: Iterable[tuple[str, str]],
        declare_length: bool,
    ) -> None:
        try:
            handler.send_response(status)
            is_xml = body.lstrip().startswith(b"<")
            content_type = "application/atom+xml; charset=utf-8" if is_xml else "text/plain"
            handler.send_header("Content-Type", content_type)
            if declare_length:
                handler.send_header("Content-Length", str(len(body)))
            for name, value in headers:
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped listening (timeout or size limit)


class FakeTime:
    """Injectable clocks and sleep: nothing waits, every requested sleep is recorded."""

    def __init__(self, monotonic: float = 1000.0, wall: float = 1_767_225_600.0) -> None:
        self.monotonic = monotonic
        self.wall = wall
        self.sleeps: list[float] = []

    def clock(self) -> float:
        """Monotonic time for pacing."""
        return self.monotonic

    def time(self) -> float:
        """Wall-clock time for the cache and HTTP dates."""
        return self.wall

    def sleep(self, seconds: float) -> None:
        """Record the wait and move both clocks on."""
        self.sleeps.append(seconds)
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        """Let time pass without a recorded sleep."""
        self.monotonic += seconds
        self.wall += seconds
