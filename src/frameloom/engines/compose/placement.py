"""Where subjects stand, how big they are, and how they relate.

Composition rules rather than noise: the main subject stands on a third and
fills about half the frame height; what it holds sits in front of its chest;
a rider sits on its mount; companions stand on the other third; flyers take
the sky, boats the waterline. A seed re-rolls sides and spacing, never breaks
these rules.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, replace
from typing import Any

from frameloom.engines.compose.canvas import RGB
from frameloom.engines.compose.facts import Mention, PromptFacts
from frameloom.engines.compose.lexicon import NOUNS, Noun
from frameloom.engines.compose.scenery_nouns import SCENERY, drawn, is_drawn
from frameloom.engines.compose.set_pieces import (
    BACKGROUND,
    aspect,
    named_structures,
    perch_key,
    rests_on,
    seat,
    seat_share,
    structure_size,
)
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
    floater, sky, perched, edge (reaches in from the frame's edge), prop.
    ``body`` asks for a drawn body under head-only art.
    ``depth`` 0..1 drives haze and parallax; ``kind`` is the lexicon's kind.
    A ``held`` subject belongs to the subject listed just before it. ``pose``
    is how the drawing side bends the figure (sleeping, running, jumping...)
    and ``props`` what the pose implies that the prompt did not name."""

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
    pose: str | None = None
    props: tuple[str, ...] = ()
    perch: str | None = None


def place_subjects(facts: PromptFacts, width: int, height: int, horizon: float, setting: str,
                   rng: random.Random) -> list[SubjectPlan]:
    """Subjects in draw order (back to front), one :class:`SubjectPlan` per copy.

    Sizes come from real-world scale relative to each other (and the prompt's
    size words), big things stand farther back, copies stand side by side,
    resting flyers perch on something, and nothing leaves the frame or
    overlaps another figure unless one holds, carries or carries it."""
    mentions = [m for m in facts.subjects if m.noun in NOUNS]
    casts = _casts(facts, setting)
    placed: list[SubjectPlan] = []
    if mentions:
        placed = _place_mentions(facts, mentions, casts, width, height, horizon, setting, rng)
    placed = add_structures(placed, facts, width, height, horizon, setting, rng)
    return keep_in_frame(_face_centre(placed, width), width, height)


def _casts(facts: PromptFacts, setting: str) -> dict[str, Any]:
    """The planner's decisions per noun (pose, props, size word, perch), when its module is there."""
    try:
        from frameloom.engines.compose.cast import cast_of
    except ImportError:  # pragma: no cover - the cast module arrives with the planner's side
        return {}
    return {c.noun: c for c in cast_of(facts, setting)}


def _place_mentions(facts: PromptFacts, mentions: list[Mention], casts: dict[str, Any], width: int, height: int,
                    horizon: float, setting: str, rng: random.Random) -> list[SubjectPlan]:
    # a target is placed by its relation to its subject, never a second time on its own
    attached = {m.target for m in mentions if m.target is not None and m.relation is not None}
    on_ledge = is_still_life(facts, setting) or "windowsill" in facts.features
    ground_y = TABLE_TOP * height if on_ledge else _ground_y(setting, height, horizon)
    main_side = 1 if rng.random() < 0.5 else -1
    sizes = _sizes(mentions, casts, frame_ref(width, height))
    placed: list[SubjectPlan] = []
    slot = 0
    for index, mention in enumerate(mentions):
        if index in attached and _holder_of(mentions, index) is not None:
            continue
        noun = drawn(NOUNS[mention.noun])
        role = "main" if slot == 0 else "companion"
        x = width / 2 + main_side * width * (0.17 + 0.02 * rng.random()) * (1 if slot == 0 else -1)
        if slot >= 2:
            x = width * (0.5 + 0.3 * (1 if slot % 2 else -1) * main_side * rng.uniform(0.6, 1.0))
        slot += 1
        size = sizes[index]
        group = _place_one(mention, noun, role, x, size, ground_y, height, horizon, setting, rng,
                           casts.get(mention.noun), width)
        if mention.target is not None and mention.relation and 0 <= mention.target < len(mentions):
            target = mentions[mention.target]
            if target.noun in NOUNS and mention.target != index:
                water = horizon + (height - horizon) * 0.45 if setting in WATER_SETTINGS else None
                group = to_mouth(_relate(group, mention, drawn(NOUNS[target.noun]), target, width, height,
                                         sizes[mention.target], water))
        if group and not any(g.role == "held" for g in group):
            group = _prop_in_hand(group)
        placed.extend(group)
    return _spread(placed, width)


