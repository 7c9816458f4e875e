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
    # a target is placed by its relation to its subject, never a second time on its own
    attached = {m.target for m in mentions if m.target is not None and m.relation is not None}
    ground_y = TABLE_TOP * height if is_still_life(facts, setting) else _ground_y(setting, height, horizon)
    main_side = 1 if rng.random() < 0.5 else -1
    main_scale = NOUNS[mentions[0].noun].scale
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
        size = _size_for(noun, role, frame_ref(width, height)) * (
            1.0 if role == "main" else _ratio(noun.scale, main_scale, 0.25, 1.2))
        group = _place_one(mention, noun, role, x, size, ground_y, height, horizon, setting, rng)
        if mention.target is not None and mention.relation and 0 <= mention.target < len(mentions):
            target = mentions[mention.target]
            if target.noun in NOUNS and mention.target != index:
                group = _relate(group, mention, NOUNS[target.noun], target, width, height)
        placed.extend(group)
    return _face_centre(placed, width)


# things that give light, and its colour: drawn with a glow, and the key light in the dark
EMISSIVE: dict[str, RGB] = {
    "fire": (255, 150, 60), "candle": (255, 186, 110), "lantern": (255, 170, 90), "oil lamp": (255, 186, 110),
    "jack o lantern": (255, 150, 60), "light bulb": (255, 226, 170), "flashlight": (255, 240, 210),
    "sparkler": (255, 220, 150), "fireworks": (255, 200, 140),
}
# a light the prompt names but no subject gives: which prop to draw for it
_LIGHT_PROPS = {"candle": "candle", "fire": "fire", "lantern": "lantern"}
# things people hold up over their heads rather than in front of them
OVERHEAD = ("umbrella", "balloon", "kite", "flag", "torch", "lantern")


TABLE_TOP = 0.8


def is_still_life(facts: PromptFacts, setting: str) -> bool:
    """Small things alone indoors stand on a table, not on the floor."""
    nouns = [m.noun for m in facts.subjects if m.noun in NOUNS]
    return setting == "room" and bool(nouns) and all(NOUNS[n].placement == "held" for n in nouns)


def _ratio(scale: float, other: float, lo: float, hi: float) -> float:
    """How big one thing looks next to another: real sizes, compressed so that
    small things stay readable and big ones fit the frame."""
    return float(min(max((scale / max(other, 1e-3)) ** 0.6, lo), hi))


def _holder_of(mentions: list[Mention], index: int) -> int | None:
    for i, m in enumerate(mentions):
        if m.target == index and m.relation is not None and i != index:
            return i
    return None


def _ground_y(setting: str, height: int, horizon: float) -> float:
    if setting in FLOATING_SETTINGS and setting != "space":
        return height * 0.86
    return height * 0.93


def frame_ref(width: int, height: int) -> float:
    """The length subject sizes are fractions of: the height, but no more than
    the width allows, so a tall 9:16 frame does not blow subjects up past its sides."""
    return min(height, width * 1.1)


def _size_for(noun: Noun, role: str, ref: float) -> float:
    """Things in the air are smaller; everything else fills about half the frame
    (companions are then scaled by their real size relative to the main subject)."""
    if noun.placement in ("air", "sky"):
        return ref * (0.22 if noun.scale < 2 else 0.3)
    return ref * 0.5


def _place_one(mention: Mention, noun: Noun, role: str, x: float, size: float, ground_y: float, height: int,
               horizon: float, setting: str, rng: random.Random) -> list[SubjectPlan]:
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
    """Place the target of an action relative to the subject copies in ``group``."""
    subject = group[0]
    own_scale = NOUNS[subject.noun].scale
    colour = COLOURS.get(target_mention.colour) if target_mention.colour else None
    relation = mention.relation
    other = SubjectPlan(noun=target.key, emoji=target.emoji, x=subject.x, base_y=subject.base_y,
                        height=subject.height, role="companion", depth=subject.depth, colour=colour,
                        kind=target.kind, body=target.head_only and target.kind in BODY_KINDS)
    if relation == "holds":
        return _hold(group, other, min(max(0.45 * _ratio(target.scale, own_scale, 0.0, 9.9), 0.15), 0.45))
    if relation in ("rides", "on", "in"):
        return _carry(group, other, relation, _ratio(target.scale, own_scale, 0.8, 2.2), frame_ref(width, height),
                      height)
    if relation == "above":
        below = replace(other, base_y=height * 0.93, depth=0.2,
                        height=subject.height * _ratio(target.scale, own_scale, 0.5, 1.5))
        return [below, *(replace(s, base_y=below.base_y - below.height * 1.1, role="flyer", shadow=False)
                         for s in group)]
    # beside: the target stands next to the subject, a little behind it
    size = subject.height * _ratio(target.scale, own_scale, 0.3, 1.3)
    side = 1 if subject.x < width / 2 else -1
    gap = subject.height * 0.45 + size * 0.45
    friend = replace(other, x=subject.x + side * gap, base_y=subject.base_y - height * 0.02, height=size,
                     depth=subject.depth + 0.05)
    return [friend, *group]


