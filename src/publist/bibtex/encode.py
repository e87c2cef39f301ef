"""Text into BibTeX: make plain text (from arXiv or another service) safe in a braced value."""

from __future__ import annotations

import re

from publist.bibtex.names import EAST_ASIAN_FAMILY_NAMES, SURNAME_PARTICLES

_SPACES = re.compile(r"\s+")
_MATH = re.compile(r"(?<!\\)\$(?=\S)[^$]+?(?<=\S)(?<!\\)\$")
_ESCAPE = re.compile(r"(?<!\\)([&%#_$])")


def to_bibtex(text: str) -> str:
    """Make plain text from arXiv safe inside a braced BibTeX value.

    ``& % # _ $`` are escaped outside ``$...$`` math (which arXiv keeps as TeX). Balanced
    braces stay (TeX grouping, as arXiv means them); a TeX-escaped brace or an unbalanced one
    becomes ``\\textbraceleft{}``/``\\textbraceright{}``, so the value always closes where it
    should for BibTeX and for parsers that honour ``\\{``. Non-ASCII stays UTF-8; whitespace
    is collapsed, and TeX line breaks (``\\\\``) become spaces: a value is one logical line.
    """
    text = _SPACES.sub(" ", text.replace("\\\\", " ")).strip().rstrip("\\").rstrip()
    pieces: list[str] = []
    cursor = 0
    for match in _MATH.finditer(text):
        pieces.append(_ESCAPE.sub(r"\\\1", text[cursor : match.start()]))
        pieces.append(match.group(0))
        cursor = match.end()
    pieces.append(_ESCAPE.sub(r"\\\1", text[cursor:]))
    result = "".join(pieces)
    if not _balanced(result.replace("\\{", "").replace("\\}", "")):
        return "".join(
            _LEFT if c == "{" else _RIGHT if c == "}" else c
            for c in result.replace("\\{", "{").replace("\\}", "}")
        )
    return result.replace("\\{", _LEFT).replace("\\}", _RIGHT)


_LEFT = "\\textbraceleft{}"
_RIGHT = "\\textbraceright{}"


def _balanced(text: str) -> bool:
    """Brace balance as BibTeX counts it: every brace, backslash or not."""
    depth = 0
    for char in text:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def split_display_name(name: str) -> tuple[str, str]:
    """``(given, family)`` of a display name ("Adrian Del Maestro" -> "Adrian", "Del Maestro").

    The last word is the family name, extended leftwards over surname particles whatever their
    case (:data:`~publist.bibtex.names.SURNAME_PARTICLES`), except a capitalised one before a
    common East Asian family name (:data:`~publist.bibtex.names.EAST_ASIAN_FAMILY_NAMES`). A
    one-word, CJK, braced or group name ("ATLAS Collaboration") is all family; "Family, Given"
    is read as written.
    """
    name = " ".join(name.split())
    if name.startswith("{") and _group_end(name, 0) == len(name):
        return "", name[1:-1]  # braced whole by the source: "{ATLAS Collaboration}"
    if name.count(",") == 1:  # already "Family, Given"
        family, given = (part.strip() for part in name.split(","))
        return given, family
    words = name.split()
    if len(words) <= 1 or _CJK.search(name) or words[-1] in _GROUP_WORDS:
        return "", name
    start = len(words) - 1
    capitals_are_given = words[-1] in EAST_ASIAN_FAMILY_NAMES
    while start > 1 and words[start - 1].lower().rstrip(".") in SURNAME_PARTICLES:
        if capitals_are_given and words[start - 1][0].isupper():
            break
        start -= 1
    return " ".join(words[:start]), " ".join(words[start:])


# The last word of a group's name, written whole: "ATLAS Collaboration", "IceCube Consortium".
_GROUP_WORDS = frozenset({"Collaboration", "Collaborations", "Consortium"})


_SUFFIX = re.compile(r"(?:,\s*|\s+)(Jr\.?|Sr\.?|II|III|IV)$")


