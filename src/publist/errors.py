"""The one exception tree of publist; every expected failure carries its exit code.

::

    PublistError                 exit 1   (base; never raised bare)
    ├── InputError               exit 1   a file or its contents cannot be used
    │   ├── BibFileError                  the .bib is missing, unreadable or undecodable
    │   ├── ConfigError                   publist.toml is missing or invalid
    │   ├── MarkerError                   --into: start/end markers missing or out of order
    │   ├── StrictModeError               --strict and the bib has diagnostics
    │   └── NotFoundError                 show: no entry has that key or label
    ├── UsageError               exit 2   options that do not fit together, unknown format
    ├── NetworkError             exit 3   a web service could not be reached or answered badly
    │   └── ArxivError                    the arXiv API
    └── OutputError              exit 4   the output file could not be written

Exit code 0 means success; typer's own option errors also exit with 2.
"""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path

from publist.model import Diagnostic


class ExitCode(IntEnum):
    """Process exit codes; each non-zero code means one thing."""

    OK = 0
    INPUT = 1
    USAGE = 2
    NETWORK = 3
    OUTPUT = 4


class PublistError(Exception):
    """An expected failure, shown as one line on stderr without a traceback."""

    exit_code: ExitCode = ExitCode.INPUT

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        """Render as ``file:line: message`` where a location is known."""
        where = ""
        if self.path is not None:
            where = f"{self.path}:"
            if self.line is not None:
                where += f"{self.line}:"
            where += " "
        return f"{where}{self.message}"


class InputError(PublistError):
    """A file or its contents cannot be used."""

    exit_code = ExitCode.INPUT


class BibFileError(InputError):
    """The BibTeX file is missing, unreadable or not decodable."""


class ConfigError(InputError):
    """The configuration file is missing or invalid."""


class MarkerError(InputError):
    """The ``--into`` target lacks its publist markers or has them out of order."""


class StrictModeError(InputError):
    """``--strict`` was given and loading produced diagnostics (kept in ``diagnostics``)."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        diagnostics: tuple[Diagnostic, ...] = (),
    ) -> None:
        super().__init__(message, path=path)
        self.diagnostics = diagnostics


class NotFoundError(InputError):
    """No entry of the .bib has the key or label asked for."""


class UsageError(PublistError):
    """Command-line options that cannot be honoured."""

    exit_code = ExitCode.USAGE


class NetworkError(PublistError):
    """A web service could not be reached or answered badly after the retries."""

    exit_code = ExitCode.NETWORK


class ArxivError(NetworkError):
    """The arXiv API could not be reached or answered badly after the retries."""


class OutputError(PublistError):
    """The output could not be written."""

    exit_code = ExitCode.OUTPUT