def _hold(group: list[SubjectPlan], item: SubjectPlan, ratio: float) -> list[SubjectPlan]:
    """Each copy holds the item: in front of its chest, or over its head."""
    out: list[SubjectPlan] = []
    for s in group:
        size = s.height * ratio
        if item.noun in OVERHEAD:
            size = s.height * max(ratio, 0.5)
            bottom = s.base_y - s.height * 0.5
        else:
            chest = s.base_y - s.height * 0.2
            bottom = chest + size * 0.5
        lift = item.noun in OVERHEAD
        x = s.x + (s.height * 0.22 if lift else 0.0)
        out += [s, replace(item, x=x, base_y=bottom, height=size, role="held",
                           depth=s.depth, shadow=False)]
    return out


def _carry(group: list[SubjectPlan], carrier: SubjectPlan, relation: str, ratio: float, ref: float,
           height: int) -> list[SubjectPlan]:
    """The group rides, sits on, or sits in the carrier; all copies share it."""
    subject = group[0]
    big = min(subject.height * ratio, ref * 0.58)
    # what carries stands on the ground, even when its rider is a bird
    carrier = replace(carrier, height=big, role="mount" if relation == "rides" else "support", shadow=True,
                      base_y=max(subject.base_y, height * 0.93) if subject.role == "flyer" else subject.base_y,
                      depth=0.15)
    riders_scale = min(1.0, big / (subject.height * ratio)) if ratio else 1.0
    seat = {"rides": 0.55, "on": 0.6, "in": 0.35}[relation]
    out: list[SubjectPlan] = []
    n = len(group)
    for k, s in enumerate(group):
        size = s.height * riders_scale * (0.85 if relation == "rides" else 0.9)
        dx = (k - (n - 1) / 2) * carrier.height * 0.45
        out.append(replace(s, x=carrier.x + dx, base_y=carrier.base_y - carrier.height * seat + size * 0.12,
                           height=size, role="rider", shadow=False))
    # a vessel is drawn over what sits in it; a mount or a seat under its riders
    return [*out, carrier] if relation == "in" else [carrier, *out]


def _face_centre(placed: list[SubjectPlan], width: int) -> list[SubjectPlan]:
    """Mirror sprites on the right half so that they look into the picture.
    Emoji art mostly faces left; held things follow their holder."""
    out = []
    for s in placed:
        flip = s.x < width / 2 and s.role not in ("held", "sky")
        out.append(replace(s, flip=flip, x=min(max(s.x, width * 0.08), width * 0.92)))
    return out



def add_light_props(subjects: list[SubjectPlan], lights: tuple[str, ...], width: int,
                    height: int) -> list[SubjectPlan]:
    """Draw the source of a named light ("by candlelight", "by the fire") when
    no subject is one: a small prop on the ground beside the main subject."""
    wanted = [_LIGHT_PROPS[light] for light in lights if light in _LIGHT_PROPS]
    if not wanted or any(s.noun in EMISSIVE for s in subjects):
        return subjects
    noun = NOUNS[wanted[0]]
    main = subjects[0] if subjects else None
    x = width * 0.7 if main is None else main.x + (1 if main.x < width / 2 else -1) * main.height * 0.75
    size = height * (0.16 if noun.key != "fire" else 0.22)
    prop = SubjectPlan(noun=noun.key, emoji=noun.emoji, x=x, base_y=height * 0.95, height=size, role="prop",
                       depth=0.12, kind=noun.kind, shadow=False)
    return [*subjects, prop]
