"""LaTeX to Unicode for displayed fields, with fast paths in front of pylatexenc.

Three tiers, each giving exactly what the one after it would:

1. a value without any LaTeX-special character is only whitespace-collapsed;
2. the common constructs of bibliography fields (braces, accents, ``--``, ``~``, quotes, escaped
   characters, logos, argument-free macros, ``\\emph{...}``-style macros, inline ``$...$``
   math) are rendered by a small scanner here, which takes every macro's meaning from
   pylatexenc's own tables (with publist's additions from :mod:`publist.bibtex.texmacros`);
3. anything else (display math, comments, optional arguments, environments, malformed input)
   goes to pylatexenc's full parser.

The scanner mirrors pylatexenc's rules (a letter macro swallows the spaces after it, an
argument may be one letter, a group or an argument-free macro, accents compose to NFC, math
is spaced by the source) and gives up on the first thing it does not know;
``tests/test_latex_scan.py`` checks it against pylatexenc on generated input. The module is
one piece (about 400 lines) because the scanner and the parser fallback must agree exactly;
the opposite direction, text into BibTeX, is :mod:`publist.bibtex.encode`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from publist.bibtex import texmacros

if TYPE_CHECKING:
    from pylatexenc.latex2text import LatexNodes2Text
    from pylatexenc.macrospec import LatexContextDb

# A value without any of these characters is plain text already; most titles and names are.
_SPECIAL = re.compile(r"[\\{}$~%&`']|--")
# In a .bib value a bare % or & is meant literally (BibTeX passes it through untouched).
_BARE_LITERAL = re.compile(r"(?<!\\)([%&])")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _decoder() -> LatexNodes2Text:
    """pylatexenc's text renderer, taught the macros of real .bib files (see texmacros)."""
    # Imported lazily: pylatexenc is the slowest import of the export path.
    import logging

    from pylatexenc.latex2text import (
        LatexNodes2Text,
        MacroTextSpec,
        get_default_latex_context_db,
    )

    # Unknown macros are expected in real files; pylatexenc would log each one.
    logging.getLogger("pylatexenc").setLevel(logging.CRITICAL)
    context = get_default_latex_context_db()
    context.add_context_category(
        "publist",
        prepend=True,
        macros=[
            *(MacroTextSpec(name, simplify_repl=text) for name, text in texmacros.LOGOS.items()),
            *(
                MacroTextSpec(name, simplify_repl=replacement)
                for name, (_, replacement) in texmacros.WITH_ARGUMENTS.items()
            ),
            *(MacroTextSpec(name, simplify_repl="%s") for name in texmacros.VERBATIM),
        ],
    )
    context.set_unknown_macro_spec(MacroTextSpec("", simplify_repl=_unknown_macro))
    return LatexNodes2Text(latex_context=context, math_mode="text", strict_latex_spaces=False)


def _unknown_macro(node: Any, macroname: str) -> str:
    """pylatexenc's hook for a macro in no table: a logo-like name reads as itself."""
    has_arguments = bool(node.nodeargd and node.nodeargd.argnlist)
    return texmacros.unknown_macro_text(macroname, has_arguments=has_arguments)


def to_text(value: str) -> str:
    """Decode LaTeX in ``value`` to Unicode text and collapse whitespace."""
    if not _SPECIAL.search(value):
        return _collapse(value)
    return _decode(value)


def _collapse(text: str) -> str:
    """``text`` stripped, each run of whitespace (NBSP from ``~`` included) one space."""
    # Printable means no whitespace but plain spaces; most values need only the strip.
    if text.isprintable() and "  " not in text:
        return text.strip()
    # NBSP is a typesetting hint; a plain space reads the same and matches names. (\s covers it.)
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=16384)
def _decode(value: str) -> str:
    literal = _BARE_LITERAL.sub(r"\\\1", value) if "%" in value or "&" in value else value
    source = texmacros.strip_dimensions(literal)
    text = scan(source)
    if text is None:
        text = _full_decode(source, value)
    return _collapse(text)


def _full_decode(source: str, value: str) -> str:
    """pylatexenc's full parser: the reference the scanner must agree with."""
    try:
        return str(_decoder().latex_to_text(source, latex_context=_walker_context()))
    except Exception:  # pylatexenc raises assorted errors on malformed input
        return value.replace("{", "").replace("}", "")


@lru_cache(maxsize=1)
def _walker_context() -> LatexContextDb:
    # The parser's macro table (which macros take arguments), built once: pylatexenc would
    # otherwise rebuild it for every value, a fifth of its time.
    from pylatexenc.latexwalker import get_default_latex_context_db
    from pylatexenc.macrospec import MacroSpec, VerbatimArgsParser

    context = get_default_latex_context_db()
    context.add_context_category(
        "publist",
        prepend=True,
        macros=[
            *(MacroSpec(name, spec) for name, (spec, _) in texmacros.WITH_ARGUMENTS.items()),
            *(
                MacroSpec(name, args_parser=VerbatimArgsParser("verb-macro"))
                for name in texmacros.VERBATIM
            ),
        ],
    )
    return context


