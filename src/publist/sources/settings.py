"""Where each web service lives and who is asking: environment first, then ``[sources]``.

Every endpoint is configurable so that tests (and mirrors) can point publist at another server:
``PUBLIST_ARXIV_URL``, ``PUBLIST_CROSSREF_URL``, ``PUBLIST_DOI_URL`` and ``PUBLIST_MAILTO`` in the
environment win over ``arxiv_url``, ``crossref_url``, ``doi_url`` and ``mailto`` in the
``[sources]`` table of publist.toml, which win over the services' public addresses.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import requests

from publist.errors import NetworkError, UsageError
from publist.sources.cache import JsonCache, default_cache_dir
from publist.sources.http import USER_AGENT, Policy, PoliteSession

CROSSREF_URL = "https://api.crossref.org"
DOI_URL = "https://doi.org"
_ENV = {
    "crossref_url": "PUBLIST_CROSSREF_URL",
    "doi_url": "PUBLIST_DOI_URL",
    "mailto": "PUBLIST_MAILTO",
}


@dataclass(frozen=True, slots=True)
class SourceSettings:
    """The endpoints of the DOI services, the contact address, and the cache folder."""

    crossref_url: str = CROSSREF_URL
    doi_url: str = DOI_URL
    mailto: str = ""
    cache_dir: Path | None = None
    use_cache: bool = True
    # Tests shorten these; the services' own limits set the defaults.
    timeout: tuple[float, float] = (10.0, 60.0)
    max_attempts: int = 4
    backoff: tuple[float, ...] = (10.0, 30.0, 60.0)

    def __post_init__(self) -> None:
        for name in ("crossref_url", "doi_url"):
            value = getattr(self, name)
            try:
                parts = urlsplit(value)
            except ValueError:
                raise UsageError(f"{name} is not a valid URL: {value!r}") from None
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise UsageError(f"{name} must be an http(s) URL, got {value!r}")

    @property
    def user_agent(self) -> str:
        """publist's User-Agent, with the contact address Crossref's polite pool asks for."""
        return f"{USER_AGENT[:-1]}; mailto:{self.mailto})" if self.mailto else USER_AGENT

    @property
    def resolved_cache_dir(self) -> Path:
        """The cache folder actually used."""
        return self.cache_dir if self.cache_dir is not None else default_cache_dir()

    def paced_session(
        self,
        service: str,
        min_interval: float,
        error: type[NetworkError],
        *,
        session: requests.Session | None = None,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] | None = None,
        now: Callable[[], float] | None = None,
        notify: Callable[[str], None] | None = None,
    ) -> PoliteSession:
        """The shared HTTP layer for ``service``, with these timeouts, retries and User-Agent."""
        policy = Policy(
            service=service,
            min_interval=min_interval,
            timeout=self.timeout,
            max_attempts=self.max_attempts,
            backoff=self.backoff,
            user_agent=self.user_agent,
            error=error,
        )
        return PoliteSession(
            policy, session=session, clock=clock, sleep=sleep, now=now, notify=notify
        )

    def answer_cache(
        self, file_name: str, service: str, *, ttl: float, now: Callable[[], float] | None
    ) -> JsonCache | None:
        """``service``'s cache file in the cache folder, or None when caching is off."""
        if not self.use_cache:
            return None
        return JsonCache(
            self.resolved_cache_dir,
            ttl=ttl,
            now=now or time.time,
            file_name=file_name,
            service=service,
        )

    @classmethod
    def from_env(
        cls,
        configured: Mapping[str, str] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> SourceSettings:
        """Defaults, then ``configured`` (``[sources]``), then the environment."""
        env = os.environ if environ is None else environ

        def pick(name: str, default: str) -> str:
            value = (env.get(_ENV[name], "") or (configured or {}).get(name, "")).strip()
            if not value:
                return default
            return value.rstrip("/") if name.endswith("_url") else value

        return cls(
            crossref_url=pick("crossref_url", CROSSREF_URL),
            doi_url=pick("doi_url", DOI_URL),
            mailto=pick("mailto", ""),
            cache_dir=default_cache_dir(env),
        )
