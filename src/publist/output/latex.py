"""LaTeX: the lists as a fragment to ``\\input`` into a CV, or a standalone document.

Every piece of text is data, never markup: field values are decoded to Unicode when the bib
is read, and re-encoded here character by character. The ten ASCII specials become their
escaped forms (``\\&``, ``\\textbackslash{}``, ...), other characters become pylatexenc's
LaTeX for them (``\\"o``, ``\\ensuremath{\\alpha}``), and what has no LaTeX form (CJK) stays
UTF-8 for xelatex. No backslash, brace, ``%``, ``#`` or ``^`` of a field reaches the output
as itself, so nothing a .bib holds can make the compiler read, write or run anything. Keys
become ``\\label`` names of letters, digits and ``:._-`` only; links are ``\\href`` with a safe
scheme and every character outside a URL's plain set percent-encoded.

Labels are citable: each item sets its CV label (``C7``) as LaTeX's current label and writes
``\\label{publist:KEY}``, so ``\\publistref{KEY}`` prints ``C7`` after the usual second run, and
an unknown key shows as ``??`` with a warning.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from publist.bibtex.links import is_safe_url
from publist.build.control import drop_control
from publist.build.markup import Inline, Strong, format_entry
from publist.config import Config
from publist.model import Bibliography, Item
from publist.output.style import ListStyle, year_groups

_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "%": r"\%",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
    # Characters that TeX or LaTeX treat specially in text, or that fonts lack.
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    '"': r"\textquotedbl{}",
    # A backquote opens quotes, and makes ligatures after ! and ? (¡ ¿) in T1 fonts.
    "`": r"\textasciigrave{}",
}
_PLAIN = re.compile(r"[A-Za-z0-9 .,;:!?'()\[\]/+=*@-]*")
_QUOTED = re.compile(r'( ?)"(.*)"', re.DOTALL)
_ASCII_TABLE = str.maketrans({**_SPECIALS, "\n": " ", "\t": " ", "\r": " "})
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_LABEL_UNSAFE = re.compile(r"[^A-Za-z0-9:._-]")
# Characters a URL may keep inside \href; everything else is percent-encoded.
_URL_UNSAFE = re.compile(r"[^A-Za-z0-9\-._:/?=&@!$'()*+,;\[\]]")
_MACRO = re.compile(r"\\[A-Za-z]+")
_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")

# Fonts tried in turn for CJK text under xelatex; the first one installed is used.
CJK_FONTS = (
    "Noto Serif CJK SC",
    "Noto Sans CJK SC",
    "Source Han Serif SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "AR PL UMing CN",
    "Songti SC",
    "PingFang SC",
    "SimSun",
)

# Fonts tried in turn for Cyrillic and other alphabets Latin Modern lacks, under xelatex.
TEXT_FONTS = ("Noto Serif", "DejaVu Serif", "FreeSerif", "Liberation Serif")

MACROS = r"""\makeatletter
\providecommand\publistowner[1]{%OWNER%{#1}}
\providecommand\publistvenue[1]{\textbf{#1}}
\providecommand\publistaward[1]{\textbf{#1}}
\providecommand\publistitem[2]{\def\@currentlabel{#1}\label{publist:#2}}
\providecommand\publistref[1]{\ref{publist:#1}}
\providecommand\publistrefs[1]{[\publist@first\@for\publist@key:=#1\do{%
  \publist@sep\ref{publist:\publist@key}}]}
\providecommand\publist@first{\def\publist@sep{\def\publist@sep{, }}}
\makeatother
"""


def escape(text: str) -> str:
    """``text`` as LaTeX that prints it literally (never a command)."""
    text = drop_control(text)
    if _PLAIN.fullmatch(text):
        return text
    # The ASCII specials by one translation; each other non-ASCII character from its cache.
    text = text.translate(_ASCII_TABLE)
    if text.isascii():
        return text
    return _NON_ASCII.sub(lambda match: _char(match.group()), text)


@lru_cache(maxsize=4096)
def _char(char: str) -> str:
    special = _SPECIALS.get(char)
    if special is not None:
        return special
    if char == "\n" or char == "\t" or char == "\r":
        return " "
    if char.isascii():
        return char
    if _script(char) in _KEPT_SCRIPTS:
        # Whole alphabets stay UTF-8 for xelatex: pylatexenc's \CYRA-style names need the
        # T2A font encoding, which a Unicode font does not use.
        return char
    encoded: str = _encoder().unicode_to_latex(char)
    if encoded == char:
        # Not in pylatexenc's table: a letter with accents it lacks ("ǔ") is built from its
        # parts (\v{u}); anything else (CJK) stays UTF-8 for xelatex.
        return _accented(char) or char
    return encoded


# Scripts written as UTF-8 rather than as LaTeX macros (they need a font that has them).
_KEPT_SCRIPTS = frozenset({"CYRILLIC", "ARMENIAN", "GEORGIAN", "HEBREW", "ARABIC", "THAI"})


def _script(char: str) -> str:
    """The first word of the character's Unicode name (``CYRILLIC``), or ''."""
    return unicodedata.name(char, "").split(" ", 1)[0]


def _needs_unicode_font(text: str) -> bool:
    return any(not c.isascii() and _script(c) in _KEPT_SCRIPTS for c in text)


# Combining accents and the LaTeX text accent for each.
_ACCENTS = {
    "\u0300": "`",
    "\u0301": "'",
    "\u0302": "^",
    "\u0303": "~",
    "\u0304": "=",
    "\u0306": "u",
    "\u0307": ".",
    "\u0308": '"',
    "\u030a": "r",
    "\u030b": "H",
    "\u030c": "v",
    "\u0323": "d",
    "\u0327": "c",
    "\u0328": "k",
    "\u0331": "b",
}


def _accented(char: str) -> str | None:
    """``\\v{u}`` for ``ǔ``: an ASCII letter under accents LaTeX has, else None."""
    parts = unicodedata.normalize("NFD", char)
    base, marks = parts[0], parts[1:]
    if not (base.isascii() and base.isalpha()) or not marks:
        return None
    if any(mark not in _ACCENTS for mark in marks):
        return None
    text = {"i": "\\i{}", "j": "\\j{}"}.get(base, base)
    for mark in marks:
        accent = _ACCENTS[mark]
        text = f"\\{accent}{{{text}}}"
    return text


@lru_cache(maxsize=1)
def _encoder() -> Any:
    """pylatexenc's encoder, imported on first use: the other formats never need it."""
    from pylatexenc.latexencode import UnicodeToLatexEncoder

    # pylatexenc logs every character it has no LaTeX for (CJK among them); they stay UTF-8.
    logging.getLogger("pylatexenc.latexencode").setLevel(logging.ERROR)
    return UnicodeToLatexEncoder(
        non_ascii_only=True,
        unknown_char_policy="keep",
        replacement_latex_protection="braces-after-macro",
    )


def label_key(key: str) -> str:
    """``KEY`` for ``\\label{publist:KEY}``: characters outside ``[A-Za-z0-9:._-]`` as ``+HHHH``."""
    return _LABEL_UNSAFE.sub(lambda match: f"+{ord(match.group()):04X}", key)


def url(link: str) -> str:
    """A URL for ``\\href``: plain characters kept, the rest percent-encoded, ``%#`` escaped."""
    return _URL_UNSAFE.sub(_url_char, link)


def _url_char(match: re.Match[str]) -> str:
    char = match.group()
    if char in "%#":
        return "\\" + char
    return "".join(f"\\%{byte:02X}" for byte in char.encode("utf-8"))


def inline(nodes: Iterable[Inline]) -> str:
    """Inline nodes as LaTeX: the owner, venue and award through publist's macros."""
    out = []
    for node in nodes:
        if isinstance(node, Strong):
            macro = {"owner": r"\publistowner", "award": r"\publistaward"}.get(
                node.role, r"\publistvenue"
            )
            out.append(f"{macro}{{{escape(node.text)}}}")
        elif quoted := _QUOTED.fullmatch(node.text):
            # The style writes the title in straight double quotes; TeX's quotes read better.
            out.append(f"{quoted.group(1)}``{escape(quoted.group(2))}''")
        else:
            out.append(escape(node.text))
    return "".join(out)


def _texts(bibliography: Bibliography, config: Config) -> Iterable[str]:
    for item in bibliography.items:
        publication = item.publication
        people = (*publication.authors, *publication.editors)
        yield from (publication.title, publication.venue, publication.note)
        yield from (person.display for person in people)
    yield from (section.heading for section in bibliography.sections)
    yield config.html_title


def has_cjk(bibliography: Bibliography, config: Config) -> bool:
    """True when some text of the lists needs a CJK font (xelatex with xeCJK)."""
    return any(_CJK.search(text) for text in _texts(bibliography, config))


def _item(item: Item, style: ListStyle) -> str:
    publication = item.publication
    entry = inline(format_entry(publication, max_authors=style.max_authors))
    links = [
        rf"\href{{{url(link.url)}}}{{{escape(link.kind)}}}"
        for link in publication.links
        if is_safe_url(link.url)
    ]
    tail = f" {' '.join(links)}" if links else ""
    label = escape(item.label)
    return (
        f"  \\item[{label}.]\\publistitem{{{label}}}{{{label_key(publication.ref)}}} {entry}{tail}"
    )


def render(
    bibliography: Bibliography,
    config: Config,
    *,
    standalone: bool = False,
    style: ListStyle | None = None,
) -> str:
    """The lists as a LaTeX fragment, or a complete document when ``standalone``."""
    style = style or ListStyle.of(config)
    heading = config.latex_heading
    parts = [
        "% Publication lists written by publist. The preamble needs \\usepackage{hyperref}",
        "% (links) and \\usepackage{amssymb} (symbols such as \\mathbb{Z} in titles); for CJK",
        "% names under xelatex, \\usepackage{xeCJK} and \\setCJKmainfont{...}.",
        "% Cite a paper's current label with \\publistref{KEY} or \\publistrefs{KEY1,KEY2}",
        "% (two runs, as for \\ref).",
        MACROS.replace("%OWNER%", config.latex_owner).rstrip("\n"),
    ]
    for section in bibliography.sections:
        if style.headings:
            parts.append(f"{heading}{{{escape(section.heading)}}}")
        groups = year_groups(section.items) if style.group_by_year else [("", section.items)]
        for year, items in groups:
            if year:
                parts.append(f"\\paragraph*{{{escape(year)}}}")
            parts.append("\\begin{enumerate}")
            parts.extend(_item(item, style) for item in items)
            parts.append("\\end{enumerate}")
    if bibliography.legend:
        legend = " ".join(escape(f"{mark} {meaning}") for mark, meaning in bibliography.legend)
        parts.append(f"\\par\\noindent{{\\small {legend}}}")
    fragment = "\n".join(parts) + "\n"
    if not standalone:
        return fragment
    texts = list(_texts(bibliography, config))
    return _document(
        fragment,
        escape(config.html_title),
        cjk=any(_CJK.search(text) for text in texts),
        unicode_font=any(_needs_unicode_font(text) for text in texts),
    )


def _first_font(fonts: Iterable[str], command: str) -> str:
    """``\\IfFontExistsTF`` tests in turn: the first installed font is used."""
    names = list(fonts)
    tests = "".join(rf"\IfFontExistsTF{{{font}}}{{{command}{{{font}}}}}{{" for font in names)
    return tests + "}" * len(names)


def _document(fragment: str, title: str, *, cjk: bool, unicode_font: bool) -> str:
    lines = [
        r"\documentclass[11pt]{article}",
        r"\usepackage{iftex}",
        r"\ifPDFTeX",
        r"  \usepackage[utf8]{inputenc}",
        r"  \usepackage[T1]{fontenc}",
        r"  \usepackage{lmodern}",
        r"\else",
        r"  \usepackage{fontspec}",
    ]
    if unicode_font:
        # Latin Modern has no Cyrillic, Hebrew, ... : a font that has them, if one is installed.
        lines.append("  " + _first_font(TEXT_FONTS, r"\setmainfont"))
    if cjk:
        lines += [r"  \usepackage{xeCJK}", "  " + _first_font(CJK_FONTS, r"\setCJKmainfont")]
    lines += [
        r"\fi",
        r"\usepackage{amssymb}",
        r"\usepackage[margin=2.5cm]{geometry}",
        r"\usepackage[hidelinks]{hyperref}",
        r"\begin{document}",
        rf"\section*{{{title}}}",
        fragment.rstrip("\n"),
        r"\end{document}",
    ]
    return "\n".join(lines) + "\n"
