"""Entry point for ``python -m publist``."""

from __future__ import annotations

from publist.cli import main

main()
