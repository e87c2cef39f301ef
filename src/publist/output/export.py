"""``publist export``: load the bib, render one format, and deliver it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from publist.bibtex.source import read_source
from publist.build.pipeline import load_bibliography
from publist.build.query import restrict
from publist.config import Config
from publist.errors import StrictModeError, UsageError
from publist.fsio import atomic_write
from publist.model import Bibliography, Diagnostic
from publist.output import render, resolve_format

if TYPE_CHECKING:
    from publist.output.document import BlockChange


@dataclass(frozen=True, slots=True)
class DocumentUpdate:
    """One ``--into`` document: its path, its blocks, and those that were (or would be) changed."""

    path: Path
    blocks: int
    changes: tuple[BlockChange, ...]
    written: bool


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What an export produced: the rendered text, where it went, and the diagnostics."""

    text: str
    format: str
    diagnostics: tuple[Diagnostic, ...]
    written_to: Path | None = None
    documents: tuple[DocumentUpdate, ...] = ()

    @property
    def stale(self) -> bool:
        """True when some ``--into`` document was not current (``check`` runs write nothing)."""
        return any(document.changes for document in self.documents)


def export(
    bib_path: Path,
    *,
    fmt: str | None = None,
    config_path: Path | None = None,
    output: Path | None = None,
    into: Path | Sequence[Path] = (),
    check: bool = False,
    standalone: bool = False,
    selected: bool = False,
    strict: bool = False,
    encoding: str = "utf-8",
) -> ExportResult:
    """Render ``bib_path``; write to ``output``, or fill every block of each ``into`` document.

    All documents are read and filled before any is written: a bad block in one leaves every
    document untouched. With ``check``, nothing is written and :attr:`ExportResult.documents`
    tells which blocks are out of date. With ``strict``, any diagnostic raises
    :class:`StrictModeError` and nothing is written.
    """
    documents = [into] if isinstance(into, Path) else list(into)
    if output is not None and documents:
        raise UsageError("use either -o/--output or --into, not both")
    if check and not documents:
        raise UsageError("--check compares documents: give them with --into")
    chosen = resolve_format(fmt, output=output or (documents[0] if documents else None))
    loaded = load_bibliography(bib_path, config_path=config_path, encoding=encoding)
    diagnostics = loaded.bibliography.diagnostics
    if strict and diagnostics:
        count = len(diagnostics)
        raise StrictModeError(
            f"{count} problem{'s' if count != 1 else ''} found; --strict stops here",
            path=bib_path,
            diagnostics=diagnostics,
        )
    if documents:
        updates = _fill_documents(documents, loaded.bibliography, loaded.config, fmt, check)
        return ExportResult("", chosen, diagnostics, documents=updates)
    bibliography = loaded.bibliography
    if selected:
        # al-folio's selected papers, each with the label it has in the full lists.
        chosen_items = tuple(i for i in bibliography.items if i.publication.selected)
        bibliography = restrict(bibliography, chosen_items)
    text = render(chosen, bibliography, loaded.config, standalone=standalone)
    if output is not None:
        atomic_write(output, text)
    return ExportResult(text, chosen, diagnostics, written_to=output)


def _fill_documents(
    paths: Sequence[Path], bibliography: Bibliography, config: Config, fmt: str | None, check: bool
) -> tuple[DocumentUpdate, ...]:
    # Only --into needs the block parser and its filters: an export alone does not import them.
    from publist.output.document import fill_document

    filled = []
    for path in dict.fromkeys(paths):
        page = read_source(path)
        filled.append((page, fill_document(page.text, bibliography, config, path=path, fmt=fmt)))
    updates = []
    for page, document in filled:
        write = bool(document.changes) and not check
        if write:
            atomic_write(page.path, document.text, encoding=page.encoding, bom=page.bom)
        updates.append(DocumentUpdate(page.path, document.blocks, document.changes, write))
    return tuple(updates)
