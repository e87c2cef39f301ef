"""The command line: parse options, call one library function, render, return.

This is the only module that imports typer and the only one that owns consoles. It is one
piece on purpose, though longer than 400 lines: each command is a short translation (options
in, one library call, output and exit code out), and the console, error and progress helpers
they share are what keeps them short.
"""

from __future__ import annotations

import gc
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, cast

import typer

from publist import __version__
from publist.build.control import drop_control
from publist.errors import ExitCode, PublistError, StrictModeError, UsageError
from publist.model import Diagnostic

if TYPE_CHECKING:
    from rich.console import Console, RenderHook

    from publist.output.export import DocumentUpdate

app = typer.Typer(
    name="publist",
    help="Keep your publications in one BibTeX file; get the lists of your CV and homepage.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _console(**options: Any) -> Console:
    from rich.console import Console

    # No emoji codes: a key like "Ng:cd:2020" is data, not ":cd:" (a disc emoji).
    console = Console(highlight=False, emoji=False, **options)
    console.push_render_hook(_inert_hook())
    return console


@lru_cache(maxsize=1)
def _inert_hook() -> RenderHook:
    """Every console of publist prints data inertly: a .bib must not drive the terminal."""
    # rich is imported here, not at the top: a clean export never prints through it, and the
    # import costs more than exporting a CV.
    from rich.console import (
        ConsoleOptions,
        ConsoleRenderable,
        RenderableType,
        RenderHook,
        RenderResult,
    )
    from rich.segment import Segment

    class _Inert:
        """A renderable whose text keeps no control characters (rich's own codes are separate)."""

        def __init__(self, renderable: RenderableType) -> None:
            self.renderable = renderable

        def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
            for segment in console.render(self.renderable, options):
                # Dropped, not escaped: rich measured them as zero width when laying out tables.
                yield (
                    segment
                    if segment.control
                    else Segment(drop_control(segment.text), segment.style)
                )

    class _InertHook(RenderHook):
        def process_renderables(
            self, renderables: list[ConsoleRenderable]
        ) -> list[ConsoleRenderable]:
            return [_Inert(renderable) for renderable in renderables]

    return _InertHook()


class _LazyConsole:
    """A console made on first use, so that commands that print nothing never import rich."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Console | None = None

    def __getattr__(self, name: str) -> Any:
        if self._console is None:
            self._console = _console(**self._options)
        return getattr(self._console, name)


stdout = cast("Console", _LazyConsole(soft_wrap=True))
stderr = cast("Console", _LazyConsole(stderr=True, soft_wrap=True))

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
        _output(f"publist {__version__}\n")
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


# What a message line must not carry: every control character but tab and line feed (a
# carriage return or a vertical tab from a key or a path could overwrite or move the line).
_LINE_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x84\x86-\x9f]")


def _printable(text: str) -> str:
    """``text`` with control characters shown as ``\\x1b``: a .bib must not drive the terminal."""
    return _LINE_CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def _output(text: str) -> None:
    """A command's output on stdout, as it is (exports and JSON are data, not messages)."""
    sys.stdout.write(text)
    sys.stdout.flush()


def _say(message: str) -> None:
    """One line on stderr, written plainly: it has no style, so rich is not imported for it."""
    sys.stderr.write(_printable(message) + "\n")
    sys.stderr.flush()


def _fail(error: PublistError) -> NoReturn:
    _say(f"error: {error}")
    raise typer.Exit(int(error.exit_code))


@contextmanager
def _errors() -> Iterator[None]:
    """Turn expected failures into one line on stderr and their exit code."""
    try:
        yield
    except StrictModeError as error:
        # Say what the problems are, not only that there were some.
        _report(error.diagnostics)
        _fail(error)
    except PublistError as error:
        _fail(error)


def _report(diagnostics: Iterable[Diagnostic]) -> None:
    for diagnostic in diagnostics:
        _say(f"{diagnostic.severity.value}: {diagnostic}")


@app.command()
def export(
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="md, html, text, latex, json, csl-json, bib or js (default: from the suffix "
            "of -o or --into, else md).",
        ),
    ] = None,
    bib: BibOption = Path("publications.bib"),
    config: ConfigOption = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file (atomically).")
    ] = None,
    into: Annotated[
        list[Path] | None,
        typer.Option(
            "--into",
            help="Fill every publist block (<!-- publist:start ... --> to <!-- publist:end -->, "
            "labels and counts) of this document; repeat for more documents.",
        ),
    ] = None,
    check_only: Annotated[
        bool,
        typer.Option(
            "--check",
            help="With --into: write nothing; exit 1 and name the blocks that are out of date.",
        ),
    ] = False,
    standalone: Annotated[
        bool,
        typer.Option(
            "--standalone", help="A complete HTML page or LaTeX document instead of a fragment."
        ),
    ] = False,
    selected: Annotated[
        bool,
        typer.Option("--selected", help="Only the entries with selected = {true} (al-folio's)."),
    ] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail (exit 1) when the bib has any problem.")
    ] = False,
    encoding: EncodingOption = "utf-8",
) -> None:
    """Export the publication lists as Markdown, HTML or plain text."""
    from publist.output.export import export as run_export

    with _errors():
        result = run_export(
            bib,
            fmt=fmt,
            config_path=config,
            output=output,
            into=into or (),
            check=check_only,
            standalone=standalone,
            selected=selected,
            strict=strict,
            encoding=encoding,
        )
        _report(result.diagnostics)
        if result.documents:
            _documents_report(result.documents, check=check_only)
            if check_only and result.stale:
                raise typer.Exit(ExitCode.INPUT)
        elif result.written_to is None:
            _output(result.text)
        else:
            _say(f"wrote {result.format} to {result.written_to}")