def split_person(name: str) -> tuple[str, str, str]:
    """``(given, family, suffix)`` of a display name: "John Smith Jr." -> John, Smith, Jr."""
    name = " ".join(name.split())
    if name.count(",") == 2 and not name.startswith("{"):  # already "Family, Jr, Given"
        family, suffix, given = (part.strip() for part in name.split(","))
        return given, family, suffix
    suffix = ""
    match = _SUFFIX.search(name)
    if match is not None and len(name[: match.start()].split()) >= 2:
        suffix, name = match.group(1), name[: match.start()]
    given, family = split_display_name(name)
    # arXiv's stray space inside a hyphenated initial: "P. -N. Roy" is "P.-N. Roy".
    return re.sub(r"\s+-(?=\w)", "-", given), family, suffix


def person(given: str, family: str, suffix: str = "") -> str:
    """One name for an ``author`` field in BibTeX's unambiguous ``Family, Given`` form.

    A family name BibTeX could misread (a single word given whole, CJK, one holding "and" or a
    comma) is braced; the text is escaped as :func:`to_bibtex` does.
    """
    family_text = to_bibtex(family)
    given_text = to_bibtex(given)
    if not given_text:
        return "{" + family_text + "}"
    if _NEEDS_BRACES.search(family_text) or _NEEDS_BRACES.search(given_text):
        family_text = "{" + family_text + "}"
        given_text = "{" + given_text + "}" if _NEEDS_BRACES.search(given_text) else given_text
    if suffix:
        return f"{family_text}, {to_bibtex(suffix)}, {given_text}"
    return f"{family_text}, {given_text}"


# A comma or a standalone "and" inside a part would split the name or the list.
_NEEDS_BRACES = re.compile(r",|\band\b", re.IGNORECASE)
_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff]")


# Proper nouns that sentence-case styles would lowercase in a title (README: "What publist
# writes"); `[titles] protect` in publist.toml adds to them.
PROPER_NOUNS = frozenset(
    [
        "Bayes",
        "Bayesian",
        "Bernoulli",
        "Bethe",
        "Boltzmann",
        "Boolean",
        "Bose",
        "Brownian",
        "Cauchy",
        "Chebyshev",
        "Dirac",
        "Dirichlet",
        "Einstein",
        "Euclidean",
        "Euler",
        "Eulerian",
        "Fermi",
        "Fourier",
        "Gauss",
        "Gaussian",
        "Gibbs",
        "Hamiltonian",
        "Hermite",
        "Hessian",
        "Hilbert",
        "Hopfield",
        "Hubbard",
        "Ising",
        "Jacobian",
        "Kalman",
        "Kolmogorov",
        "Krylov",
        "Lagrange",
        "Lagrangian",
        "Langevin",
        "Laplace",
        "Laplacian",
        "Lipschitz",
        "Lyapunov",
        "Markov",
        "Markovian",
        "Monte",
        "Carlo",
        "Nash",
        "Nesterov",
        "Newton",
        "Newtonian",
        "Pareto",
        "Poisson",
        "Potts",
        "Riemann",
        "Riemannian",
        "Schrödinger",
        "Shannon",
        "Stokes",
        "Navier",
        "Turing",
        "Wasserstein",
        "Wiener",
        "Heisenberg",
        "Hebbian",
        "Kullback",
        "Leibler",
        "Gromov",
        "Banach",
        "Sobolev",
        "Hölder",
        "Bregman",
        "Frank",
        "Wolfe",
        "Adam",
        "English",
        "Chinese",
        "European",
        "American",
        "African",
        "Asian",
    ]
)
_WORD_CHARS = re.compile(r"[^\W_][\w'’-]*")


