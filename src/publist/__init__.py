"""publist: keep your publications in one BibTeX file, get your CV and homepage lists.

The library API a script may rely on (everything else is internal and may move)::

    from pathlib import Path
    import publist

    loaded = publist.load_bibliography(Path("publications.bib"))  # read, decode, number
    for item in loaded.bibliography.items:                          # C7 ... C1, in CV order
        print(item.label, item.publication.title)
    markdown = publist.render("md", loaded.bibliography, loaded.config)

* Reading: :func:`load_bibliography` (file and ``publist.toml``), or :func:`parse` a text and
  :func:`build` it with a :class:`Config` (:func:`load_config`, :func:`parse_config`).
* The read model: :class:`Bibliography` → :class:`Section` → :class:`Item` (label) →
  :class:`Publication` → :class:`Author`; problems are :class:`Diagnostic` values.
* Output: :func:`render` one of :data:`FORMATS`, or :func:`export` as the command does.
* Errors: every expected failure is a :class:`PublistError` with an ``exit_code``.

Names are imported on first use, so ``import publist`` costs nothing at start-up.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Public name -> the module that defines it.
_EXPORTS = {
    "load_bibliography": "publist.build.pipeline",
    "build": "publist.build.pipeline",
    "LoadedBibliography": "publist.build.pipeline",
    "parse": "publist.bibtex.parse",
    "Config": "publist.config",
    "load_config": "publist.config",
    "parse_config": "publist.config",
    "render": "publist.output",
    "FORMATS": "publist.output",
    "export": "publist.output.export",
    "Author": "publist.model",
    "Bibliography": "publist.model",
    "Category": "publist.model",
    "Diagnostic": "publist.model",
    "Item": "publist.model",
    "Publication": "publist.model",
    "Section": "publist.model",
    "Severity": "publist.model",
    "PublistError": "publist.errors",
}

__all__ = [
    "FORMATS",
    "Author",
    "Bibliography",
    "Category",
    "Config",
    "Diagnostic",
    "Item",
    "LoadedBibliography",
    "Publication",
    "PublistError",
    "Section",
    "Severity",
    "__version__",
    "build",
    "export",
    "load_bibliography",
    "load_config",
    "parse",
    "parse_config",
    "render",
]

if TYPE_CHECKING:
    from publist.bibtex.parse import parse
    from publist.build.pipeline import LoadedBibliography, build, load_bibliography
    from publist.config import Config, load_config, parse_config
    from publist.errors import PublistError
    from publist.model import (
        Author,
        Bibliography,
        Category,
        Diagnostic,
        Item,
        Publication,
        Section,
        Severity,
    )
    from publist.output import FORMATS, render
    from publist.output.export import export


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use (PEP 562)."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'publist' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public names, for ``dir(publist)`` and completion."""
    return sorted(__all__)