def _documents_report(documents: Sequence[DocumentUpdate], *, check: bool) -> None:
    """One line per document, and with ``--check`` one per out-of-date block."""
    for document in documents:
        blocks = f"{document.blocks} block{'' if document.blocks == 1 else 's'}"
        if not document.changes:
            _say(f"{document.path} is up to date ({blocks})")
            continue
        changed = len(document.changes)
        if check:
            for change in document.changes:
                _say(f"{document.path}:{change.line}: out of date: {change.opening}")
            _say(f"{document.path}: {changed} of {blocks} out of date; run without --check")
        else:
            _say(f"wrote {document.path} ({changed} of {blocks} changed)")


def _terminal() -> Console:
    """A console made now, so that NO_COLOR, FORCE_COLOR and COLUMNS of this run count."""
    return _console()


def _problems_note(diagnostics: Sequence[Diagnostic], bib: Path) -> None:
    # One line, not the list: the view stays readable and check gives the details.
    if diagnostics:
        _say(f"note: {bib} has problems; publist check lists them")


@app.command("list")
def list_command(
    category: Annotated[
        list[str] | None,
        typer.Option(
            "--category",
            help="Only this category (submission, journal, conference, ...); repeat for more.",
        ),
    ] = None,
    year: Annotated[int | None, typer.Option("--year", help="Only papers of this year.")] = None,
    since: Annotated[
        int | None, typer.Option("--since", help="Only papers of this year or later.")
    ] = None,
    search: Annotated[
        str | None,
        typer.Option(
            "--search",
            "-s",
            help="Only papers whose title, authors or venue contain every word "
            "(case and accents ignored).",
        ),
    ] = None,
    stale: Annotated[
        bool,
        typer.Option(
            "--stale",
            help="Only preprints that arXiv lists as published (per the sync cache) or that are "
            "at least stale.months old (publist.toml; default 24).",
        ),
    ] = False,
    months: Annotated[
        int | None,
        typer.Option("--months", min=1, help="With --stale: the age limit in months."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="JSON for scripts: one object per publication.")
    ] = False,
    bib: BibOption = Path("publications.bib"),
    config: ConfigOption = None,
    encoding: EncodingOption = "utf-8",
) -> None:
    """Show the publications as a table; filter by category, year, text or staleness."""
    from publist.build.query import Filters, parse_category
    from publist.views.listing import list_publications, listing_json
    from publist.views.table import build_table

    with _errors():
        filters = Filters(
            categories=frozenset(parse_category(name) for name in category or ()),
            year=year,
            since=since,
            search=search or "",
        )
        listing = list_publications(
            bib,
            filters=filters,
            config_path=config,
            encoding=encoding,
            stale=stale,
            months=months,
        )
    _problems_note(listing.diagnostics, bib)
    if listing.cached_records == 0:
        _say(
            "note: no arXiv records cached (publist sync fills the cache); "
            "only the age limit was applied"
        )
    if as_json:
        _output(listing_json(listing))
        return
    if not listing.items:
        _say(f"no publications match ({listing.total} in {bib})")
        return
    _terminal().print(build_table(listing.items, notes=listing.stale))


