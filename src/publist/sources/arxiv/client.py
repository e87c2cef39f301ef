"""The arXiv side of ``publist sync``: identifiers, the Atom feed, a polite cached API client.

Nothing here edits the .bib. The client follows arXiv's terms of use: at most one request
every ``delay`` seconds, batches of at most 100 ids with ``max_results`` always sent, a
descriptive User-Agent, bounded retries with backoff, and answers cached for a day.

Decisions:

* Retried: HTTP 429 and 5xx (honouring ``Retry-After``), the plain-text ``Rate exceeded.``,
  refused/broken connections and timeouts, up to ``max_attempts`` and ``max_retry_time``.
  Never retried: 400 (a malformed id fails every time), other 4xx, oversized answers and
  feeds with a DTD (entity bombs).
* A complete HTTP 200 whose body is not a feed (e.g. truncated XML) is retried once, then
  fails: one retry covers a glitch without hammering a server that keeps answering badly.
* The cache keeps, per requested id, the record or "not found" for 24 hours: arXiv's data
  changes at most daily, so a not-found id is asked again the next day, not the next run.
  Stale records stay on disk for offline lookups (:func:`read_cached_records`).
"""

from __future__ import annotations

import email.utils
import math
import os
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

import defusedxml
import defusedxml.ElementTree as SafeET
import requests

from publist import __version__
from publist.bibtex.arxiv_ids import OLD_ARCHIVES, ArxivId, find_arxiv_id, normalize_arxiv_id
from publist.errors import ArxivError, UsageError
from publist.sources.arxiv.records import ArxivRecord, read_cached_records, record_from_cache
from publist.sources.cache import DAY, JsonCache, default_cache_dir

__all__ = [
    "DEFAULT_BASE_URL",
    "MAX_BATCH",
    "OLD_ARCHIVES",
    "USER_AGENT",
    "ArxivClient",
    "ArxivId",
    "ArxivRecord",
    "ArxivSettings",
    "Feed",
    "FeedError",
    "FetchResult",
    "find_arxiv_id",
    "normalize_arxiv_id",
    "parse_feed",
    "parse_retry_after",
    "read_cached_records",
]

# --------------------------------------------------------------------------------------------
# Atom feed
# --------------------------------------------------------------------------------------------

ATOM_NS = "http://www.w3.org/2005/Atom"
ARXIV_NS = "http://arxiv.org/schemas/atom"
OPENSEARCH_NS = "http://a9.com/-/spec/opensearch/1.1/"


def _atom(tag: str) -> str:
    return f"{{{ATOM_NS}}}{tag}"


def _ax(tag: str) -> str:
    return f"{{{ARXIV_NS}}}{tag}"


class FeedError(ArxivError):
    """An answer that is not a usable Atom feed; ``hostile`` if it must never be retried."""

    def __init__(self, message: str, *, hostile: bool = False) -> None:
        super().__init__(message)
        self.hostile = hostile


@dataclass(frozen=True, slots=True)
class Feed:
    """A parsed answer: its records, the messages of its error entries, unreadable entries."""

    records: tuple[ArxivRecord, ...]
    errors: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    total_results: int | None = None


def _collapse(text: str | None) -> str:
    return " ".join((text or "").split())


def _child_text(element: Element, tag: str) -> str | None:
    child = element.find(tag)
    if child is None:
        return None
    return _collapse("".join(child.itertext())) or None


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def _snippet(data: bytes) -> str:
    text = data[:80].decode("utf-8", errors="replace")
    text = " ".join(text.split())
    return repr(text + ("…" if len(data) > 80 else ""))


_DOI_URL = re.compile(r"^https?://(?:dx\.)?doi\.org/", re.IGNORECASE)