# --- the scanner -------------------------------------------------------------------------------

# pylatexenc's text-mode specials and what it renders them as (longest match wins; a bare
# ``&`` never gets here, it is escaped first). Checked against pylatexenc by the tests.
SPECIALS: dict[str, str] = {
    "~": "\xa0",
    "``": "\u201c",
    "''": "\u201d",
    "--": "\u2013",
    "---": "\u2014",
    "!`": "\xa1",
    "?`": "\xbf",
}
# The accent macros and their combining characters, as pylatexenc defines them.
ACCENTS: dict[str, str] = {
    "'": "\u0301",
    "`": "\u0300",
    '"': "\u0308",
    "c": "\u0327",
    "^": "\u0302",
    "~": "\u0303",
    "H": "\u030b",
    "k": "\u0328",
    "=": "\u0304",
    "b": "\u0331",
    ".": "\u0307",
    "d": "\u0323",
    "r": "\u030a",
    "u": "\u0306",
    "v": "\u030c",
    "vec": "\u20d7",
    "dot": "\u0307",
    "hat": "\u0302",
    "check": "\u030c",
    "breve": "\u0306",
    "acute": "\u0301",
    "grave": "\u0300",
    "tilde": "\u0303",
    "bar": "\u0305",
    "ddot": "\u0308",
    "not": "\u0338",
}
_DOTLESS = {"\u0131": "i", "\u0237": "j"}

# One token: plain text, a macro, a special, a brace, a lone character that only looks
# special, or a dollar. ``%`` (a comment) and a bare ``&`` match nothing: the scanner gives up.
_TOKEN = re.compile(
    r"([^\\{}$%&~`'!?\-]+)"
    r"|\\([A-Za-z]+|.)"
    r"|(---|--|``|''|!`|\?`|~)"
    r"|(\{)"
    r"|(\})"
    r"|([`'!?\-])"
    r"|(\$)",
    re.DOTALL,
)
_TEXT, _MACRO, _SPECIAL_CHARS, _OPEN, _CLOSE, _CHAR, _DOLLAR = range(1, 8)
# Everything that can start a token other than plain text and hyphens.
_BEYOND_DASHES = re.compile(r"[\\{}$%&~`'!?]")
_MACRO_NAME = re.compile(r"\\([A-Za-z]+|.)", re.DOTALL)
_WHITESPACE = re.compile(r"\s*")
# Tokens pylatexenc treats as math or environments, never as plain macros.
_NOT_MACROS = frozenset({"(", ")", "[", "]", "begin", "end"})


class _NeedsParserError(Exception):
    """The scanner met something only pylatexenc's full parser handles."""


@dataclass(frozen=True, slots=True)
class _Macro:
    """How a macro renders: what argument it takes and the function that renders it."""

    # "none"; "group": one braced argument; "accent": a letter, a group or an
    # argument-free macro, accented character by character.
    argument: str
    render: Callable[[str], str]


def scan(source: str) -> str | None:
    """Render ``source`` as pylatexenc would, or None when it needs the full parser."""
    if "\n\n" in source:  # a paragraph break changes how spaces after macros are read
        return None
    if not _BEYOND_DASHES.search(source):
        # Page ranges and the like: dashes are the only special, taken greedily from the left.
        return source.replace("---", SPECIALS["---"]).replace("--", SPECIALS["--"])
    try:
        text, _ = _scan(source, 0, in_group=False, math=False)
    except _NeedsParserError:
        return None
    return text


def _scan(source: str, pos: int, *, in_group: bool, math: bool) -> tuple[str, int]:
    """Render from ``pos`` to the end, the closing brace (``in_group``) or closing dollar.

    In math (``$...$``) pylatexenc spaces by the source: a run of plain characters that is
    only whitespace is dropped, and the spaces an argument-free macro swallowed come back
    when plain characters follow it.
    """
    out: list[str] = []
    run: list[str] = []  # plain characters not yet written (math only)
    bare = False  # the last node was an argument-free macro (math only)
    swallowed = ""  # ... and these are the spaces it swallowed
    end = len(source)
    while pos < end:
        token = _TOKEN.match(source, pos)
        if token is None:
            raise _NeedsParserError
        kind = token.lastindex
        pos = token.end()
        if kind in (_TEXT, _CHAR):
            (run if math else out).append(token.group(kind))
            continue
        if run:
            _flush(out, run, bare, swallowed)  # (each branch below sets bare anew)
        if kind == _MACRO:
            text, pos, bare, swallowed = _macro(source, token.group(kind), pos, math=math)
            out.append(text)
            continue
        bare = False
        if kind == _SPECIAL_CHARS:
            out.append(SPECIALS[token.group(kind)])
        elif kind == _OPEN:
            text, pos = _scan(source, pos, in_group=True, math=math)
            out.append(text)
        elif kind == _CLOSE:
            if not in_group:  # an unmatched closing brace
                raise _NeedsParserError
            return "".join(out), pos
        elif math:
            if in_group:  # a dollar inside a group of a formula
                raise _NeedsParserError
            return "".join(out), pos
        else:
            if source.startswith("$", pos):  # $$: display math
                raise _NeedsParserError
            text, pos = _scan(source, pos, in_group=False, math=True)
            out.append(text.strip())
    if in_group or math:  # an unclosed group or formula
        raise _NeedsParserError
    return "".join(out), pos


