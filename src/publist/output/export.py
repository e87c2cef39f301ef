"""``publist export``: load the bib, render one format, and deliver it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from publist.bibtex.source import read_source
from publist.build.pipeline import load_bibliography
from publist.errors import StrictModeError, UsageError
from publist.fsio import atomic_write
from publist.model import Diagnostic
from publist.output import render, resolve_format
from publist.output.document import replace_between_markers


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What an export produced: the rendered text, where it went, and the diagnostics."""

    text: str
    format: str
    diagnostics: tuple[Diagnostic, ...]
    written_to: Path | None = None


def export(
    bib_path: Path,
    *,
    fmt: str | None = None,
    config_path: Path | None = None,
    output: Path | None = None,
    into: Path | None = None,
    standalone: bool = False,
    strict: bool = False,
    encoding: str = "utf-8",
) -> ExportResult:
    """Render ``bib_path``; write to ``output`` or between the markers of ``into`` if given.

    With ``strict``, any diagnostic raises :class:`StrictModeError` and nothing is written.
    """
    if output is not None and into is not None:
        raise UsageError("use either -o/--output or --into, not both")
    target = output or into
    chosen = resolve_format(fmt, output=target)
    loaded = load_bibliography(bib_path, config_path=config_path, encoding=encoding)
    diagnostics = loaded.bibliography.diagnostics
    if strict and diagnostics:
        count = len(diagnostics)
        raise StrictModeError(
            f"{count} problem{'s' if count != 1 else ''} found; --strict stops here",
            path=bib_path,
            diagnostics=diagnostics,
        )
    text = render(chosen, loaded.bibliography, loaded.config, standalone=standalone)
    if into is not None:
        page = read_source(into)
        new = replace_between_markers(page.text, text, path=into)
        atomic_write(into, new, encoding=page.encoding, bom=page.bom)
    elif output is not None:
        atomic_write(output, text)
    return ExportResult(text, chosen, diagnostics, target)