@app.command()
def show(
    key_or_label: Annotated[
        str, typer.Argument(metavar="KEY_OR_LABEL", help="An entry key or a label such as C6.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="JSON for scripts.")] = False,
    bib: BibOption = Path("publications.bib"),
    config: ConfigOption = None,
    encoding: EncodingOption = "utf-8",
) -> None:
    """Show one entry in full: fields, links, category rule and where it is in the file."""
    from publist.views.listing import show_publication, shown_json
    from publist.views.table import build_detail

    with _errors():
        entry = show_publication(bib, key_or_label, config_path=config, encoding=encoding)
    if as_json:
        _output(shown_json(entry))
        return
    _terminal().print(
        build_detail(entry.item, heading=entry.heading, diagnostics=entry.diagnostics)
    )


@app.command()
def check(
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too (exit 1).")] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="The findings as one JSON object.")
    ] = False,
    bib: BibOption = Path("publications.bib"),
    config: ConfigOption = None,
    encoding: EncodingOption = "utf-8",
) -> None:
    """Lint the bib for CI: exit 1 on errors (with --strict on warnings too), else 0."""
    from publist.model import Severity
    from publist.views.check import check_file, format_finding, report_json, summary

    with _errors():
        report = check_file(bib, config_path=config, encoding=encoding)
    failed = report.failed(strict=strict)
    if as_json:
        _output(report_json(report, strict=strict))
    else:
        from rich.text import Text

        console = _terminal()
        for finding in report.findings:
            line = _printable(format_finding(finding))
            text = Text(line)
            severity = finding.severity.value
            start = line.find(f" {severity}:") + 1
            style = "bold red" if finding.severity is Severity.ERROR else "yellow"
            text.stylize(style, start, start + len(severity))
            # soft_wrap: a finding stays one line however narrow the terminal, for CI logs.
            console.print(text, soft_wrap=True)
        console.print(summary(report), markup=False, soft_wrap=True)
    if failed:
        raise typer.Exit(int(ExitCode.INPUT))


@app.command()
def sync(
    bib: BibOption = Path("publications.bib"),
    config: ConfigOption = None,
    api_url: Annotated[
        str | None,
        typer.Option(
            "--api-url",
            help="arXiv API endpoint (default: $PUBLIST_ARXIV_URL, else "
            "https://export.arxiv.org/api/query).",
        ),
    ] = None,
    delay: Annotated[
        float | None,
        typer.Option(
            "--delay",
            min=0,
            help="Seconds between requests (default: $PUBLIST_ARXIV_DELAY, else 3; "
            "never under 3 for arXiv itself).",
        ),
    ] = None,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Ignore cached answers (they last 24 hours).")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Show what would change; write nothing.")
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Rewrite a file that has blocks publist cannot parse (they are kept as written).",
        ),
    ] = False,
    encoding: EncodingOption = "utf-8",
) -> None:
    """Refresh the arXiv entries of the bib from the arXiv API."""
    from publist.enrich.sync import sync as run_sync
    from publist.sources.arxiv.client import ArxivSettings
    from publist.views.sync_report import changes_table, notices_table

    with _errors():
        settings = ArxivSettings.from_env(base_url=api_url, delay=delay)
        with _progress() as progress:
            result = run_sync(
                bib,
                config_path=config,
                settings=settings,
                dry_run=dry_run,
                force=force,
                refresh=refresh,
                encoding=encoding,
                progress=progress,
                notify=_say,
            )
        plan = result.plan
        if plan.updates:
            stdout.print(changes_table(plan))
        if plan.notices:
            stdout.print(notices_table(plan))
        changed = sum(len(u.changes) for u in plan.updates)
        verb = "would change" if dry_run else "changed"
        summary = (
            f"{plan.looked_up} arXiv entr{'y' if plan.looked_up == 1 else 'ies'} looked up "
            f"with {result.requests_sent} request{'' if result.requests_sent == 1 else 's'}; "
            f"{verb} {changed} field{'' if changed == 1 else 's'} in {len(plan.updates)} "
            f"entr{'y' if len(plan.updates) == 1 else 'ies'}"
        )
        if result.written:
            summary += f"; wrote {result.path}"
        elif plan.updates:
            summary += "; nothing written (--dry-run)"
        _say(summary)


