"""The macros real .bib files use beyond plain LaTeX, and how each reads as text.

Collected from TeX Live's own bibliographies (``scripts/realworld.py``): TeX logos
(``\\TeX``, ``\\MF``), biblatex punctuation and formatting commands, sort-key tricks
(``\\noopsort``) and verbatim paths. pylatexenc drops any macro it does not know, so
without this table ``The \\TeX{}book`` would read ``The book``.
"""

from __future__ import annotations

import re
from types import MappingProxyType

# Macros without arguments, by name: the text they stand for.
LOGOS = MappingProxyType(
    {
        "TeX": "TeX",
        "LaTeX": "LaTeX",
        "LaTeXe": "LaTeX2ε",
        "BibTeX": "BibTeX",
        "BibLaTeX": "BibLaTeX",
        "biblatex": "biblatex",
        "AmSTeX": "AmS-TeX",
        "AMSTeX": "AMS-TeX",
        "AMSTEX": "AMS-TeX",
        "AmSLaTeX": "AMS-LaTeX",
        "AMSLaTeX": "AMS-LaTeX",
        "AmS": "AMS",
        "AMS": "AMS",
        "LAMSTeX": "LAMS-TeX",
        "AllTeX": "(La)TeX",
        "SliTeX": "SliTeX",
        "PiCTeX": "PiCTeX",
        "ConTeXt": "ConTeXt",
        "eTeX": "ε-TeX",
        "pdfTeX": "pdfTeX",
        "pdfLaTeX": "pdfLaTeX",
        "XeTeX": "XeTeX",
        "XeLaTeX": "XeLaTeX",
        "LuaTeX": "LuaTeX",
        "LuaLaTeX": "LuaLaTeX",
        "MF": "METAFONT",
        "METAFONT": "METAFONT",
        "slMF": "METAFONT",
        "MP": "MetaPost",
        "METAPOST": "MetaPost",
        "MetaPost": "MetaPost",
        "PS": "PostScript",
        "POSTSCRIPT": "PostScript",
        "PostScript": "PostScript",
        "TUB": "TUGboat",
        "TUGboat": "TUGboat",
        "LyX": "LyX",
        "TikZ": "TikZ",
        "Xy": "Xy",
        "Thanh": "Hàn Thế Thành",
        "emdash": "—",
        "endash": "–",
        "Dash": "—",
        "slash": "/",
        "hyphen": "-",
        "adddot": ".",
        "addcomma": ",",
        "addsemicolon": ";",
        "addcolon": ":",
        "addperiod": ".",
        "addspace": " ",
        "adddotspace": ". ",
        "addabbrvspace": " ",
        "addnbspace": " ",
        "addthinspace": " ",
        "space": " ",
        "thinspace": " ",
        "isdot": "",
        "nopunct": "",
        "unskip": "",
        "protect": "",
        "relax": "",
        "newblock": " ",
        # A discretionary hyphen is a typesetting hint; a soft hyphen would print as a gap.
        "-": "",
        # All capitals, but a font size, not an acronym.
        "LARGE": "",
        # publist writes these for literal braces in text from arXiv.
        "textbraceleft": "{",
        "textbraceright": "}",
    }
)

# Macros with arguments: (pylatexenc argument spec, replacement). One braced argument is
# ``%s`` (so publist's fast scanner renders it too); several are ``%(n)s`` for argument n.
WITH_ARGUMENTS = MappingProxyType(
    {
        "mbox": ("{", "%s"),
        "hbox": ("{", "%s"),
        "textup": ("{", "%s"),
        "textmd": ("{", "%s"),
        "textsf": ("{", "%s"),
        "texttt": ("{", "%s"),
        "textnormal": ("{", "%s"),
        "textsuperscript": ("{", "%s"),
        "textsubscript": ("{", "%s"),
        "url": ("{", "%s"),
        "cite": ("*[[{", "[%(4)s]"),
        "hologo": ("{", "%s"),
        "acro": ("{", "%s"),
        "acronym": ("{", "%s"),
        "mkbibacro": ("{", "%s"),
        "mkbibemph": ("{", "%s"),
        "mkbibitalic": ("{", "%s"),
        "mkbibbold": ("{", "%s"),
        "mkbibquote": ("{", "“%s”"),
        "enquote": ("*{", "“%(2)s”"),
        "mkbibparens": ("{", "(%s)"),
        "mkbibbrackets": ("{", "[%s]"),
        "bibstring": ("{", "%s"),
        "foreignlanguage": ("[{{", "%(3)s"),
        "hyphenrules": ("{{", "%(2)s"),
        "noopsort": ("{", ""),
        "APACSortNoop": ("{", ""),
        "SortNoop": ("{", ""),
        "bibnodot": ("{", ""),
        "phantom": ("{", ""),
        "hphantom": ("[{", ""),
        "vphantom": ("[{", ""),
        "smash": ("[{", "%(2)s"),
        "llap": ("{", "%s"),
        "rlap": ("{", "%s"),
    }
)

# Verbatim macros: ``\path=a@b=`` and ``\verb|x|`` keep their argument exactly.
VERBATIM = ("path", "verb")

# TeX primitives that take a dimension (``\kern-.05em``); pylatexenc cannot parse those.
_DIMENSION = re.compile(
    r"\\(?:kern|raise|lower|hskip|vskip|mkern|moveleft|moveright)\s*"
    r"-?\s*(?:[0-9]*\.?[0-9]+)\s*(?:em|ex|pt|bp|cm|mm|in|pc|dd|cc|sp|mu)\b"
)
_LOGO_NAME = re.compile(r"[A-Z]{2,}[A-Za-z]*|[A-Za-z]*(?:TeX|TEX)[A-Za-z]*")


def strip_dimensions(value: str) -> str:
    """Remove spacing primitives with a dimension, which pylatexenc would print as text."""
    if "\\" not in value:
        return value
    return _DIMENSION.sub("", value)


def unknown_macro_text(name: str, *, has_arguments: bool) -> str:
    """What an unknown macro reads as: its name when it is a logo or an acronym, else nothing.

    Beebe's bibliographies write ``{\\VAX}``, ``{\\SGML}`` and ``\\JTeX`` for small-caps names;
    font switches such as ``\\it`` and ``\\sc`` read as nothing.
    """
    if has_arguments or not _LOGO_NAME.fullmatch(name):
        return ""
    return name