def protect_title(title: str, extra: frozenset[str] = frozenset()) -> str:
    """``title`` (BibTeX, already escaped) with the words a style must not lowercase braced.

    A word with a capital after its first letter or a digit inside (``DNA``, ``GUI``,
    ``iPhone``, ``LaTeX``, ``COVID-19``, ``Fed2Com``) is braced whole; a proper noun of
    :data:`PROPER_NOUNS` (or ``extra``) is braced where it stands (``Quasi-{Newton}``). Math
    (``$...$``, ``\\(...\\)``) is braced whole, as it is. Text in braces, and a macro with the
    word after it, are left exactly as they are, so a protected title decodes to the same text,
    and protecting twice changes nothing.
    """
    nouns = PROPER_NOUNS | extra
    out: list[str] = []
    i = 0
    n = len(title)
    after_macro = False  # the last thing copied was a macro still waiting for its argument
    while i < n:
        char = title[i]
        waiting, after_macro = after_macro, False
        if char == "{":
            end = _group_end(title, i)
            out.append(title[i:end])
            i = end
        elif char == "$" or title.startswith(("\\(", "\\["), i):
            # Math is braced whole: BibTeX's sentence case would turn $\Lambda$ into $\lambda$.
            closing = "$" if char == "$" else ("\\)" if title[i + 1] == "(" else "\\]")
            found = title.find(closing, i + (1 if char == "$" else 2))
            if found < 0:  # never closed: left as written
                out.append(title[i:])
                break
            end = found + len(closing)
            # Math that is a macro's argument (\textbf $x$) stays as written.
            out.append(title[i:end] if waiting else "{" + title[i:end] + "}")
            i = end
        elif char == "\\":
            # A macro and what follows it are left as written: braces after an accent
            # (\"OBB) or around a macro's argument would change what it applies to.
            match = _MACRO_AND_ARGUMENT.match(title, i)
            end = match.end() if match else i + 1
            after_macro = match is not None and not match.group(1)
            out.append(title[i:end])
            i = end
        elif char.isalnum() and (i == 0 or not (title[i - 1].isalnum() or title[i - 1] == "\\")):
            match = _WORD_CHARS.match(title, i)
            word = match.group() if match else char
            following = title[i + len(word) : i + len(word) + 1]
            if following in ("{", "\\"):
                # A word running into a brace or macro ("Schr{\"o}dinger") is left as written.
                out.append(word)
            elif (i and title[i - 1] == "$") or following == "$":
                # A word glued to math is part of a formula: "$^4$He" keeps its "He".
                out.append("{" + word + "}")
            else:
                out.append(_protect_word(word, nouns))
            i += len(word)
        else:
            out.append(char)
            i += 1
    return "".join(out)


# A control word and its spaces, or a control symbol, then the word that follows it if any.
_MACRO_AND_ARGUMENT = re.compile(r"\\(?:[A-Za-z]+\s*|.)([^\W_]*)")


def _group_end(text: str, start: int) -> int:
    depth = 0
    for index in range(start, len(text)):
        char = text[index]
        if char == "\\":
            continue
        if char == "{" and (index == 0 or text[index - 1] != "\\"):
            depth += 1
        elif char == "}" and text[index - 1] != "\\":
            depth -= 1
            if depth == 0:
                return index + 1
    return len(text)


def _protect_word(word: str, nouns: frozenset[str]) -> str:
    core = word.rstrip("'’-")
    tail = word[len(core) :]
    parts = core.split("-")
    if any(_keeps_case(part) for part in parts):
        return "{" + core + "}" + tail
    return "-".join(_protect_noun(part, nouns) for part in parts) + tail


def _protect_noun(part: str, nouns: frozenset[str]) -> str:
    base = re.sub(r"['’]s$", "", part)  # "Markov's": the name without its possessive
    return "{" + base + "}" + part[len(base) :] if base in nouns else part


def _keeps_case(part: str) -> bool:
    """A capital after the first letter, or a digit between letters: DNA, iPhone, Fed2Com."""
    if any(ch.isupper() for ch in part[1:]):
        return True
    letters = [ch.isalpha() for ch in part]
    return any(
        ch.isdigit() and any(letters[:index]) and any(letters[index + 1 :])
        for index, ch in enumerate(part)
    )
