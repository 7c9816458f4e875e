"""The planner's words in English and Chinese, numbers, and the message as normalised text.

:func:`normalise` lowercases a message and corrects misspelt command words
("genrate", "vertcal") while keeping a map back to the original, so that a
prompt or a title is handed on exactly as the user typed it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

# Command words worth correcting: at most one edit (Damerau) away, words of 5+ letters.
KEYWORDS = (
    "generate", "create", "image", "images", "picture", "pictures", "video", "videos", "vertical",
    "horizontal", "title", "caption", "music", "export", "remove", "delete", "volume", "quieter",
    "louder", "longer", "shorter", "seconds", "second", "square", "widescreen", "variation",
    "variations", "portrait", "landscape", "another", "again", "status", "tracks", "watercolor",
    "watercolour", "illustration", "painting", "sketch", "cinematic", "ambient", "upbeat", "animate",
    "render", "instagram", "youtube", "tiktok", "background", "timeline", "upload", "uploaded",
)
# Real words one edit away from a keyword: never "corrected".
PROTECTED = ("tile", "tiles", "titled", "mage", "expert", "animated", "loader", "marker", "lounger",
             "sketchy", "shorted", "creature", "images", "ambience", "stratus", "music's")
SHORT_TYPOS = {"imge": "image", "img": "image", "imgs": "images", "pic": "picture", "pics": "pictures",
               "vid": "video", "vids": "videos", "musc": "music", "pls": "please", "plz": "please"}

_WORD_RE = re.compile(r"[a-z]+")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
CJK_RE = re.compile(r"[\u3400-\u9fff]")


def _one_edit(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    subs = {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    inserts = {a + c + b for a, b in splits for c in _LETTERS}
    return deletes | swaps | subs | inserts


@cache
def _corrections() -> dict[str, str]:
    """Misspelling -> keyword, built once on first use (about 25k entries, a few ms)."""
    table: dict[str, str] = {}
    for keyword in KEYWORDS:
        for variant in _one_edit(keyword):
            if len(variant) >= 4:
                table.setdefault(variant, keyword)
    for word in (*KEYWORDS, *PROTECTED):
        table.pop(word, None)
    table.update(SHORT_TYPOS)
    return table


@dataclass(frozen=True)
class Text:
    """A message as ``raw`` (as typed, stripped) and ``low`` (lowercased, typos corrected).

    ``edits`` holds ``(low_start, low_end, raw_start, raw_end)`` for each corrected
    word, in order, so that :meth:`raw_span` maps a span of ``low`` back to ``raw``.
    """

    raw: str
    low: str
    edits: tuple[tuple[int, int, int, int], ...] = ()

    def raw_pos(self, pos: int) -> int:
        shift = 0
        for low_start, low_end, _raw_start, raw_end in self.edits:
            if pos <= low_start:
                break
            if pos < low_end:
                return raw_end
            shift = raw_end - low_end
        return pos + shift

    def raw_span(self, start: int, end: int) -> str:
        """The original text under ``low[start:end]``, stripped."""
        return self.raw[self.raw_pos(start):self.raw_pos(end)].strip()


def _lower(text: str) -> str:
    # per character, so that positions in the lowered text are positions in the original
    return "".join(low if len(low := ch.lower()) == 1 else ch for ch in text)


def normalise(message: str) -> Text:
    """``message`` stripped, with a lowercased and spell-corrected view (see :class:`Text`)."""
    raw = message.strip()
    lowered = _lower(raw)
    table = _corrections()
    parts: list[str] = []
    edits: list[tuple[int, int, int, int]] = []
    last = 0
    shift = 0
    for match in _WORD_RE.finditer(lowered):
        fixed = table.get(match.group())
        if fixed is None:
            continue
        parts.append(lowered[last:match.start()])
        low_start = match.start() + shift
        parts.append(fixed)
        shift += len(fixed) - len(match.group())
        edits.append((low_start, low_start + len(fixed), match.start(), match.end()))
        last = match.end()
    parts.append(lowered[last:])
    return Text(raw, "".join(parts), tuple(edits))


def is_chinese(text: str) -> bool:
    return CJK_RE.search(text) is not None


# ---- numbers -------------------------------------------------------------------------------

EN_NUMBERS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
    "a couple of": 2, "a few": 3, "a": 1, "an": 1,
}
ZH_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ZH_NUM = "[零一二两三四五六七八九十百]+"
_EN_NUM = "|".join(sorted((w for w in EN_NUMBERS if w not in ("a", "an")), key=len, reverse=True))
# A number: Arabic (decimals too), Chinese numerals, or an English number word.
NUM = rf"(?:\d+(?:\.\d+)?|{_ZH_NUM}|\b(?:{_EN_NUM})\b)"


def zh_number(text: str) -> int | None:
    """The value of Chinese numerals up to 999 ("十五" 15, "两百" 200, "三十五" 35); None if not one."""
    total = 0
    digit: int | None = None
    for ch in text:
        if ch in ZH_DIGITS:
            digit = ZH_DIGITS[ch] if digit is None else digit * 10 + ZH_DIGITS[ch]
        elif ch == "十":
            total += (1 if digit is None else digit) * 10
            digit = None
        elif ch == "百":
            total += (1 if digit is None else digit) * 100
            digit = None
        else:
            return None
    return total + (digit or 0)


def to_number(token: str) -> float | None:
    """The value of a :data:`NUM` match ("6", "2.5", "six", "六", "十五"); None if not a number."""
    token = token.strip()
    try:
        return float(token)
    except ValueError:
        pass
    if token in EN_NUMBERS:
        return float(EN_NUMBERS[token])
    value = zh_number(token)
    return None if value is None else float(value)


def whole(value: float) -> int | float:
    """``value`` as an int when it is whole (6.0 -> 6), so plans read as the user wrote them."""
    return int(value) if value == int(value) else value
