"""Every fast path gives what the straightforward code it sits in front of gives.

The oracles below are the plain implementations the fast paths were added to; hypothesis
feeds both the kind of input that takes each path and the kind that must not.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest
from bibtexparser.entrypoint import parse_string
from bibtexparser.middlewares.names import split_multiple_persons_names
from hypothesis import given, settings
from hypothesis import strategies as st

from publist.bibtex import arxiv_ids, links
from publist.bibtex.links import split_urls
from publist.bibtex.names import split_names
from publist.bibtex.parse import _LineMap, _Locator, parse
from publist.bibtex.values import MONTH_MACROS, evaluate
from publist.build.control import CONTROL
from publist.build.markup import Inline, Text, _end_sentence, plain
from publist.output.markdown import escape

STRINGS = {"tug": "TUGboat", "ack": "N. H. F. Beebe"}


def _oracle_evaluate(raw: str, strings: Mapping[str, str]) -> str:
    raw = raw.strip()
    if not raw:
        return ""
    if raw[0] == "{" and raw[-1] == "}" and _closes_at_end(raw):
        return raw[1:-1]
    if raw[0] == '"' and raw[-1] == '"' and _single_quoted(raw):
        return raw[1:-1]
    return "".join(_piece(piece, strings) for piece in _concatenation(raw))


def _closes_at_end(raw: str) -> bool:
    depth = 0
    for index, char in enumerate(raw):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index == len(raw) - 1
    return False


def _single_quoted(raw: str) -> bool:
    depth = 0
    for char in raw[1:-1]:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            return False
    return True


def _concatenation(raw: str) -> Iterator[str]:
    depth, quoted, start = 0, False, 0
    for index, char in enumerate(raw):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            yield raw[start:index].strip()
            start = index + 1
    yield raw[start:].strip()


def _piece(piece: str, strings: Mapping[str, str]) -> str:
    if len(piece) >= 2 and piece[0] == "{" and piece[-1] == "}":
        return piece[1:-1]
    if len(piece) >= 2 and piece[0] == '"' and piece[-1] == '"':
        return piece[1:-1]
    name = piece.lower()
    return strings.get(name) or MONTH_MACROS.get(name) or piece


raw_values = st.one_of(
    st.text(alphabet='"{}# a', max_size=10),
    st.lists(
        st.sampled_from(['"', "{", "}", "#", " ", "a", "tug", "ack", "jan", "Dec", "12", "é"]),
        max_size=12,
    ).map("".join),
)


@settings(max_examples=1000)
@given(raw_values)
def test_evaluate_matches_the_plain_evaluator(raw: str) -> None:
    assert evaluate(raw, STRINGS) == _oracle_evaluate(raw, STRINGS)


@pytest.mark.parametrize(
    "raw",
    [
        *("{Plain}", '"Quoted"', "{a {b} c}", "{a}{b}", "{a}#b}", '"a"#"b"', '"a" # tug'),
        *("tug", "jan", "2024", '""', "{}", '"{"}"'),
    ],
)
def test_evaluate_examples(raw: str) -> None:
    assert evaluate(raw, STRINGS) == _oracle_evaluate(raw, STRINGS)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#&$])")
_MD_AUTOLINK = re.compile(r"(?i)\b(https?|ftp|mailto|www)(:|\.)")
_MD_LINE_BREAKS = re.compile(r"\s*[\r\n\u2028\u2029\x0b\x0c\x85]+\s*")


def _oracle_escape(text: str) -> str:
    text = _MD_LINE_BREAKS.sub(" ", CONTROL.sub("", text))
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _MD_AUTOLINK.sub(lambda m: f"{m.group(1)}\\{m.group(2)}", text)


markdown_text = st.lists(
    st.sampled_from(
        [
            *("a", " ", "\n", "\r", "\u2028", "\x85", "*", "_", "[", "<", "|", "~", "#", "&"),
            *("\x00", "\x1b", "\t", "\x0c"),
            *("$", "\\", "`", "http", "HTTPS", "ftp", "mailto", "www", ":", ".", "x", "é", "İ"),
        ]
    ),
    max_size=12,
).map("".join)


@settings(max_examples=500)
@given(st.one_of(markdown_text, st.text(max_size=20)))
def test_markdown_escape_matches_the_plain_escape(text: str) -> None:
    assert escape(text) == _oracle_escape(text)


arxiv_field_values = st.lists(
    st.sampled_from(
        [
            *("", " ", "arXiv", "ar{X}iv", "ARXİV", "arxıv", ":", "2501.18092", "v2", "10.48550/"),
            *(".", "https://arxiv.org/abs/", "hep-th/9901001", "{", "}", "preprint", "\\url{"),
        ]
    ),
    max_size=6,
).map("".join)
arxiv_fields = st.dictionaries(
    st.sampled_from(
        [
            *("eprint", "archiveprefix", "eprinttype", "arxivid", "arxiv", "doi", "url"),
            *("journal", "note", "howpublished"),
        ]
    ),
    arxiv_field_values,
)


def _precheck_agrees(fields: dict[str, str]) -> None:
    if not arxiv_ids._may_name_arxiv(fields):
        assert arxiv_ids._find(fields) == (None, None)


@settings(max_examples=500)
@given(arxiv_fields)
def test_arxiv_precheck_never_hides_an_id_or_a_problem(fields: dict[str, str]) -> None:
    _precheck_agrees(fields)


@pytest.mark.parametrize("field", ["doi", "url", "journal", "note", "howpublished"])
@pytest.mark.parametrize(
    "value",
    [
        *("ar{X}iv:2501.18092", "{arXiv}:2501.18092", "ARXİV:2501.18092", "arxıv:2501.18092"),
        *("\\url{https://ar{x}iv.org/abs/2501.18092}", "10.48550/ar{X}iv.2501.18092"),
        *("arXiv preprint 2501.18092", "arxiv:bad", "TUGboat", ""),
    ],
)
def test_arxiv_precheck_examples(field: str, value: str) -> None:
    _precheck_agrees({field: value})


def _oracle_line_numbers(text: str) -> Callable[[int | None], int | None]:
    if "\\\n" not in text:
        return lambda line: None if line is None else line + 1
    starts = [0]
    for index, newline in enumerate(re.finditer("\n", text), start=1):
        if text[newline.start() - 1 : newline.start()] != "\\":
            starts.append(index)
    return lambda line: None if line is None else starts[min(line, len(starts) - 1)] + 1


@settings(max_examples=500)
@given(st.text(alphabet="\\\na\r", max_size=30))
def test_line_numbers_match_the_plain_mapping(text: str) -> None:
    fast, plain = _LineMap(text), _oracle_line_numbers(text)
    lines = range(text.count("\n") + 3)
    for line in [None, *lines]:
        assert fast(line) == plain(line)
    for line in lines:
        shift, limit = fast.span(line)
        for inside in range(line, min(limit, len(lines))):
            assert plain(inside) == inside + shift


def _oracle_split_urls(value: str) -> list[str]:
    urls = []
    for piece in re.split(r"[;,]?\s+(?=[A-Za-z][A-Za-z0-9+.\-]*:)", value):
        piece = re.sub(r"\s*\n\s*", "", piece.strip().rstrip(";,").strip())
        if piece:
            urls.append(piece.replace(" ", "%20"))
    return urls


@settings(max_examples=500)
@given(
    st.lists(
        st.sampled_from(["https://a.b/x", "http:", "a", ";", ",", " ", "\n", "\t", "\x0b", "é"]),
        max_size=8,
    ).map("".join)
)
def test_split_urls_matches_the_plain_split(value: str) -> None:
    assert split_urls(value) == _oracle_split_urls(value)


@settings(max_examples=300)
@given(st.lists(st.sampled_from(["@misc{a,}", "@misc{b,}", "x", " ", "\n", "%c"]), max_size=10))
def test_block_locator_finds_each_block_where_plain_search_does(pieces: list[str]) -> None:
    text = "".join(pieces)
    library = parse_string(text, parse_stack=[])
    fast, cursor = _Locator(text), 0
    for block in library.blocks:
        raw = block.raw or ""
        plain = text.find(raw, cursor) if raw else -1
        if plain >= 0:
            cursor = plain + len(raw)
        assert fast(block) == plain


@settings(max_examples=500)
@given(
    st.lists(
        st.sampled_from(
            [
                *("http", "HTTPS", "mailto", "javascript", "java\tscript", ":", "//", "x.org"),
                *("&", "&#58;", "%3A", "%", "\\", " ", "\x00", "\x7f", "é", "s", "/"),
            ]
        ),
        max_size=8,
    ).map("".join)
)
def test_plain_url_fast_path_agrees_with_the_decoding_rounds(url: str) -> None:
    if links._PLAIN_SAFE.fullmatch(url):
        assert links._decoded_scheme_safe(url)


def test_every_character_html_drops_is_unprintable() -> None:
    # html._text skips the control-character regex for printable text; that is exact only
    # while the regex matches nothing printable.
    everything = "".join(chr(code) for code in range(0x110000) if not 0xD800 <= code < 0xE000)
    assert not [char for char in CONTROL.findall(everything) if char.isprintable()]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(["", " ", "a", "b.", "?", "!  ", "\n", "\xa0", "x "]), max_size=6))
def test_end_sentence_matches_the_plain_check(texts: list[str]) -> None:
    nodes: list[Inline] = [Text(text) for text in texts]
    expected = list(nodes)
    joined = plain(nodes).rstrip()
    if joined and joined[-1] not in ".?!":
        expected.append(Text("."))
    _end_sentence(nodes)
    assert nodes == expected


@pytest.mark.parametrize("enabled", [True, False])
def test_parse_pauses_the_cycle_collector_and_restores_it(enabled: bool, tmp_path: Path) -> None:
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        document = parse("@misc{a, title={T}}", path=tmp_path / "a.bib")
        assert gc.isenabled() is enabled
        assert [entry.key for entry in document.entries] == ["a"]
    finally:
        gc.enable() if was else gc.disable()


name_lists = st.lists(
    st.sampled_from(
        [
            " ",
            "  ",
            "\t",
            "\n",
            "\r",
            "~",
            "\u00a0",
            "and",
            "AND",
            "And",
            "an",
            "d",
            "a",
            "x",
            "Knuth",
            "{",
            "}",
            "\\",
            ",",
        ]
    ),
    max_size=14,
).map("".join)


@settings(max_examples=2000)
@given(name_lists)
def test_name_splitting_matches_bibtexparsers_scanner(value: str) -> None:
    expected = [name for name in split_multiple_persons_names(value) if name.strip()]
    assert split_names(value) == expected


@pytest.mark.parametrize(
    ("value", "names"),
    [
        ("Donald E. Knuth and Leslie Lamport", ["Donald E. Knuth", "Leslie Lamport"]),
        ("A. One AND B. Two\tand\nC. Three", ["A. One", "B. Two", "C. Three"]),
        ("{Simon and Schuster} and Lamport", ["{Simon and Schuster}", "Lamport"]),
        ("Anderson and~Brand", ["Anderson and~Brand"]),
        ("a and and b", ["a", "and b"]),
        ("a and }", ["a and }"]),
        ("a } and b", ["a }", "b"]),
        ("a and {b and c} and {d}", ["a", "{b and c}", "{d}"]),
        ("  ", []),
    ],
)
def test_name_splitting_examples(value: str, names: list[str]) -> None:
    assert split_names(value) == names


@settings(max_examples=500)
@given(
    st.one_of(
        st.text(max_size=40),
        st.lists(
            st.sampled_from(["a", " ", "\n", "\t", "\r", "&", "<", ">", '"', "'", "\x1b", "\x85"]),
            max_size=12,
        ).map("".join),
    )
)
def test_html_text_fast_path_matches_the_plain_escape(text: str) -> None:
    from html import escape as html_escape

    from publist.build.control import drop_control
    from publist.output.html import _text

    assert _text(text) == html_escape(drop_control(text), quote=False)
