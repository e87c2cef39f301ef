"""Files written atomically: a temp file in the same folder, then a rename over the target."""

from __future__ import annotations

import codecs
import os
import tempfile
from pathlib import Path

from publist.errors import OutputError


def atomic_write(path: Path, text: str, *, encoding: str = "utf-8", bom: bool = False) -> None:
    """Write ``text`` to ``path`` via a temp file in the same folder, then replace it.

    A crash or kill at any point leaves either the old file or the new one, never half. A
    symbolic link is followed, so the file it points to is the one replaced; an existing file
    keeps its permissions, a new one gets the usual ones (0666 less the umask).
    """
    target = path.resolve() if path.is_symlink() else path
    try:
        data = (codecs.BOM_UTF8 if bom else b"") + text.encode(encoding)
    except UnicodeEncodeError as exc:
        raise OutputError(
            f"cannot write {text[exc.start : exc.end]!r} in {encoding}; convert the file to UTF-8",
            path=path,
        ) from None
    folder = target.parent if str(target.parent) else Path()
    try:
        mode = target.stat().st_mode & 0o7777 if target.exists() else _default_mode()
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror}", path=path) from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(mode)
        tmp.replace(target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"cannot write: {exc.strerror}", path=path) from None


def _default_mode() -> int:
    # mkstemp creates 0600; a new output (say, a homepage's HTML) must be readable as usual.
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
