"""Owner highlighting: every spelling of the owner, never a near-namesake."""

from __future__ import annotations

import pytest

from publist.bibtex.names import extract_marks, parse_authors
from publist.build.owner import OwnerMatcher

OWNER = OwnerMatcher.from_names(["Qingyu Song", "宋庆禹"])
WITH_INITIALS = OwnerMatcher.from_names(["Qingyu Song"], match_initials=True)


@pytest.mark.parametrize(
    "spelling",
    [
        "Song, Qingyu",
        "Qingyu Song",
        "{Song}, Qingyu",
        "{Qingyu} {Song}",
        "SONG, QINGYU",
        r"Q{\'\i}ngy{\v{u}} S{\'o}ng",
        "Qíngyǔ Sòng",
        "宋庆禹",
        "{宋庆禹}",
        "Song*, Qingyu",
        "Qingyu Song*",
        r"Qingyu Song$^\dagger$",
        r"Qingyu Song\textsuperscript{*}",
        r"Song$^*$, Qingyu",
        "Qingyu~Song",
        "Qing-yu Song",
    ],
)
def test_owner_spellings_are_highlighted(spelling: str) -> None:
    authors, problems = parse_authors(f"Lin, Wei and {spelling} and Xu, Hong", OWNER)
    assert problems == []
    assert [a.is_owner for a in authors] == [False, True, False]


@pytest.mark.parametrize(
    "other",
    [
        "Qing Song",
        "Qingyu Sun",
        "Qing Yusong",
        "Yu Song",
        "Song Qingyu",
        "Q. Song",
        "Song, Q.",
        "宋庆",
        "von Song, Qingyu",
        "Qingyu Song-Li",
    ],
)
def test_near_namesakes_are_never_highlighted(other: str) -> None:
    authors, _ = parse_authors(other, OWNER)
    assert not authors[0].is_owner


@pytest.mark.parametrize("spelling", ["Q. Song", "Song, Q.", "Q Song", "Song, Q"])
def test_initials_only_when_configured(spelling: str) -> None:
    assert parse_authors(spelling, WITH_INITIALS)[0][0].is_owner
    assert not parse_authors(spelling, OWNER)[0][0].is_owner


def test_initials_never_match_a_different_initial() -> None:
    assert not parse_authors("J. Song", WITH_INITIALS)[0][0].is_owner
    assert not parse_authors("Y. Q. Song", WITH_INITIALS)[0][0].is_owner
    # An extra middle initial is allowed, as for full names ("Qingyu Y. Song").
    assert parse_authors("Q. Y. Song", WITH_INITIALS)[0][0].is_owner


def _is_owner(spelling: str, *names: str, initials: bool = False) -> bool:
    matcher = OwnerMatcher.from_names(names, match_initials=initials)
    (author,), problems = parse_authors(spelling, matcher)
    assert problems == []
    return author.is_owner


@pytest.mark.parametrize(
    "spelling",
    [
        "Rosenberg, Aviv A",
        "Rosenberg, Aviv A.",
        "Aviv A. Rosenberg",
        "Aviv A Rosenberg",
        "Aviv Alon Rosenberg",
        "Rosenberg, Aviv Alon B.",
        "ROSENBERG, AVIV",
    ],
)
def test_extra_middle_names_and_initials_still_match(spelling: str) -> None:
    assert _is_owner(spelling, "Aviv Rosenberg")


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [
        ("Aviv Rosenberg", True),  # fewer parts than the config
        ("Aviv A Rosenberg", True),
        ("Aviv Alon Rosenberg", True),  # the initial's full name
        ("Aviv A. C. Rosenberg", True),
        ("Aviv B. Rosenberg", False),  # a conflicting middle initial
        ("Rosenberg, Aviv B", False),
        ("Aviv Boaz Rosenberg", False),
        ("Avi A. Rosenberg", False),
    ],
)
def test_a_configured_middle_initial_is_honoured(spelling: str, expected: bool) -> None:
    assert _is_owner(spelling, "Aviv A. Rosenberg") is expected


@pytest.mark.parametrize(
    ("spelling", "owner", "expected"),
    [
        ("Ricard, JA", "Jean Ricard", True),  # Google Scholar / PubMed: J. A.
        ("Ricard, J", "Jean Ricard", True),
        ("Jones, G", "Gwen Jones", True),
        ("Ricard, JA", "Jean A. Ricard", True),
        ("Ricard, JB", "Jean A. Ricard", False),  # conflicting middle initial
        ("Ricard, J.A.", "Jean A. Ricard", True),
        ("Ricard, AJ", "Jean Ricard", False),
        ("Poon, AFY", "Art Poon", True),
        ("Poon, Art FY", "Art Poon", True),
        ("RICARD, JA", "Jean Ricard", False),  # all capitals: "JA" is a name, not initials
    ],
)
def test_undotted_initials_read_as_initials(spelling: str, owner: str, expected: bool) -> None:
    assert _is_owner(spelling, owner, initials=True) is expected


def test_undotted_initials_need_match_initials() -> None:
    assert not _is_owner("Ricard, JA", "Jean Ricard")
    assert not _is_owner("Jones, G", "Gwen Jones")


