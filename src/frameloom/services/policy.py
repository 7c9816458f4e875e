"""The operator's content policy (SPEC sections 1 and 2): a blocklist and an optional moderation hook.

Every door that turns text into pixels calls :meth:`PolicyService.check`
before any credit moves: image and video generation (``GenerationService``,
so REST jobs, ``/v1`` and the chat), and exports (the text segments of the
draft being drawn). A refusal is :class:`ContentRefused` (4003, the reason in
``data``); nothing is charged.

Matching (``FRAMELOOM_BLOCKLIST``, one word or phrase a line, ``#`` comments):

- both sides are NFKC-normalised and case-folded, so ``ＡＳＳ``, ``Ass`` and ``ass`` are one word;
- entries in scripts written with spaces (Latin, Cyrillic, Greek, Hangul...) match whole words:
  ``ass`` is refused in "an ass" and "ass!" but not in "class"; a phrase's words match across
  any run of spaces and punctuation ("blow up" in "blow-up", "BLOW   UP");
- entries in scripts written without spaces (Han, kana, Thai, Lao, Khmer, Myanmar) match as
  substrings: ``刀`` is refused in "一把刀".

The list is compiled once into dictionaries (the first word of each phrase, the
first character of each substring), so a check is one pass over the text whatever
the list's length (``bench/policy.py``).

The moderation hook (``FRAMELOOM_MODERATION_URL``) takes OpenAI's moderation
shape: ``POST {"input": text}`` answers ``{"results": [{"flagged", "categories"}]}``.
It is asked after the blocklist passes (a text it passed is not asked again for
:data:`PASSED_FOR_S`; a flagged one always is). When it cannot answer (timeout, refused
connection, an error status, a body of another shape) the prompt is refused with
503 (``PolicyUnavailable``), unless ``FRAMELOOM_MODERATION_FAIL_OPEN`` lets it
through: an operator who configured moderation expects it enforced.
"""

from __future__ import annotations

import itertools
import logging
import re
import threading
import time
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from frameloom.domain.errors import ContentRefused, InvalidRequest, PolicyUnavailable
from frameloom.settings import Settings

log = logging.getLogger("frameloom.policy")
PASSED_FOR_S = 60.0  # how long a text the moderation hook passed is taken as passed
PASSED_KEEP = 1024

# Scripts written without spaces between words: their entries match as substrings.
_NO_SPACE = (
    "\u0e00-\u0eff"  # Thai, Lao
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u17ff"  # Khmer
    "\u2e80-\u2fdf"  # CJK radicals
    "\u3005-\u3007\u3021-\u3029\u3031-\u3035"  # ideographic iteration marks and numerals
    "\u3040-\u30ff\u31f0-\u31ff"  # Hiragana, Katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # Han
    "\U00020000-\U0003134f"  # Han, supplementary planes
)
# Combining marks Python's \w leaves out, so "नमस्ते" stays one word.
_MARKS = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
    "\u0900-\u0963\u0966-\u0dff\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
)
_WORD = re.compile(f"(?:[^\\W_{_NO_SPACE}]|[{_MARKS}])+")
_NO_SPACE_CHAR = re.compile(f"[{_NO_SPACE}]")


def normalise(text: str) -> str:
    """What the blocklist compares: NFKC, then case-folded (full-width and ligatures fold too)."""
    return unicodedata.normalize("NFKC", text).casefold()


@dataclass(frozen=True)
class Blocklist:
    """A compiled list: phrases (word tuples) by their first word, substrings by their first character."""

    phrases: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    substrings: frozenset[str] = frozenset()
    first_chars: frozenset[str] = frozenset()
    lengths: tuple[int, ...] = ()

    @classmethod
    def of(cls, entries: Iterable[str]) -> Blocklist:
        phrases: dict[str, set[tuple[str, ...]]] = {}
        substrings: set[str] = set()
        for raw in entries:
            entry = normalise(raw.strip())
            if not entry or entry.startswith("#"):
                continue
            if _NO_SPACE_CHAR.search(entry):
                substrings.add(re.sub(r"\s+", "", entry))
                continue
            words = tuple(_WORD.findall(entry))
            if words:
                phrases.setdefault(words[0], set()).add(words)
        return cls(phrases={k: tuple(sorted(v, key=len)) for k, v in phrases.items()},
                   substrings=frozenset(substrings), first_chars=frozenset(s[0] for s in substrings),
                   lengths=tuple(sorted({len(s) for s in substrings})))

    @classmethod
    def read(cls, path: Path) -> Blocklist:
        """The list in ``path`` (UTF-8, one entry a line); ``InvalidRequest`` naming the setting when unreadable."""
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidRequest.of("FRAMELOOM_BLOCKLIST", f"cannot read {path}: {exc}") from None
        return cls.of(text.splitlines())

    def __len__(self) -> int:
        return sum(len(v) for v in self.phrases.values()) + len(self.substrings)

    def find(self, text: str) -> str | None:
        """The first refused word, phrase or substring in ``text`` (normalised), or None."""
        folded = normalise(text)
        return self._find_words(folded) or self._find_substring(folded)

    def _find_words(self, folded: str) -> str | None:
        if not self.phrases:
            return None
        spans = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(folded)]
        words = [w for w, _, _ in spans]
        for i, (word, _, _) in enumerate(spans):
            for phrase in self.phrases.get(word, ()):
                end = i + len(phrase)
                if tuple(words[i:end]) == phrase and self._joined(folded, spans[i:end]):
                    return " ".join(phrase)
        return None

    @staticmethod
    def _joined(folded: str, spans: Sequence[tuple[str, int, int]]) -> bool:
        """True when only spaces and punctuation lie between the words (no text of a no-space script)."""
        return not any(_NO_SPACE_CHAR.search(folded, a[2], b[1]) for a, b in itertools.pairwise(spans))

    def _find_substring(self, folded: str) -> str | None:
        if not self.substrings:
            return None
        for i, char in enumerate(folded):
            if char in self.first_chars:
                for length in self.lengths:
                    piece = folded[i:i + length]
                    if piece in self.substrings:
                        return piece
        return None


