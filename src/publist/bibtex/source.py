"""Read a .bib file's bytes as text, keeping what is needed to write it back byte-faithfully."""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

from publist.errors import BibFileError


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file as read: its text, and what is needed to write it back byte-faithfully."""

    path: Path
    text: str
    encoding: str
    bom: bool
    # The bytes as read, compared with the file's before writing it back (hashing them would
    # cost every read, and most runs never write).
    data: bytes


def read_source(path: Path, *, encoding: str = "utf-8") -> SourceFile:
    """Read ``path`` as text; a bad byte is an error naming the file and line."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise BibFileError("file not found", path=path) from None
    except IsADirectoryError:
        raise BibFileError("is a directory, not a .bib file", path=path) from None
    except OSError as exc:
        raise BibFileError(f"cannot read: {exc.strerror}", path=path) from None
    utf8 = encoding.lower().replace("_", "-") in ("utf-8", "utf8")
    bom = utf8 and data.startswith(codecs.BOM_UTF8)
    if utf8 and data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Some Windows tools save UTF-16; name it rather than report its first zero byte.
        raise BibFileError(
            "the file is UTF-16 (it starts with a UTF-16 byte-order mark); "
            "re-save it as UTF-8 or pass --encoding utf-16",
            path=path,
            line=1,
        )
    try:
        text = data[3:].decode("utf-8") if bom else data.decode(encoding)
    except LookupError:
        raise BibFileError(f"unknown encoding {encoding!r}", path=path) from None
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise BibFileError(
            f"not valid {encoding} (byte 0x{data[exc.start]:02x}); "
            "re-save the file as UTF-8 or pass --encoding",
            path=path,
            line=line,
        ) from None
    return SourceFile(path, text, "utf-8" if utf8 else encoding, bom, data)
