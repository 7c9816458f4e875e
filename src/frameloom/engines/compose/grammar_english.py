"""The English grammar: one left-to-right pass (subject, verb, preposition, object) over lexemes."""

from __future__ import annotations

from dataclasses import dataclass

from frameloom.engines.compose import vocabulary as vocab
from frameloom.engines.compose.facts_draft import FactsDraft, append_new
from frameloom.engines.compose.lexer import SETTING, Lex, looks_like_noun
from frameloom.engines.compose.lexicon import NOUNS, Form
from frameloom.engines.compose.relations import CLOTHING, relation_of

# After these the next word fills a noun slot ("a painting of ___", "made from ___").
_SLOT_OPENERS = frozenset({"of", "for", "from", "to", "like", "about", "featuring", "depicting", "showing"})


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


class EnglishGrammar:
    """One left-to-right pass over English lexemes (subject, verb, preposition, object)."""

    def __init__(self, draft: FactsDraft) -> None:
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
        self.size: str | None = None  # "a giant cat": a size word waiting for its noun
        self.arrangement: str | None = None  # "a herd of": how the copies of the next noun stand
        self.container: str | None = None  # "a bowl of": what the next noun is served in
        self.absorb = False  # "sushi platter": the next unknown word belongs to the last noun
        self.backdrop = False  # "behind": the next setting is a backdrop

    def parse(self, lexemes: list[Lex]) -> None:
        for i, lex in enumerate(lexemes):
            self.step(lex, lexemes[i + 1] if i + 1 < len(lexemes) else None)
        self.end_run(head_found=False)

    def step(self, lex: Lex, nxt: Lex | None) -> None:
        if lex.tag in ("punct", "and"):
            self.boundary(hard=lex.text == ".")
            self.joined = lex.text != "." and self.agent is not None
        elif lex.quantity is not None or lex.determiner:
            self.end_run(head_found=False)
            self.count = lex.quantity if lex.quantity is not None else self.count
            self.arrangement = vocab.ARRANGEMENTS.get(lex.text, self.arrangement)
            self.plural = self.plural or lex.plural_determiner
            self.participle, self.opened, self.slot = None, True, True
        else:
            getattr(self, "on_" + self.role(lex, nxt))(lex, nxt)

    def role(self, lex: Lex, nxt: Lex | None) -> str:
        """Which meaning ``lex`` has here; forms with several meanings are settled by context."""
        if lex.noun is not None:
            return self.noun_role(lex, nxt)
        if lex.action and lex.text in vocab.NOUN_SENSES and (nxt is None or nxt.text == "of" or self.opened):
            return "function"  # "a painting of a cat": the artwork, not the verb
        for name, present in (("colour", lex.colour), ("scene", lex.scenes), ("action", lex.action),
                              ("prep", lex.prep), ("modifier", lex.size or lex.mood)):
            if present:
                return name
        return {"function": "function", "adjective": "adjective"}.get(lex.tag, "other")

    def noun_role(self, lex: Lex, nxt: Lex | None) -> str:
        assert lex.noun is not None
        expected = self.opened or self.link is not None
        if lex.action and not expected and self.agent is not None:
            return "action"  # "a boy watch..." vs "a gold watch"
        if lex.scenes and not expected:
            return "scene"  # "at night under the moonlight", "neon lanterns" light the scene
        if lex.colour and nxt is not None and (nxt.noun or nxt.colour or nxt.tag == "adjective"):
            return "colour"  # "an orange cat"
        if nxt is None:
            return "noun"
        if lex.text in vocab.CONTAINERS and nxt.text == "of":
            return "container"  # "a bowl of ramen": ramen in its bowl
        if nxt.action is not None and NOUNS[lex.noun.key].kind in ("animal", "person", "creature"):
            return "noun"  # "kids building a snowman": the next word is what they do
        if nxt.noun is not None and not nxt.scenes and nxt.tag != "and":
            return "adjective"  # "a robot dog", "a baby dragon": the last noun is the head
        if any(name == "feature" for name, _ in nxt.scenes) and nxt.noun is None:
            return "adjective"  # "a rock wall": the scenery is the head
        if nxt.tag == "other" and (nxt.text in vocab.CONTAINERS or nxt.text in vocab.COLLECTIONS):
            return "noun"  # "a sushi platter", "a balloon festival": the known noun is the head
        if nxt.tag == "other" and looks_like_noun(nxt.text) and not nxt.text.endswith("s"):
            return "adjective"  # "a velvet throne": the head is the unknown word
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
        self.size, self.arrangement = None, None
        self.flush_container()

    def flush_container(self) -> None:
        """A container no content followed ("a bowl on a table") is drawn itself, when it can be."""
        container, self.container = self.container, None
        if container is not None and container in NOUNS:
            self.last = self.agent = self.draft.add_subject(Form(container, False), None, None, False)

    def end_run(self, head_found: bool) -> None:
        """Close the unrecognised words of a slot: without a known head, the last one is unknown."""
        run, self.run = self.run, []
        heads = [word for word in run if looks_like_noun(word)]
        if head_found or not heads:
            return
        self.draft.add_unknown(heads[-1])  # "with smoke rising": the last word that can be a thing
        if self.link is not None:
            self.link = None  # the object was the unknown thing
        else:
            self.agent, self.unknown_agent = None, True

    def on_noun(self, lex: Lex, nxt: Lex | None) -> None:
        assert lex.noun is not None
        self.end_run(head_found=True)
        if self.worn(lex.noun.key):
            return
        form = Form(lex.noun.key, lex.noun.plural or self.plural)
        # "a cherry blossom garden": the article belongs to the garden, which holds a few of them;
        # "a village", "a crowd" name several things.
        crowd = (nxt is not None and nxt.is_setting and " " not in nxt.text and self.count in (None, 1)
                 and NOUNS[lex.noun.key].kind == "plant")
        count = None if crowd or (form.plural and self.count == 1) else self.count
        index = self.draft.add_subject(form, count, self.colour, crowd)
        self.draft.add_word(lex.text, "noun", lex.noun.key)
        self.dress(index, lex.text, crowd)
        self.draft.add_scenes(tuple(scene for scene in lex.scenes if scene[0] != "style"))
        if self.participle:
            self.draft.subjects[index].action = self.participle
        if self.link is not None:
            link, self.link = self.link, None
            noun = NOUNS[lex.noun.key]
            relation = relation_of(link.action, link.verb_relation, link.prep, noun)
            for source in link.sources:
                self.draft.link(source, index, link.action, relation)
        else:
            self.group = [*self.group, index] if self.joined else [index]
            self.agent, self.unknown_agent = index, False
        self.last, self.joined = index, False
        self.reset_phrase()
        self.participle, self.slot = None, False
        self.absorb = nxt is not None and nxt.tag == "other"

    def dress(self, index: int, word: str, crowd: bool) -> None:
        """Give a new subject what its phrase said: its word, size, arrangement and container."""
        subject = self.draft.subjects[index]
        subject.word, subject.size = word, self.size
        several = "few" if subject.count > 2 else "pair" if subject.count == 2 else "single"
        subject.arrangement = "crowd" if crowd else self.arrangement or several
        container, self.container = self.container, None
        if container is not None:
            subject.container = container
            if container in NOUNS and subject.noun not in vocab.SELF_CONTAINED:
                holder = self.draft.add_subject(Form(container, False), None, None, False)
                subject.target, subject.relation = holder, "in"  # apples in their basket

    def on_container(self, lex: Lex, nxt: Lex | None) -> None:
        """"A bowl of", "a cup of": the container waits for its contents (the count is theirs)."""
        assert lex.noun is not None
        self.end_run(head_found=True)
        key = lex.noun.key  # "a cup of tea": the cup is coffee's art; the container is a cup
        self.container = key if NOUNS[key].kind == "object" else lex.text
        self.draft.add_word(lex.text, "container", self.container)
        self.slot = True

    def worn(self, key: str) -> bool:
        """"A girl in a red dress": the garment is not drawn on its own; its colour (and its name,
        in ``extras["wearing"]``) go to the wearer. True when ``key`` was consumed that way."""
        link = self.link
        if key not in CLOTHING or link is None or link.prep not in ("wear", "in", "with") or not link.sources:
            return False
        wearer = self.draft.subjects[link.sources[0]]
        wearer.colour = wearer.colour or self.colour
        self.draft.extras.setdefault("wearing", key)
        self.link = None
        self.reset_phrase()
        self.slot = False
        return True

    def on_scene(self, lex: Lex, nxt: Lex | None) -> None:
        self.end_run(head_found=True)
        self.draft.add_scenes(lex.scenes, lex.text)
        settings = [value for name, value in lex.scenes if name == SETTING]
        if settings and self.backdrop:
            self.draft.backdrop(settings[0])
        self.backdrop = False
        feature = next((value for name, value in lex.scenes if name == "feature"), None)
        if feature is not None and self.link is not None and self.link.prep in ("on", "in", None):
            for source in self.link.sources:  # "a cat on the windowsill", "sitting on a bench"
                self.draft.subjects[source].on = self.draft.subjects[source].on or feature
        if not all(name == "style" for name, _ in lex.scenes):
            self.link = None  # "flying over mountains": a setting is nobody's target
        self.reset_phrase()
        self.slot = False

    def on_colour(self, lex: Lex, nxt: Lex | None) -> None:
        assert lex.colour is not None
        append_new(self.draft.colours, lex.colour)
        self.draft.add_word(lex.text, "colour", lex.colour)
        self.colour, self.opened, self.slot = lex.colour, True, True

    def on_action(self, lex: Lex, nxt: Lex | None) -> None:
        assert lex.action is not None
        self.end_run(head_found=False)
        self.draft.add_word(lex.text, "verb", lex.action)
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

    def on_prep(self, lex: Lex, nxt: Lex | None) -> None:
        self.end_run(head_found=False)
        if lex.text in vocab.BACKDROP_WORDS:
            if nxt is None or nxt.tag in ("punct", "and"):
                self.draft.backdrop(None)  # "a beach with a city behind"
            else:
                self.backdrop = True
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

    def on_modifier(self, lex: Lex, nxt: Lex | None) -> None:
        self.draft.add_modifier(lex)
        self.size = lex.size or self.size

    def on_adjective(self, lex: Lex, nxt: Lex | None) -> None:
        """A plain adjective (or a noun used as one) stays inside the noun phrase; the report
        still names it, since nothing draws it ("a robot dog" draws a dog)."""
        if lex.noun is not None:
            self.draft.add_word(lex.text, "noun", lex.noun.key)
        elif lex.tag == "adjective" and lex.text not in vocab.QUALITY_WORDS:
            self.draft.add_word(lex.text, "adjective")

    def on_function(self, lex: Lex, nxt: Lex | None) -> None:
        if self.container is not None and lex.text == "of":
            return  # "a bowl of ___": the phrase (and its count) goes on to the contents
        self.end_run(head_found=False)
        self.reset_phrase()
        self.slot = lex.text in _SLOT_OPENERS

    def on_other(self, lex: Lex, nxt: Lex | None) -> None:
        text = lex.text
        absorb, self.absorb = self.absorb, False
        if absorb and self.last is not None and self.attach(self.last, text):
            return
        if text in vocab.CONTAINERS and nxt is not None and nxt.text == "of":
            self.end_run(head_found=False)
            self.container = text  # "a platter of sushi": the platter has no art; the sushi does
            self.draft.add_word(text, "container", text)
            self.slot = True
            return
        if text.endswith("ing") and len(text) > 4:
            self.draft.add_word(text, "unknown_verb")  # "a wolf howling": named, not dropped
            return
        if text.endswith("ed") and len(text) > 4:
            self.draft.add_word(text, "adjective")
            return
        if self.slot or self.opened:
            self.run.append(text)

    def attach(self, index: int, text: str) -> bool:
        """"Sushi platter", "balloon festival": a head word that serves or gathers the noun before it."""
        subject = self.draft.subjects[index]
        if text in vocab.CONTAINERS:
            subject.container = text
            self.draft.add_word(text, "container", text)
            return True
        if text in vocab.COLLECTIONS:
            subject.count, subject.arrangement = max(subject.count, 4), "many"
            self.draft.add_word(text, "count", "many")
            return True
        return False