def _parse_entry(entry: Element, raw_id: str) -> ArxivRecord | str:
    """A record, or a message saying why the entry was unusable (``raw_id``: its <id>)."""
    marker = "/abs/"
    ident = None
    if marker in raw_id:
        ident = normalize_arxiv_id(raw_id[raw_id.index(marker) + len(marker) :])
    if ident is None:
        return f"entry with unreadable id {raw_id!r}"

    authors = tuple(
        name
        for author in entry.findall(_atom("author"))
        if (name := _child_text(author, _atom("name")))
    )

    dois: list[str] = []
    # arxiv:doi may hold several DOIs separated by spaces, and may repeat.
    for element in entry.findall(_ax("doi")):
        dois.extend("".join(element.itertext()).split())
    for link in entry.findall(_atom("link")):
        if link.get("title") == "doi":
            href = link.get("href", "")
            dois.append(_DOI_URL.sub("", href).strip())
    unique_dois = tuple(dict.fromkeys(doi for doi in dois if doi))

    primary_element = entry.find(_ax("primary_category"))
    primary = primary_element.get("term") if primary_element is not None else None
    categories = [c.get("term", "") for c in entry.findall(_atom("category"))]
    ordered = [primary] if primary else []
    ordered += [c for c in categories if c and c != primary]

    return ArxivRecord(
        id=ident,
        title=_child_text(entry, _atom("title")) or "",
        authors=authors,
        abstract=_child_text(entry, _atom("summary")) or "",
        published=_day(_child_text(entry, _atom("published"))),
        updated=_day(_child_text(entry, _atom("updated"))),
        dois=unique_dois,
        journal_ref=_child_text(entry, _ax("journal_ref")),
        comment=_child_text(entry, _ax("comment")),
        primary_category=primary or None,
        categories=tuple(dict.fromkeys(ordered)),
    )


def parse_feed(data: bytes) -> Feed:
    """Parse an API answer by namespace URI; FeedError for anything but an Atom feed."""
    try:
        # arXiv's feeds never declare a DTD; one that does is refused before any expansion.
        root = SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException as exc:
        raise FeedError(
            "refused the arXiv answer: it declares a DTD or entities "
            f"({type(exc).__name__}), which an arXiv feed never does",
            hostile=True,
        ) from exc
    except SafeET.ParseError as exc:
        raise FeedError(f"the arXiv answer is not valid XML ({exc}): {_snippet(data)}") from exc
    if root.tag != _atom("feed"):
        raise FeedError(f"the arXiv answer is not an Atom feed (root element {root.tag!r})")

    records: list[ArxivRecord] = []
    errors: list[str] = []
    skipped: list[str] = []
    for entry in root.findall(_atom("entry")):
        raw_id = _child_text(entry, _atom("id")) or ""
        # Error entries are told apart by their id, never by the title "Error".
        if "/api/errors" in raw_id:
            errors.append(
                _child_text(entry, _atom("summary")) or _child_text(entry, _atom("title")) or raw_id
            )
            continue
        parsed = _parse_entry(entry, raw_id)
        if isinstance(parsed, str):
            skipped.append(parsed)
        else:
            records.append(parsed)

    total: int | None = None
    total_text = _child_text(root, f"{{{OPENSEARCH_NS}}}totalResults")
    if total_text is not None and total_text.isdigit():
        total = int(total_text)
    return Feed(tuple(records), tuple(errors), tuple(skipped), total)


# --------------------------------------------------------------------------------------------
# Settings
# --------------------------------------------------------------------------------------------

DEFAULT_BASE_URL = "https://export.arxiv.org/api/query"
MAX_BATCH = 100
# arXiv's terms: at most one request every 3 seconds.
ARXIV_MIN_DELAY = 3.0
URL_ENV = "PUBLIST_ARXIV_URL"
DELAY_ENV = "PUBLIST_ARXIV_DELAY"
USER_AGENT = f"publist/{__version__} (+https://github.com/publist/publist)"