# the prompt's size words as a factor on real-world scale
SIZE_FACTORS = {"tiny": 0.3, "small": 0.55, "big": 3.0, "giant": 4.0}
# how tall the biggest standing thing is drawn, as a share of the frame
TALLEST = 0.5


def _real_scale(mention: Mention, cast: Any) -> float:
    word = getattr(cast, "size_word", None) or mention.size
    return drawn(NOUNS[mention.noun]).scale * SIZE_FACTORS.get(word or "", 1.0)


def _sizes(mentions: list[Mention], casts: dict[str, Any], ref: float) -> dict[int, float]:
    """Heights in px: the biggest grounded thing about half the frame (more when
    the prompt calls it big, less when tiny), the others by their real size
    relative to it, compressed so that small things stay readable."""
    scales = {i: _real_scale(m, casts.get(m.noun)) for i, m in enumerate(mentions)}
    # what is held, ridden or sat on is sized by its relation to its subject, not the other way round
    targets = {m.target for m in mentions if m.target is not None and m.relation in ("holds", "rides", "on", "in")}
    grounded = [i for i, m in enumerate(mentions)
                if NOUNS[m.noun].placement not in ("air", "sky") and i not in targets]
    # buildings and big things stand back: they do not shrink the foreground (a knight beside a castle)
    fore = [i for i in grounded if not _stands_back(mentions[i])] or grounded
    top = max((scales[i] for i in fore), default=max(scales.values()))
    lead = mentions[grounded[0]] if grounded else mentions[0]
    word = getattr(casts.get(lead.noun), "size_word", None) or lead.size
    tallest = ref * TALLEST * {"tiny": 0.45, "small": 0.72, "big": 1.25, "giant": 1.5}.get(word or "", 1.0)
    out = {}
    for i, m in enumerate(mentions):
        noun = NOUNS[m.noun]
        if noun.placement in ("air", "sky") and i not in grounded:
            out[i] = _size_for(noun, "flyer", ref) * (tallest / (ref * TALLEST)) ** 0.5
            continue
        ratio = (scales[i] / max(top, 1e-3)) ** 0.6
        if i not in fore:  # farther back: its real size shows less
            ratio = min((scales[i] / max(top, 1e-3)) ** 0.25, 1.3)
        out[i] = tallest * min(max(ratio, 0.16), 1.3 if i not in fore else 1.0)
    return out


def _stands_back(mention: Mention) -> bool:
    noun = drawn(NOUNS[mention.noun])
    return noun.placement == "ground" and (noun.kind == "building" or noun.scale >= 3)


def _spread(placed: list[SubjectPlan], width: int) -> list[SubjectPlan]:
    """Push apart figures on the ground that would overlap (held things, riders
    and what carries them move with their owner)."""
    free = [i for i, s in enumerate(placed) if s.role in ("main", "companion")]
    free.sort(key=lambda i: placed[i].x)
    out = list(placed)
    for a, b in itertools.pairwise(free):
        left, right = out[a], out[b]
        if abs(left.depth - right.depth) > 0.1:
            continue
        need = (_half_width(left) + _half_width(right)) * 1.05
        gap = right.x - left.x
        if gap < need:
            push = (need - gap) / 2
            out = _move_with(out, a, -push)
            out = _move_with(out, b, push)
    return out


def _half_width(s: SubjectPlan) -> float:
    return s.height * art_aspect(s.emoji) / 2


def art_aspect(emoji: str) -> float:
    """Width over height of the art (its opaque part), from a small cached raster."""
    from frameloom.engines.compose.art import sprite
    from frameloom.engines.compose.painters.structures import ASPECT

    if is_drawn(emoji):
        return ASPECT.get(emoji.split(":", 1)[1], 1.0)
    probe = sprite(emoji, 64)
    return probe.width / max(probe.height, 1)


