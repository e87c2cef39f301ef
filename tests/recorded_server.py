"""A real HTTP server on 127.0.0.1 that replays recorded answers of web services.

Routes map a request path (query string included, or not) to a recorded answer: the status,
the content type and the body, read from ``tests/data/recorded`` (each file's source is cited in
its README). Every request is logged with its path and headers, so tests count requests and
check what publist sends (User-Agent, Accept).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

RECORDED = Path(__file__).parent / "data" / "recorded"


@dataclass(frozen=True)
class Reply:
    """One answer: status, content type, body."""

    status: int
    body: bytes
    content_type: str = "application/json"

    @classmethod
    def file(cls, name: str, *, status: int = 200, content_type: str = "") -> Reply:
        """The recorded body in ``tests/data/recorded/NAME``."""
        kind = content_type or ("application/atom+xml" if name.endswith(".xml") else "")
        return cls(status, (RECORDED / name).read_bytes(), kind or "application/json")


@dataclass
class Seen:
    """A request the server answered."""

    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


class Replay:
    """The server: ``routes[path]`` answers; anything else is a 404 like Crossref's."""

    def __init__(self) -> None:
        self.routes: dict[str, Reply] = {}
        # (text, reply): a request whose path and query contain ``text``, checked in order
        # after ``routes``.
        self.containing: list[tuple[str, Reply]] = []
        # POST path -> a function of the request body that picks the recorded answer.
        self.posted: dict[str, Callable[[bytes], Reply]] = {}
        self.requests: list[Seen] = []
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        """The server's base URL."""
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        """Serve on a free port in a background thread."""
        replay = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                replay.requests.append(Seen(self.path, dict(self.headers.items())))
                path = self.path
                reply = replay.routes.get(path) or replay.routes.get(path.split("?", 1)[0])
                if reply is None:
                    reply = next((r for text, r in replay.containing if text in path), None)
                if reply is None:
                    reply = Reply(404, b"Resource not found.", "text/plain")
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                replay.requests.append(Seen(self.path, dict(self.headers.items()), body))
                answer = replay.posted.get(self.path.split("?", 1)[0])
                reply = answer(body) if answer else Reply(404, b"Not Found", "text/plain")
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, format: str, *args: object) -> None:
                """Quiet: the tests read ``requests`` instead."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        # A short poll interval keeps shutdown (each test's teardown) fast.
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        ).start()

    def stop(self) -> None:
        """Shut the server down."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


@contextmanager
def replaying() -> Iterator[Replay]:
    """A started :class:`Replay`, stopped afterwards."""
    server = Replay()
    server.start()
    try:
        yield server
    finally:
        server.stop()