@dataclass(frozen=True)
class Checked:
    """One text to check and the request field it came from (``prompt``, ``title``, ``draft.t[2].sg[0].m.text``)."""

    field: str
    text: str


class Moderation:
    """The hook in OpenAI's moderation shape; ``flagged`` returns the flagged categories or None."""

    def __init__(self, url: str, key: str | None, model: str | None, timeout_s: float) -> None:
        self.url, self.model, self.timeout_s = url, model, timeout_s
        self.headers = {"Authorization": f"Bearer {key}"} if key else {}

    def flagged(self, texts: Sequence[str]) -> list[tuple[int, tuple[str, ...]]]:
        """Each flagged input as (index, categories); raises ``PolicyUnavailable`` when the hook cannot answer."""
        body: dict[str, Any] = {"input": texts[0] if len(texts) == 1 else list(texts)}
        if self.model:
            body["model"] = self.model
        try:
            with httpx.Client(timeout=self.timeout_s, trust_env=False) as client:
                response = client.post(self.url, json=body, headers=self.headers)
            response.raise_for_status()
            results = response.json()["results"]
            if not isinstance(results, list) or len(results) != len(texts):
                raise ValueError(f"{len(results) if isinstance(results, list) else 'no'} results for {len(texts)}")
            return [(i, _categories(r)) for i, r in enumerate(results) if r["flagged"] is True]
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            raise PolicyUnavailable(f"the moderation service did not answer: {type(exc).__name__}: {exc}"[:300]) \
                from None


def _categories(result: dict[str, Any]) -> tuple[str, ...]:
    categories = result.get("categories") or {}
    return tuple(sorted(name for name, on in categories.items() if on is True)) if isinstance(categories, dict) else ()


class PolicyService:
    """The one check every door calls before credits move (see the module docstring)."""

    def __init__(self, blocklist: Blocklist, moderation: Moderation | None = None, fail_open: bool = False) -> None:
        self.blocklist, self.moderation, self.fail_open = blocklist, moderation, fail_open
        # Texts the hook passed a moment ago: a chat turn checks its order before saying the price
        # and again when it submits, and that should be one request to the hook, not two.
        self._passed: dict[tuple[str, ...], float] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> PolicyService:
        blocklist = Blocklist.read(settings.blocklist) if settings.blocklist is not None else Blocklist()
        moderation = None
        if settings.moderation_url:
            key = settings.moderation_key.get_secret_value() if settings.moderation_key else None
            moderation = Moderation(settings.moderation_url, key, settings.moderation_model,
                                    settings.moderation_timeout_s)
        return cls(blocklist, moderation, settings.moderation_fail_open)

    def check(self, text: str, field: str = "prompt") -> None:
        """Raise ``ContentRefused`` when ``text`` is refused (``PolicyUnavailable``: the hook is down)."""
        self.check_all([Checked(field, text)])

    def check_all(self, items: Sequence[Checked]) -> None:
        """Check several texts at once (one moderation request); the first refusal is raised."""
        items = [item for item in items if item.text.strip()]
        for item in items:
            found = self.blocklist.find(item.text)
            if found is not None:
                raise ContentRefused(f"{found!r} is refused by this server's content policy", item.field,
                                     "blocklist", term=found)
        if self.moderation is None or not items:
            return
        texts = tuple(item.text for item in items)
        if self._recently_passed(texts):
            return
        try:
            flagged = self.moderation.flagged(list(texts))
        except PolicyUnavailable as exc:
            if not self.fail_open:
                raise
            log.warning("moderation skipped (fail open): %s", exc)
            return
        if flagged:
            index, categories = flagged[0]
            named = f" ({', '.join(categories)})" if categories else ""
            raise ContentRefused(f"flagged by this server's moderation service{named}", items[index].field,
                                 "moderation", categories)
        with self._lock:
            if len(self._passed) >= PASSED_KEEP:
                self._passed.clear()
            self._passed[texts] = time.monotonic() + PASSED_FOR_S

    def _recently_passed(self, texts: tuple[str, ...]) -> bool:
        with self._lock:
            until = self._passed.get(texts)
            return until is not None and until > time.monotonic()
