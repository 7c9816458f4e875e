"""Who is in the picture and how: the planner's per-subject decisions, one :class:`Cast` per mention.

The parser says what the prompt states (:class:`~.facts.Mention`); this module decides what the
drawing side needs to draw it: a role (main, held, rider, perched...), a pose for the verb, props
the verb implies, a real-world scale and the size word, how copies stand, where a resting flyer
perches and which depth plane the subject belongs to. General rules over tables, never a prompt.
"""

from __future__ import annotations

from dataclasses import dataclass

from frameloom.engines.compose import vocabulary as vocab
from frameloom.engines.compose.facts import Mention, PromptFacts
from frameloom.engines.compose.lexicon import NOUNS, Noun

WATER_SETTINGS = ("ocean", "lake", "beach")
ROLES = ("main", "companion", "held", "rider", "mount", "support", "flyer", "perched", "floater", "sky")
PLANES = ("fore", "mid", "back")
_TARGET_ROLES = {"holds": "held", "rides": "mount", "on": "support", "in": "support", "beside": "companion",
                 "above": "companion"}


@dataclass(frozen=True)
class Cast:
    """One subject as the planner decided it (the same order as ``PromptFacts.subjects``).

    ``role``: one of ROLES; ``target`` the index in ``ScenePlan.cast`` of what it acts on and
    ``relation`` how that sits (facts.RELATIONS); ``pose`` a pose name (vocabulary.POSES values:
    "sleeping" lies down, "running" leans...), None to stand as drawn; ``props`` things the pose
    implies that the prompt did not name ("fishing" -> "fishing rod"; noun keys where a glyph
    exists, else a name for a procedural prop); ``colour`` a vocabulary.COLOURS key that changes
    the drawn colour; ``scale`` the real-world size relative to a person (1.0 = about 1.7 m);
    ``size_word`` "tiny", "small", "big" or "giant" when the prompt says so; ``arrangement`` how
    ``count`` copies stand (Mention.arrangement); ``perch`` what a resting flyer sits on (a noun
    key or a scenery name: "branch", "fence", "rock", "windowsill", "post", "ledge");
    ``plane`` fore, mid or back; ``container`` what food or drink is served in ("bowl");
    ``on`` the scenery feature it stands on or sits in (Mention.on: "table", "windowsill",
    "pedestal", "cliff", "branch"...), None when it stands on the ground.
    """

    noun: str
    word: str
    count: int
    role: str
    target: int | None = None
    relation: str | None = None
    pose: str | None = None
    action: str | None = None
    props: tuple[str, ...] = ()
    colour: str | None = None
    scale: float = 1.0
    size_word: str | None = None
    arrangement: str = "single"
    perch: str | None = None
    plane: str = "fore"
    container: str | None = None
    on: str | None = None


def cast_of(facts: PromptFacts, setting: str) -> tuple[Cast, ...]:
    """The decided cast of ``facts`` in ``setting``: one entry per mention, in mention order."""
    mentions = facts.subjects
    holders = {m.target: i for i, m in enumerate(mentions) if m.target is not None and m.relation}
    out: list[Cast] = []
    main_taken = False
    for i, mention in enumerate(mentions):
        noun = NOUNS[mention.noun]
        perch = _perch(mention, noun, mentions, facts, setting)
        role = _role(i, mention, noun, mentions, holders, setting, perch)
        if role == "main" and main_taken:
            role = "companion"
        main_taken = main_taken or role in ("main", "rider", "flyer", "perched", "floater")
        out.append(Cast(
            noun=mention.noun, word=mention.word or mention.noun, count=mention.count, role=role,
            target=mention.target, relation=mention.relation, pose=_pose(mention, noun, role),
            action=mention.action, props=_props(mention), colour=mention.colour, scale=noun.scale,
            size_word=mention.size, arrangement=mention.arrangement, perch=perch,
            plane=_plane(role, noun, i), container=mention.container, on=mention.on,
        ))
    return tuple(out)


def _role(index: int, mention: Mention, noun: Noun, mentions: tuple[Mention, ...], holders: dict[int, int],
          setting: str, perch: str | None) -> str:
    if index in holders:
        holder = mentions[holders[index]]
        return _TARGET_ROLES[holder.relation or "beside"]
    if mention.relation in ("rides", "on", "in") and not _is_flyer(mention, noun):
        return "rider"
    if perch is not None:
        return "perched"
    if _is_flyer(mention, noun) or mention.relation == "above":
        return "sky" if noun.placement == "sky" and mention.action != "flying" else "flyer"
    if setting == "underwater" or (noun.placement == "water" and setting in WATER_SETTINGS):
        return "floater"
    return "main"


def _is_flyer(mention: Mention, noun: Noun) -> bool:
    if mention.action == "flying":
        return mention.relation != "holds"  # flying a kite keeps the child on the ground
    resting = mention.action in vocab.RESTING_ACTIONS or mention.relation in ("on", "in")
    return noun.placement in ("air", "sky") and not resting


def _perch(mention: Mention, noun: Noun, mentions: tuple[Mention, ...], facts: PromptFacts,
           setting: str) -> str | None:
    """What a resting flyer (a bird, an owl, a butterfly) sits on; None for anything else."""
    if noun.placement != "air" or noun.kind != "animal" or mention.action == "flying":
        return None
    if mention.target is not None and mention.relation in ("on", "in"):
        return mentions[mention.target].noun
    named = [f for f in facts.features if f in vocab.PERCH_FEATURES]
    if named:
        return named[0]
    return vocab.PERCHES.get(setting, "rock")


def _pose(mention: Mention, noun: Noun, role: str) -> str | None:
    """A pose for the living (a gift "with a ribbon" holds nothing); flying a kite is holding it."""
    if noun.kind not in ("animal", "person", "creature"):
        return None
    if mention.action == "flying" and mention.relation == "holds":
        return "holding"
    if mention.action is not None:
        return vocab.POSES.get(mention.action)
    if role in ("rider", "perched") and noun.kind in ("animal", "person", "creature"):
        return "sitting"
    return None


def _props(mention: Mention) -> tuple[str, ...]:
    """Props a verb implies, unless the prompt already gave the verb its object."""
    if mention.action is None or mention.target is not None:
        return ()
    return vocab.ACTION_PROPS.get(mention.action, ())


def _plane(role: str, noun: Noun, index: int) -> str:
    if role in ("main", "held", "rider", "mount", "support", "perched") or index == 0:
        return "fore"
    if noun.kind == "building" or noun.scale >= 3 or role == "sky":
        return "back"
    return "mid"
