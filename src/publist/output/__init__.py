"""Exporters: one ``render(bibliography, config, *, standalone)`` per format, found by name."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import MappingProxyType

from publist.config import Config
from publist.errors import UsageError
from publist.model import Bibliography
from publist.output.style import ListStyle


class _Renderers(Mapping[str, Callable[..., str]]):
    """Format name to render function; a format's module is imported when it is asked for.

    A run renders one format: importing the others cost every run a few milliseconds.
    """

    def __init__(self, where: Mapping[str, tuple[str, str]]) -> None:
        self._where = where

    def __getitem__(self, name: str) -> Callable[..., str]:
        module, function = self._where[name]
        # __import__, not importlib.import_module: the latter bypasses the interpreter's import
        # path that `python -X importtime` reports, which tests/test_startup.py reads.
        loaded = __import__(f"publist.output.{module}", fromlist=[function])
        render_format: Callable[..., str] = getattr(loaded, function)
        return render_format

    def __iter__(self) -> Iterator[str]:
        return iter(self._where)

    def __len__(self) -> int:
        return len(self._where)


FORMATS: Mapping[str, Callable[..., str]] = _Renderers(
    {
        "md": ("markdown", "render"),
        "html": ("html", "render"),
        "text": ("text", "render"),
        "latex": ("latex", "render"),
        "js": ("html", "script"),
        "json": ("data", "render_json"),
        "csl-json": ("data", "render_csl"),
        "bib": ("data", "render_bib"),
    }
)

_ALIASES = MappingProxyType(
    {
        "markdown": "md",
        "htm": "html",
        "txt": "text",
        "plain": "text",
        "tex": "latex",
        "javascript": "js",
        "csl": "csl-json",
        "csljson": "csl-json",
        "bibtex": "bib",
    }
)
_SUFFIXES = MappingProxyType(
    {
        ".md": "md",
        ".markdown": "md",
        ".html": "html",
        ".htm": "html",
        ".txt": "text",
        ".tex": "latex",
        ".js": "js",
        ".json": "json",
        ".bib": "bib",
    }
)


def resolve_format(name: str | None, *, output: Path | None = None) -> str:
    """The format to write: the one named, else the output file's suffix, else Markdown."""
    if name is None:
        if output is not None:
            return _SUFFIXES.get(output.suffix.lower(), "md")
        return "md"
    key = _ALIASES.get(name.lower(), name.lower())
    if key not in FORMATS:
        raise UsageError(f"unknown format {name!r} (choose from: {', '.join(FORMATS)})")
    return key


def render(
    fmt: str,
    bibliography: Bibliography,
    config: Config,
    *,
    standalone: bool = False,
    style: ListStyle | None = None,
) -> str:
    """Render ``bibliography`` in format ``fmt`` (see :data:`FORMATS`)."""
    render_format = FORMATS[resolve_format(fmt)]
    return render_format(bibliography, config, standalone=standalone, style=style)