def _move_with(placed: list[SubjectPlan], index: int, dx: float) -> list[SubjectPlan]:
    """Move one figure and everything attached after it (held things, riders) by ``dx``."""
    out = list(placed)
    out[index] = replace(out[index], x=out[index].x + dx)
    for k in range(index + 1, len(out)):
        if out[k].role not in ("held", "rider", "mount", "support"):
            break
        out[k] = replace(out[k], x=out[k].x + dx)
    return out


def keep_in_frame(placed: list[SubjectPlan], width: int, height: int) -> list[SubjectPlan]:
    """Every sprite wholly inside the frame: shrink what is taller than the
    room above its base, slide what sticks out at a side back in."""
    out = []
    for s in placed:
        if s.role == "edge":  # reaches in from the frame's edge on purpose
            out.append(s)
            continue
        room = s.base_y - height * 0.03
        size = min(s.height, room) if s.role not in ("held",) else s.height
        half = _half_width(replace(s, height=size))
        x = min(max(s.x, half + width * 0.01), width - half - width * 0.01) if half * 2 < width * 0.98 else width / 2
        out.append(replace(s, x=x, height=max(size, 4.0)))
    return out


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
               horizon: float, setting: str, rng: random.Random, cast: Any = None,
               width: int = 1920) -> list[SubjectPlan]:
    base_y, depth, placed_role, shadow = ground_y, 0.15, role, True
    pose = getattr(cast, "pose", None) or mention.action
    perched = getattr(cast, "role", None) == "perched" or (
        noun.placement == "air" and pose in ("sitting", "sleeping", "standing", "eating") and mention.action != "flying")
    flying = not perched and (mention.action == "flying" or noun.placement in ("air", "sky"))
    if flying:
        base_y, depth, placed_role, shadow = horizon * rng.uniform(0.45, 0.62), 0.5, "flyer", False
        base_y = max(base_y, size * 1.15)
    elif perched:
        placed_role = "perched"
    elif (setting in FLOATING_SETTINGS and setting != "space") or (noun.placement == "water" and setting == "underwater"):
        base_y, placed_role, shadow = height * rng.uniform(0.62, 0.8), "floater", False
    elif noun.placement == "water" and setting in WATER_SETTINGS:
        base_y, depth, placed_role, shadow = horizon + (height - horizon) * 0.45, 0.35, "floater", False
    elif pose == "swimming" and setting in WATER_SETTINGS:
        base_y, depth, placed_role, shadow = horizon + (height - horizon) * 0.6, 0.25, "floater", False
    elif noun.kind == "building" or noun.scale >= 3:
        base_y, depth = horizon + (height - horizon) * 0.35, 0.4
    colour = COLOURS.get(mention.colour) if mention.colour else None
    body = noun.head_only and noun.kind in BODY_KINDS and not flying
    count = max(1, min(mention.count, 5))
    if count > 1:  # copies side by side must fit across the frame
        wide = art_aspect(noun.emoji)
        size = min(size, width * 0.86 / (wide + (count - 1) * wide * (0.95 if count < 4 else 0.7)))
        x = min(max(x, width / 2 - width * 0.2), width / 2 + width * 0.2)
    props = tuple(getattr(cast, "props", ()) or ())
    out = []
    for k in range(count):
        offset = (k - (count - 1) / 2) * size * art_aspect(noun.emoji) * (0.95 if count < 4 else 0.7)
        back = count >= 4 and k % 2 == 1  # a crowd stands in two rows: the back row higher and smaller
        shrink = 1.0 if count == 1 else (0.8 if back else rng.uniform(0.92, 1.0))
        out.append(SubjectPlan(
            noun=noun.key, emoji=noun.emoji, x=x + offset * (1.25 if flying else 1.0),
            base_y=base_y - (size * 0.08 if back else 0.0) - (((k * 37) % 5 - 2) * size * 0.18 if flying else 0.0),
            height=size * shrink, role=placed_role, depth=depth + (0.05 if back else 0.0), body=body,
            shadow=shadow, colour=colour, action=mention.action, kind=noun.kind, pose=pose, props=props,
            perch=getattr(cast, "perch", None) if perched else None,
        ))
    if count >= 4:  # back row first, so the front row is drawn over it
        out.sort(key=lambda s: -s.depth)
    return out


