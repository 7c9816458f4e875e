"""References ("it", "the title", "my second clip", an id) and quoted or marked text.

Like the slot parsers, these read a lowercased clause and never raise.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from frameloom.agent.lexicon import NUM, to_number
from frameloom.agent.slots import Found

ID_RE = re.compile(r"(?<![a-z0-9_])((?:med|gen|ses)_[0-9a-f]{4,}|[vaxs]\d{1,3})(?![a-z0-9_])")
# Patterns with their own word guards (English words only: Chinese has no spaces).
TITLE_WORDS = r"(?<![a-z])(?:titles?|captions?|subtitles?|heading|text|overlay)(?![a-z])|标题|字幕|文字|文本"
MUSIC_WORDS = r"(?<![a-z])(?:music|song|soundtrack|bgm|audio|track|beat|tune)(?![a-z])|音乐|配乐|歌曲?|背景乐"
VIDEO_WORDS = r"(?<![a-z])(?:video|clip|footage|movie)(?![a-z])|视频|片段|画面|影片"
_TARGETS = (
    (re.compile(TITLE_WORDS), "title"),
    (re.compile(MUSIC_WORDS), "music"),
    (re.compile(VIDEO_WORDS), "video"),
    (re.compile(r"\b(?:it|this|that|last|latest|previous)\b|它|这个|这张|最后|上一个|刚才"), "last"),
)
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
             "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5}
_ORDINAL_RE = re.compile(r"\b(first|second|third|fourth|fifth|1st|2nd|3rd|4th|5th)\b"
                         rf"|第\s*({NUM})\s*(?:个|张|段|条|首|部)?|(?:clip|upload|image|photo|video|file|number|#)\s*(\d+)\b")
_ALL_RE = re.compile(r"\b(?:all|every|both)\b|所有|全部|都")


def target(text: str) -> str | None:
    """What a clause points at: an id, "title", "music", "video" or "last"; None if nothing."""
    match = ID_RE.search(text)
    if match:
        return match.group(1)
    for pattern, value in _TARGETS:
        if pattern.search(text):
            return value
    return None


def media_ref(text: str) -> str:
    """Which upload: an id, "all", a 1-based index as text ("2" for "the second clip"),
    or "last" (the default: "my clip" is the latest upload)."""
    match = ID_RE.search(text)
    if match:
        return match.group(1)
    if _ALL_RE.search(text):
        return "all"
    match = _ORDINAL_RE.search(text)
    if match:
        if match.group(1):
            return str(_ORDINALS[match.group(1)])
        value = to_number(match.group(2) or match.group(3))
        if value is not None:
            return str(int(value))
    return "last"


_QUOTES = re.compile(r"\"([^\"]+)\"|“([^”]+)”|「([^」]+)」|『([^』]+)』|《([^》]+)》|‘([^’]+)’"
                     r"|(?<![a-z])'([^']+)'(?![a-z])")
_MARKER = re.compile(rf"(?:{TITLE_WORDS}|(?<![a-z])(?:titled|called|named|saying|that says|reads)(?![a-z]))"
                     r"(?:\s*(?:of|:|：|saying|that says|says|say|reading|to|as|called|is|=|是|为|写着|写上|叫|改成|改为)(?![a-z]))?\s*")
_STOP = re.compile(r"\s*[,，。;；!！?？]|\s+(?:for|at|from|with|lasting|starting|on)\s|(?:然后|并且|持续|显示|在)")


def quoted(text: str) -> Found[tuple[int, int]] | None:
    """The first quoted text ("…", “…”, 「…」, 『…』, 《…》, ‘…’, '…'): value is the inside's
    (start, end), for the caller to read from the raw text; the span includes the quotes."""
    match = _QUOTES.search(text)
    if not match:
        return None
    group = next(i for i in range(1, 8) if match.group(i) is not None)
    return Found((match.start(group), match.end(group)), match.start(), match.end())


def marked_text(text: str, stops: Iterable[int] = ()) -> Found[tuple[int, int]] | None:
    """The words after a title marker ("title Urban Dreams", "标题 你好"), up to the first
    of ``stops`` (starts of other slots), a punctuation mark or a slot word; value is
    their (start, end), the span runs from the marker."""
    match = _MARKER.search(text)
    if not match:
        return None
    start = match.end()
    end = min([s for s in stops if s >= start] + [len(text)])
    stop = _STOP.search(text, start, end)
    if stop and stop.start() > start:
        end = stop.start()
    while end > start and text[end - 1] in " ,，。.!！?？:：":
        end -= 1
    if end <= start:
        return None
    return Found((start, end), match.start(), end)
