"""Prompt text -> lexemes: each matched word or phrase with every meaning it can have.

English runs are matched longest phrase first ("hot air balloon" before "balloon"); Chinese,
which has no spaces, is matched longest string first at every character. A lexeme carries every
meaning its form has (noun, scene word, colour, verb, preposition...), because some forms have
several ("moon"); the grammars pick one in context.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace

from frameloom.engines.compose import vocabulary as vocab
from frameloom.engines.compose.lexicon import Form, is_chinese, surface_forms

# The scene fact naming the place (the others are "time", "weather", "light", "style").
SETTING = "setting"

_TOKEN = re.compile(r"[\u3400-\u9fff]+|[a-z0-9\u00c0-\u024f]+|[.,;:!?，。；：！？、()（）\n]")
_HARD_BREAKS = frozenset(".;:!?。；：！？\n()（）")


@dataclass(frozen=True)
class Lex:
    """One matched form and everything it can mean; the grammar picks a meaning in context."""

    text: str
    noun: Form | None = None
    scenes: tuple[tuple[str, str], ...] = ()  # ("setting", "forest"), ("light", "neon")...
    colour: str | None = None
    action: str | None = None
    verb_relation: str | None = None  # "sailing" puts its subject *in* the boat
    implied: str | None = None  # noun a Chinese verb-object compound names: 读书 -> book
    prep: str | None = None  # a relation word ("on", "with", "under"), pre- or postposition
    quantity: int | None = None
    determiner: bool = False
    plural_determiner: bool = False
    size: str | None = None
    mood: str | None = None
    tag: str = ""  # "function", "adjective", "punct", "and", "other"; Chinese: "de", "zai", "men", "wear"

    @property
    def is_setting(self) -> bool:
        return any(name == SETTING for name, _ in self.scenes)


# --- the lexicon index ------------------------------------------------------------------

_Meanings = dict[str, dict[str, object]]  # form -> Lex fields, while the index is built


def _merge(index: _Meanings, form: str, **meaning: object) -> None:
    """Add one meaning to ``form`` (a form may have several: "moon", "orange")."""
    index.setdefault(form, {}).update(meaning)


def _merge_scene(index: _Meanings, form: str, scene: tuple[str, str]) -> None:
    """Add one scene fact to ``form``; some forms state two ("moonlit": night and moonlight)."""
    fields = index.setdefault(form, {})
    old = fields.get("scenes", ())
    assert isinstance(old, tuple)
    fields["scenes"] = (*old, scene)


def _add_scene_words(index: _Meanings) -> None:
    """Settings, times, weathers, lights and styles: one scene fact each (or more: "moonlit")."""
    cities = dict.fromkeys(vocab.CITY_NAMES, "city")
    tables = (
        (SETTING, vocab.SETTING_WORDS), (SETTING, cities), ("time", vocab.TIME_WORDS),
        ("weather", vocab.WEATHER_WORDS), ("light", vocab.LIGHT_WORDS), ("style", vocab.STYLE_WORDS),
        ("feature", vocab.FEATURE_WORDS), ("cue", vocab.CUE_WORDS), ("season", vocab.SEASON_WORDS),
        ("studio", vocab.STUDIO_WORDS),
    )
    for name, table in tables:
        for form, value in table.items():
            _merge_scene(index, form, (name, value))


def _add_grammar_words(index: _Meanings) -> None:
    """Verbs, prepositions, quantities, determiners, modifiers and Chinese particles."""
    for form, action in vocab.ACTION_WORDS.items():
        _merge(index, form, action=action, verb_relation=vocab.VERB_RELATIONS.get(form),
               implied=vocab.VERB_OBJECTS.get(form))
    for table in (vocab.PREPOSITIONS, vocab.POSTPOSITIONS):
        for form, relation in table.items():
            _merge(index, form, prep=relation)
    for form, count in vocab.QUANTITY_WORDS.items():
        _merge(index, form, quantity=count)
    for number, count in vocab.CHINESE_NUMBERS.items():
        for measure in vocab.MEASURE_WORDS:
            _merge(index, number + measure, quantity=count)
    for form in vocab.DETERMINERS:
        _merge(index, form, determiner=True, plural_determiner=form in vocab.PLURAL_DETERMINERS)
    for form, size in vocab.SIZE_WORDS.items():
        _merge(index, form, size=size)
    for form, mood in vocab.MOOD_WORDS.items():
        _merge(index, form, mood=mood)
    particles = {"的": "de", "之": "de", "在": "zai", "位于": "zai", "于": "zai", "们": "men", "和": "and",
                 "与": "and", "跟": "and", "及": "and", "以及": "and", "还有": "and", "and": "and", "or": "and",
                 "plus": "and", "穿着": "wear", "穿": "wear", "戴着": "wear", "戴": "wear", "身穿": "wear"}
    for form, tag in particles.items():
        _merge(index, form, tag=tag)


@functools.cache
def _index() -> dict[str, Lex]:
    """Every known form -> its lexeme. Built once, on the first parse."""
    meanings: _Meanings = {}
    for form, hit in surface_forms().items():
        _merge(meanings, form, noun=hit)
    for form, colour in vocab.COLOUR_WORDS.items():
        _merge(meanings, form, colour=colour)
    _add_scene_words(meanings)
    _add_grammar_words(meanings)
    # Plain words only where no table gave the form a meaning.
    for words, tag in ((vocab.FUNCTION_WORDS, "function"), (vocab.PLAIN_ADJECTIVES, "adjective"),
                       (vocab.CHINESE_IGNORED, "function")):
        for form in words:
            meanings.setdefault(form, {"tag": tag})
    # Field names and types come from the tables above; one construction per form keeps this fast.
    return {form: Lex(text=form, **fields) for form, fields in meanings.items()}  # type: ignore[arg-type]


@functools.cache
def _longest() -> tuple[int, int]:
    """The longest English form in words and the longest Chinese form in characters."""
    words = max(len(form.split()) for form in _index() if not is_chinese(form))
    chars = max(len(form) for form in _index() if is_chinese(form))
    return words, chars


# --- lexing -----------------------------------------------------------------------------

def _match_words(words: list[str], out: list[Lex]) -> None:
    """Longest-phrase-first matching of a run of English words."""
    index, (longest, _) = _index(), _longest()
    i = 0
    while i < len(words):
        for size in range(min(longest, len(words) - i), 0, -1):
            lex = index.get(" ".join(words[i:i + size]))
            if lex is not None:
                out.append(lex)
                i += size
                break
        else:
            word = words[i]
            out.append(Lex(text=word, quantity=min(int(word), 99)) if word.isdigit() and len(word) < 4
                       else Lex(text=word, tag="other"))
            i += 1


def _match_chinese(run: str, out: list[Lex]) -> None:
    """Segment a run of CJK characters into known words; leftovers merge into one lexeme.

    Not greedy: the segmentation covers the most characters with known words, then uses the
    fewest words (ties go to the longer first word). Greedy longest-first reads 上海 as 上 + 海
    ("on" + "sea") once 上海 is known as a word that also starts with a postposition; this finds
    the reading that respects every known word. Linear in the run (at most ``longest`` lookups per
    character).
    """
    index, (_, longest) = _index(), _longest()
    size = len(run)
    best: list[tuple[int, int]] = [(0, 0)] * (size + 1)  # (known chars covered, -pieces) of run[i:]
    step = [0] * (size + 1)  # length of the first known word at i; 0: one unknown character
    for i in range(size - 1, -1, -1):
        score, choice = (best[i + 1][0], best[i + 1][1] - 1), 0
        for length in range(min(longest, size - i), 0, -1):
            if run[i:i + length] in index:
                rest = best[i + length]
                candidate = (rest[0] + length, rest[1] - 1)
                if candidate > score:
                    score, choice = candidate, length
        best[i], step[i] = score, choice
    i = 0
    while i < size:
        length = step[i]
        if length:
            out.append(index[run[i:i + length]])
            i += length
            continue
        if out and out[-1].tag == "other" and is_chinese(out[-1].text):
            out[-1] = replace(out[-1], text=out[-1].text + run[i])
        else:
            out.append(Lex(text=run[i], tag="other"))
        i += 1


def lex_prompt(text: str) -> list[Lex]:
    """The lexemes of ``text``, in order: lower case, possessive 's dropped, hyphens and other
    symbols separating words ("t-rex" -> "t rex"), punctuation kept as phrase boundaries."""
    clean = re.sub(r"['’]s\b", "", text.lower()).replace("'", "").replace("’", "")
    out: list[Lex] = []
    words: list[str] = []
    for match in _TOKEN.finditer(clean):
        token = match.group()
        is_punct = len(token) == 1 and not token.isalnum()
        if not is_punct and not is_chinese(token):
            words.append(token)
            continue
        _match_words(words, out)
        words = []
        if is_punct:
            out.append(Lex(text="." if token in _HARD_BREAKS else ",", tag="punct"))
        else:
            _match_chinese(token, out)
    _match_words(words, out)
    return out


def looks_like_noun(word: str) -> bool:
    """Could an unrecognised word be a thing? Not adverbs, participles, numbers or scraps."""
    return len(word) >= 3 and word.isalpha() and not word.endswith(("ly", "ing", "ed"))
