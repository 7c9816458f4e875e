"""Where subjects stand, how big they are, and how they relate.

Composition rules rather than noise: the main subject stands on a third and
fills about half the frame height; what it holds sits in front of its chest;
a rider sits on its mount; companions stand on the other third; flyers take
the sky, boats the waterline. A seed re-rolls sides and spacing, never breaks
these rules.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

from frameloom.engines.compose.canvas import RGB
from frameloom.engines.compose.facts import Mention, PromptFacts
from frameloom.engines.compose.lexicon import NOUNS, Noun
from frameloom.engines.compose.vocabulary import COLOURS

WATER_SETTINGS = ("ocean", "lake", "beach")
FLOATING_SETTINGS = ("underwater", "space")
# head-only art of these kinds gets a drawn body
BODY_KINDS = ("animal", "creature", "person")


@dataclass(frozen=True)
class SubjectPlan:
    """One sprite to draw. ``x`` is its centre and ``base_y`` its lowest point
    (where it touches the ground), both in px; ``height`` in px. ``role`` says
    how it was placed: main, companion, held, rider, mount, support, flyer,
    floater, sky. ``body`` asks for a drawn body under head-only art.
    ``depth`` 0..1 drives haze and parallax; ``kind`` is the lexicon's kind.
    A ``held`` subject belongs to the subject listed just before it."""

    noun: str
    emoji: str
    x: float
    base_y: float
    height: float
    role: str
    depth: float
    flip: bool = False
    body: bool = False
    shadow: bool = True
    colour: RGB | None = None
    action: str | None = None
    kind: str = "object"


def place_subjects(facts: PromptFacts, width: int, height: int, horizon: float, setting: str,
                   rng: random.Random) -> list[SubjectPlan]:
    """Subjects in draw order (back to front), one :class:`SubjectPlan` per copy."""
    mentions = [m for m in facts.subjects if m.noun in NOUNS]
    if not mentions:
        return []
    attached = {m.target for m in mentions if m.target is not None and m.relation in ("holds", "rides", "on")}
    ground_y = _ground_y(setting, height, horizon)
    main_side = 1 if rng.random() < 0.5 else -1
    placed: list[SubjectPlan] = []
    slot = 0
    for index, mention in enumerate(mentions):
        if index in attached and _holder_of(mentions, index) is not None:
            continue
        noun = NOUNS[mention.noun]
        role = "main" if slot == 0 else "companion"
        x = width / 2 + main_side * width * (0.17 + 0.02 * rng.random()) * (1 if slot == 0 else -1)
        if slot >= 2:
            x = width * rng.uniform(0.15, 0.85)
        slot += 1
        group = _place_one(mention, noun, role, x, ground_y, width, height, horizon, setting, rng)
        if mention.target is not None and mention.relation and 0 <= mention.target < len(mentions):
            target = mentions[mention.target]
            if target.noun in NOUNS:
                group = _relate(group, mention, NOUNS[target.noun], target, width, height)
        placed.extend(group)
    return _face_centre(placed, width)


def _holder_of(mentions: list[Mention], index: int) -> int | None:
    for i, m in enumerate(mentions):
        if m.target == index and m.relation in ("holds", "rides", "on") and i != index:
            return i
    return None


def _ground_y(setting: str, height: int, horizon: float) -> float:
    if setting in FLOATING_SETTINGS and setting != "space":
        return height * 0.86
    return height * 0.93


def _size_for(noun: Noun, role: str, height: int) -> float:
    """Main subjects fill about half the frame; companions keep relative scale."""
    if noun.placement in ("air", "sky"):
        return height * (0.22 if noun.scale < 2 else 0.3)
    if noun.kind == "building" or noun.scale >= 3:
        return height * 0.5
    return height * (0.5 if role == "main" else 0.36)


def _place_one(mention: Mention, noun: Noun, role: str, x: float, ground_y: float, width: int, height: int,
               horizon: float, setting: str, rng: random.Random) -> list[SubjectPlan]:
    size = _size_for(noun, role, height)
    base_y, depth, placed_role, shadow = ground_y, 0.15, role, True
    flying = mention.action == "flying" or noun.placement in ("air", "sky")
    if flying:
        base_y, depth, placed_role, shadow = horizon * rng.uniform(0.45, 0.62), 0.5, "flyer", False
    elif (setting in FLOATING_SETTINGS and setting != "space") or (noun.placement == "water" and setting == "underwater"):
        base_y, placed_role, shadow = height * rng.uniform(0.62, 0.8), "floater", False
    elif noun.placement == "water" and setting in WATER_SETTINGS:
        base_y, depth, placed_role, shadow = horizon + (height - horizon) * 0.45, 0.35, "floater", False
    elif noun.kind == "building" or noun.scale >= 3:
        base_y, depth = horizon + (height - horizon) * 0.35, 0.4
        if role != "main":
            size *= 0.7
    colour = COLOURS.get(mention.colour) if mention.colour else None
    body = noun.head_only and noun.kind in BODY_KINDS and not flying
    count = max(1, min(mention.count, 5))
    out = []
    for k in range(count):
        offset = (k - (count - 1) / 2) * size * 0.75
        shrink = 1.0 if count == 1 else rng.uniform(0.8, 1.0) * (1 - 0.08 * abs(k - (count - 1) / 2))
        out.append(SubjectPlan(
            noun=noun.key, emoji=noun.emoji, x=x + offset * (0.9 if count > 2 else 1.0),
            base_y=base_y - (0 if k % 2 == 0 or count < 3 else size * 0.06), height=size * shrink,
            role=placed_role, depth=depth, body=body, shadow=shadow, colour=colour, action=mention.action,
            kind=noun.kind,
        ))
    return out


def _relate(group: list[SubjectPlan], mention: Mention, target: Noun, target_mention: Mention,
            width: int, height: int) -> list[SubjectPlan]:
    """Add the target of an action next to (or under) the first of ``group``."""
    subject = group[0]
    colour = COLOURS.get(target_mention.colour) if target_mention.colour else None
    relation = mention.relation
    if relation == "holds":
        chest = subject.base_y - subject.height * (0.2 if subject.body else 0.22)
        size = subject.height * (0.3 if target.scale < 0.5 else 0.5)
        held = SubjectPlan(noun=target.key, emoji=target.emoji, x=subject.x, base_y=chest + size * 0.5,
                           height=size, role="held", depth=subject.depth, shadow=False, colour=colour,
                           kind=target.kind)
        return [*group, held]
    if relation in ("rides", "on"):
        mount_size = subject.height * (1.0 if relation == "rides" else 0.75)
        mount = SubjectPlan(noun=target.key, emoji=target.emoji, x=subject.x, base_y=subject.base_y,
                            height=mount_size, role="mount" if relation == "rides" else "support",
                            depth=subject.depth, colour=colour, kind=target.kind)
        rider_size = subject.height * (0.62 if relation == "rides" else 0.7)
        seat = subject.base_y - mount_size * (0.55 if relation == "rides" else 0.6)
        rider = replace(subject, base_y=seat + rider_size * (0.25 if relation == "rides" else 0.1),
                        height=rider_size, role="rider", shadow=False)
        return [mount, rider, *group[1:]]
    if relation == "in":
        vessel = SubjectPlan(noun=target.key, emoji=target.emoji, x=subject.x, base_y=subject.base_y,
                             height=subject.height * 0.7, role="support", depth=subject.depth, colour=colour,
                             kind=target.kind)
        sitter = replace(subject, base_y=subject.base_y - vessel.height * 0.35, height=subject.height * 0.65,
                         shadow=False)
        return [sitter, vessel, *group[1:]]
    if relation == "above":
        below = SubjectPlan(noun=target.key, emoji=target.emoji, x=subject.x, base_y=height * 0.93,
                            height=_size_for(target, "companion", height), role="companion", depth=0.2,
                            colour=colour, kind=target.kind)
        above = replace(subject, base_y=below.base_y - below.height * 1.15, role="flyer", shadow=False)
        return [below, above, *group[1:]]
    # beside: the target stands next to the subject, a little behind it
    gap = subject.height * 0.55 + _size_for(target, "companion", height) * 0.4
    side = 1 if subject.x < width / 2 else -1
    friend = SubjectPlan(noun=target.key, emoji=target.emoji, x=subject.x + side * gap,
                         base_y=subject.base_y - height * 0.02, height=_size_for(target, "companion", height)
                         * (1.0 if target.scale <= 3 else 1.2), role="companion", depth=subject.depth + 0.05,
                         colour=colour, body=target.head_only and target.kind in BODY_KINDS,
                         kind=target.kind)
    return [friend, *group]


def _face_centre(placed: list[SubjectPlan], width: int) -> list[SubjectPlan]:
    """Mirror sprites on the right half so that they look into the picture.
    Emoji art mostly faces left; held things follow their holder."""
    out = []
    for s in placed:
        flip = s.x < width / 2 and s.role not in ("held", "sky")
        out.append(replace(s, flip=flip, x=min(max(s.x, width * 0.08), width * 0.92)))
    return out