def _relate(group: list[SubjectPlan], mention: Mention, target: Noun, target_mention: Mention,
            width: int, height: int, target_size: float | None = None,
            water: float | None = None) -> list[SubjectPlan]:
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
    if relation in ("on", "in") and target.scale < own_scale * 0.3:
        relation = "beside"  # "in the leaves", "on the grass": too small to carry it; they lie about it
    if relation in ("rides", "on", "in"):
        afloat = water is not None and target.placement == "water"
        carried = _carry(group, other, relation, _ratio(target.scale, own_scale, 0.8, 2.2),
                         frame_ref(width, height), height)
        return _afloat(carried, water) if afloat and water is not None else carried
    if relation == "above":
        below = replace(other, base_y=height * 0.93, depth=0.2,
                        height=subject.height * _ratio(target.scale, own_scale, 0.5, 1.5))
        return [below, *(replace(s, base_y=below.base_y - below.height * 1.1, role="flyer", shadow=False)
                         for s in group)]
    # beside: the target stands next to the subject, a little behind it
    size = target_size or subject.height * _ratio(target.scale, own_scale, 0.3, 1.3)
    side = 1 if subject.x < width / 2 else -1
    gap = subject.height * 0.45 + size * 0.45
    friend = replace(other, x=subject.x + side * gap, base_y=subject.base_y - height * 0.02, height=size,
                     depth=subject.depth + 0.05)
    return [friend, *group]


# what a pose is drawn holding when the prompt gives it nothing to hold
POSE_PROPS: dict[str, tuple[str, ...]] = {"reading": ("book",), "fishing": ("fishing rod",), "eating": ("apple",)}


def _prop_in_hand(group: list[SubjectPlan]) -> list[SubjectPlan]:
    """A prop the verb implies and the prompt did not name ("fishing": a rod)
    is held like a named object; an eater holds its food up at its mouth."""
    who = next((i for i, g in enumerate(group) if g.props or g.pose in POSE_PROPS), None)
    if who is None:
        return group
    holder = group[who]
    props = holder.props or POSE_PROPS.get(holder.pose or "", ())
    prop = next((p for p in props if p in NOUNS and NOUNS[p].placement == "held"), None)
    if prop is None:
        return group
    noun = NOUNS[prop]
    item = SubjectPlan(noun=noun.key, emoji=noun.emoji, x=holder.x, base_y=holder.base_y, height=holder.height,
                       role="held", depth=holder.depth, kind=noun.kind, shadow=False)
    held = _hold([holder], item, 0.3 if holder.pose != "fishing" else 0.42)
    if holder.pose == "eating":
        held = to_mouth(held)
    return [*group[:who], *held, *group[who + 1:]]


def to_mouth(group: list[SubjectPlan]) -> list[SubjectPlan]:
    """An eater or drinker holds its food up at its mouth: high on the figure,
    toward the way its art faces."""
    out: list[SubjectPlan] = []
    for s in group:
        if s.role == "held" and out and out[-1].pose == "eating":
            owner = out[-1]
            s = replace(s, base_y=owner.base_y - owner.height * 0.42, x=owner.x - owner.height * 0.12)
        out.append(s)
    return out


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
    # what carries stands on the ground, even when its rider is a bird; under the middle of a group
    carrier = replace(carrier, height=big, x=sum(g.x for g in group) / len(group),
                      role="mount" if relation == "rides" else "support", shadow=True,
                      base_y=max(subject.base_y, height * 0.93) if subject.role == "flyer" else subject.base_y,
                      depth=0.15)
    riders_scale = min(1.0, big / (subject.height * ratio)) if ratio else 1.0
    if len(group) > 1:  # a row of riders no wider than what carries them
        row = max(g.x for g in group) - min(g.x for g in group) + subject.height * art_aspect(subject.emoji)
        riders_scale = min(riders_scale, big * art_aspect(carrier.emoji) * 0.95 / max(row, 1.0))
    seat = {"rides": 0.55, "on": 0.5, "in": 0.45}[relation]
    out: list[SubjectPlan] = []
    for s in group:
        size = s.height * riders_scale * (0.85 if relation == "rides" else 0.9)
        dx = (s.x - carrier.x) * riders_scale  # copies keep their row, closed up to the new size
        out.append(replace(s, x=carrier.x + dx, base_y=carrier.base_y - carrier.height * seat + size * 0.12,
                           height=size, role="rider", shadow=False))
    # a vessel is drawn over what sits in it; a mount or a seat under its riders
    return [*out, carrier] if relation == "in" else [carrier, *out]