def _is_arxiv_host(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host == "arxiv.org" or host.endswith(".arxiv.org")


@dataclass(frozen=True, slots=True)
class ArxivSettings:
    """How to talk to the API; ``from_env`` applies ``PUBLIST_ARXIV_URL``/``_DELAY``."""

    base_url: str = DEFAULT_BASE_URL
    delay: float = ARXIV_MIN_DELAY
    timeout: tuple[float, float] = (10.0, 60.0)
    max_attempts: int = 4
    backoff: tuple[float, ...] = (10.0, 30.0, 60.0)
    max_retry_time: float = 300.0
    max_bytes: int = 20 * 1024 * 1024
    batch_size: int = MAX_BATCH
    use_cache: bool = True
    cache_dir: Path | None = None
    cache_ttl: float = DAY

    def __post_init__(self) -> None:
        problems = []
        try:
            parts = urlsplit(self.base_url)
        except ValueError:  # "http://[::1": an unclosed IPv6 address
            raise UsageError(f"the arXiv URL is not a valid URL: {self.base_url!r}") from None
        if parts.scheme not in ("http", "https") or not parts.netloc:
            problems.append(f"the arXiv URL must be http(s), got {self.base_url!r}")
        if not (math.isfinite(self.delay) and self.delay >= 0):
            problems.append(f"the arXiv delay must be a number of seconds >= 0, got {self.delay}")
        if not 1 <= self.batch_size <= MAX_BATCH:
            problems.append(f"the batch size must be 1 to {MAX_BATCH}, got {self.batch_size}")
        if self.max_attempts < 1:
            problems.append(f"max_attempts must be at least 1, got {self.max_attempts}")
        if not self.backoff or any(not (math.isfinite(w) and w >= 0) for w in self.backoff):
            problems.append("backoff must list waits >= 0 seconds")
        if any(not t > 0 for t in self.timeout) or self.max_bytes < 1:
            problems.append("timeouts and max_bytes must be positive")
        if problems:
            raise UsageError("; ".join(problems))

    @property
    def effective_delay(self) -> float:
        """The pause between requests; never under 3 s when talking to arXiv itself."""
        if _is_arxiv_host(self.base_url):
            return max(self.delay, ARXIV_MIN_DELAY)
        return self.delay

    @property
    def resolved_cache_dir(self) -> Path:
        """The cache folder actually used."""
        return self.cache_dir if self.cache_dir is not None else default_cache_dir()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> ArxivSettings:
        """Defaults, then the environment, then ``overrides`` (None values are ignored)."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        url = env.get(URL_ENV, "").strip()
        if url:
            values["base_url"] = url
        delay = env.get(DELAY_ENV, "").strip()
        if delay:
            try:
                values["delay"] = float(delay)
            except ValueError:
                raise UsageError(
                    f"{DELAY_ENV} must be a number of seconds, got {delay!r}"
                ) from None
        values["cache_dir"] = default_cache_dir(env)
        values.update({key: value for key, value in overrides.items() if value is not None})
        try:
            return cls(**values)
        except TypeError as exc:
            raise UsageError(f"unknown arXiv setting: {exc}") from None


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


# --------------------------------------------------------------------------------------------
# Client
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FetchResult:
    """Records keyed by requested id (base id unless exact versions), and what was missing."""

    records: dict[str, ArxivRecord]
    not_found: tuple[str, ...]
    requests_sent: int
    from_cache: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class _Answer:
    status: int
    headers: Mapping[str, str]
    body: bytes


class _RetryableError(Exception):
    """A failed attempt that may be tried again after ``wait`` seconds (None: backoff)."""

    def __init__(self, problem: str, wait: float | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.wait = wait


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    if len(text) > 160:
        text = text[:157] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class ArxivClient:
    """Fetches records in paced, retried batches of at most 100 ids, through a 24-hour cache."""

    def __init__(
        self,
        settings: ArxivSettings | None = None,
        *,
        session: requests.Session | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings if settings is not None else ArxivSettings.from_env()
        self._session = session if session is not None else requests.Session()
        self._owns_session = session is None
        self._clock = clock
        self._sleep = sleep
        self._now = now
        self._last_request_end: float | None = None
        self._sent = 0
        self.cache: JsonCache | None = None
        if self.settings.use_cache:
            self.cache = JsonCache(
                self.settings.resolved_cache_dir, ttl=self.settings.cache_ttl, now=now
            )

    def close(self) -> None:
        """Close the HTTP session if this client created it."""
        if self._owns_session:
            self._session.close()

    def __enter__(self) -> ArxivClient:
        """Use as a context manager that closes the session."""
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Close the session."""
        self.close()

    def fetch(
        self,
        ids: Sequence[ArxivId],
        *,
        progress: Callable[[int, int], None] | None = None,
        refresh: bool = False,
        exact_versions: bool = False,
    ) -> FetchResult:
        """Look the ids up; ``progress(done, total)`` counts unique ids after each step.

        Without ``exact_versions`` the ids are sent without version (arXiv answers with the
        current version) and results are keyed by base id; with it, by ``str(id)``.
        ``refresh`` skips the cache lookup (answers are still stored).
        """
        keys = list(dict.fromkeys(str(i) if exact_versions else i.base for i in ids))
        total = len(keys)
        records: dict[str, ArxivRecord] = {}
        not_found: set[str] = set()
        from_cache: list[str] = []
        pending: list[str] = []
        for key in keys:
            hit = None if refresh or self.cache is None else self.cache.fresh(key)
            if hit is None:
                pending.append(key)
                continue
            if hit.value is None:
                not_found.add(key)
                from_cache.append(key)
                continue
            record = record_from_cache(hit.value)
            if record is None:
                pending.append(key)  # a damaged cache entry is fetched again
                continue
            records[key] = record
            from_cache.append(key)

        done = total - len(pending)
        if progress is not None:
            progress(done, total)

        sent_before = self._sent
        size = self.settings.batch_size
        batches = [pending[i : i + size] for i in range(0, len(pending), size)]
        for number, batch in enumerate(batches, start=1):
            label = f"batch {number}/{len(batches)} ({_describe(batch)})"
            feed = self._fetch_batch(batch, label)
            wanted = set(batch)
            found: dict[str, ArxivRecord] = {}
            for record in feed.records:
                # The answer's order is not the request's: index it by id.
                for key in (str(record.id), record.id.base):
                    if key in wanted:
                        found[key] = record
                        break
            missing = [key for key in batch if key not in found]
            records.update(found)
            not_found.update(missing)
            if self.cache is not None:
                # Not-found answers are cached too, for the same day: arXiv's data changes
                # at most daily, and asking again sooner would only repeat the answer.
                values: dict[str, dict[str, Any] | None] = {
                    key: rec.to_json() for key, rec in found.items()
                }
                values.update(dict.fromkeys(missing))
                self.cache.store(values)
            done += len(batch)
            if progress is not None:
                progress(done, total)

        return FetchResult(
            records={key: records[key] for key in keys if key in records},
            not_found=tuple(key for key in keys if key in not_found),
            requests_sent=self._sent - sent_before,
            from_cache=tuple(from_cache),
        )

    # -- one batch, with retries -------------------------------------------------------------

    def _fetch_batch(self, batch: Sequence[str], label: str) -> Feed:
        settings = self.settings
        started = self._clock()
        attempt = 0
        wait = 0.0
        bad_answer_retried = False
        while True:
            attempt += 1
            self._pace(wait)
            try:
                return self._attempt(batch, label)
            except _RetryableError as retry:
                problem = retry.problem
                requested_wait = retry.wait
            except FeedError as exc:
                # A complete 200 answer that is not a feed (e.g. truncated XML from an
                # overloaded backend) is retried once; a hostile one never.
                if exc.hostile or bad_answer_retried:
                    raise ArxivError(f"arXiv answered {label} badly: {exc.message}") from exc
                bad_answer_retried = True
                problem, requested_wait = exc.message, None
            if attempt >= settings.max_attempts:
                raise ArxivError(f"gave up on arXiv {label} after {attempt} attempts: {problem}")
            backoff = settings.backoff[min(attempt - 1, len(settings.backoff) - 1)]
            wait = backoff if requested_wait is None else requested_wait
            elapsed = self._clock() - started
            if elapsed + wait > settings.max_retry_time:
                raise ArxivError(
                    f"gave up on arXiv {label} after {attempt} attempts: {problem} "
                    f"(waiting {wait:.0f} s more would exceed {settings.max_retry_time:.0f} s; "
                    "try again later)"
                )

    def _pace(self, wait: float) -> None:
        """Sleep for ``wait`` and until ``delay`` has passed since the last answer."""
        needed = wait
        if self._last_request_end is not None:
            since = self._clock() - self._last_request_end
            needed = max(needed, self.settings.effective_delay - since)
        if needed > 0:
            self._sleep(needed)

    def _attempt(self, batch: Sequence[str], label: str) -> Feed:
        try:
            answer = self._send(batch, label)
        except (
            requests.ConnectionError,
            requests.Timeout,
            # The connection broke mid-body (IncompleteRead): as transient as a refused one.
            requests.exceptions.ChunkedEncodingError,
        ) as exc:
            raise _RetryableError(
                f"could not reach {self.settings.base_url}: {_short(exc)}"
            ) from exc
        except requests.RequestException as exc:
            raise ArxivError(f"request for arXiv {label} failed: {_short(exc)}") from exc

        status = answer.status
        # arXiv's rate limiter may answer with the plain text "Rate exceeded." (any status).
        if answer.body.lstrip().startswith(b"Rate exceeded"):
            raise _RetryableError(
                f"rate limited (HTTP {status}, 'Rate exceeded.')", self._retry_after(answer)
            )
        if status == 429 or 500 <= status <= 599:
            raise _RetryableError(f"HTTP {status}", self._retry_after(answer))
        if status == 400:
            # One malformed id fails the whole request; retrying cannot help.
            raise ArxivError(f"arXiv rejected {label}: {self._error_summary(answer)}")
        if status != 200:
            raise ArxivError(f"arXiv answered {label} with HTTP {status}")
        feed = parse_feed(answer.body)
        if feed.errors:
            raise ArxivError(f"arXiv reported an error for {label}: {'; '.join(feed.errors)}")
        return feed

    def _retry_after(self, answer: _Answer) -> float | None:
        return parse_retry_after(answer.headers.get("Retry-After"), self._now())

    @staticmethod
    def _error_summary(answer: _Answer) -> str:
        try:
            feed = parse_feed(answer.body)
        except FeedError:
            return f"HTTP {answer.status}"
        return "; ".join(feed.errors) or f"HTTP {answer.status}"

    def _send(self, batch: Sequence[str], label: str) -> _Answer:
        settings = self.settings
        params = {"id_list": ",".join(batch), "max_results": str(len(batch))}
        headers = {"User-Agent": USER_AGENT, "Accept": "application/atom+xml"}
        self._sent += 1
        try:
            with self._session.get(
                settings.base_url,
                params=params,
                headers=headers,
                timeout=settings.timeout,
                stream=True,
            ) as response:
                declared = response.headers.get("Content-Length", "")
                if declared.isdigit() and int(declared) > settings.max_bytes:
                    raise ArxivError(_too_big(label, settings.max_bytes))
                body = bytearray()
                # Streamed and bounded: a runaway answer is cut off, never held whole.
                for chunk in response.iter_content(chunk_size=8192):
                    body += chunk
                    if len(body) > settings.max_bytes:
                        raise ArxivError(_too_big(label, settings.max_bytes))
                return _Answer(response.status_code, response.headers, bytes(body))
        finally:
            # Pacing counts from the end of an exchange, so slow answers are not followed by
            # an immediate next request.
            self._last_request_end = self._clock()


def _too_big(label: str, limit: int) -> str:
    return f"arXiv's answer to {label} is larger than {limit} bytes; refusing it"


def _describe(batch: Iterable[str]) -> str:
    items = list(batch)
    if len(items) <= 3:
        return ", ".join(items)
    return f"{len(items)} ids: {items[0]} … {items[-1]}"