@pytest.mark.parametrize(
    ("spelling", "initials", "expected"),
    [
        ("Jean-Pierre Dupont", False, True),
        ("Dupont, Jean-Pierre", False, True),
        ("Jean Pierre Dupont", False, True),  # the hyphen dropped
        ("Jean-Pierre M. Dupont", False, True),
        ("Jean Dupont", False, False),  # another given name
        ("Pierre Dupont", False, False),
        ("J.-P. Dupont", False, False),  # initials only with match_initials
        ("J.-P. Dupont", True, True),
        ("J.P. Dupont", True, True),
        ("Dupont, JP", True, True),
        ("J. P. Dupont", True, True),
        ("J.-M. Dupont", True, False),
        ("Dupont, JM", True, False),
        ("J.-P. Durand", True, False),
    ],
)
def test_hyphenated_given_names_and_their_initials(
    spelling: str, initials: bool, expected: bool
) -> None:
    assert _is_owner(spelling, "Jean-Pierre Dupont", initials=initials) is expected


def test_a_hyphenated_config_initial_matches_the_full_name() -> None:
    assert _is_owner("Jean-Pierre Dupont", "J.-P. Dupont", initials=True)
    assert _is_owner("J.-P. Dupont", "J.-P. Dupont")  # the configured spelling itself
    assert not _is_owner("Jean-Marc Dupont", "J.-P. Dupont", initials=True)


@pytest.mark.parametrize(
    ("raw", "name", "marks"),
    [
        ("Song*, Qingyu", "Song, Qingyu", "*"),
        ("Qingyu Song*†", "Qingyu Song", "*†"),
        (r"Wei Li$^\dagger$", "Wei Li", "†"),
        (r"Wei Li\textsuperscript{*}", "Wei Li", "*"),
        ("Plain Name", "Plain Name", ""),
    ],
)
def test_marks_are_split_from_names(raw: str, name: str, marks: str) -> None:
    assert extract_marks(raw) == (name, marks)


def test_marks_render_with_the_highlighted_owner() -> None:
    (author,) = parse_authors("Song*, Qingyu", OWNER)[0]
    assert (author.display, author.marks, author.is_owner) == ("Qingyu Song", "*", True)


def test_von_and_jr_parts() -> None:
    (author,) = parse_authors("de la Fontaine, Jr., Jean", None)[0]
    assert (author.first, author.von, author.last, author.jr) == (
        "Jean",
        "de la",
        "Fontaine",
        "Jr.",
    )
    assert author.display == "Jean de la Fontaine, Jr."


def test_cjk_family_first_names_print_unspaced() -> None:
    (author,) = parse_authors("李, 伟", None)[0]
    assert author.display == "李伟"


def test_others_becomes_et_al() -> None:
    authors, _ = parse_authors("Song, Qingyu and others", OWNER)
    assert [a.display for a in authors] == ["Qingyu Song", "et al."]


def test_unsplittable_name_is_a_problem_not_a_crash() -> None:
    authors, problems = parse_authors("Foo, Bar, Baz, Qux and Song, Qingyu", OWNER)
    assert len(authors) == 2
    assert authors[1].is_owner
    assert problems and "Too many commas" in problems[0]


def test_no_owner_configured_highlights_nobody() -> None:
    matcher = OwnerMatcher.from_names([])
    assert not parse_authors("Song, Qingyu", matcher)[0][0].is_owner


@pytest.mark.parametrize(
    ("raw", "marks"),
    [
        (r"Qingyu Song\textsuperscript{\dag}", "†"),
        (r"Qingyu Song$^{1}$", ""),
        (r"Qingyu Song\textsuperscript{1,*}", "*"),
        (r"Qingyu Song$^{1,\dagger}$", "†"),
        (r"Qingyu Song\dag", "†"),
    ],
)
def test_superscripts_keep_marks_and_drop_affiliations(raw: str, marks: str) -> None:
    (author,) = parse_authors(raw, OWNER)[0]
    assert (author.display, author.marks, author.is_owner) == ("Qingyu Song", marks, True)


def test_a_whole_name_in_braces_matches_word_by_word() -> None:
    authors, _ = parse_authors("{Qingyu Song} and {Qing Yusong} and {宋庆禹}", OWNER)
    assert [a.is_owner for a in authors] == [True, False, True]


@pytest.mark.parametrize(
    ("spelling", "owner"),
    [
        ("De Prins, Toon", "Toon De Prins"),  # BibTeX splits the two differently
        ("{De Prins}, Toon", "Toon De Prins"),
        ("Toon De Prins", "De Prins, Toon"),
        ("Jouzdani, Ali Fathi", "Fathi Jouzdani, Ali"),  # a compound family name, split anew
        ("Fathi Jouzdani, Ali", "Ali Fathi Jouzdani"),
        ("{da Costa}, Joahannes B D", "Joahannes B. D. da Costa"),
    ],
)
def test_the_same_words_split_differently_still_match(spelling: str, owner: str) -> None:
    assert _is_owner(spelling, owner)


@pytest.mark.parametrize(
    "other", ["De Prins, Tom", "Prins, Toon", "Jouzdani, Ali", "Toon Prins", "Ali Fathi"]
)
def test_a_different_word_never_matches_a_split_name(other: str) -> None:
    assert not _is_owner(other, "Toon De Prins", "Fathi Jouzdani, Ali")


def test_a_configured_initials_spelling_vouches_for_initials_only() -> None:
    # An al-folio site listing "B. Chen" among its names: initials as written, and undotted.
    assert _is_owner("Chen, B.", "Boqi Chen", "B. Chen")
    assert _is_owner("Chen, B", "Boqi Chen", "B. Chen")
    assert not _is_owner("Bo Chen", "Boqi Chen", "B. Chen")  # a name is not vouched for
    assert _is_owner("Jouzdani, A Fathi", "Ali Fathi Jouzdani", initials=True)
    assert not _is_owner("Jouzdani, A Fathi", "Ali Fathi Jouzdani")
    assert not _is_owner("Jouzdani, B Fathi", "Ali Fathi Jouzdani", initials=True)
