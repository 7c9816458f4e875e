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
SEASONS = ("spring", "summer", "autumn", "winter")
ACTIONS = (
    "reading", "holding", "riding", "sitting", "standing", "flying", "swimming",
    "running", "walking", "sleeping", "playing", "eating", "drinking", "looking",
    "dancing", "jumping", "fishing", "surfing", "watering", "cooking", "painting", "singing",
    "building", "climbing", "skating", "skiing", "waving", "hugging", "writing", "working",
    "photographing", "camping", "gardening", "howling", "meditating", "kicking", "throwing", "knitting",
)
# How the target of an action is placed relative to the subject.
RELATIONS = ("holds", "rides", "on", "beside", "above", "in")
# What a word became, in :class:`Word`: a drawn thing, a scene fact, or nothing the parser could use.
WORD_KINDS = (
    "noun", "feature", "container", "verb", "setting", "time", "weather", "light", "style", "colour",
    "mood", "size", "count", "season", "cue", "studio", "unknown", "unknown_verb", "adjective",
)


@dataclass(frozen=True)
class Mention:
    """One drawable thing the prompt names.

    ``noun`` is a canonical lexicon key ("fox"); ``count`` how many to draw
    (1 to 5); ``colour`` a colour name from the vocabulary applied to it;
    ``action`` one of ACTIONS; ``target`` the index in ``PromptFacts.subjects``
    of what the action involves and ``relation`` (one of RELATIONS) how that
    target sits relative to this subject ("a fox reading a book": the fox has
    action "reading", target -> the book, relation "holds").

    ``word`` is the prompt's own word for it ("kittens", "狐狸"); ``size`` a size word
    said of it ("tiny", "small", "big", "giant"); ``arrangement`` how several stand
    ("single", "pair", "few", "group", "many", "row", "crowd"); ``container`` what it is served
    or kept in ("a bowl of ramen": ramen, container "bowl"), a noun key or an undrawable word;
    ``on`` the scenery feature it stands on, sits in or rests against ("a cat on a windowsill":
    "windowsill"; a PromptFacts.features name) when that is no drawable noun.
    """

    noun: str
    count: int = 1
    colour: str | None = None
    action: str | None = None
    target: int | None = None
    relation: str | None = None
    word: str = field(default="", compare=False)
    size: str | None = None
    arrangement: str = field(default="single", compare=False)
    container: str | None = None
    on: str | None = None


@dataclass(frozen=True)
class Word:
    """One content word (or phrase) of the prompt and what the parser read it as.

    ``kind`` is one of WORD_KINDS; ``value`` what it names (a noun key, a setting, an action,
    a feature...), None for words nothing could use ("unknown", "unknown_verb", "adjective").
    """

    text: str
    kind: str
    value: str | None = None


@dataclass(frozen=True)
class PromptFacts:
    """Everything the planner needs from the text, nothing it decides itself.

    ``None`` means the prompt did not say; the planner decides from the content.
    ``unknown`` lists words that look like things to draw but that the
    lexicon has no art for: the plan names them so nothing is dropped silently.
    ``settings`` every setting named, in order (``setting`` is the first); ``features`` the
    scenery things named that no glyph draws (lighthouse, bridge, table, aurora...);
    ``cues`` indoor cues (kitchen, desk, windowsill...); ``studio`` "product" or "portrait"
    when the prompt asks for a plain backdrop; ``words`` every content word and its reading.
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
    settings: tuple[str, ...] = ()
    season: str | None = None
    features: tuple[str, ...] = ()
    cues: tuple[str, ...] = ()
    studio: str | None = None
    mood: str | None = None
    words: tuple[Word, ...] = ()
