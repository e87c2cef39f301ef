"""How a list is laid out beyond its format: headings, author limits, year subheadings."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import groupby

from publist.config import Config
from publist.model import Item


@dataclass(frozen=True, slots=True)
class ListStyle:
    """Layout choices every exporter honours (from ``[lists]``, or a document block's options)."""

    headings: bool = True
    max_authors: int | None = None
    group_by_year: bool = False

    @classmethod
    def of(cls, config: Config) -> ListStyle:
        """The style ``publist.toml`` asks for."""
        return cls(max_authors=config.max_authors, group_by_year=config.group_by_year)


def year_groups(items: Sequence[Item]) -> Iterator[tuple[str, list[Item]]]:
    """Consecutive items of one year, with the year as a subheading (``Undated`` without)."""
    for year, group in groupby(items, key=lambda item: item.publication.year):
        yield (str(year) if year is not None else "Undated"), list(group)
