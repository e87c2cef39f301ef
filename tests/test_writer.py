"""The splice writer: changed entries re-rendered in their own style, every other byte kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from publist.bibtex.edit import rewrite_entry, splice
from publist.bibtex.encode import to_bibtex
from publist.bibtex.latex import to_text
from publist.bibtex.parse import parse
from tests.helpers import BUNDLED_BIB


def test_unchanged_fields_and_other_entries_stay_byte_identical() -> None:
    text = BUNDLED_BIB.read_text(encoding="utf-8")
    document = parse(text, path=BUNDLED_BIB)
    target = document.entries[3]
    new = rewrite_entry(target, {"title": "{A New Title}"})
    out = splice(text, [(target, new)])
    before, after = text.splitlines(keepends=True), out.splitlines(keepends=True)
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [
        (
            "  title        = {Towards Robust Learning to Optimize with Theoretical Guarantees},\n",
            "  title        = {A New Title},\n",
        )
    ]


def test_rewrite_without_updates_round_trips_every_bundled_entry() -> None:
    text = BUNDLED_BIB.read_text(encoding="utf-8")
    document = parse(text, path=BUNDLED_BIB)
    replacements = [(entry, rewrite_entry(entry, {})) for entry in document.entries]
    assert splice(text, replacements) == text


def test_new_fields_follow_alignment_and_bare_values_stay_bare() -> None:
    text = "@Article{K,\n  Title   = {Old},\n  Month   = jan,\n  Journal = prl\n}\n"
    document = parse(text, path=Path("t.bib"))
    (entry,) = document.entries
    out = splice(text, [(entry, rewrite_entry(entry, {"title": "{New}", "doi": "{10.1/x}"}))])
    assert out == (
        "@Article{K,\n  Title   = {New},\n  Month   = jan,\n  Journal = prl,\n"
        "  doi     = {10.1/x}\n}\n"
    )


def test_crlf_entries_keep_crlf() -> None:
    text = (
        "% c\r\n@misc{x,\r\n  title={A},\r\n  note={multi\r\n  line}\r\n}\r\n"
        "@misc{y, title={Z}}\r\n"
    )
    document = parse(text, path=Path("t.bib"))
    entry = document.entries[0]
    out = splice(text, [(entry, rewrite_entry(entry, {"title": "{B}"}))])
    assert out == text.replace("title={A}", "title={B}")


def test_compact_one_line_entries() -> None:
    text = "@misc{a, title = {A}, year = 2020}\n@misc{b, title = {B}}\n"
    document = parse(text, path=Path("t.bib"))
    entry = document.entries[1]
    out = splice(text, [(entry, rewrite_entry(entry, {"title": "{C}"}))])
    assert out.startswith("@misc{a, title = {A}, year = 2020}\n")
    assert parse(out, path=Path("t.bib")).entries[1].fields["title"] == "{C}"


field_text = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(title=field_text, abstract=field_text)
def test_escaped_text_round_trips_through_the_writer(title: str, abstract: str) -> None:
    """Whatever arXiv sends, the written entry parses back with exactly the escaped values."""
    text = "@string{x = {y}}\n@misc{k,\n  title = {T},\n  month = jan\n}\n% trailing\n"
    document = parse(text, path=Path("t.bib"))
    (entry,) = document.entries
    updates = {"title": "{" + to_bibtex(title) + "}", "abstract": "{" + to_bibtex(abstract) + "}"}
    out = splice(text, [(entry, rewrite_entry(entry, updates))])
    reparsed = parse(out, path=Path("t.bib"))
    assert reparsed.diagnostics == ()
    (new_entry,) = reparsed.entries
    assert new_entry.fields["title"] == updates["title"]
    assert new_entry.fields["abstract"] == updates["abstract"]
    assert new_entry.fields["month"] == "jan"
    assert out.startswith("@string{x = {y}}\n") and out.endswith("}\n% trailing\n")


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(st.from_regex(r"[A-Za-z0-9&%#_$ .,:;!?()]{1,12}", fullmatch=True), max_size=8)
)
def test_to_bibtex_keeps_the_visible_text(words: list[str]) -> None:
    """Escaping is undone by decoding: the CV shows what arXiv said (TeX math, braces and --
    keep their TeX meaning, as arXiv means them)."""
    text = " ".join(words)
    if "$" in text:
        return
    assert to_text(to_bibtex(text)) == " ".join(text.split())


def test_parenthesised_entries_close_with_a_parenthesis() -> None:
    text = "@misc(a,\n  title = {Old},\n  eprint = {2501.18092},\n)\n"
    document = parse(text, path=Path("t.bib"))
    (entry,) = document.entries
    out = splice(text, [(entry, rewrite_entry(entry, {"title": "{New}"}))])
    assert out == "@misc(a,\n  title = {New},\n  eprint = {2501.18092},\n)\n"
    assert parse(out, path=Path("t.bib")).diagnostics == ()


def test_continuation_lines_do_not_spoil_the_alignment() -> None:
    text = (
        "@misc{a,\n  title    = {T},\n  abstract = {We show that\n  n = 5 suffices.},\n"
        "  year     = {2020},\n}\n"
    )
    document = parse(text, path=Path("t.bib"))
    (entry,) = document.entries
    out = splice(text, [(entry, rewrite_entry(entry, {"title": "{U}"}))])
    assert out == text.replace("{T}", "{U}")


def test_entries_are_located_exactly_after_backslash_line_ends_and_comment_copies() -> None:
    text = (
        "@misc{x, abstract = {line one \\\\\nline two}}\n"
        "@comment{@misc{a, eprint={2501.18092}}} @misc{a, eprint={2501.18092}}\n"
    )
    document = parse(text, path=Path("t.bib"))
    entry = next(e for e in document.entries if e.key == "a")
    assert entry.line == 3
    out = splice(text, [(entry, rewrite_entry(entry, {"eprint": "{2501.18092v2}"}))])
    assert out.startswith(text[: text.index("} @misc{a")] + "} @misc{a")
    assert "@comment{@misc{a, eprint={2501.18092}}}" in out
    assert out.endswith("@misc{a,\n eprint={2501.18092v2}\n}\n")


def test_splice_refuses_two_changes_to_one_entry() -> None:
    """Two replacements of the same span would glue both into one place: never guess."""
    from publist.errors import OutputError

    text = "@misc{a, title = {A}}\n@misc{b, title = {B}}\n"
    first, _ = parse(text, path=Path("x.bib")).entries
    with pytest.raises(OutputError, match="nothing written"):
        splice(text, [(first, "@misc{a, title = {1}}"), (first, "@misc{a, title = {2}}")])
