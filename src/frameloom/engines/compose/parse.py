"""Prompt text -> PromptFacts: which things to draw, what they do, and the scene around them.

The parser is a small hand-written grammar over a dictionary lexer, not a language model:

1. ``_lex`` cuts the text into lexemes. English runs are matched longest phrase first
   ("hot air balloon" before "balloon"); Chinese, which has no spaces, is matched longest
   string first at every character. Each lexeme carries every meaning its form has (noun,
   scene word, colour, verb, preposition...), because some forms have several ("moon").
2. ``_English`` or ``_Chinese`` walks the lexemes once with a little state (the current
   subject, a pending verb or preposition waiting for its object) and fills a ``_Draft``.
3. ``_Draft.facts`` orders subjects before their targets and freezes the result.

Anything that looks like a thing to draw but is in no table goes to ``unknown``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace

from frameloom.engines.compose import vocabulary as vocab
from frameloom.engines.compose.facts import Mention, PromptFacts
from frameloom.engines.compose.lexicon import NOUNS, Form, Noun, is_chinese, surface_forms

MAX_PROMPT_CHARS = 4000
MAX_COUNT = 5

# Sky bodies one can stand on: "on the moon" also means the scene is in space.
_CELESTIAL = frozenset({"moon", "crescent moon", "planet", "comet", "star"})
# Worn rather than held or entered: "a girl in a red dress" links nothing.
_CLOTHING = frozenset({
    "dress", "shirt", "coat", "top hat", "cap", "scarf", "gloves", "sneaker", "boot", "glasses",
    "sunglasses", "crown", "mask", "ring", "wristwatch", "headphones",
})
# After these the next word fills a noun slot ("a painting of ___", "made from ___").
_SLOT_OPENERS = frozenset({"of", "for", "from", "to", "like", "about", "featuring", "depicting", "showing"})
_SETTING = "setting"

_TOKEN = re.compile(r"[\u3400-\u9fff]+|[a-z0-9\u00c0-\u024f]+|[.,;:!?，。；：！？、()（）\n]")
_HARD_BREAKS = frozenset(".;:!?。；：！？\n()（）")


@dataclass(frozen=True)
class _Lex:
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
        return any(name == _SETTING for name, _ in self.scenes)


# --- the lexicon index ------------------------------------------------------------------

_Meanings = dict[str, dict[str, object]]  # form -> _Lex fields, while the index is built


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
    tables = (
        (_SETTING, vocab.SETTING_WORDS), ("time", vocab.TIME_WORDS), ("weather", vocab.WEATHER_WORDS),
        ("light", vocab.LIGHT_WORDS), ("style", vocab.STYLE_WORDS),
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
def _index() -> dict[str, _Lex]:
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
    return {form: _Lex(text=form, **fields) for form, fields in meanings.items()}  # type: ignore[arg-type]


@functools.cache
def _longest() -> tuple[int, int]:
    """The longest English form in words and the longest Chinese form in characters."""
    words = max(len(form.split()) for form in _index() if not is_chinese(form))
    chars = max(len(form) for form in _index() if is_chinese(form))
    return words, chars


# --- lexing -----------------------------------------------------------------------------

def _match_words(words: list[str], out: list[_Lex]) -> None:
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
            out.append(_Lex(text=word, quantity=min(int(word), 99)) if word.isdigit() and len(word) < 4
                       else _Lex(text=word, tag="other"))
            i += 1


def _match_chinese(run: str, out: list[_Lex]) -> None:
    """Longest-string-first matching of a run of CJK characters; leftovers merge into one lexeme."""
    index, (_, longest) = _index(), _longest()
    i = 0
    while i < len(run):
        for size in range(min(longest, len(run) - i), 0, -1):
            lex = index.get(run[i:i + size])
            if lex is not None:
                out.append(lex)
                i += size
                break
        else:
            if out and out[-1].tag == "other" and is_chinese(out[-1].text):
                out[-1] = replace(out[-1], text=out[-1].text + run[i])
            else:
                out.append(_Lex(text=run[i], tag="other"))
            i += 1


def _lex(text: str) -> list[_Lex]:
    """The lexemes of ``text``, in order: lower case, possessive 's dropped, hyphens and other
    symbols separating words ("t-rex" -> "t rex"), punctuation kept as phrase boundaries."""
    clean = re.sub(r"['’]s\b", "", text.lower()).replace("'", "").replace("’", "")
    out: list[_Lex] = []
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
            out.append(_Lex(text="." if token in _HARD_BREAKS else ",", tag="punct"))
        else:
            _match_chinese(token, out)
    _match_words(words, out)
    return out


# --- the draft the grammars fill --------------------------------------------------------

@dataclass
class _Subject:
    """A Mention while it is still being filled in."""

    noun: str
    count: int
    colour: str | None = None
    action: str | None = None
    target: int | None = None
    relation: str | None = None


@dataclass
class _Draft:
    """Everything found so far; first mention wins for single-valued scene facts."""

    subjects: list[_Subject] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    scene: dict[str, str] = field(default_factory=dict)
    lights: list[str] = field(default_factory=list)
    colours: list[str] = field(default_factory=list)
    extras: dict[str, str] = field(default_factory=dict)

    def add_scenes(self, scenes: tuple[tuple[str, str], ...]) -> None:
        for name, value in scenes:
            if name == "light":
                _append_new(self.lights, value)
            else:
                self.scene.setdefault(name, value)

    def add_subject(self, form: Form, count: int | None, colour: str | None, crowd: bool) -> int:
        """Append a subject; without a number, a plural (or a "cherry blossom garden") means a few."""
        if count is None:
            several = form.plural or crowd
            count = (3 if NOUNS[form.key].scale < 1 else 2) if several else 1
        self.subjects.append(_Subject(form.key, max(1, min(MAX_COUNT, count)), colour))
        return len(self.subjects) - 1

    def add_modifier(self, lex: _Lex) -> None:
        if lex.size:
            self.extras.setdefault("size", lex.size)
        if lex.mood:
            self.extras.setdefault("mood", lex.mood)

    def add_unknown(self, word: str) -> None:
        _append_new(self.unknown, word)

    def link(self, source: int | None, target: int, action: str | None, relation: str | None) -> None:
        """Record that ``source`` does ``action`` to ``target``; the first link of a subject wins."""
        if source is None or source == target:
            return
        subject = self.subjects[source]
        if action and subject.action is None:
            subject.action = action
        if relation and subject.target is None:
            subject.target, subject.relation = target, relation
            if relation == "holds" and subject.action is None:
                subject.action = "holding"

    def facts(self, text: str, language: str) -> PromptFacts:
        """Freeze: subjects ordered so each comes before what it acts on, targets re-indexed."""
        self._infer_space()
        order = _subjects_first(self.subjects)
        where = {old: new for new, old in enumerate(order)}
        mentions = tuple(
            Mention(s.noun, s.count, s.colour, s.action,
                    where[s.target] if s.target is not None else None, s.relation)
            for s in (self.subjects[i] for i in order)
        )
        return PromptFacts(
            text=text, language=language, subjects=mentions, unknown=tuple(self.unknown),
            setting=self.scene.get(_SETTING), time_of_day=self.scene.get("time"),
            weather=self.scene.get("weather"), lights=tuple(self.lights), colours=tuple(self.colours),
            style=self.scene.get("style"), extras=dict(self.extras),
        )

    def _infer_space(self) -> None:
        """Standing or sitting on the moon (or a planet) puts the scene in space."""
        for subject in self.subjects:
            target = subject.target
            if target is not None and subject.relation in ("on", "in") and self.subjects[target].noun in _CELESTIAL:
                self.scene.setdefault(_SETTING, "space")


def _append_new(items: list[str], value: str) -> None:
    if value not in items:
        items.append(value)


def _subjects_first(subjects: list[_Subject]) -> list[int]:
    """Indices in mention order, except that a target follows the subject acting on it.

    English already says "a fox reading a book"; Chinese says 读书的狐狸 ("book-reading fox"),
    and the planner wants the fox, the main subject, first either way.
    """
    targeted = {s.target for s in subjects if s.target is not None}
    order: list[int] = []

    def visit(i: int) -> None:
        while i not in order:
            order.append(i)
            nxt = subjects[i].target
            if nxt is None:
                return
            i = nxt

    for i in range(len(subjects)):
        if i not in targeted:
            visit(i)
    for i in range(len(subjects)):  # anything left sits on a cycle
        visit(i)
    return order


def _relation(action: str | None, verb_relation: str | None, prep: str | None, noun: Noun) -> str | None:
    """How a target sits relative to its subject, from the verb, the preposition and the target.

    None when the words link nothing drawable ("in a red dress", "beside the moon").
    """
    if noun.key in _CLOTHING and prep in (None, "with", "in"):
        return None
    if prep == "with":
        return "holds" if noun.placement == "held" else "beside"
    if prep == "under":
        return None if noun.placement in ("sky", "air") else "beside"
    if prep is not None:
        if action == "riding" and prep in ("on", "in"):
            relation = "in" if prep == "in" and noun.kind == "vehicle" else "rides"
        else:
            relation = prep
    elif verb_relation is not None:
        relation = verb_relation
    elif action == "flying":  # flying a plane sits in it; flying a kite holds its string
        relation = "in" if noun.kind == "vehicle" else "holds"
    elif action is not None:
        relation = vocab.ACTION_RELATIONS[action]
    else:
        return None
    # Nothing stands beside or inside the sky: "looking at the moon", "in the sun" link nothing.
    return None if noun.placement == "sky" and relation not in ("on", "above") else relation


def _looks_like_noun(word: str) -> bool:
    """Could an unrecognised word be a thing? Not adverbs, participles, numbers or scraps."""
    return len(word) >= 3 and word.isalpha() and not word.endswith(("ly", "ing", "ed"))


# --- English ----------------------------------------------------------------------------

@dataclass
class _Link:
    """A verb or preposition waiting for its object.

    ``sources`` are the subjects it links ("a cat and a dog sleeping on ..." links both); empty
    when the subject is unknown or already busy, and then the object is simply drawn.
    """

    sources: tuple[int, ...]
    action: str | None
    verb_relation: str | None
    prep: str | None = None


class _English:
    """One left-to-right pass over English lexemes (subject, verb, preposition, object)."""

    def __init__(self, draft: _Draft) -> None:
        self.draft = draft
        self.count: int | None = None  # a number word waiting for its noun
        self.plural = False  # "these", "those"
        self.colour: str | None = None
        self.opened = False  # a determiner, number or colour opened a noun phrase
        self.slot = True  # a noun may come next: start, after a verb, a preposition, "and", "of"
        self.participle: str | None = None  # "a sleeping cat": the action waits for its noun
        self.agent: int | None = None  # the subject verbs attach to
        self.unknown_agent = False  # the subject is a word we cannot draw ("a zorblax reading")
        self.last: int | None = None  # the latest subject, for prepositions
        self.link: _Link | None = None
        self.run: list[str] = []  # unrecognised words inside the current noun slot
        self.group: list[int] = []  # subjects joined by "and" that share the next verb
        self.joined = False  # "and" or a comma came right after a subject

    def parse(self, lexemes: list[_Lex]) -> None:
        for i, lex in enumerate(lexemes):
            self.step(lex, lexemes[i + 1] if i + 1 < len(lexemes) else None)
        self.end_run(head_found=False)

    def step(self, lex: _Lex, nxt: _Lex | None) -> None:
        if lex.tag in ("punct", "and"):
            self.boundary(hard=lex.text == ".")
            self.joined = lex.text != "." and self.agent is not None
        elif lex.quantity is not None or lex.determiner:
            self.end_run(head_found=False)
            self.count = lex.quantity if lex.quantity is not None else self.count
            self.plural = self.plural or lex.plural_determiner
            self.participle, self.opened, self.slot = None, True, True
        else:
            getattr(self, "on_" + self.role(lex, nxt))(lex, nxt)

    def role(self, lex: _Lex, nxt: _Lex | None) -> str:
        """Which meaning ``lex`` has here; forms with several meanings are settled by context."""
        if lex.noun is not None:
            return self.noun_role(lex, nxt)
        for name, present in (("colour", lex.colour), ("scene", lex.scenes), ("action", lex.action),
                              ("prep", lex.prep), ("modifier", lex.size or lex.mood)):
            if present:
                return name
        return {"function": "function", "adjective": "adjective"}.get(lex.tag, "other")

    def noun_role(self, lex: _Lex, nxt: _Lex | None) -> str:
        expected = self.opened or self.link is not None
        if lex.action and not expected and self.agent is not None:
            return "action"  # "a boy watch..." vs "a gold watch"
        if lex.scenes and not expected:
            return "scene"  # "at night under the moonlight", "neon lanterns" light the scene
        if lex.colour and nxt is not None and (nxt.noun or nxt.colour or nxt.tag == "adjective"):
            return "colour"  # "an orange cat"
        if nxt is not None and nxt.noun is not None and not nxt.scenes and nxt.tag != "and":
            return "adjective"  # "a robot dog", "a baby dragon": the last noun is the head
        if nxt is not None and nxt.tag == "other" and _looks_like_noun(nxt.text) and not nxt.text.endswith("s"):
            return "adjective"  # "a stone bridge": the head is the unknown word
        return "noun"

    def boundary(self, hard: bool) -> None:
        """Comma, "and" or end of sentence: the phrase ends; a full stop also forgets the subject."""
        self.end_run(head_found=False)
        self.reset_phrase()
        self.participle, self.slot = None, True
        if hard:
            self.agent, self.last, self.link, self.unknown_agent = None, None, None, False
            self.group = []

    def reset_phrase(self) -> None:
        self.count, self.plural, self.colour, self.opened = None, False, None, False

    def end_run(self, head_found: bool) -> None:
        """Close the unrecognised words of a slot: without a known head, the last one is unknown."""
        run, self.run = self.run, []
        heads = [word for word in run if _looks_like_noun(word)]
        if head_found or not heads:
            return
        self.draft.add_unknown(heads[-1])  # "with smoke rising": the last word that can be a thing
        if self.link is not None:
            self.link = None  # the object was the unknown thing
        else:
            self.agent, self.unknown_agent = None, True

    def on_noun(self, lex: _Lex, nxt: _Lex | None) -> None:
        assert lex.noun is not None
        self.end_run(head_found=True)
        if self.worn(lex.noun.key):
            return
        form = Form(lex.noun.key, lex.noun.plural or self.plural)
        # "a cherry blossom garden": the article belongs to the garden, which holds a few of them;
        # "a village", "a crowd" name several things.
        crowd = nxt is not None and nxt.is_setting and self.count in (None, 1)
        count = None if crowd or (form.plural and self.count == 1) else self.count
        index = self.draft.add_subject(form, count, self.colour, crowd)
        self.draft.add_scenes(lex.scenes)
        if self.participle:
            self.draft.subjects[index].action = self.participle
        if self.link is not None:
            link, self.link = self.link, None
            noun = NOUNS[lex.noun.key]
            relation = _relation(link.action, link.verb_relation, link.prep, noun)
            for source in link.sources:
                self.draft.link(source, index, link.action, relation)
        else:
            self.group = [*self.group, index] if self.joined else [index]
            self.agent, self.unknown_agent = index, False
        self.last, self.joined = index, False
        self.reset_phrase()
        self.participle, self.slot = None, False

    def worn(self, key: str) -> bool:
        """"A girl in a red dress": the garment is not drawn on its own; its colour (and its name,
        in ``extras["wearing"]``) go to the wearer. True when ``key`` was consumed that way."""
        link = self.link
        if key not in _CLOTHING or link is None or link.prep not in ("wear", "in", "with") or not link.sources:
            return False
        wearer = self.draft.subjects[link.sources[0]]
        wearer.colour = wearer.colour or self.colour
        self.draft.extras.setdefault("wearing", key)
        self.link = None
        self.reset_phrase()
        self.slot = False
        return True

    def on_scene(self, lex: _Lex, nxt: _Lex | None) -> None:
        self.end_run(head_found=True)
        self.draft.add_scenes(lex.scenes)
        if not all(name == "style" for name, _ in lex.scenes):
            self.link = None  # "flying over mountains": a setting is nobody's target
        self.reset_phrase()
        self.slot = False

    def on_colour(self, lex: _Lex, nxt: _Lex | None) -> None:
        assert lex.colour is not None
        _append_new(self.draft.colours, lex.colour)
        self.colour, self.opened, self.slot = lex.colour, True, True

    def on_action(self, lex: _Lex, nxt: _Lex | None) -> None:
        assert lex.action is not None
        self.end_run(head_found=False)
        if self.opened or (self.agent is None and not self.unknown_agent and self.link is None):
            self.participle = lex.action  # "a sleeping cat", "flying dragons"
            return
        group = self.group if self.agent in self.group else [] if self.agent is None else [self.agent]
        # One action per subject: a second verb's object is just drawn.
        sources = tuple(i for i in group if self.draft.subjects[i].action is None)
        for i in sources:
            self.draft.subjects[i].action = lex.action
        self.link = _Link(sources, lex.action, lex.verb_relation)
        self.reset_phrase()
        self.slot = True

    def on_prep(self, lex: _Lex, nxt: _Lex | None) -> None:
        self.end_run(head_found=False)
        if self.link is not None and self.link.prep is None:
            self.link.prep = lex.prep  # "sitting on", "flying over"
        elif self.last is not None and self.free_for_prep(self.last):
            self.link = _Link((self.last,), None, None, lex.prep)  # "a cat on a sofa"
        self.reset_phrase()
        self.slot = True

    def free_for_prep(self, index: int) -> bool:
        """Can a preposition hang off this subject? Not when it is already linked, nor when it is
        held: in "a man reading a newspaper on a bench" the bench is the man's, not the paper's."""
        if self.draft.subjects[index].target is not None:
            return False
        return not any(s.target == index and s.relation == "holds" for s in self.draft.subjects)

    def on_modifier(self, lex: _Lex, nxt: _Lex | None) -> None:
        self.draft.add_modifier(lex)

    def on_adjective(self, lex: _Lex, nxt: _Lex | None) -> None:
        """A plain adjective (or a noun used as one) stays inside the noun phrase."""

    def on_function(self, lex: _Lex, nxt: _Lex | None) -> None:
        self.end_run(head_found=False)
        self.reset_phrase()
        self.slot = lex.text in _SLOT_OPENERS

    def on_other(self, lex: _Lex, nxt: _Lex | None) -> None:
        if self.slot or self.opened:
            self.run.append(lex.text)


# --- Chinese ----------------------------------------------------------------------------

@dataclass
class _Frame:
    """One clause being read: 读书的狐狸 fills action and target first, the subject after 的."""

    subject: int | None = None
    action: str | None = None
    verb_relation: str | None = None
    target: int | None = None
    post: str | None = None  # the postposition after the target: 沙发上 -> "on"
    expect_target: bool = False
    awaiting_subject: bool = False  # 的 closed a relative clause; the next noun is its subject
    located: bool = False  # 在 opened a place


class _Chinese:
    """One left-to-right pass over Chinese lexemes, handling both orders:
    subject-verb-object (猫骑自行车) and relative clauses (骑自行车的猫)."""

    def __init__(self, draft: _Draft) -> None:
        self.draft = draft
        self.count: int | None = None
        self.colour: str | None = None
        self.frame: _Frame | None = None
        self.agent: int | None = None
        self.unknown_agent = False
        self.after_de = False
        self.last: int | None = None
        self.prev = "start"  # what the previous lexeme was, for unknown-word detection
        self.group: list[int] = []  # subjects joined by 和 that share the next verb
        self.joined = False
        self.wearing = False  # 戴着/穿着 came; a garment next is worn, not drawn
        self.worn_colour: str | None = None  # 穿红裙子的女孩: red waits for the wearer
        self.next: _Lex | None = None

    def parse(self, lexemes: list[_Lex]) -> None:
        for i, lex in enumerate(lexemes):
            self.next = lexemes[i + 1] if i + 1 < len(lexemes) else None
            kind = self.kind(lex)
            getattr(self, "on_" + kind)(lex)
            self.prev = kind
        self.commit()

    def kind(self, lex: _Lex) -> str:
        if lex.tag in ("punct", "and", "de", "zai", "men", "wear"):
            return lex.tag
        if lex.noun is not None and not (lex.scenes and self.count is None and not self.expecting()):
            return "noun"  # 太阳/月亮/蜡烛 light the scene unless counted or acted on
        for name, present in (("quantity", lex.quantity is not None), ("colour", lex.colour),
                              ("scene", lex.scenes), ("action", lex.action), ("prep", lex.prep),
                              ("modifier", lex.size or lex.mood)):
            if present:
                return name
        return "other" if lex.tag == "other" else "function"

    def expecting(self) -> bool:
        return self.frame is not None and self.frame.expect_target and self.frame.target is None

    def commit(self) -> None:
        """Write the open clause into its subject (or, with none, into the current agent)."""
        frame, self.frame = self.frame, None
        if frame is None:
            return
        subject = frame.subject
        if subject is None and frame.action and not frame.awaiting_subject and not self.unknown_agent:
            subject = self.agent  # 狐狸，在森林里读书
        if subject is None:
            return
        members = [subject]
        if subject in self.group:  # 猫和狗在睡觉: both sleep
            members = [i for i in self.group if i == subject or self.draft.subjects[i].action is None]
        if frame.target is None:
            for i in members:
                if frame.action and self.draft.subjects[i].action is None:
                    self.draft.subjects[i].action = frame.action
            return
        noun = NOUNS[self.draft.subjects[frame.target].noun]
        relation = _relation(frame.action, frame.verb_relation, frame.post, noun)
        if relation is None and frame.action is None and frame.post is None:
            relation = "beside"  # 猫在狗 - a place with no postposition
        for i in members:
            self.draft.link(i, frame.target, frame.action, relation)

    def on_punct(self, lex: _Lex) -> None:
        self.commit()
        self.count, self.colour, self.after_de = None, None, False
        if lex.text == ".":
            self.agent, self.unknown_agent, self.group = None, False, []
        self.joined = lex.text != "." and self.agent is not None

    def on_and(self, lex: _Lex) -> None:
        self.commit()
        self.joined = self.agent is not None

    def on_de(self, lex: _Lex) -> None:
        frame = self.frame
        if frame is not None and frame.subject is None and (frame.action or frame.target is not None):
            frame.awaiting_subject = True
        self.after_de = True

    def on_zai(self, lex: _Lex) -> None:
        if self.frame is None:
            self.frame = _Frame()
        if self.frame.target is None:
            self.frame.expect_target, self.frame.located = True, True

    def on_men(self, lex: _Lex) -> None:
        if self.last is not None and self.draft.subjects[self.last].count == 1:
            self.draft.subjects[self.last].count = 3  # 孩子们

    def on_quantity(self, lex: _Lex) -> None:
        self.count = lex.quantity

    def on_colour(self, lex: _Lex) -> None:
        assert lex.colour is not None
        _append_new(self.draft.colours, lex.colour)
        self.colour = lex.colour

    def on_modifier(self, lex: _Lex) -> None:
        self.draft.add_modifier(lex)

    def on_function(self, lex: _Lex) -> None:
        """Particles and boilerplate carry no fact."""

    def on_scene(self, lex: _Lex) -> None:
        self.draft.add_scenes(lex.scenes)
        if self.frame is not None and self.frame.located and self.frame.target is None:
            self.frame.expect_target = False  # 在森林里: the place is a setting

    def on_prep(self, lex: _Lex) -> None:
        frame = self.frame
        if frame is None or self.last is None or self.prev != "noun":
            return  # 森林里: a postposition after a setting only locates the scene
        if frame.target == self.last:
            frame.post = lex.prep  # 坐在沙发上, 猫在沙发上
        elif frame.subject == self.last and frame.action is None and frame.target is None:
            # 沙发上的猫: the noun before the postposition is a place for what follows.
            self.frame = _Frame(target=self.last, post=lex.prep, located=True)
            self.agent = None

    def on_action(self, lex: _Lex) -> None:
        assert lex.action is not None
        frame = self.frame
        if frame is not None and frame.action is None and not self.after_de and (
                frame.subject is not None or frame.target is not None or frame.located):
            frame.action, frame.verb_relation = lex.action, lex.verb_relation
            frame.expect_target = frame.target is None
        else:
            self.commit()
            frame = self.frame = _Frame(action=lex.action, verb_relation=lex.verb_relation,
                                        expect_target=True)
        if lex.implied is not None and frame.target is None:
            frame.target = self.draft.add_subject(Form(lex.implied, False), None, None, False)
            frame.expect_target = False
        self.after_de = False

    def on_wear(self, lex: _Lex) -> None:
        self.wearing = True

    def worn(self, key: str) -> bool:
        """A garment after 戴着/穿着 goes to ``extras["wearing"]``, its colour to the wearer: the
        subject before it (猫戴着帽子) or the one after 的 (戴着帽子的猫). True when consumed."""
        wearing, self.wearing = self.wearing, False
        if not wearing or key not in _CLOTHING:
            return False
        self.draft.extras.setdefault("wearing", key)
        frame = self.frame
        if frame is not None and frame.subject is not None and frame.subject == self.agent:
            wearer = self.draft.subjects[frame.subject]
            wearer.colour = wearer.colour or self.colour
        else:
            self.worn_colour = self.colour
        self.count, self.colour = None, None
        return True

    def on_noun(self, lex: _Lex) -> None:
        assert lex.noun is not None
        if self.worn(lex.noun.key):
            return
        colour = self.colour or self.worn_colour
        self.worn_colour = None
        crowd = self.next is not None and self.next.is_setting and self.count is None  # 樱花花园
        index = self.draft.add_subject(lex.noun, self.count, colour, crowd)
        self.draft.add_scenes(lex.scenes)
        frame = self.frame
        if frame is not None and frame.awaiting_subject:
            frame.subject, frame.awaiting_subject = index, False
            self.commit()
            self.frame = _Frame(subject=index, action=self.draft.subjects[index].action)
            self.agent, self.unknown_agent = index, False
        elif frame is not None and frame.expect_target and frame.target is None:
            frame.target, frame.expect_target = index, False
        else:
            self.commit()
            self.frame = _Frame(subject=index)
            self.group = [*self.group, index] if self.joined else [index]
            self.agent, self.unknown_agent = index, False
        self.last, self.joined = index, False
        self.count, self.colour, self.after_de = None, None, False

    def on_other(self, lex: _Lex) -> None:
        """An unmatched run is unknown when it stands where a noun would: after a number, a verb,
        的 or the start, and not before 的 or a noun (then it was a modifier)."""
        nxt = self.next
        long_enough = len(lex.text) >= 2 if is_chinese(lex.text) else _looks_like_noun(lex.text)
        after = self.prev in ("start", "punct", "quantity", "action", "de", "and", "zai", "colour", "modifier")
        before = nxt is None or not (nxt.noun or nxt.tag == "de" or nxt.colour)
        if not (long_enough and after and before):
            return
        self.draft.add_unknown(lex.text)
        if self.expecting():
            assert self.frame is not None
            self.frame.expect_target = False
        elif self.frame is None or self.frame.subject is not None or self.frame.awaiting_subject:
            self.commit()
            self.agent, self.unknown_agent = None, True
        self.count, self.colour = None, None


# --- entry point ------------------------------------------------------------------------

def parse_prompt(text: str) -> PromptFacts:
    """The facts a prompt states, in English or Chinese; never raises on any string.

    Contract: every colour named is in ``colours`` (and on its noun when it sits right before
    one); subjects come in order of mention, except that a subject precedes what it acts on;
    counts are 1 to 5; words that look like things but have no art are in ``unknown``. Only
    the first ``MAX_PROMPT_CHARS`` characters are read.
    """
    head = text[:MAX_PROMPT_CHARS]
    language = "zh" if is_chinese(head) else "en"
    draft = _Draft()
    lexemes = _lex(head)
    if language == "zh":
        _Chinese(draft).parse(lexemes)
    else:
        _English(draft).parse(lexemes)
    return draft.facts(text, language)
