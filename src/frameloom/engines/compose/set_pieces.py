"""Set pieces: the structures a prompt names that no emoji draws (a lighthouse,
a wall, a table), where they stand, and what rests on them.

General rules: a structure the text puts something "on" ("a cat on a wall",
"在墙上") is drawn under that subject, wide enough to hold it; a resting flyer
sits on its perch (a branch reaching in from the frame's edge, a fence, a
wall); a fire on the ground gets a ring of stones; any other structure stands
on the free side at its real size relative to the main subject, and big ones
(a lighthouse, a bridge, an iceberg) stand farther back.
"""

from __future__ import annotations

import re
from functools import lru_cache

from frameloom.engines.compose.facts import PromptFacts
from frameloom.engines.compose.lexicon import NOUNS, lookup
from frameloom.engines.compose.scenery_nouns import SCENERY, scenery_names

# what a perch name the planner gives is drawn as
PERCH_ART = {"ledge": "wall", "post": "fence", "windowsill": "wall", "cliff": "wall", "bridge": "wall"}
# big structures stand back from the subjects (depth, share of the frame's height)
BACKGROUND = {"lighthouse": 0.72, "bridge": 0.3, "iceberg": 0.34}
_ON = r"(?:on|onto|atop|upon|on top of|perched on|sitting on|standing on|resting on)"
_DET = r"(?:\s+(?:the|a|an|some|its|his|her|their|one))?(?:\s+\w+){0,2}?"


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    return scenery_names()


def named_structures(facts: PromptFacts) -> list[str]:
    """The structure keys the prompt names (its features, or their names in the text), in order."""
    found: list[tuple[int, str]] = []
    text = facts.text.lower()
    names = _names()
    for feature in getattr(facts, "features", ()):
        key = names.get(feature) or names.get(PERCH_ART.get(feature, ""))
        if key is not None and feature not in PERCH_ART:
            found.append((text.find(feature), key))
    for name, key in names.items():
        if lookup(name) is not None:  # the lexicon draws it (a bench as a chair): not a structure too
            continue
        if name.isascii():
            match = re.search(rf"\b{re.escape(name)}\b", text)
            pos = match.start() if match else -1
        else:
            pos = text.find(name)
        if pos >= 0:
            found.append((pos, key))
    out: list[str] = []
    for _, key in sorted(found):
        if key not in out and not _is_lexicon_word(key, text):
            out.append(key)
    return out


def _is_lexicon_word(key: str, text: str) -> bool:
    """A structure whose name is a longer lexicon noun ("table tennis") is not the structure."""
    return any(n.startswith(key + " ") and n in text for n in NOUNS)


def rests_on(text: str, key: str) -> bool:
    """Whether the text puts something on the structure ``key`` ("on a wall", "在墙上")."""
    low = text.lower()
    for name, k in _names().items():
        if k != key:
            continue
        if name.isascii() and re.search(rf"\b{_ON}{_DET}\s+{re.escape(name)}\b", low):
            return True
        if not name.isascii() and re.search(rf"{re.escape(name)}[上顶]", low):
            return True
    return False


def structure_size(key: str, main_height: float, main_scale: float, ref: float) -> float:
    """A structure's height beside a subject: real sizes, compressed like subjects' sizes."""
    ratio = (SCENERY[key].scale / max(main_scale, 1e-3)) ** 0.6
    return float(min(max(main_height * ratio, ref * 0.12), ref * 0.62))


def seat(s_height: float, base_y: float, key: str) -> float:
    """The y where things rest on a structure of height ``s_height`` standing at ``base_y``."""
    from frameloom.engines.compose.painters.structures import TOP

    return base_y - s_height * TOP.get(key, 1.0)


def seat_share(key: str) -> float:
    """Where things rest on a structure, as a share of its height."""
    from frameloom.engines.compose.painters.structures import TOP

    return TOP.get(key, 1.0)


def aspect(key: str) -> float:
    from frameloom.engines.compose.painters.structures import ASPECT

    return ASPECT.get(key, 1.0)


def perch_key(name: str | None) -> str | None:
    """The structure a perch name is drawn as; None when it is an emoji noun (a rock) or nothing."""
    if name is None:
        return None
    return _names().get(name) or _names().get(PERCH_ART.get(name, ""))
