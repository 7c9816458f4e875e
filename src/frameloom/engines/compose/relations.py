"""How a drawn target sits relative to the subject acting on it ("holds", "rides", "on"...)."""

from __future__ import annotations

from frameloom.engines.compose import vocabulary as vocab
from frameloom.engines.compose.lexicon import Noun

# Sky bodies one can stand on: "on the moon" also means the scene is in space.
CELESTIAL = frozenset({"moon", "crescent moon", "planet", "comet", "star"})
# Worn rather than held or entered: "a girl in a red dress" links nothing.
CLOTHING = frozenset({
    "dress", "shirt", "coat", "top hat", "cap", "scarf", "gloves", "sneaker", "boot", "glasses",
    "sunglasses", "crown", "mask", "ring", "wristwatch", "headphones",
})


def relation_of(action: str | None, verb_relation: str | None, prep: str | None, noun: Noun) -> str | None:
    """How a target sits relative to its subject, from the verb, the preposition and the target.

    None when the words link nothing drawable ("in a red dress", "beside the moon").
    """
    if noun.key in CLOTHING and prep in (None, "with", "in"):
        return None
    if prep == "with":
        return "holds" if noun.placement == "held" else "beside"
    if prep == "under":
        return None if noun.placement in ("sky", "air") else "beside"
    if prep == "in" and noun.kind == "building" and noun.key not in ("tent", "hut"):
        return "beside"  # "a doctor in a hospital": drawn before it, not inside its glyph
    if prep is not None:
        if action == "riding" and prep in ("on", "in"):
            relation = "in" if prep == "in" and noun.kind == "vehicle" else "rides"
        else:
            relation = prep
    elif verb_relation is not None:
        relation = verb_relation
    elif action == "flying":  # flying a plane sits in it; flying a kite holds its string
        relation = "in" if noun.kind == "vehicle" else "holds"
    elif action is not None:
        relation = vocab.ACTION_RELATIONS[action]
    else:
        return None
    # Nothing stands beside or inside the sky: "looking at the moon", "in the sun" link nothing.
    return None if noun.placement == "sky" and relation not in ("on", "above") else relation
