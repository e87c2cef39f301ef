"""The one HTTP layer every source shares: pacing, bounded retries, Retry-After, timeouts, limits.

A source describes its service with a :class:`Policy` and reads each answer with its own
``check`` function; :class:`PoliteSession` does the rest, the same way for every service:

* at most one request every ``min_interval`` seconds, counted from the end of the last answer;
* a descriptive User-Agent and a (connect, read) timeout on every request;
* bodies streamed and bounded by ``max_bytes``, never held whole when larger;
* refused or broken connections and timeouts are retried, and so is whatever ``check`` raises
  :class:`RetryableError` for (HTTP 429 and 5xx through :func:`raise_for_overload`, honouring
  ``Retry-After``), up to ``max_attempts`` and ``max_retry_time``;
* a host that cannot be reached at all (its name does not resolve, the connection is refused or
  never made) is retried on a short backoff and given up within ``unreachable_time`` (15 s):
  without a network, waiting minutes helps nobody;
* each retry is announced through ``notify`` as its wait begins (what failed, which attempt,
  how long the wait), so a waiting command never looks hung;
* every other failure raises the policy's :class:`~publist.errors.NetworkError` subclass.

Only this module (with the sources' clients) imports requests; time is injectable (``clock``,
``sleep``, ``now``) so that tests run the retry loop without waiting.
"""

from __future__ import annotations

import email.utils
import json
import logging
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC
from typing import Any, TypeVar

import requests
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from publist import __version__
from publist.errors import NetworkError

__all__ = [
    "USER_AGENT",
    "Answer",
    "Policy",
    "PoliteSession",
    "RetryableError",
    "parse_retry_after",
    "raise_for_overload",
    "read_json",
]

USER_AGENT = f"publist/{__version__} (+https://github.com/publist/publist)"

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Policy:
    """How politely to talk to one service, and how its failures are named."""

    service: str
    min_interval: float
    timeout: tuple[float, float] = (10.0, 60.0)
    max_attempts: int = 4
    backoff: tuple[float, ...] = (10.0, 30.0, 60.0)
    max_retry_time: float = 300.0
    max_bytes: int = 20 * 1024 * 1024
    user_agent: str = USER_AGENT
    error: type[NetworkError] = NetworkError
    # A host that cannot be reached at all: a short backoff, and a short limit on the whole.
    unreachable_backoff: tuple[float, ...] = (2.0, 4.0, 8.0)
    unreachable_time: float = 15.0


@dataclass(frozen=True, slots=True)
class Answer:
    """One complete HTTP answer: status, headers and the (bounded) body."""

    status: int
    headers: Mapping[str, str]
    body: bytes


class RetryableError(Exception):
    """Raised by a ``check``: this attempt failed, try again after ``wait`` s (None: backoff)."""

    def __init__(self, problem: str, wait: float | None = None, *, unreachable: bool = False):
        super().__init__(problem)
        self.problem = problem
        self.wait = wait
        self.unreachable = unreachable


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or HTTP-date); None if unusable."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max(0.0, when.timestamp() - now)
    if not math.isfinite(seconds) or seconds < 0:
        return None
    return seconds


def raise_for_overload(answer: Answer, now: float, problem: str | None = None) -> None:
    """Raise :class:`RetryableError` for HTTP 429 and 5xx, waiting as ``Retry-After`` asks."""
    if answer.status == 429 or 500 <= answer.status <= 599:
        wait = parse_retry_after(answer.headers.get("Retry-After"), now)
        raise RetryableError(problem or f"HTTP {answer.status}", wait)


_OFFLINE_HINT = "; is this machine online, and is the URL right?"

log = logging.getLogger(__name__)


def _log_retry(message: str) -> None:
    """Where retries are announced when the caller gives no ``notify`` (library use)."""
    log.warning("%s", message)


def _seconds(wait: float) -> str:
    return f"{wait:.0f} s" if wait >= 1 or wait == 0 else f"{wait:.1f} s"


def _unreachable(exc: requests.RequestException) -> bool:
    """True when no connection was made at all: unknown host, refused, connect timeout."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, NewConnectionError | ConnectTimeoutError)


def _connection_problem(exc: requests.RequestException) -> str:
    """Why no connection was made, without urllib3's object reprs: ``[Errno 111] ...``."""
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    text = " ".join(str(reason if reason is not None else exc).split())
    start = text.find("Failed to")
    return short_error_text(text[start:] if start >= 0 else text) or type(exc).__name__


def read_json(answer: Answer, *, service: str, label: str, error: type[NetworkError]) -> Any:
    """The JSON body of a 200 answer; an HTML page or broken JSON means "source unavailable".

    The body is already bounded by ``max_bytes``; a nesting deep enough to exhaust Python's
    recursion (a JSON bomb) is refused like any other unreadable answer.
    """
    body = answer.body.lstrip()
    if not body.startswith((b"{", b"[")):
        kind = answer.headers.get("Content-Type", "no content type").split(";")[0]
        raise error(f"{service} answered {label} with {kind}, not JSON (source unavailable)")
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise error(f"{service} answered {label} with unreadable JSON: {short_error(exc)}") from exc


def short_error_text(text: str) -> str:
    """``text`` cut to 160 characters."""
    return text if len(text) <= 160 else text[:157] + "..."


