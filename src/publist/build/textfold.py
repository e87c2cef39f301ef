"""Comparing text as a reader would: no case, accents or punctuation differences."""

from __future__ import annotations

import re
import unicodedata

_NOT_WORD = re.compile(r"[\W_]+")


def fold_words(text: str) -> str:
    """Casefolded, accents removed, punctuation as one space: ``Qíngyǔ-Song`` -> ``qingyu song``."""
    if text.isascii():
        stripped = text  # nothing to decompose: most titles and names
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NOT_WORD.sub(" ", stripped.casefold()).split())


def fold(text: str) -> str:
    """Like :func:`fold_words` without any separator: ``Qíngyǔ Song`` -> ``qingyusong``."""
    return fold_words(text).replace(" ", "")
