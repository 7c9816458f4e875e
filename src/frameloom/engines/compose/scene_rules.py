"""Where and when a scene takes place when the prompt does not say it outright.

Every rule is a table over words and nouns, never a prompt: the settings named come first (in
order, a main setting and a backdrop); then a plain studio when the prompt asks for a product shot
or a portrait, or names a product alone; then the indoor cues (a desk, a kitchen); then the
subjects' habitats (a penguin lives on the ice, a camel in the desert), the main subject counting
most; then a default from what the subjects are. The time of day is daylight unless the words ask
for the dark (neon, stars, the moon, lanterns, a candle, space).
"""

from __future__ import annotations

from dataclasses import dataclass

from frameloom.engines.compose.facts import PromptFacts
from frameloom.engines.compose.lexicon import NOUNS

# The usual home of a noun: where it is drawn when the prompt names no place.
HABITATS: dict[str, str] = {
    **dict.fromkeys(("penguin", "polar bear", "snowman", "skier", "snowboarder", "sled", "mammoth", "ice cube"),
                    "snowfield"),
    **dict.fromkeys(("camel", "bactrian camel", "cactus", "scorpion"), "desert"),
    **dict.fromkeys(("fish", "tropical fish", "blowfish", "shark", "octopus", "squid", "jellyfish", "coral",
                     "mermaid", "lobster", "shrimp"), "underwater"),
    **dict.fromkeys(("whale", "dolphin", "ship", "ferry", "sailboat", "boat", "island", "anchor", "wave"),
                    "ocean"),
    **dict.fromkeys(("crab", "shell", "surfer", "beach umbrella", "palm tree", "seal", "volleyball", "turtle",
                     "coconut", "tropical drink"), "beach"),
    **dict.fromkeys(("monkey", "gorilla", "orangutan", "parrot", "tiger", "dinosaur", "t rex", "sloth", "snake",
                     "lizard", "peacock", "hibiscus", "leopard", "crocodile"), "jungle"),
    **dict.fromkeys(("lion", "zebra", "giraffe", "elephant", "rhino", "hippo", "cow", "ox", "sheep", "ram",
                     "pig", "horse", "donkey", "chicken", "rooster", "chick", "tractor", "sunflower", "wheat",
                     "llama", "bison", "water buffalo", "kangaroo", "farmer", "jockey", "kite",
                     "hot air balloon", "runner", "golfer"), "field"),
    **dict.fromkeys(("fox", "wolf", "bear", "deer", "moose", "owl", "squirrel", "hedgehog", "raccoon", "boar",
                     "badger", "mushroom", "pine tree", "log", "elf", "fairy", "unicorn", "koala", "panda",
                     "beaver", "skunk", "bamboo", "tent", "fire", "pedestrian", "troll", "goblin", "ogre"),
                    "forest"),
    **dict.fromkeys(("duck", "swan", "goose", "frog", "flamingo", "lotus", "canoe", "otter", "swimmer"), "lake"),
    **dict.fromkeys(("rabbit", "butterfly", "bee", "ladybug", "snail", "flower", "rose", "tulip", "cherry blossom",
                     "hyacinth", "fountain", "dog", "bird", "seedling", "caterpillar", "child", "girl", "boy"),
                    "garden"),
    **dict.fromkeys(("car", "taxi", "bus", "police car", "ambulance", "fire engine", "truck", "van", "suv",
                     "race car", "motorcycle", "scooter", "tram", "subway", "skyscraper", "traffic light",
                     "police officer", "office worker", "skateboard", "kick scooter", "cyclist", "bicycle",
                     "detective", "superhero", "ninja", "vampire", "zombie", "robot", "shop", "hotel",
                     "hospital", "mailbox", "pigeon", "dove", "rat", "lantern"), "city"),
    **dict.fromkeys(("rocket", "astronaut", "alien", "ufo", "satellite", "planet", "comet", "earth",
                     "space invader"), "space"),
    **dict.fromkeys(("dragon", "eagle", "castle", "climber", "volcano", "goat"), "mountains"),
    **dict.fromkeys(("cat", "sofa", "bed", "chair", "bathtub", "toilet", "television", "piano", "computer",
                     "laptop", "programmer", "teddy bear", "potted plant", "window", "mirror", "clock",
                     "christmas tree", "santa", "baby", "chef", "teacher", "student", "scientist"), "room"),
}
# Scenery features that say where a scene is.
FEATURE_HABITATS: dict[str, str] = {
    "lighthouse": "beach", "iceberg": "ocean", "pier": "ocean", "cliff": "ocean", "cave": "mountains",
    "waterfall": "forest", "river bank": "lake", "bridge": "lake", "road": "field", "path": "forest",
    "fence": "field", "aurora": "snowfield", "campfire ring": "forest", "branch": "forest", "wall": "city",
    "table": "room", "desk": "room", "shelf": "room", "windowsill": "room", "street lamp": "city",
}
# Nouns found almost anywhere: they say little about the place (a dog on a beach, a bird in a city).
WEAK_HABITATS = frozenset({"dog", "cat", "bird", "child", "girl", "boy", "butterfly", "flower", "rabbit",
                           "dove", "pigeon", "robot", "horse", "tree", "bee"})
# Things only ever found in one place: they decide it even beside a weaker main subject.
STRONG_HABITATS = frozenset({"penguin", "polar bear", "snowman", "camel", "fish", "tropical fish", "shark",
                             "octopus", "jellyfish", "mermaid", "astronaut", "rocket", "cactus", "whale",
                             "dolphin", "skier", "snowboarder", "sled", "surfer", "coral"})
# With no habitat at all: a default by what the main subject is.
KIND_DEFAULTS = {"animal": "field", "person": "garden", "plant": "garden", "vehicle": "city",
                 "building": "field", "creature": "forest", "nature": "field", "food": "room", "object": "room"}
