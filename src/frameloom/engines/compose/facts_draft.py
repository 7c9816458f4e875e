"""The facts of a prompt while a grammar fills them in, and how they are frozen into PromptFacts."""

from __future__ import annotations

from dataclasses import dataclass, field

from frameloom.engines.compose.facts import Mention, PromptFacts, Word
from frameloom.engines.compose.lexer import SETTING, Lex
from frameloom.engines.compose.lexicon import NOUNS, Form
from frameloom.engines.compose.relations import CELESTIAL

MAX_COUNT = 5


@dataclass
class DraftSubject:
    """A Mention while it is still being filled in."""

    noun: str
    count: int
    colour: str | None = None
    action: str | None = None
    target: int | None = None
    relation: str | None = None
    word: str = ""
    size: str | None = None
    arrangement: str = "single"
    container: str | None = None
    on: str | None = None


@dataclass
class FactsDraft:
    """Everything found so far; first mention wins for single-valued scene facts."""

    subjects: list[DraftSubject] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    scene: dict[str, str] = field(default_factory=dict)
    lights: list[str] = field(default_factory=list)
    colours: list[str] = field(default_factory=list)
    extras: dict[str, str] = field(default_factory=dict)
    settings: list[str] = field(default_factory=list)
    features: list[str] = field(default_factory=list)
    cues: list[str] = field(default_factory=list)
    words: list[Word] = field(default_factory=list)
    backdrops: list[str] = field(default_factory=list)

    def add_scenes(self, scenes: tuple[tuple[str, str], ...], text: str = "") -> None:
        """Record scene facts; several settings, features, cues and lights are kept in order."""
        lists = {"light": self.lights, SETTING: self.settings, "feature": self.features, "cue": self.cues}
        for name, value in scenes:
            if name in lists:
                append_new(lists[name], value)
            if name != "light" and name not in ("feature", "cue"):
                self.scene.setdefault(name, value)
            if text:
                self.add_word(text, name, value)

    def backdrop(self, setting: str | None) -> None:
        """Mark a setting as the backdrop (``None``: the last one named): it goes after the main one."""
        chosen = setting or (self.settings[-1] if self.settings else None)
        if chosen is not None:
            append_new(self.backdrops, chosen)

    def ordered_settings(self) -> tuple[str, ...]:
        """The settings named, main ones first and backdrops after, each once."""
        main = [s for s in self.settings if s not in self.backdrops]
        return tuple(main + [s for s in self.backdrops if s in self.settings])

    def add_word(self, text: str, kind: str, value: str | None = None) -> None:
        """Note one content word for the report; a word read twice the same way is noted once."""
        word = Word(text, kind, value)
        if word not in self.words:
            self.words.append(word)

    def add_subject(self, form: Form, count: int | None, colour: str | None, crowd: bool) -> int:
        """Append a subject; without a number, a plural (or a "cherry blossom garden") means a few."""
        if count is None:
            several = form.plural or crowd
            count = (3 if NOUNS[form.key].scale < 1 else 2) if several else 1
        self.subjects.append(DraftSubject(form.key, max(1, min(MAX_COUNT, count)), colour))
        return len(self.subjects) - 1

    def add_modifier(self, lex: Lex) -> None:
        if lex.size:
            self.extras.setdefault("size", "small" if lex.size in ("tiny", "small") else "big")
            self.add_word(lex.text, "size", lex.size)
        if lex.mood:
            self.extras.setdefault("mood", lex.mood)
            self.add_word(lex.text, "mood", lex.mood)

    def add_unknown(self, word: str) -> None:
        append_new(self.unknown, word)
        self.add_word(word, "unknown")

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
        settings = self.ordered_settings()
        order = _subjects_first(self.subjects)
        where = {old: new for new, old in enumerate(order)}
        mentions = tuple(
            Mention(s.noun, s.count, s.colour, s.action,
                    where[s.target] if s.target is not None else None, s.relation,
                    word=s.word, size=s.size, arrangement=s.arrangement, container=s.container, on=s.on)
            for s in (self.subjects[i] for i in order)
        )
        return PromptFacts(
            text=text, language=language, subjects=mentions, unknown=tuple(self.unknown),
            setting=settings[0] if settings else self.scene.get(SETTING), time_of_day=self.scene.get("time"),
            weather=self.scene.get("weather"), lights=tuple(self.lights), colours=tuple(self.colours),
            style=self.scene.get("style"), extras=dict(self.extras), settings=settings,
            season=self.scene.get("season"), features=tuple(self.features), cues=tuple(self.cues),
            studio=self.scene.get("studio"), mood=self.extras.get("mood"), words=tuple(self.words),
        )

    def _infer_space(self) -> None:
        """Standing or sitting on the moon (or a planet) puts the scene in space."""
        for subject in self.subjects:
            target = subject.target
            if target is not None and subject.relation in ("on", "in") and self.subjects[target].noun in CELESTIAL:
                self.scene.setdefault(SETTING, "space")


def append_new(items: list[str], value: str) -> None:
    """Append ``value`` unless it is already there: lists keep first-mention order, once each."""
    if value not in items:
        items.append(value)


def _subjects_first(subjects: list[DraftSubject]) -> list[int]:
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