def _flush(out: list[str], run: list[str], bare: bool, swallowed: str) -> None:
    """Write a run of plain characters inside a formula, as pylatexenc spaces it."""
    text = "".join(run)
    run.clear()
    if bare:
        out.append(swallowed)
    if text.strip():
        out.append(text)


def _after_name(source: str, name: str, pos: int) -> int:
    """Where a macro's arguments start: a letter macro swallows the spaces after its name."""
    if not name.isalpha():
        return pos
    if pos < len(source) and source[pos].isalpha():  # a non-ASCII letter extends the name
        raise _NeedsParserError
    return _skip_spaces(source, pos)


def _macro(source: str, name: str, pos: int, *, math: bool) -> tuple[str, int, bool, str]:
    """The macro's text, where it ends, whether it took no argument, the spaces it swallowed."""
    after = _after_name(source, name, pos)
    macro = _macro_spec(name)
    if macro.argument == "none":
        return macro.render(""), after, True, source[pos:after]
    pos = _skip_spaces(source, after)
    if macro.argument == "group":
        if not source.startswith("{", pos):
            raise _NeedsParserError
        text, pos = _scan(source, pos + 1, in_group=True, math=math)
        return macro.render(text), pos, False, ""
    text, pos = _accent_argument(source, pos, math=math)
    return macro.render(text), pos, False, ""


def _skip_spaces(source: str, pos: int) -> int:
    match = _WHITESPACE.match(source, pos)
    return match.end() if match else pos


def _accent_argument(source: str, pos: int, *, math: bool) -> tuple[str, int]:
    if pos >= len(source):
        raise _NeedsParserError
    char = source[pos]
    if char == "{":
        return _scan(source, pos + 1, in_group=True, math=math)
    if char == "\\":
        match = _MACRO_NAME.match(source, pos)
        if match is None:
            raise _NeedsParserError
        name = match.group(1)
        after = _after_name(source, name, match.end())
        macro = _macro_spec(name)
        if macro.argument != "none":
            raise _NeedsParserError
        return macro.render(""), after
    if char.isalpha():
        return char, pos + 1
    raise _NeedsParserError


def _accent(combining: str) -> Callable[[str], str]:
    def render(text: str) -> str:
        return "".join(_accented(ch, combining) for ch in text.strip())

    return render


@lru_cache(maxsize=4096)
def _accented(char: str, combining: str) -> str:
    return unicodedata.normalize("NFC", _DOTLESS.get(char, char) + combining)


def _constant(text: str) -> Callable[[str], str]:
    return lambda _argument: text


def _formatted(template: str) -> Callable[[str], str]:
    return lambda argument: template % (argument,)


def _same(argument: str) -> str:
    return argument


_MACROS: dict[str, _Macro | None] = {}


def _macro_spec(name: str) -> _Macro:
    """How macro ``name`` renders, read from pylatexenc's tables once per name."""
    if name not in _MACROS:
        _MACROS[name] = _read_macro(name)
    macro = _MACROS[name]
    if macro is None:
        raise _NeedsParserError
    return macro


def _read_macro(name: str) -> _Macro | None:
    from pylatexenc.macrospec import MacroStandardArgsParser

    if name in _NOT_MACROS:
        return None
    parser_spec = _walker_context().get_macro_spec(name)
    argspec = ""
    if parser_spec is not None:
        parser = parser_spec.args_parser
        if type(parser) is not MacroStandardArgsParser or any(parser.args_math_mode or ()):
            return None
        argspec = parser.argspec
    text_spec = _decoder().latex_context.get_macro_spec(name)
    replacement = text_spec.simplify_repl if text_spec is not None else None
    discard = text_spec.discard if text_spec is not None else True
    if argspec == "":
        if callable(replacement):
            # With no argument to look at, it renders the same alone as anywhere else.
            try:
                alone = _decoder().latex_to_text("\\" + name, latex_context=_walker_context())
            except Exception:  # e.g. \href without its arguments: the full parser's case
                return None
            return _Macro("none", _constant(str(alone)))
        if replacement and "%" in replacement and replacement != "%":
            return None
        return _Macro("none", _constant(replacement or ""))
    if argspec != "{":
        return None
    if callable(replacement):
        combining = ACCENTS.get(name)
        if combining is not None and getattr(replacement, "__defaults__", None) == (combining,):
            return _Macro("accent", _accent(combining))
        return None
    if replacement:
        if replacement.count("%") == 1 and "%s" in replacement:
            return _Macro("group", _formatted(replacement))
        if "%" in replacement and replacement != "%":
            return None
        return _Macro("group", _constant(replacement))
    return _Macro("group", _constant("") if discard else _same)
