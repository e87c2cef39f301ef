"""The command line: parse options, call one library function, render, return.

This is the only module that imports typer and the only one that owns consoles.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from publist import __version__
from publist.errors import PublistError
from publist.model import Diagnostic

app = typer.Typer(
    name="publist",
    help="Keep your publications in one BibTeX file; get the lists of your CV and homepage.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

stdout = Console(highlight=False, soft_wrap=True)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)

BibOption = Annotated[
    Path,
    typer.Option("--bib", "-b", help="The BibTeX file.", show_default=True),
]
ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config", "-c", help="Settings file (default: publist.toml beside the bib, if any)."
    ),
]
EncodingOption = Annotated[
    str, typer.Option("--encoding", help="Text encoding of the bib file.", show_default=True)
]


def _version(value: bool) -> None:
    if value:
        stdout.print(f"publist {__version__}", markup=False)
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Keep your publications in one BibTeX file; get the lists of your CV and homepage."""


def _fail(error: PublistError) -> NoReturn:
    stderr.print(f"error: {error}", markup=False)
    raise typer.Exit(int(error.exit_code))


@contextmanager
def _errors() -> Iterator[None]:
    """Turn expected failures into one line on stderr and their exit code."""
    try:
        yield
    except PublistError as error:
        _fail(error)


def _report(diagnostics: Iterable[Diagnostic]) -> None:
    for diagnostic in diagnostics:
        stderr.print(f"{diagnostic.severity.value}: {diagnostic}", markup=False)


@app.command()
def export(
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="md, html or text (default: from the -o suffix, else md).",
        ),
    ] = None,
    bib: BibOption = Path("publications.bib"),
    config: ConfigOption = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file (atomically).")
    ] = None,
    into: Annotated[
        Path | None,
        typer.Option(
            "--into",
            help="Replace the text between <!-- publist:start --> and <!-- publist:end --> "
            "in this file.",
        ),
    ] = None,
    standalone: Annotated[
        bool, typer.Option("--standalone", help="A complete HTML page instead of a fragment.")
    ] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail (exit 1) when the bib has any problem.")
    ] = False,
    encoding: EncodingOption = "utf-8",
) -> None:
    """Export the publication lists as Markdown, HTML or plain text."""
    from publist.errors import UsageError
    from publist.export import export as run_export

    with _errors():
        if output is not None and into is not None:
            raise UsageError("use either -o/--output or --into, not both")
        try:
            result = run_export(
                bib,
                fmt=fmt,
                config_path=config,
                output=output,
                into=into,
                standalone=standalone,
                strict=strict,
                encoding=encoding,
            )
        except PublistError:
            raise
        _report(result.diagnostics)
        if result.written_to is None:
            sys.stdout.write(result.text)
            sys.stdout.flush()
        else:
            stderr.print(f"wrote {result.format} to {result.written_to}", markup=False)


def main() -> None:
    """Run the publist command line."""
    app()
