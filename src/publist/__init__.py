"""publist: keep your publications in one BibTeX file, get your CV and homepage lists."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