def short_error(exc: BaseException) -> str:
    """An exception as one short line: its type and its first 160 characters."""
    text = " ".join(str(exc).split())
    if len(text) > 160:
        text = text[:157] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class PoliteSession:
    """GET requests to one service, paced, bounded and retried by its :class:`Policy`."""

    def __init__(
        self,
        policy: Policy,
        *,
        session: requests.Session | None = None,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] | None = None,
        now: Callable[[], float] | None = None,
        notify: Callable[[str], None] | None = None,
    ) -> None:
        self.policy = policy
        self._notify = notify if notify is not None else _log_retry
        self._session = session if session is not None else requests.Session()
        self._owns_session = session is None
        # Looked up now, not when the module was imported, so a test can replace them.
        self._clock = clock or time.monotonic
        self._sleep = sleep or time.sleep
        self._now = now or time.time
        self._last_request_end: float | None = None
        self.requests_sent = 0

    def now(self) -> float:
        """The wall-clock time (for ``Retry-After`` dates)."""
        return self._now()

    def close(self) -> None:
        """Close the HTTP session if this object created it."""
        if self._owns_session:
            self._session.close()

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, str],
        headers: Mapping[str, str],
        label: str,
        check: Callable[[Answer], T],
    ) -> T:
        """GET ``url`` until ``check`` accepts an answer; ``label`` names it in messages."""
        return self.request("GET", url, params=params, headers=headers, label=label, check=check)

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str],
        headers: Mapping[str, str],
        label: str,
        check: Callable[[Answer], T],
        json_body: object = None,
    ) -> T:
        """Send ``method`` (``GET``, or ``POST`` with ``json_body``) until ``check`` accepts."""
        policy = self.policy
        started = self._clock()
        attempt = 0
        wait = 0.0
        while True:
            attempt += 1
            self._pace(wait)
            try:
                answer = self._send(method, url, params, headers, label, json_body)
                return check(answer)
            except RetryableError as retry:
                problem, requested_wait = retry.problem, retry.wait
                unreachable = retry.unreachable
            gave_up = f"gave up on {policy.service} {label} after {attempt} attempts: {problem}"
            if attempt >= policy.max_attempts:
                raise policy.error(gave_up + (_OFFLINE_HINT if unreachable else ""))
            steps = policy.unreachable_backoff if unreachable else policy.backoff
            backoff = steps[min(attempt - 1, len(steps) - 1)]
            wait = backoff if requested_wait is None else requested_wait
            elapsed = self._clock() - started
            if unreachable and elapsed + wait > policy.unreachable_time:
                raise policy.error(f"{gave_up} (no answer for {elapsed:.0f} s){_OFFLINE_HINT}")
            if elapsed + wait > policy.max_retry_time:
                raise policy.error(
                    f"{gave_up} "
                    f"(waiting {wait:.0f} s more would exceed {policy.max_retry_time:.0f} s; "
                    "try again later)"
                )
            self._notify(
                f"{policy.service} {label}: {problem}; attempt {attempt} of "
                f"{policy.max_attempts} failed, retrying in {_seconds(wait)}"
            )

    def _pace(self, wait: float) -> None:
        """Sleep for ``wait`` and until ``min_interval`` has passed since the last answer."""
        needed = wait
        if self._last_request_end is not None:
            since = self._clock() - self._last_request_end
            needed = max(needed, self.policy.min_interval - since)
        if needed > 0:
            self._sleep(needed)

    def _send(
        self,
        method: str,
        url: str,
        params: Mapping[str, str],
        headers: Mapping[str, str],
        label: str,
        json_body: object,
    ) -> Answer:
        policy = self.policy
        self.requests_sent += 1
        try:
            with self._session.request(
                method,
                url,
                params=dict(params),
                json=json_body,
                headers={"User-Agent": policy.user_agent, **headers},
                timeout=policy.timeout,
                stream=True,
            ) as response:
                declared = response.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > policy.max_bytes:
                    raise policy.error(self._too_big(label))
                body = bytearray()
                # Streamed and bounded: a runaway answer is cut off, never held whole.
                for chunk in response.iter_content(chunk_size=8192):
                    body += chunk
                    if len(body) > policy.max_bytes:
                        raise policy.error(self._too_big(label))
                return Answer(response.status_code, response.headers, bytes(body))
        except (
            requests.ConnectionError,
            requests.Timeout,
            # The connection broke mid-body (IncompleteRead): as transient as a refused one.
            requests.exceptions.ChunkedEncodingError,
        ) as exc:
            unreachable = _unreachable(exc)
            why = _connection_problem(exc) if unreachable else short_error(exc)
            raise RetryableError(f"could not reach {url}: {why}", unreachable=unreachable) from exc
        except requests.RequestException as exc:
            raise policy.error(
                f"request for {policy.service} {label} failed: {short_error(exc)}"
            ) from exc
        finally:
            # Pacing counts from the end of an exchange, so slow answers are not followed by
            # an immediate next request.
            self._last_request_end = self._clock()

    def _too_big(self, label: str) -> str:
        limit = self.policy.max_bytes
        return (
            f"{self.policy.service}'s answer to {label} is larger than {limit} bytes; refusing it"
        )
