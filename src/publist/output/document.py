"""``--into``: replace the text between publist's markers in an existing file, nothing else."""

from __future__ import annotations

from pathlib import Path

from publist.errors import MarkerError

START_MARKER = "<!-- publist:start -->"
END_MARKER = "<!-- publist:end -->"


def replace_between_markers(document: str, content: str, *, path: Path) -> str:
    """Put ``content`` between the markers of ``document``; every other byte stays as it was."""
    starts = document.count(START_MARKER)
    ends = document.count(END_MARKER)
    if starts == 0 or ends == 0:
        missing = START_MARKER if starts == 0 else END_MARKER
        raise MarkerError(
            f"marker {missing} not found; add both markers where the list goes", path=path
        )
    if starts > 1 or ends > 1:
        raise MarkerError("the publist markers appear more than once", path=path)
    start = document.index(START_MARKER)
    end = document.index(END_MARKER)
    if end < start:
        line = document.count("\n", 0, end) + 1
        raise MarkerError(f"{END_MARKER} comes before {START_MARKER}", path=path, line=line)
    newline = "\r\n" if "\r\n" in document[: start + len(START_MARKER) + 2] else "\n"
    body = content.replace("\r\n", "\n").replace("\n", newline)
    head = document[: start + len(START_MARKER)]
    return f"{head}{newline}{newline}{body}{newline}{document[end:]}"
