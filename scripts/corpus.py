#!/usr/bin/env python3
"""Real researchers' bibliographies: is every entry listed, and the owner bold wherever named?

For each file of ``tests/data/corpus`` (listed with its owner in ``corpus.toml``) the script
builds the lists as ``publist export`` does, with the owner's names (and ``match_initials``
where the manifest sets it) as the site's configuration gives them, and reports:

* entries: the entries in the file (every ``@type{`` block bibtexparser reads as an entry,
  repeated keys included, ``@string``/``@comment``/``@preamble`` and containers left out);
* listed: the items of the HTML export (counted in the rendered page, not in the model);
* named: the entries in which some author is probably the owner (same family name and the
  same first initial as one of the owner's names);
* bold: of those, the entries in which the owner is marked bold.

Every named entry without a bold owner is printed with the spellings that were not matched,
so that each exception can be explained. Usage::

    PYTHONPATH=src python scripts/corpus.py [--quiet] [FOLDER]

Exits 1 when an entry is missing from a list; a named-but-not-bold entry is a finding to
explain, not a failure (a co-author may share the owner's family name and first initial).
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from publist.bibtex.parse import parse
from publist.build.pipeline import CONTAINER_TYPES, build
from publist.build.textfold import fold
from publist.config import Config
from publist.model import Author
from publist.output import render

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "corpus"
_LISTED = re.compile(r'<li class="publist-entry"')


@dataclass
class FileResult:
    """What one file gave."""

    name: str
    owner: str
    entries: int = 0
    listed: int = 0
    named: int = 0
    bold: int = 0
    bold_site_names: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Every entry of the file is in the lists."""
        return self.listed == self.entries


def _owner_keys(names: Sequence[str]) -> set[tuple[str, str]]:
    """(folded last word of the family name, first initial) of each of the owner's names.

    Deliberately looser than the matcher (and independent of it): whatever the file does with
    particles ("De Prins", "da Costa") or middle names, an author ending in the owner's last
    family word with the owner's first initial is counted as naming the owner.
    """
    keys = set()
    for name in names:
        if "," in name:
            family, given = name.split(",", 1)
        else:
            words = name.split()
            family, given = words[-1], " ".join(words[:-1])
        keys.add((fold(family.split()[-1]), fold(given)[:1]))
    return keys


def _probably_owner(author: Author, keys: set[tuple[str, str]]) -> bool:
    family = fold(f"{author.von} {author.last}")
    initial = fold(author.first)[:1]
    return any(family.endswith(f) and (initial == i or not initial) for f, i in keys)


def check(
    path: Path,
    owner: str,
    aliases: Sequence[str],
    *,
    add_names: Sequence[str] = (),
    match_initials: bool = False,
) -> FileResult:
    """Build and render one corpus file; count entries, listed items and the owner in bold.

    ``owner`` and ``aliases`` are the site's; ``add_names`` and ``match_initials`` what the
    owner would add in publist.toml. Bold counts both ways; the misses are those that remain.
    """
    names = (owner, *aliases, *add_names)
    result = FileResult(path.name, owner)
    document = parse(path.read_text(encoding="utf-8"), path=path)
    site_only = build(document, Config(owner_names=(owner, *aliases)))
    result.bold_site_names = sum(
        1
        for publication in site_only.publications
        if any(author.is_owner for author in (*publication.authors, *publication.editors))
    )
    loaded = build(document, Config(owner_names=names, match_initials=match_initials))
    result.entries = sum(1 for e in document.entries if e.entry_type not in CONTAINER_TYPES)
    page = render("html", loaded.bibliography, loaded.config)
    result.listed = len(_LISTED.findall(page))
    keys = _owner_keys(names)
    for publication in loaded.publications:
        people = (*publication.authors, *publication.editors)
        if not any(_probably_owner(author, keys) for author in people):
            continue
        result.named += 1
        if any(author.is_owner for author in people):
            result.bold += 1
        else:
            spellings = [author.display for author in people if _probably_owner(author, keys)]
            result.misses.append(f"line {publication.line} {publication.key}: {spellings}")
    # Entries listed once because they repeat another under the same key are not lost.
    repeated = sum(1 for d in loaded.bibliography.diagnostics if d.code == "duplicate-entry")
    result.entries -= repeated
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """Report every corpus file and the totals; exit 1 when an entry went missing."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=CORPUS)
    parser.add_argument("--quiet", action="store_true", help="only the totals")
    args = parser.parse_args(argv)
    manifest = tomllib.loads((args.folder / "corpus.toml").read_text(encoding="utf-8"))
    results = []
    for item in manifest["file"]:
        result = check(
            args.folder / item["name"],
            item["owner"],
            item.get("aliases", []),
            add_names=item.get("add_names", []),
            match_initials=bool(item.get("match_initials", False)),
        )
        results.append(result)
        if not args.quiet:
            print(
                f"{result.name:34} entries {result.entries:4}  listed {result.listed:4}  "
                f"owner bold {result.bold:4} of {result.named:4} "
                f"(site's names alone: {result.bold_site_names})"
            )
            for miss in result.misses:
                print(f"    not bold: {miss}")
    entries = sum(r.entries for r in results)
    listed = sum(r.listed for r in results)
    named = sum(r.named for r in results)
    bold = sum(r.bold for r in results)
    site = sum(r.bold_site_names for r in results)
    print(
        f"{len(results)} files: {entries} entries, {listed} listed; "
        f"the owner bold in {bold} of the {named} entries that name them "
        f"({site} with the site's names alone, before publist.toml additions)"
    )
    return 0 if all(r.complete for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
