"""A clause: one part of a message that plans to one action, read through :class:`Text`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from frameloom.agent.lexicon import Text

Kind = Literal["image", "video"]
_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")


@dataclass(frozen=True)
class PlanContext:
    """What a message may refer to: the last generation's kind ("image"/"video", None if
    none), the session's upload ids oldest first, what the timeline holds, and the
    language for replies ("en"/"zh"; None: the message's own)."""

    last_kind: Kind | None = None
    uploads: tuple[str, ...] = ()
    has_title: bool = False
    has_music: bool = False
    has_video: bool = False
    language: Literal["en", "zh"] | None = None


@dataclass(frozen=True)
class Clause:
    """``text.low[start:end]``, with its original words reachable for prompts and titles."""

    text: Text
    start: int
    end: int

    @property
    def low(self) -> str:
        return self.text.low[self.start:self.end]

    def raw(self, start: int, end: int) -> str:
        """The original words under ``low[start:end]`` (clause positions), stripped."""
        return self.text.raw_span(self.start + start, self.start + end)

    def raw_without(self, start: int, end: int, holes: Iterable[tuple[int, int]]) -> str:
        """:meth:`raw` of ``start..end`` less the ``holes`` (spans taken by slots)."""
        pieces: list[str] = []
        cursor = start
        for hole_start, hole_end in sorted(holes):
            if hole_end <= cursor or hole_start >= end:
                continue
            pieces.append(self.raw(cursor, max(hole_start, cursor)))
            cursor = max(cursor, hole_end)
        pieces.append(self.raw(cursor, end))
        joined = re.sub(r"\s+", " ", " ".join(piece for piece in pieces if piece))
        return _CJK_GAP.sub("", joined).strip()


def blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with each span replaced by spaces: later parsers see the rest at the same positions."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)