# Things sold as products: alone, they get a plain studio backdrop.
PRODUCTS = frozenset({
    "sneaker", "boot", "handbag", "backpack", "wristwatch", "smartphone", "laptop", "headphones", "sunglasses",
    "glasses", "camera", "lotion bottle", "champagne", "wine", "ring", "gem", "crown", "top hat", "cap",
    "dress", "shirt", "coat", "scarf", "gloves", "gift", "soda", "juice", "perfume", "game controller",
    "video camera", "keyboard", "computer", "television", "radio", "microphone", "guitar", "violin",
    "skateboard", "teddy bear", "nesting doll", "vase", "jar", "candle", "lipstick", "key", "lock",
})
# Words and nouns that ask for the dark when no time is named.
NIGHT_LIGHTS = ("neon", "moonlight", "lantern", "candle")
NIGHT_NOUNS = frozenset({"moon", "crescent moon", "star", "fireworks", "sparkler", "vampire", "ghost", "bat",
                         "jack o lantern", "comet", "owl", "lantern", "candle"})
NIGHT_FEATURES = frozenset({"aurora"})
NIGHT_MOODS = frozenset({"spooky", "dark"})
INDOOR_FEATURES = frozenset({"table", "desk", "shelf", "windowsill", "stairs"})
DUSK_LIGHTS = ("fire",)


@dataclass(frozen=True)
class Where:
    """The decided place: ``settings`` (main first, then a backdrop), ``studio`` ("product",
    "portrait") or None, and ``reason`` (a short note for the plan: "named", "habitat of
    penguin"...)."""

    settings: tuple[str, ...]
    studio: str | None
    reason: str

    @property
    def setting(self) -> str:
        return self.settings[0]


def decide_where(facts: PromptFacts) -> Where:
    """The settings of the scene, from the words first and the content after."""
    named = facts.settings or ((facts.setting,) if facts.setting else ())
    if named:
        return Where(named, facts.studio if named[0] == "room" else None, "named")
    if facts.studio:
        return Where(("room",), facts.studio, f"{facts.studio} backdrop")
    nouns = [m.noun for m in facts.subjects]
    if nouns and all(n in PRODUCTS for n in nouns) and not facts.cues and not facts.features:
        return Where(("room",), "product", "a product alone")
    if facts.cues:
        return Where(("room",), None, f"indoor cue {facts.cues[0]}")
    furniture = next((f for f in facts.features if f in INDOOR_FEATURES), None)
    if furniture is not None:
        return Where(("room",), None, f"indoor cue {furniture}")
    if facts.weather == "snow" or facts.season == "winter":
        return Where(("snowfield",), None, "snow")
    if "neon" in facts.lights:
        return Where(("city",), None, "neon lights")
    habitat = _habitat(facts)
    if habitat is not None:
        return Where((habitat[0],), None, habitat[1])
    if "candle" in facts.lights:
        return Where(("room",), None, "candlelight")
    if nouns:
        kind = NOUNS[nouns[0]].kind
        if NOUNS[nouns[0]].placement == "held" or all(NOUNS[n].placement == "held" for n in nouns):
            return Where(("room",), None, "small things alone")
        return Where((KIND_DEFAULTS[kind],), None, f"a {kind}")
    return Where(("field",), None, "nothing named")


def _habitat(facts: PromptFacts) -> tuple[str, str] | None:
    """The habitat most of the subjects share; the main subject counts double, ties go to the first."""
    votes: dict[str, float] = {}
    why: dict[str, str] = {}
    for i, mention in enumerate(facts.subjects):
        place = HABITATS.get(mention.noun)
        if place is None:
            continue
        votes[place] = votes.get(place, 0.0) + _weight(mention.noun, i) * mention_weight(facts, i)
        why.setdefault(place, f"habitat of {mention.noun}")
    for feature in facts.features:
        place = FEATURE_HABITATS.get(feature)
        if place is not None:
            votes[place] = votes.get(place, 0.0) + 1.5
            why.setdefault(place, f"place of {feature}")
    if not votes:
        return None
    best = max(votes.values())
    place = next(p for p in votes if votes[p] == best)
    return place, why[place]


def _weight(noun: str, index: int) -> float:
    """The main subject counts double; a noun found anywhere counts little, one found in one
    place only counts most ("kids building a snowman": snow)."""
    base = 2.0 if index == 0 else 1.0
    if noun in STRONG_HABITATS:
        return base + 2.0
    return base * 0.4 if noun in WEAK_HABITATS else base


def mention_weight(facts: PromptFacts, index: int) -> float:
    """Held things say little about the place (a fish held by a bear is not underwater)."""
    held = any(m.target == index and m.relation == "holds" for m in facts.subjects)
    return 0.25 if held else 1.0


def decide_time(facts: PromptFacts, setting: str) -> tuple[str, str]:
    """The time of day and why: named, asked for by the content, or daylight."""
    if facts.time_of_day:
        return facts.time_of_day, "named"
    if setting == "space":
        return "night", "space"
    light = next((x for x in facts.lights if x in NIGHT_LIGHTS), None)
    if light is not None:
        return "night", light
    noun = next((m.noun for m in facts.subjects if m.noun in NIGHT_NOUNS), None)
    if noun is not None:
        return "night", noun
    feature = next((f for f in facts.features if f in NIGHT_FEATURES), None)
    if feature is not None:
        return "night", feature
    mood = next((w.value for w in facts.words if w.kind == "mood" and w.value in NIGHT_MOODS), None)
    if mood is not None:
        return "night", mood
    if any(x in facts.lights for x in DUSK_LIGHTS):
        return "dusk", "firelight"
    return "day", "daylight by default"
