"""The honest report: every content word of the prompt and what became of it in the picture.

Checked against what the plan really draws, not against what the parser hoped: a noun counts as
drawn only when a placed subject draws it, a scenery feature only when a layer holds an element of
that kind, a verb only when a subject doing it has a pose. Everything else is "not_drawn", so the
CLI (and anyone reading ``frameloom plan``) sees what is missing; nothing is dropped silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from frameloom.engines.compose import vocabulary as vocab
from frameloom.engines.compose.cast import Cast
from frameloom.engines.compose.facts import PromptFacts, Word
from frameloom.engines.compose.layers import Layer
from frameloom.engines.compose.lexicon import is_chinese, normalise, pluralize
from frameloom.engines.compose.placement import SubjectPlan
from frameloom.engines.compose.scenery_nouns import BACKDROPS
from frameloom.engines.compose.vocabulary import SELF_CONTAINED

FATES = ("drawn", "substitute", "scene", "not_drawn")
# Word kinds that shape the scene rather than stand in it.
_SCENE_KINDS = frozenset({"time", "weather", "light", "style", "colour", "mood", "size", "count", "season",
                          "cue", "studio"})


@dataclass(frozen=True)
class WordFate:
    """What became of one word: ``fate`` is one of FATES; ``drawn_as`` the noun, pose, feature
    or scene value it became (for a substitute: what stands in for it); ``kind`` the word's
    reading (facts.WORD_KINDS)."""

    word: str
    kind: str
    fate: str
    drawn_as: str | None = None


def report_of(facts: PromptFacts, cast: Sequence[Cast], subjects: Sequence[SubjectPlan],
              layers: Sequence[Layer], settings: Sequence[str]) -> tuple[WordFate, ...]:
    """One :class:`WordFate` per content word of ``facts``, in prompt order."""
    drawn_nouns = {s.noun for s in subjects}
    kinds = {e.kind for layer in layers for e in layer.elements}
    drawn_features = {f for f in vocab.FEATURE_WORDS.values() if _element_kind(f) in kinds} | drawn_nouns
    posed = {c.action for c in cast if c.pose is not None and c.noun in drawn_nouns}
    out = []
    for word in facts.words:
        out.append(_fate(word, drawn_nouns, drawn_features, posed, settings, cast))
    return tuple(out)


def _fate(word: Word, drawn: set[str], features: set[str], posed: set[str | None], settings: Sequence[str],
          cast: Sequence[Cast]) -> WordFate:
    kind, value = word.kind, word.value
    if kind == "noun" and value is not None:
        if value not in drawn:
            return WordFate(word.text, kind, "not_drawn")
        return WordFate(word.text, kind, "drawn" if _names(word.text, value) else "substitute", value)
    if kind in ("feature", "container") and value is not None:
        inside = kind == "container" and any(c.container == value and c.noun in SELF_CONTAINED for c in cast)
        shown = value in features or inside
        return WordFate(word.text, kind, "drawn" if shown else "not_drawn", value if shown else None)
    if kind == "verb":
        pose = next((c.pose for c in cast if c.action == value and c.pose), None)
        if value in posed and pose is not None:
            return WordFate(word.text, kind, "drawn" if pose == value else "substitute", pose)
        return WordFate(word.text, kind, "not_drawn")
    if kind == "setting":
        return WordFate(word.text, kind, "scene" if value in settings else "not_drawn", value)
    if kind in _SCENE_KINDS:
        return WordFate(word.text, kind, "scene", value)
    return WordFate(word.text, kind, "not_drawn")


def _element_kind(feature: str) -> str:
    """The layer element kind that draws a feature: the painters' own name for it when they have
    one ("windowsill" -> "sill"), else the feature's name with "_" for spaces."""
    return BACKDROPS.get(feature, feature.replace(" ", "_"))


def _names(text: str, key: str) -> bool:
    """Does the prompt's word name the noun itself (its key, plural or a Chinese name), rather than
    something the noun's art stands in for ("cheetah" drawn as a leopard)?"""
    form = normalise(text)
    return is_chinese(form) or form in (key, pluralize(key))


def not_drawn(report: Iterable[WordFate]) -> tuple[str, ...]:
    """The words the picture does not show, once each, in prompt order."""
    out: list[str] = []
    for fate in report:
        if fate.fate == "not_drawn" and fate.word not in out:
            out.append(fate.word)
    return tuple(out)


def substitutes(report: Iterable[WordFate]) -> tuple[str, ...]:
    """"word → stand-in" for every word drawn as something else."""
    return tuple(f"{f.word} → {f.drawn_as}" for f in report if f.fate == "substitute")