def _afloat(carried: list[SubjectPlan], water: float) -> list[SubjectPlan]:
    """A boat with its crew sits in the water: the vessel floats at the waterline
    (its art's own water sinks away), the crew moves down with it."""
    vessel = next(s for s in carried if s.role in ("support", "mount"))
    crew = [s for s in carried if s is not vessel]
    size = min(vessel.height, max(c.height for c in crew) * 1.4) if crew else vessel.height
    boat = replace(vessel, base_y=water, height=size, role="floater", shadow=False, depth=0.3)
    # the crew stands in the hull, drawn over the boat so that it shows (a boat's art hides what is behind it)
    deck = water - size * 0.45
    return [boat, *(replace(c, base_y=deck + c.height * 0.2, shadow=False, depth=0.3,
                            x=boat.x + (c.x - vessel.x) * size / vessel.height) for c in crew)]


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


def add_structures(placed: list[SubjectPlan], facts: PromptFacts, width: int, height: int, horizon: float,
                   setting: str, rng: random.Random) -> list[SubjectPlan]:
    """Add the structures the prompt names, perches for resting flyers and a
    ring of stones under a fire on the ground (see :mod:`.set_pieces`)."""
    ref = frame_ref(width, height)
    out = _perch_flyers(placed, width, height, ref)
    out = _ring_fires(out)
    ground_y = _ground_y(setting, height, horizon)
    for key in named_structures(facts):
        if any(s.noun == key for s in out) or (key == "table" and is_still_life(facts, setting)):
            # a still life stands on the close-up table top the recipe draws
            continue
        out = _stand(out, key, facts, width, height, horizon, ground_y, ref, rng)
    return out


def _structure(key: str, x: float, base_y: float, size: float, role: str, depth: float,
               flip: bool = False) -> SubjectPlan:
    noun = SCENERY[key]
    return SubjectPlan(noun=key, emoji=noun.emoji, x=x, base_y=base_y, height=size, role=role, depth=depth,
                       kind=noun.kind, shadow=role != "edge", flip=flip)


def _stand(out: list[SubjectPlan], key: str, facts: PromptFacts, width: int, height: int, horizon: float,
           ground_y: float, ref: float, rng: random.Random) -> list[SubjectPlan]:
    mains = [i for i, s in enumerate(out) if s.role in ("main", "companion", "perched")]
    if not mains and rests_on(facts.text, key):  # "a dragon on a pedestal": a flyer the text sets down
        mains = [i for i, s in enumerate(out) if s.role == "flyer"][:1]
    resting = [i for i in mains if getattr(_mention_of(facts, out[i].noun), "on", None) == key]
    if mains and (resting or rests_on(facts.text, key)) and key not in ("lighthouse", "bridge"):
        return _rest_on(out, (resting or mains)[0], key, ground_y, ref, width)
    if key == "bridge":  # spans the water bank to bank: a scenery layer (scenery_recipes), not a subject
        return out
    if key in BACKGROUND:
        size = ref * BACKGROUND[key] * (0.75 if mains else 1.0)
        side = (1 if out[0].x < width / 2 else -1) if out else (1 if rng.random() < 0.5 else -1)
        x = width / 2 + side * width * (0.22 if mains else 0.14)
        if mains:
            base = horizon + (ground_y - horizon) * (0.25 if key != "iceberg" else 0.2)
        else:
            base = ground_y - (ground_y - horizon) * 0.1
        return [_structure(key, x, base, size, "companion" if mains else "main", 0.4 if mains else 0.2), *out]
    main = out[mains[0]] if mains else None
    if main is not None:
        size = structure_size(key, main.height, NOUNS[main.noun].scale if main.noun in NOUNS else 1.0, ref)
    else:
        size = ref * 0.4
    side = (1 if main.x < width / 2 else -1) if main is not None else (1 if rng.random() < 0.5 else -1)
    x = (main.x if main is not None else width / 2) + side * (
        (main.height * 0.5 if main is not None else 0) + size * aspect(key) * 0.5 + width * 0.03)
    return [_structure(key, x, ground_y - height * 0.015, size, "companion", 0.17), *out]


