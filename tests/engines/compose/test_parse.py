"""Prompt understanding: what parse_prompt reads from English and Chinese prompts.

TABLE is the spec by example: each row names the behaviour it pins down. Every field of
PromptFacts is compared; a field a row leaves out must be empty (``extras`` only when given).
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from frameloom.domain.images import STYLES
from frameloom.engines.compose import vocabulary as vocab
from frameloom.engines.compose.facts import (
    ACTIONS,
    LIGHTS,
    RELATIONS,
    SETTINGS,
    TIMES,
    WEATHERS,
    Mention,
    PromptFacts,
)
from frameloom.engines.compose.lexicon import NOUNS
from frameloom.engines.compose.parse import MAX_PROMPT_CHARS, parse_prompt

S = Mention  # S("fox", action="reading", target=1, relation="holds")

TABLE = [
    # --- English: subjects, actions and what they act on ---
    pytest.param("a fox reading a book in a forest at sunset", {
        "subjects": (S("fox", action="reading", target=1, relation="holds"), S("book")),
        "setting": "forest", "time_of_day": "sunset",
    }, id="a fox reading a book holds it; forest is the setting, sunset the time"),
    pytest.param("a futuristic city skyline at night with neon lights", {
        "setting": "city", "time_of_day": "night", "lights": ("neon",), "extras": {"mood": "futuristic"},
    }, id="a city skyline is a setting, not a subject; neon lights are a light"),
    pytest.param("two cats sleeping on a red sofa in a cozy room by candlelight", {
        "subjects": (S("cat", 2, action="sleeping", target=1, relation="on"), S("sofa", colour="red")),
        "setting": "room", "lights": ("candle",), "colours": ("red",), "extras": {"mood": "cozy"},
    }, id="a number counts, a colour goes to the noun after it, candlelight is a light"),
    pytest.param("an astronaut riding a horse in space", {
        "subjects": (S("astronaut", action="riding", target=1, relation="rides"), S("horse")),
        "setting": "space",
    }, id="riding makes the subject ride its object"),
    pytest.param("a lighthouse on a rocky beach in a storm", {
        "features": ("lighthouse",), "setting": "beach", "weather": "storm",
    }, id="a thing with no glyph is a scenery feature, ordinary adjectives are not"),
    pytest.param("a watercolor of a cherry blossom garden at dawn", {
        "subjects": (S("cherry blossom", 3),), "setting": "garden", "time_of_day": "dawn", "style": "watercolor",
    }, id="a noun naming a kind of setting means a few of them; watercolor is a style"),
    pytest.param("pixel art dragon flying over mountains", {
        "subjects": (S("dragon", action="flying"),), "setting": "mountains", "style": "pixel_art",
    }, id="flying over a setting links to nothing"),
    pytest.param("a zorblax reading a book", {
        "subjects": (S("book"),), "unknown": ("zorblax",),
    }, id="an unknown subject is named, and its object is still drawn"),
    pytest.param("a girl with a red umbrella in the rain", {
        "subjects": (S("girl", action="holding", target=1, relation="holds"), S("umbrella", colour="red")),
        "weather": "rain", "colours": ("red",),
    }, id="with plus a small thing means holding it"),
    pytest.param("children playing with a dog in a park", {
        "subjects": (S("child", 3, action="playing", target=1, relation="beside"), S("dog")),
        "setting": "garden",
    }, id="an irregular plural without a number means a few; with a companion means beside"),
    pytest.param("a cat on a sofa next to a dog", {
        "subjects": (S("cat", target=1, relation="on"), S("sofa", target=2, relation="beside"), S("dog")),
    }, id="prepositions between nouns link them without a verb"),
    pytest.param("an orange cat and an orange", {
        "subjects": (S("cat", colour="orange"), S("orange")), "colours": ("orange",),
    }, id="orange before a noun is a colour, on its own a fruit"),
    pytest.param("three tiny mice eating cheese", {
        "subjects": (S("mouse", 3, action="eating", target=1, relation="holds", size="tiny"), S("cheese")),
        "extras": {"size": "small"},
    }, id="size words go to extras"),
    pytest.param("a sleeping fox under a tree", {
        "subjects": (S("fox", action="sleeping", target=1, relation="beside"), S("tree")),
    }, id="a participle before its noun is that noun's action; under a tree is beside it"),
    pytest.param("a man driving a red car through the city at night", {
        "subjects": (S("man", action="riding", target=1, relation="in"), S("car", colour="red")),
        "setting": "city", "time_of_day": "night", "colours": ("red",),
    }, id="driving a car puts the driver in it"),
    pytest.param("a man sailing a boat on a lake", {
        "subjects": (S("man", action="riding", target=1, relation="in"), S("boat")), "setting": "lake",
    }, id="sailing a boat puts the sailor in it"),
    pytest.param("an astronaut sitting on the moon", {
        "subjects": (S("astronaut", action="sitting", target=1, relation="on"), S("moon")),
        "setting": "space", "lights": ("moonlight",),
    }, id="sitting on the moon draws the moon and puts the scene in space"),
    pytest.param("a wolf howling at the full moon", {
        "subjects": (S("wolf", action="howling"), S("moon")), "lights": ("moonlight",),
    }, id="howling is a verb with a pose; the moon with an article is drawn and lights the scene"),
    pytest.param("a castle under the moonlight", {
        "subjects": (S("castle"),), "lights": ("moonlight",),
    }, id="moonlight alone is only a light"),
    pytest.param("a stone bridge over a river", {
        "features": ("bridge", "river bank"), "setting": "lake",
    }, id="a stone bridge is one scenery feature; a river is a lake with a bank"),
    pytest.param("a robot dog", {
        "subjects": (S("dog"),),
    }, id="of two nouns in a row the last is the head"),
    pytest.param("a hot air balloon over the desert at golden hour", {
        "subjects": (S("hot air balloon"),), "setting": "desert", "time_of_day": "golden_hour",
    }, id="the longest phrase wins: hot air balloon, golden hour"),
    pytest.param("a boy playing guitar by the campfire", {
        "subjects": (S("boy", action="playing", target=1, relation="holds"), S("guitar"), S("fire")),
        "lights": ("fire",),
    }, id="playing an instrument holds it; a campfire with an article is drawn and lights the scene"),
    pytest.param("a campfire in the woods", {
        "subjects": (S("fire"),), "setting": "forest", "lights": ("fire",),
    }, id="the woods are a forest"),
    pytest.param("a sailboat on the ocean at sunset, oil painting", {
        "subjects": (S("sailboat"),), "setting": "ocean", "time_of_day": "sunset", "style": "oil_painting",
    }, id="a style may come last"),
    pytest.param("geese flying over a lake in the fog", {
        "subjects": (S("goose", 3, action="flying"),), "setting": "lake", "weather": "fog",
    }, id="geese are several geese"),
    pytest.param("an old man reading a newspaper on a park bench", {
        "subjects": (S("grandfather", action="reading", target=1, relation="holds"), S("newspaper"), S("chair")),
    }, id="a held thing takes no preposition of its own"),
    pytest.param("a cup of coffee on a table", {
        "subjects": (S("coffee", on="table"),), "features": ("table",),
    }, id="a cup of coffee is one glyph; it stands on the table feature"),
    pytest.param("a cat and a dog sleeping on a sofa", {
        "subjects": (S("cat", action="sleeping", target=1, relation="on"), S("sofa"),
                     S("dog", action="sleeping", target=1, relation="on")),
    }, id="a verb after subjects joined by and applies to each"),
    pytest.param("kittens and puppies playing in a meadow", {
        "subjects": (S("cat", 3, action="playing"), S("dog", 3, action="playing")), "setting": "field",
    }, id="plural synonyms count a few and share the verb"),
    pytest.param("a girl in a red dress dancing in the rain", {
        "subjects": (S("girl", colour="red", action="dancing"),), "weather": "rain", "colours": ("red",),
        "extras": {"wearing": "dress"},
    }, id="a garment is worn, not drawn: its colour goes to the wearer"),
    pytest.param("a witch riding a broomstick under a full moon", {
        "subjects": (S("witch", action="riding", target=1, relation="rides"), S("broom"), S("moon")),
        "lights": ("moonlight",),
    }, id="a broomstick is ridden; under the moon links nothing"),
    pytest.param("a cyberpunk street with neon signs in the rain", {
        "setting": "city", "weather": "rain", "lights": ("neon",),
    }, id="cyberpunk lights the scene with neon but is no style of its own"),
    pytest.param("synthwave sunset over the ocean", {
        "setting": "ocean", "time_of_day": "sunset", "style": "neon",
    }, id="synthwave is the neon style"),
    pytest.param("a pencil sketch of an old castle", {
        "subjects": (S("castle"),), "style": "sketch",
    }, id="pencil sketch is a style"),
    pytest.param("a pencil on a desk", {
        "subjects": (S("pencil", on="desk"),), "features": ("desk",),
    }, id="a pencil on its own is a thing"),
    pytest.param("a bird flying above a house", {
        "subjects": (S("bird", action="flying", target=1, relation="above"), S("house")),
    }, id="above puts the subject over its object"),
    pytest.param("a koala sleeping in a tree", {
        "subjects": (S("koala", action="sleeping", target=1, relation="in"), S("tree")),
    }, id="in a tree is in it"),
    pytest.param("5 ducks and a swan on a pond", {
        "subjects": (S("duck", 5), S("swan")), "setting": "lake",
    }, id="digits count; a pond is a lake"),
    pytest.param("ten balloons", {
        "subjects": (S("balloon", 5),),
    }, id="counts are capped at five"),
    pytest.param("a unicorn in a magical forest, moonlit", {
        "subjects": (S("unicorn"),), "setting": "forest", "time_of_day": "night", "lights": ("moonlight",),
        "extras": {"mood": "magical"},
    }, id="moonlit means night and moonlight; magical is a mood"),
    pytest.param("a black cat sitting on a pumpkin", {
        "subjects": (S("cat", colour="black", action="sitting", target=1, relation="on"), S("jack o lantern")),
        "colours": ("black",),
    }, id="a colour and a verb on the same subject"),
    pytest.param("a zorblax and a glorp holding a red balloon", {
        "subjects": (S("balloon", colour="red"),), "unknown": ("zorblax", "glorp"), "colours": ("red",),
    }, id="several unknown words are all named"),
    pytest.param("generate an image of a cat", {
        "subjects": (S("cat"),),
    }, id="prompt boilerplate is neither a subject nor unknown"),
    pytest.param("a snowman in a snowy field", {
        "subjects": (S("snowman"),), "setting": "snowfield",
    }, id="a snowy field is a snowfield"),
    pytest.param("a child flying a kite in a field", {
        "subjects": (S("child", action="flying", target=1, relation="holds"), S("kite")), "setting": "field",
    }, id="flying a kite holds it; flying a plane would sit in it"),
    pytest.param("a couple walking on the beach at sunset", {
        "subjects": (S("person", 2, action="walking"),), "setting": "beach", "time_of_day": "sunset",
    }, id="a couple is two people"),
    pytest.param("a cozy cabin in the snowy mountains with smoke rising from the chimney", {
        "subjects": (S("hut"),), "unknown": ("smoke", "chimney"), "setting": "mountains", "weather": "snow",
        "extras": {"mood": "cozy"},
    }, id="the unknown thing before a participle is named, not the participle"),
    pytest.param("a whale swimming under the sea", {
        "subjects": (S("whale", action="swimming"),), "setting": "underwater",
    }, id="under the sea is underwater"),
    # --- Chinese ---
    pytest.param("夕阳下森林里读书的狐狸", {
        "subjects": (S("fox", action="reading", target=1, relation="holds"), S("book")),
        "setting": "forest", "time_of_day": "sunset",
    }, id="zh: a relative clause before 的 is what its subject does"),
    pytest.param("两只猫睡在红色的沙发上", {
        "subjects": (S("cat", 2, action="sleeping", target=1, relation="on"), S("sofa", colour="red")),
        "colours": ("red",),
    }, id="zh: number and measure word count; 在…上 is on"),
    pytest.param("宇航员在太空骑马", {
        "subjects": (S("astronaut", action="riding", target=1, relation="rides"), S("horse")), "setting": "space",
    }, id="zh: subject, place, verb, object"),
    pytest.param("月光下的城堡", {
        "subjects": (S("castle"),), "lights": ("moonlight",),
    }, id="zh: moonlight is a light"),
    pytest.param("雨中撑伞的女孩", {
        "subjects": (S("girl", action="holding", target=1, relation="holds"), S("umbrella")), "weather": "rain",
    }, id="zh: holding an umbrella in the rain"),
    pytest.param("水彩风格的樱花花园，黎明", {
        "subjects": (S("cherry blossom", 3),), "setting": "garden", "time_of_day": "dawn", "style": "watercolor",
    }, id="zh: style, a crowd of blossoms in a garden, dawn"),
    pytest.param("像素风格的龙飞过雪山", {
        "subjects": (S("dragon", action="flying"),), "setting": "mountains", "style": "pixel_art",
    }, id="zh: pixel-art dragon flying over snowy mountains"),
    pytest.param("城市夜景，霓虹灯", {
        "setting": "city", "time_of_day": "night", "lights": ("neon",),
    }, id="zh: a night cityscape with neon"),
    pytest.param("雪地里的一只红狐狸", {
        "subjects": (S("fox", colour="red"),), "setting": "snowfield", "colours": ("red",),
    }, id="zh: colour before the noun"),
    pytest.param("弹吉他的机器人", {
        "subjects": (S("robot", action="playing", target=1, relation="holds"), S("guitar")),
    }, id="zh: a robot playing the guitar"),
    pytest.param("一只佐布拉克在读书", {
        "subjects": (S("book"),), "unknown": ("佐布拉克",),
    }, id="zh: an unknown word in a noun's place is named"),
    pytest.param("海滩上的灯塔，暴风雨", {
        "features": ("lighthouse",), "setting": "beach", "weather": "storm",
    }, id="zh: a lighthouse is a scenery feature"),
    pytest.param("三只小鸟在树上", {
        "subjects": (S("bird", 3, target=1, relation="on"), S("tree")),
    }, id="zh: 在树上 is on the tree"),
    pytest.param("猫和狗在草地上睡觉", {
        "subjects": (S("cat", action="sleeping"), S("dog", action="sleeping")), "setting": "field",
    }, id="zh: 和 joins subjects that share the verb"),
    pytest.param("一只狐狸，在森林里读书", {
        "subjects": (S("fox", action="reading", target=1, relation="holds"), S("book")), "setting": "forest",
    }, id="zh: after a comma the verb still belongs to the subject"),
    pytest.param("画一只戴着红色帽子的猫", {
        "subjects": (S("cat", colour="red"),), "colours": ("red",), "extras": {"wearing": "top hat"},
    }, id="zh: a worn hat is not drawn alone; its colour goes to the wearer"),
    pytest.param("两个孩子在公园里放风筝", {
        "subjects": (S("child", 2, action="flying", target=1, relation="holds"), S("kite")), "setting": "garden",
    }, id="zh: 放风筝 is flying a kite"),
    pytest.param("戴着眼镜的老爷爷在看报纸", {
        "subjects": (S("grandfather", action="reading", target=1, relation="holds"), S("newspaper")),
        "extras": {"wearing": "glasses"},
    }, id="zh: 看报纸 is reading"),
    pytest.param("沙发上的猫", {
        "subjects": (S("cat", target=1, relation="on"), S("sofa")),
    }, id="zh: a place before 的 locates the subject after it"),
]

_EMPTY: dict[str, Any] = {
    "subjects": (), "unknown": (), "setting": None, "time_of_day": None, "weather": None, "lights": (),
    "colours": (), "style": None,
}


@pytest.mark.parametrize(("prompt", "expected"), TABLE)
def test_prompt_facts(prompt: str, expected: dict[str, Any]) -> None:
    facts = parse_prompt(prompt)
    want = {**_EMPTY, **{k: v for k, v in expected.items() if k != "extras"}}
    got = {name: getattr(facts, name) for name in want}
    assert got == want
    if "extras" in expected:
        assert facts.extras == expected["extras"]
    assert facts.text == prompt
    assert facts.language == ("zh" if any("\u4e00" <= ch <= "\u9fff" for ch in prompt) else "en")


@pytest.mark.parametrize(("prompt", "expected"), TABLE)
def test_every_value_is_one_the_planner_knows(prompt: str, expected: dict[str, Any]) -> None:
    facts = parse_prompt(prompt)
    _assert_valid(facts)


def _assert_valid(facts: PromptFacts) -> None:
    for i, mention in enumerate(facts.subjects):
        assert mention.noun in NOUNS
        assert 1 <= mention.count <= 5
        assert mention.colour is None or mention.colour in vocab.COLOURS
        assert mention.action is None or mention.action in ACTIONS
        assert (mention.target is None) == (mention.relation is None)
        if mention.target is not None:
            assert mention.target != i
            assert 0 <= mention.target < len(facts.subjects)
            assert mention.relation in RELATIONS
    assert facts.setting in (None, *SETTINGS)
    assert facts.time_of_day in (None, *TIMES)
    assert facts.weather in (None, *WEATHERS)
    assert facts.style in (None, *STYLES)
    assert set(facts.lights) <= set(LIGHTS)
    assert set(facts.colours) <= set(vocab.COLOURS)


def test_the_table_covers_at_least_45_prompts_of_which_8_are_chinese() -> None:
    chinese = [p for p in TABLE if any("\u4e00" <= ch <= "\u9fff" for ch in str(p.values[0]))]
    assert len(TABLE) >= 45
    assert len(chinese) >= 8


def test_every_vocabulary_value_is_a_canonical_fact_value() -> None:
    assert set(vocab.SETTING_WORDS.values()) <= set(SETTINGS)
    assert set(vocab.TIME_WORDS.values()) <= set(TIMES)
    assert set(vocab.WEATHER_WORDS.values()) <= set(WEATHERS)
    assert set(vocab.LIGHT_WORDS.values()) <= set(LIGHTS)
    assert set(vocab.STYLE_WORDS.values()) == set(STYLES)
    assert set(vocab.ACTION_WORDS.values()) <= set(ACTIONS)
    assert set(vocab.ACTION_RELATIONS) == set(ACTIONS)
    assert set(vocab.ACTION_RELATIONS.values()) <= set(RELATIONS)
    assert set(vocab.VERB_RELATIONS.values()) <= set(RELATIONS)
    assert set(vocab.VERB_OBJECTS.values()) <= set(NOUNS)
    assert set(vocab.COLOUR_WORDS.values()) <= set(vocab.COLOURS)


def test_the_vocabulary_names_at_least_30_english_colours_and_chinese_ones() -> None:
    english = [c for c in vocab.COLOURS if c.isascii()]
    chinese = [w for w in vocab.COLOUR_WORDS if not w.isascii()]
    assert len(english) >= 30
    assert len(chinese) >= 20
    assert all(len(rgb) == 3 and all(0 <= v <= 255 for v in rgb) for rgb in vocab.COLOURS.values())


def test_every_colour_named_is_in_colours_even_when_it_belongs_to_no_noun() -> None:
    facts = parse_prompt("a sunset in shades of pink and gold over a calm sea")
    assert facts.colours == ("pink", "gold")
    assert facts.subjects == ()


@pytest.mark.parametrize("prompt", ["", "   ", "!!!", "🦊📚", "的的的", "a a a a", "in on with by", "😀 a cat 😀"])
def test_odd_input_gives_valid_facts_and_never_raises(prompt: str) -> None:
    _assert_valid(parse_prompt(prompt))


def test_only_the_first_4000_characters_are_read() -> None:
    prompt = "a cat " * (MAX_PROMPT_CHARS // 6) + "and a zorblax"
    facts = parse_prompt(prompt)
    assert facts.text == prompt
    assert "zorblax" not in facts.unknown
    _assert_valid(facts)


def test_a_typical_prompt_parses_in_under_two_milliseconds() -> None:
    prompts = ["a fox reading a book in a forest at sunset", "夕阳下森林里读书的狐狸",
               "two cats sleeping on a red sofa in a cozy room by candlelight"]
    for prompt in prompts:
        parse_prompt(prompt)  # the lexicon index is built once, on first use
    start = time.perf_counter()
    for _ in range(100):
        for prompt in prompts:
            parse_prompt(prompt)
    assert (time.perf_counter() - start) / 300 < 0.002


def test_a_maximum_length_prompt_parses_in_well_under_a_second() -> None:
    parse_prompt("warm up")
    for unit in ("a fox reading a book by a lake, ", "夕阳下森林里读书的狐狸，"):
        prompt = (unit * MAX_PROMPT_CHARS)[:MAX_PROMPT_CHARS]
        start = time.perf_counter()
        _assert_valid(parse_prompt(prompt))
        assert time.perf_counter() - start < 0.25
