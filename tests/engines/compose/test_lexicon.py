"""The noun lexicon: what the compose engine can draw, and every name a prompt may use for it."""

from __future__ import annotations

import pytest

from frameloom.engines.compose.lexicon import (
    _ROWS,
    KINDS,
    NOUNS,
    PLACEMENTS,
    chinese_names,
    emoji_svg,
    lookup,
    normalise,
    surface_forms,
)


def _codepoints(text: str) -> set[str]:
    """The file stems twemoji may use for ``text``: with and without variation selectors."""
    points = [f"{ord(ch):x}" for ch in text]
    return {"-".join(points), "-".join(p for p in points if p != "fe0f")}


def test_the_lexicon_has_at_least_320_nouns() -> None:
    assert len(NOUNS) >= 320


def test_every_noun_has_a_known_kind_placement_and_a_positive_scale() -> None:
    for noun in NOUNS.values():
        assert noun.kind in KINDS, noun
        assert noun.placement in PLACEMENTS, noun
        assert 0 < noun.scale <= 10, noun
        assert noun.key == normalise(noun.key), noun


def test_every_noun_is_drawn_by_its_own_twemoji_svg_not_a_fallback_glyph() -> None:
    # get_emoji_path falls back to a ZWJ sequence's first glyph; the file must be the exact one.
    for noun in NOUNS.values():
        path = emoji_svg(noun)
        assert path.is_file(), noun
        assert path.stem in _codepoints(noun.emoji), (noun.key, path.name)


def test_every_name_of_a_noun_finds_that_noun_so_no_two_nouns_share_a_name() -> None:
    for key, *_, names in _ROWS:
        for name in (key, *names.split("|")):
            found = lookup(name.lstrip("*"))
            assert found is not None, name
            assert found.key == key, (name, found)


@pytest.mark.parametrize(("plural", "key"), [
    ("mice", "mouse"), ("geese", "goose"), ("wolves", "wolf"), ("children", "child"), ("people", "person"),
    ("foxes", "fox"), ("puppies", "dog"), ("kittens", "cat"), ("teddy bears", "teddy bear"),
    ("cherries", "cherry"), ("knives", "knife"), ("boxes", "package"), ("buses", "bus"),
    ("butterflies", "butterfly"), ("cacti", "cactus"), ("leaves", "leaf"), ("women", "woman"),
    ("snowmen", "snowman"), ("hot air balloons", "hot air balloon"), ("strawberries", "strawberry"),
])
def test_plurals_regular_and_irregular_find_the_noun_and_are_marked_plural(plural: str, key: str) -> None:
    noun = lookup(plural)
    assert noun is not None
    assert noun.key == key
    assert surface_forms()[plural].plural


@pytest.mark.parametrize("word", ["fish", "sheep", "deer"])
def test_a_plural_that_equals_its_singular_reads_as_one(word: str) -> None:
    assert surface_forms()[word].plural is False


@pytest.mark.parametrize(("name", "key"), [
    ("kitty", "cat"), ("kitten", "cat"), ("puppy", "dog"), ("automobile", "car"), ("bike", "bicycle"),
    ("spaceship", "rocket"), ("couch", "sofa"), ("bunny", "rabbit"), ("aeroplane", "airplane"),
    ("cosmonaut", "astronaut"), ("sorcerer", "wizard"), ("phone", "smartphone"), ("alligator", "crocodile"),
])
def test_common_synonyms_find_the_canonical_noun(name: str, key: str) -> None:
    noun = lookup(name)
    assert noun is not None
    assert noun.key == key


@pytest.mark.parametrize(("phrase", "key"), [
    ("hot air balloon", "hot air balloon"), ("Hot-Air  Balloon", "hot air balloon"), ("ice cream", "ice cream"),
    ("teddy bear", "teddy bear"), ("christmas tree", "christmas tree"), ("space shuttle", "rocket"),
    ("T-Rex", "t rex"), ("polar bear", "polar bear"), ("cup of coffee", "coffee"),
])
def test_multi_word_names_are_matched_after_normalising_case_hyphens_and_spaces(phrase: str, key: str) -> None:
    noun = lookup(phrase)
    assert noun is not None
    assert noun.key == key


@pytest.mark.parametrize(("name", "key"), [
    ("狐狸", "fox"), ("书", "book"), ("猫", "cat"), ("狗", "dog"), ("宇航员", "astronaut"), ("龙", "dragon"),
    ("自行车", "bicycle"), ("热气球", "hot air balloon"), ("机器人", "robot"), ("樱花", "cherry blossom"),
])
def test_chinese_names_find_the_noun(name: str, key: str) -> None:
    noun = lookup(name)
    assert noun is not None
    assert noun.key == key


def test_at_least_150_nouns_have_a_chinese_name() -> None:
    assert len(set(chinese_names().values())) >= 150


@pytest.mark.parametrize("word", ["城市", "forest", "sunset", "zorblax", "lighthouse", ""])
def test_settings_times_and_unknown_words_are_not_nouns(word: str) -> None:
    assert lookup(word) is None


def test_head_only_marks_face_glyphs_and_full_body_glyphs_are_preferred() -> None:
    assert NOUNS["fox"].head_only  # twemoji has no full-body fox
    for key in ("cat", "dog", "tiger", "horse", "person", "dragon"):
        assert not NOUNS[key].head_only, key