def _rest_on(out: list[SubjectPlan], i: int, key: str, ground_y: float, ref: float,
             width: int) -> list[SubjectPlan]:
    """Put subject ``i`` (and what it holds) on top of a structure: a thing
    much smaller than the structure (a mouse on a table) stays small on a
    full-size structure; otherwise the structure is about half the subject's
    height. Both shrink until they fit the frame."""
    if out[i].role == "flyer":  # set down on it: a grounded subject's size, not a flyer's
        out = [*out[:i], replace(out[i], role="main", height=out[i].height * 1.8, depth=0.15), *out[i + 1:]]
    s = out[i]
    own = NOUNS[s.noun].scale if s.noun in NOUNS else 1.0
    real = own / SCENERY[key].scale
    if real < 0.5:
        size = min(ref * 0.42, width * 0.8 / aspect(key))
        target = size * max(real ** 0.6, 0.3) * 1.3
    else:
        size = max(s.height * 0.5, s.height * 1.2 / aspect(key) * 0.5)
        target = s.height
    fit = min(1.0, ref * 0.72 / (target + size * seat_share(key)))
    size, k = size * fit, target * fit / s.height
    group = [k2 for k2 in range(len(out)) if _moves_with(out, i, k2)]
    top = seat(size, ground_y, key)
    base = ground_y + (0.0 if key != "iceberg" else size * 0.05)
    moved = {j: replace(out[j], height=out[j].height * k, base_y=top + (out[j].base_y - s.base_y) * k,
                        x=s.x + (out[j].x - s.x) * k, shadow=False) for j in group}
    stand = _structure(key, s.x, base, size, "support", s.depth + 0.01)
    rest = [moved.get(j, t) for j, t in enumerate(out)]
    return [*rest[:i], stand, *rest[i:]]


def _mention_of(facts: PromptFacts, noun: str) -> Mention | None:
    return next((m for m in facts.subjects if m.noun == noun), None)


def _moves_with(out: list[SubjectPlan], i: int, k: int) -> bool:
    if k == i:
        return True
    return k > i and all(t.role in ("held", "rider") for t in out[i + 1: k + 1])


def _perch_flyers(placed: list[SubjectPlan], width: int, height: int, ref: float) -> list[SubjectPlan]:
    """A resting flyer sits on something: a branch reaching in from the nearer
    edge, or a fence, a wall, a rock on the ground under it."""
    out: list[SubjectPlan] = []
    for s in placed:
        if s.role != "perched":
            out.append(s)
            continue
        key = perch_key(s.perch) or ("branch" if s.perch in (None, "branch") else None)
        if key is None:  # an emoji perch (a rock): it stands under the flyer
            key = "wall"
        if key == "branch":
            size = max(s.height * 0.9, height * 0.16)
            y = height * 0.66
            reach = (s.x + s.height * 0.9) if s.x < width / 2 else (width - s.x + s.height * 0.9)
            bh = max(size, reach / aspect(key))
            from_left = s.x < width / 2
            bx = reach / 2 if from_left else width - reach / 2
            branch = replace(_structure("branch", bx, y + bh * (1 - 0.58), bh, "edge", s.depth + 0.01,
                                        flip=not from_left))
            out += [branch, replace(s, base_y=y + s.height * 0.05, shadow=False)]
            continue
        size = max(s.height * 1.1, ref * 0.2)
        stand = _structure(key, s.x, s.base_y, size, "support", s.depth + 0.01)
        out += [stand, replace(s, base_y=seat(size, s.base_y, key) + s.height * 0.04, shadow=False)]
    return out


def _ring_fires(placed: list[SubjectPlan]) -> list[SubjectPlan]:
    out: list[SubjectPlan] = []
    for s in placed:
        out.append(s)
        if s.noun == "fire" and s.role in ("main", "companion", "prop"):
            ring = s.height * 0.42
            out.append(_structure("campfire ring", s.x, s.base_y + ring * 0.18, ring, "prop", s.depth - 0.01))
    return out