@app.command()
def add(
    identifiers: Annotated[
        list[str],
        typer.Argument(
            help="arXiv ids or URLs (2501.18092, arXiv:2501.18092v2, math/0309136, "
            "https://arxiv.org/abs/...) and DOIs (10.1145/..., https://doi.org/...).",
            show_default=False,
        ),
    ],
    bib: BibOption = Path("publications.bib"),
    config: ConfigOption = None,
    api_url: Annotated[
        str | None,
        typer.Option(
            "--api-url",
            help="arXiv API endpoint (default: $PUBLIST_ARXIV_URL, then sources.arxiv_url in "
            "publist.toml, else "
            "https://export.arxiv.org/api/query).",
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Print the new entries; write nothing.")
    ] = False,
    encoding: EncodingOption = "utf-8",
) -> None:
    """Add papers to the bib from arXiv ids and DOIs, in the file's own style."""
    from publist.enrich.add import add as run_add
    from publist.enrich.add import describe

    with _errors(), _progress() as progress:
        result = run_add(
            bib,
            identifiers,
            config_path=config,
            dry_run=dry_run,
            encoding=encoding,
            arxiv_url=api_url,
            notify=_say,
            progress=progress,
        )
        if dry_run and result.additions:
            _output("\n\n".join(addition.text for addition in result.additions) + "\n")
        for problem in result.problems:
            level = "note" if problem.kind == "duplicate" else "error"
            _say(f"{level}: {problem.identifier}: {problem.message}")
        verb = "would add" if dry_run else "added"
        for addition in result.additions:
            _say(f"{verb} {describe(addition)}")
        if result.written:
            _say(f"wrote {result.path}")
        if not result.additions and result.problems:
            code = ExitCode.NETWORK if result.unavailable else ExitCode.INPUT
            raise typer.Exit(code)


@app.command()
def discover(
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="Only papers first posted on or after this date (2025-01-31, 2025-01 or 2025; "
            "default: a year ago).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON for scripts.")] = False,
    bib: BibOption = Path("publications.bib"),
    config: ConfigOption = None,
    api_url: Annotated[
        str | None,
        typer.Option(
            "--api-url",
            help="arXiv API endpoint (default: $PUBLIST_ARXIV_URL, then sources.arxiv_url in "
            "publist.toml, else https://export.arxiv.org/api/query).",
        ),
    ] = None,
    encoding: EncodingOption = "utf-8",
) -> None:
    """Find the owner's arXiv papers that are not in the bib yet (nothing is written)."""
    from publist.enrich.candidates import discovery_json
    from publist.enrich.discover import discover as run_discover
    from publist.views.discover_report import discovery_table

    with _errors():
        result = run_discover(
            bib,
            arxiv_url=api_url,
            config_path=config,
            since=since,
            encoding=encoding,
            notify=_say,
        )
        if as_json:
            _output(discovery_json(result))
            return
        if result.candidates:
            stdout.print(discovery_table(result))
        likely = sum(1 for candidate in result.candidates if candidate.likely)
        _say(
            f"{len(result.candidates)} paper(s) not in {bib} since {result.since.isoformat()}, "
            f"{likely} likely yours ({result.requests_sent} request(s) to arXiv; its author "
            "search also matches namesakes)"
        )
        if result.add_command:
            _output(result.add_command + "\n")


@app.command()
def published(
    as_json: Annotated[bool, typer.Option("--json", help="JSON for scripts.")] = False,
    bib: BibOption = Path("publications.bib"),
    config: ConfigOption = None,
    encoding: EncodingOption = "utf-8",
) -> None:
    """Find the published versions of the bib's preprints (nothing is written)."""
    from publist.enrich.published import find_published
    from publist.enrich.published_match import report_json
    from publist.views.published_report import published_table

    with _errors():
        _, report = find_published(bib, config_path=config, encoding=encoding, notify=_say)
        # A preprint no source could be asked about is undecided: exit 3, after the report.
        undecided = any(status.verdict.status == "unavailable" for status in report.statuses)
        if as_json:
            _output(report_json(report))
            if undecided:
                raise typer.Exit(ExitCode.NETWORK)
            return
        if report.statuses:
            stdout.print(published_table(report))
        counts: dict[str, int] = {}
        for status in report.statuses:
            counts[status.verdict.status] = counts.get(status.verdict.status, 0) + 1
        summary = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in sorted(counts.items()))
        asked = ", ".join(f"{name} {n}" for name, n in report.requests.items() if n)
        _say(
            f"{len(report.statuses)} preprint(s) checked: {summary or 'none'}"
            f" (requests: {asked or 'none'}); publist promote applies a published one"
        )
        if undecided:
            raise typer.Exit(ExitCode.NETWORK)


