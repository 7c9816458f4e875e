"""The English grammar: one left-to-right pass (subject, verb, preposition, object) over lexemes."""

from __future__ import annotations

from dataclasses import dataclass

from frameloom.engines.compose.facts_draft import FactsDraft, append_new
from frameloom.engines.compose.lexer import Lex, looks_like_noun
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
            self.plural = self.plural or lex.plural_determiner
            self.participle, self.opened, self.slot = None, True, True
        else:
            getattr(self, "on_" + self.role(lex, nxt))(lex, nxt)

    def role(self, lex: Lex, nxt: Lex | None) -> str:
        """Which meaning ``lex`` has here; forms with several meanings are settled by context."""
        if lex.noun is not None:
            return self.noun_role(lex, nxt)
        for name, present in (("colour", lex.colour), ("scene", lex.scenes), ("action", lex.action),
                              ("prep", lex.prep), ("modifier", lex.size or lex.mood)):
            if present:
                return name
        return {"function": "function", "adjective": "adjective"}.get(lex.tag, "other")

    def noun_role(self, lex: Lex, nxt: Lex | None) -> str:
        expected = self.opened or self.link is not None
        if lex.action and not expected and self.agent is not None:
            return "action"  # "a boy watch..." vs "a gold watch"
        if lex.scenes and not expected:
            return "scene"  # "at night under the moonlight", "neon lanterns" light the scene
        if lex.colour and nxt is not None and (nxt.noun or nxt.colour or nxt.tag == "adjective"):
            return "colour"  # "an orange cat"
        if nxt is not None and nxt.noun is not None and not nxt.scenes and nxt.tag != "and":
            return "adjective"  # "a robot dog", "a baby dragon": the last noun is the head
        if nxt is not None and nxt.tag == "other" and looks_like_noun(nxt.text) and not nxt.text.endswith("s"):
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
        crowd = nxt is not None and nxt.is_setting and self.count in (None, 1)
        count = None if crowd or (form.plural and self.count == 1) else self.count
        index = self.draft.add_subject(form, count, self.colour, crowd)
        self.draft.add_scenes(lex.scenes)
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
        self.draft.add_scenes(lex.scenes)
        if not all(name == "style" for name, _ in lex.scenes):
            self.link = None  # "flying over mountains": a setting is nobody's target
        self.reset_phrase()
        self.slot = False

    def on_colour(self, lex: Lex, nxt: Lex | None) -> None:
        assert lex.colour is not None
        append_new(self.draft.colours, lex.colour)
        self.colour, self.opened, self.slot = lex.colour, True, True

    def on_action(self, lex: Lex, nxt: Lex | None) -> None:
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

    def on_prep(self, lex: Lex, nxt: Lex | None) -> None:
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

    def on_modifier(self, lex: Lex, nxt: Lex | None) -> None:
        self.draft.add_modifier(lex)

    def on_adjective(self, lex: Lex, nxt: Lex | None) -> None:
        """A plain adjective (or a noun used as one) stays inside the noun phrase."""

    def on_function(self, lex: Lex, nxt: Lex | None) -> None:
        self.end_run(head_found=False)
        self.reset_phrase()
        self.slot = lex.text in _SLOT_OPENERS

    def on_other(self, lex: Lex, nxt: Lex | None) -> None:
        if self.slot or self.opened:
            self.run.append(lex.text)
