"""The arXiv API client: batches of ids through the shared HTTP layer and a 24-hour cache.

Nothing here edits the .bib. The client follows arXiv's terms of use: at most one request
every ``delay`` seconds (never under 3 s against arXiv itself), batches of at most 100 ids with
``max_results`` always sent, and answers cached for a day. Pacing, timeouts, the User-Agent,
bounded bodies and retries are :mod:`publist.sources.http`'s, as for every service.

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

import math
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from publist.bibtex.arxiv_ids import ArxivId
from publist.errors import ArxivError, UsageError
from publist.sources.arxiv.feed import Feed, FeedError, parse_feed
from publist.sources.arxiv.records import (
    CACHE_TTL,
    ArxivRecord,
    arxiv_cache,
    read_cached_records,
    record_from_cache,
)
from publist.sources.cache import JsonCache, default_cache_dir
from publist.sources.http import (
    Answer,
    Policy,
    PoliteSession,
    RetryableError,
    parse_retry_after,
    raise_for_overload,
)

__all__ = [
    "DEFAULT_BASE_URL",
    "MAX_BATCH",
    "URL_ENV",
    "ArxivClient",
    "ArxivSettings",
    "FetchResult",
    "read_cached_records",
]

DEFAULT_BASE_URL = "https://export.arxiv.org/api/query"
MAX_BATCH = 100
# arXiv's terms: at most one request every 3 seconds.
ARXIV_MIN_DELAY = 3.0
URL_ENV = "PUBLIST_ARXIV_URL"
DELAY_ENV = "PUBLIST_ARXIV_DELAY"


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
    cache_ttl: float = CACHE_TTL

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

    def policy(self) -> Policy:
        """The shared HTTP layer's settings for arXiv."""
        return Policy(
            service="arXiv",
            min_interval=self.effective_delay,
            timeout=self.timeout,
            max_attempts=self.max_attempts,
            backoff=self.backoff,
            max_retry_time=self.max_retry_time,
            max_bytes=self.max_bytes,
            error=ArxivError,
        )


@dataclass(frozen=True, slots=True)
class FetchResult:
    """Records keyed by requested id (base id unless exact versions), and what was missing."""

    records: dict[str, ArxivRecord]
    not_found: tuple[str, ...]
    requests_sent: int
    from_cache: tuple[str, ...] = field(default=())


class ArxivClient:
    """Fetches records in paced, retried batches of at most 100 ids, through a 24-hour cache."""

    def __init__(
        self,
        settings: ArxivSettings | None = None,
        *,
        session: requests.Session | None = None,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] | None = None,
        now: Callable[[], float] | None = None,
        notify: Callable[[str], None] | None = None,
    ) -> None:
        self.settings = settings if settings is not None else ArxivSettings.from_env()
        self._http = PoliteSession(
            self.settings.policy(),
            session=session,
            clock=clock,
            sleep=sleep,
            now=now,
            notify=notify,
        )
        self.cache: JsonCache | None = None
        if self.settings.use_cache:
            self.cache = arxiv_cache(
                self.settings.resolved_cache_dir, ttl=self.settings.cache_ttl, now=now or time.time
            )

    @property
    def requests_sent(self) -> int:
        """How many HTTP requests this client has sent."""
        return self._http.requests_sent

    def close(self) -> None:
        """Close the HTTP session if this client created it."""
        self._http.close()

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

        sent_before = self._http.requests_sent
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
            requests_sent=self._http.requests_sent - sent_before,
            from_cache=tuple(from_cache),
        )

    # -- one batch ---------------------------------------------------------------------------

    def search(self, query: str, *, start: int = 0, max_results: int = 100) -> Feed:
        """One page of a ``search_query`` (``au:"Qingyu Song"``), newest submissions first.

        Pages are not cached: a search is for what is new since the last one.
        """
        if not 1 <= max_results <= 2000:
            raise UsageError(f"max_results must be 1 to 2000, got {max_results}")
        params = {
            "search_query": query,
            "start": str(start),
            "max_results": str(max_results),
            "sortBy": "submittedDate",
            "sortOrder": "descending",
        }
        return self._get_feed(params, f"search {query} from {start}")

    def _fetch_batch(self, batch: Sequence[str], label: str) -> Feed:
        params = {"id_list": ",".join(batch), "max_results": str(len(batch))}
        return self._get_feed(params, label)

    def _get_feed(self, params: Mapping[str, str], label: str) -> Feed:
        bad_answer_retried = False

        def check(answer: Answer) -> Feed:
            nonlocal bad_answer_retried
            try:
                return self._read_answer(answer, label)
            except FeedError as exc:
                # A complete 200 answer that is not a feed (e.g. truncated XML from an
                # overloaded backend) is retried once; a hostile one never.
                if exc.hostile or bad_answer_retried:
                    raise ArxivError(f"arXiv answered {label} badly: {exc.message}") from exc
                bad_answer_retried = True
                raise RetryableError(exc.message) from exc

        return self._http.get(
            self.settings.base_url,
            params=params,
            headers={"Accept": "application/atom+xml"},
            label=label,
            check=check,
        )

    def _read_answer(self, answer: Answer, label: str) -> Feed:
        status = answer.status
        # arXiv's rate limiter may answer with the plain text "Rate exceeded." (any status).
        if answer.body.lstrip().startswith(b"Rate exceeded"):
            wait = _retry_after(answer, self._http.now())
            raise RetryableError(f"rate limited (HTTP {status}, 'Rate exceeded.')", wait)
        raise_for_overload(answer, self._http.now())
        if status == 400:
            # One malformed id fails the whole request; retrying cannot help.
            raise ArxivError(f"arXiv rejected {label}: {_error_summary(answer)}")
        if status != 200:
            raise ArxivError(f"arXiv answered {label} with HTTP {status}")
        feed = parse_feed(answer.body)
        if feed.errors:
            raise ArxivError(f"arXiv reported an error for {label}: {'; '.join(feed.errors)}")
        return feed


def _retry_after(answer: Answer, now: float) -> float | None:
    return parse_retry_after(answer.headers.get("Retry-After"), now)


def _error_summary(answer: Answer) -> str:
    try:
        feed = parse_feed(answer.body)
    except FeedError:
        return f"HTTP {answer.status}"
    return "; ".join(feed.errors) or f"HTTP {answer.status}"


def _describe(batch: Iterable[str]) -> str:
    items = list(batch)
    if len(items) <= 3:
        return ", ".join(items)
    return f"{len(items)} ids: {items[0]} … {items[-1]}"