@app.command()
def promote(
    targets: Annotated[
        list[str] | None,
        typer.Argument(help="Keys or labels (A2) of the preprints to promote.", show_default=False),
    ] = None,
    every: Annotated[
        bool, typer.Option("--all", help="Promote every preprint with a confident finding.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Show the change as a diff; write nothing.")
    ] = False,
    bib: BibOption = Path("publications.bib"),
    config: ConfigOption = None,
    encoding: EncodingOption = "utf-8",
) -> None:
    """Rewrite preprints as their published versions (type, venue, year, DOI, ...)."""
    from publist.enrich.promote import promote as run_promote

    with _errors():
        result = run_promote(
            bib,
            targets or [],
            every=every,
            dry_run=dry_run,
            config_path=config,
            encoding=encoding,
            notify=_say,
        )
        for promotion in result.promotions:
            if dry_run:
                _output(promotion.diff(str(bib)))
            for note in promotion.notes:
                _say(f"note: {promotion.key}: {note}")
            verb = "would promote" if dry_run else "promoted"
            _say(f"{verb} {promotion.key} ({promotion.label})")
        for key, why in result.skipped:
            _say(f"note: {key}: left as it is: {why}")
        if result.written:
            _say(f"wrote {result.path}; its label changes on the next export")
        if result.unavailable:  # what could be decided was applied; the rest needs a rerun
            raise typer.Exit(ExitCode.NETWORK)
        if not result.promotions and targets:
            raise typer.Exit(ExitCode.INPUT)


@app.command()
def fmt(
    protect_titles: Annotated[
        bool,
        typer.Option(
            "--protect-titles",
            help="Brace the title words sentence-case styles would lowercase (DNA, Newton).",
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Show the changes as a diff; write nothing.")
    ] = False,
    bib: BibOption = Path("publications.bib"),
    config: ConfigOption = None,
    encoding: EncodingOption = "utf-8",
) -> None:
    """Tidy what you wrote in the bib; every change is shown (only --protect-titles so far)."""
    from publist.enrich.fmt import protect_titles as run_protect

    with _errors():
        if not protect_titles:
            raise UsageError("say what to tidy: publist fmt --protect-titles")
        result = run_protect(bib, dry_run=dry_run, config_path=config, encoding=encoding)
        if result.changes:
            _output(result.diff())
        verb = "would protect" if dry_run else "protected"
        _say(
            f"{verb} {len(result.changes)} title(s)" + (f"; wrote {bib}" if result.written else "")
        )


@contextmanager
def _progress() -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr for long lookups; nothing when stderr is not a terminal."""
    if not stderr.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("arXiv"), BarColumn(), MofNCompleteColumn(), console=stderr, transient=True
    ) as bar:
        task = bar.add_task("lookup", total=None, visible=False)

        def update(done: int, total: int) -> None:
            # One batch is quick; show the bar only when several are needed.
            bar.update(task, completed=done, total=total, visible=total > 100)

        yield update


def main() -> None:
    """Run the publist command line."""
    # A run builds one large, long-lived, acyclic graph (the parsed .bib and its read model).
    # CPython's default collector would re-scan it again and again as it grows: a tenth of a
    # large export. The imported modules are frozen out of its sight, young objects are
    # collected in larger batches and old ones re-scanned rarely; cycles are still freed.
    gc.freeze()
    gc.set_threshold(10_000, 20, 20)
    _keep_only_the_invoked_command(sys.argv[1:])
    app()


def _keep_only_the_invoked_command(args: Sequence[str]) -> None:
    """Register only the command this run invokes, when it names one.

    typer builds the parser of every registered command on each run, about 15 ms for all of
    them; a run needs one. Without a known command name (``publist``, ``--help``, a typo) all
    stay, so the overview and "No such command" read as always.
    """
    name = next((arg for arg in args if not arg.startswith("-")), None)
    chosen = [
        info
        for info in app.registered_commands
        if info.callback is not None
        and (info.name or typer.main.get_command_name(info.callback.__name__)) == name
    ]
    if len(chosen) == 1:
        app.registered_commands[:] = chosen
