"""The Chinese grammar: one left-to-right pass over lexemes, in both clause orders."""

from __future__ import annotations

from dataclasses import dataclass

from frameloom.engines.compose import vocabulary as vocab
from frameloom.engines.compose.facts_draft import FactsDraft, append_new
from frameloom.engines.compose.lexer import Lex, looks_like_noun
from frameloom.engines.compose.lexicon import NOUNS, Form, is_chinese
from frameloom.engines.compose.relations import CLOTHING, relation_of


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


class ChineseGrammar:
    """One left-to-right pass over Chinese lexemes, handling both orders:
    subject-verb-object (猫骑自行车) and relative clauses (骑自行车的猫)."""

    def __init__(self, draft: FactsDraft) -> None:
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
        self.next: Lex | None = None
        self.size: str | None = None  # 巨大的: a size word waiting for its noun
        self.arrangement: str | None = None  # 一群: how the copies of the next noun stand
        self.on_feature: str | None = None  # 窗台上的猫: a scenery feature waiting for what sits on it

    def parse(self, lexemes: list[Lex]) -> None:
        for i, lex in enumerate(lexemes):
            self.next = lexemes[i + 1] if i + 1 < len(lexemes) else None
            kind = self.kind(lex)
            getattr(self, "on_" + kind)(lex)
            self.prev = kind
        self.commit()

    def kind(self, lex: Lex) -> str:
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
        relation = relation_of(frame.action, frame.verb_relation, frame.post, noun)
        if relation is None and frame.action is None and frame.post is None:
            relation = "beside"  # 猫在狗 - a place with no postposition
        for i in members:
            self.draft.link(i, frame.target, frame.action, relation)

    def on_punct(self, lex: Lex) -> None:
        self.commit()
        self.count, self.colour, self.after_de = None, None, False
        if lex.text == ".":
            self.agent, self.unknown_agent, self.group = None, False, []
        self.joined = lex.text != "." and self.agent is not None

    def on_and(self, lex: Lex) -> None:
        self.commit()
        self.joined = self.agent is not None

    def on_de(self, lex: Lex) -> None:
        frame = self.frame
        if frame is not None and frame.subject is None and (frame.action or frame.target is not None):
            frame.awaiting_subject = True
        self.after_de = True

    def on_zai(self, lex: Lex) -> None:
        if self.frame is None:
            self.frame = _Frame()
        if self.frame.target is None:
            self.frame.expect_target, self.frame.located = True, True

    def on_men(self, lex: Lex) -> None:
        if self.last is not None and self.draft.subjects[self.last].count == 1:
            self.draft.subjects[self.last].count = 3  # 孩子们
            self.draft.subjects[self.last].arrangement = "few"

    def on_quantity(self, lex: Lex) -> None:
        self.count = lex.quantity
        self.arrangement = vocab.ARRANGEMENTS.get(lex.text)

    def on_colour(self, lex: Lex) -> None:
        assert lex.colour is not None
        append_new(self.draft.colours, lex.colour)
        self.draft.add_word(lex.text, "colour", lex.colour)
        self.colour = lex.colour

    def on_modifier(self, lex: Lex) -> None:
        self.draft.add_modifier(lex)
        self.size = lex.size or self.size

    def on_function(self, lex: Lex) -> None:
        """Particles and boilerplate carry no fact."""

    def on_scene(self, lex: Lex) -> None:
        self.draft.add_scenes(lex.scenes, lex.text)
        feature = next((value for name, value in lex.scenes if name == "feature"), None)
        frame = self.frame
        if frame is not None and (frame.located or frame.action) and frame.target is None:
            frame.expect_target = False  # 在森林里: the place is a setting
            if feature is not None and frame.subject is not None:  # 猫在窗台上, 猫睡在窗台上
                subject = self.draft.subjects[frame.subject]
                subject.on = subject.on or feature
                feature = None
        nxt = self.next
        if feature is not None and nxt is not None and nxt.prep in ("on", "in"):
            self.on_feature = feature  # 桌子上的咖啡: the coffee stands on the table

    def on_prep(self, lex: Lex) -> None:
        frame = self.frame
        if frame is None or self.last is None or self.prev != "noun":
            return  # 森林里: a postposition after a setting only locates the scene
        if frame.target == self.last:
            frame.post = lex.prep  # 坐在沙发上, 猫在沙发上
        elif frame.subject == self.last and frame.action is None and frame.target is None:
            # 沙发上的猫: the noun before the postposition is a place for what follows.
            self.frame = _Frame(target=self.last, post=lex.prep, located=True)
            self.agent = None

    def on_action(self, lex: Lex) -> None:
        assert lex.action is not None
        self.draft.add_word(lex.text, "verb", lex.action)
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

    def on_wear(self, lex: Lex) -> None:
        self.wearing = True

    def worn(self, key: str) -> bool:
        """A garment after 戴着/穿着 goes to ``extras["wearing"]``, its colour to the wearer: the
        subject before it (猫戴着帽子) or the one after 的 (戴着帽子的猫). True when consumed."""
        wearing, self.wearing = self.wearing, False
        if not wearing or key not in CLOTHING:
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

    def on_noun(self, lex: Lex) -> None:
        assert lex.noun is not None
        if self.worn(lex.noun.key):
            return
        colour = self.colour or self.worn_colour
        self.worn_colour = None
        crowd = self.next is not None and self.next.is_setting and self.count is None  # 樱花花园
        index = self.draft.add_subject(lex.noun, self.count, colour, crowd)
        self.dress(index, lex, crowd)
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

    def dress(self, index: int, lex: Lex, crowd: bool) -> None:
        """Give a new subject what its phrase said: its word, size, arrangement and place."""
        assert lex.noun is not None
        subject = self.draft.subjects[index]
        self.draft.add_word(lex.text, "noun", lex.noun.key)
        several = "few" if subject.count > 2 else "pair" if subject.count == 2 else "single"
        subject.word, subject.size = lex.text, self.size
        subject.arrangement = "crowd" if crowd else self.arrangement or several
        subject.on, self.on_feature = self.on_feature, None
        self.size, self.arrangement = None, None

    def on_other(self, lex: Lex) -> None:
        """An unmatched run is unknown when it stands where a noun would: after a number, a verb,
        的 or the start, and not before 的 or a noun (then it was a modifier)."""
        nxt = self.next
        long_enough = len(lex.text) >= 2 if is_chinese(lex.text) else looks_like_noun(lex.text)
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
