"""What a prompt says, as plain values: the parser's output, the planner's input."""

from __future__ import annotations

from dataclasses import dataclass, field

SETTINGS = (
    "forest", "city", "beach", "ocean", "desert", "mountains", "snowfield",
    "field", "space", "room", "lake", "garden", "jungle", "underwater",
)
TIMES = ("dawn", "day", "golden_hour", "sunset", "dusk", "night")
WEATHERS = ("clear", "clouds", "rain", "snow", "fog", "storm")
LIGHTS = ("neon", "candle", "moonlight", "sun", "lantern", "fire")
ACTIONS = (
    "reading", "holding", "riding", "sitting", "standing", "flying", "swimming",
    "running", "walking", "sleeping", "playing", "eating", "drinking", "looking",
    "dancing", "jumping",
)
# How the target of an action is placed relative to the subject.
RELATIONS = ("holds", "rides", "on", "beside", "above", "in")


@dataclass(frozen=True)
class Mention:
    """One drawable thing the prompt names.

    ``noun`` is a canonical lexicon key ("fox"); ``count`` how many to draw
    (1 to 5); ``colour`` a colour name from the vocabulary applied to it;
    ``action`` one of ACTIONS; ``target`` the index in ``PromptFacts.subjects``
    of what the action involves and ``relation`` (one of RELATIONS) how that
    target sits relative to this subject ("a fox reading a book": the fox has
    action "reading", target -> the book, relation "holds").
    """

    noun: str
    count: int = 1
    colour: str | None = None
    action: str | None = None
    target: int | None = None
    relation: str | None = None


@dataclass(frozen=True)
class PromptFacts:
    """Everything the planner needs from the text, nothing it decides itself.

    ``None`` means the prompt did not say; the planner picks by seed.
    ``unknown`` lists words that look like things to draw but that the
    lexicon has no art for: the plan names them so nothing is dropped silently.
    """

    text: str
    language: str  # "en" or "zh"
    subjects: tuple[Mention, ...] = ()
    unknown: tuple[str, ...] = ()
    setting: str | None = None
    time_of_day: str | None = None
    weather: str | None = None
    lights: tuple[str, ...] = ()
    colours: tuple[str, ...] = ()
    style: str | None = None
    extras: dict[str, str] = field(default_factory=dict)
