"""Slot parsers: numbers of seconds, time ranges, volumes, aspects, styles, positions, counts.

Each parser reads a lowercased clause (see :func:`frameloom.agent.lexicon.normalise`)
and returns a :class:`Found` (the value and the span it covers, so the caller can
blank it out of a prompt) or None. They never raise. Units: seconds as numbers,
times in ms, volume as a fraction 0..1.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from frameloom.agent.lexicon import NUM, to_number, whole

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

_SEC = r"(?:seconds?|secs?|s)(?![a-z])"
_ZSEC = r"秒钟?"
_EN = r"(?<![a-z])"  # a word start that also holds next to Chinese text, where \b does not


@dataclass(frozen=True)
class Found(Generic[T_co]):
    value: T_co
    start: int
    end: int


@dataclass(frozen=True)
class TimeRange:
    """A time range in ms: ``start_ms`` None when not said; negative counts from the end
    ("the last 2 seconds" is start -2000, duration 2000); ``duration_ms`` None when open."""

    start_ms: int | None
    duration_ms: int | None

    @property
    def end_ms(self) -> int | None:
        if self.start_ms is None or self.duration_ms is None:
            return None
        return self.start_ms + self.duration_ms


def _ms(token: str) -> int:
    return round((to_number(token) or 0.0) * 1000)


def _first(patterns: Iterable[tuple[re.Pattern[str], T]], text: str) -> Found[T] | None:
    for pattern, value in patterns:
        match = pattern.search(text)
        if match:
            return Found(value, match.start(), match.end())
    return None


# ---- seconds and time ranges -------------------------------------------------------------

_SECONDS = re.compile(rf"({NUM})\s*-?\s*(?:{_SEC}|{_ZSEC}的?)|({NUM})\s*-?\s*(?:minutes?(?![a-z])|mins?(?![a-z])|分钟的?)")


def seconds(text: str) -> Found[int | float] | None:
    """A length: "6 second", "6-second", "6s", "六秒", "10秒钟", "1 minute" (in seconds)."""
    for match in _SECONDS.finditer(text):
        sec, minutes = match.group(1), match.group(2)
        value = to_number(sec or minutes)
        if value is not None:
            return Found(whole(value * (60 if minutes else 1)), match.start(), match.end())
    return None


_RANGES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"(?:for\s+)?(?:the\s+)?first\s+({NUM})\s*-?\s*{_SEC}|前\s*({NUM})\s*{_ZSEC}"), "first"),
    (re.compile(rf"(?:(?:for|in|during)\s+)?the\s+(?:last|final)\s+({NUM})\s*-?\s*{_SEC}|最后\s*({NUM})\s*{_ZSEC}"), "last"),
    (re.compile(rf"(?:from\s+|between\s+)?({NUM})\s*(?:{_SEC})?\s*(?:-|–|~|to|and|until|till)\s*({NUM})\s*{_SEC}"
                rf"|(?:从)?\s*第?\s*({NUM})\s*(?:{_ZSEC})?\s*(?:到|至|-|~)\s*第?\s*({NUM})\s*{_ZSEC}"), "span"),
    (re.compile(rf"(?:starting\s+at|starting\s+from|from|at|after)\s+({NUM})\s*{_SEC}"
                rf"|(?:在|从)\s*第?\s*({NUM})\s*{_ZSEC}(?:开始)?"), "at"),
    (re.compile(rf"(?:for|lasting|last)\s+({NUM})\s*-?\s*{_SEC}|(?:持续|显示|停留)\s*({NUM})\s*{_ZSEC}"), "for"),
)


def time_range(text: str) -> Found[TimeRange] | None:
    """A time range: "for the first 3 seconds", "0-3s", "from 2 to 5 seconds", "at 2s",
    "for 3 seconds", "the last 2 seconds", "前3秒", "从2秒到5秒", "持续3秒"."""
    for pattern, kind in _RANGES:
        match = pattern.search(text)
        if not match:
            continue
        groups = [g for g in match.groups() if g is not None]
        if kind == "span":
            start, end = _ms(groups[0]), _ms(groups[1])
            value = TimeRange(start, end - start)
        elif kind == "first":
            value = TimeRange(0, _ms(groups[0]))
        elif kind == "last":
            value = TimeRange(-_ms(groups[0]), _ms(groups[0]))
        elif kind == "at":
            value = TimeRange(_ms(groups[0]), None)
        else:
            value = TimeRange(None, _ms(groups[0]))
        return Found(value, match.start(), match.end())
    return None


# ---- volume --------------------------------------------------------------------------------

_PERCENT = re.compile(rf"(?:at\s+|to\s+)?({NUM})\s*(?:%|％|(?<![a-z])percent|(?<![a-z])per\s+cent)|百分之\s*({NUM})")
_VOLUME_NUMBER = re.compile(rf"(?:volume|音量)\s*(?:to|at|of|=|:|调到|调成|设为|设置为|改成|改为|为)?\s*({NUM})(?![\d%％])")
_CHANGES = (
    (re.compile(r"\b(?:quieter|softer|lower|reduce|decrease|less loud|not so loud|turn (?:it |the \w+ |that )?down|"
                r"turn down)\b|小声|调小|调低|降低|小一点|轻一点|轻一些|小一些"), "quieter"),
    (re.compile(r"\b(?:louder|raise|increase|boost|pump up|turn (?:it |the \w+ |that )?up|turn up)\b"
                r"|大声|调大|调高|提高|大一点|响一点|大一些"), "louder"),
)
_MUTE = re.compile(r"\bmute\b|\bsilence\b|静音|关掉声音")


def volume(text: str) -> Found[float] | None:
    """A volume as a fraction 0..1: "35%", "at 35 percent", "百分之二十", "volume 0.5",
    "volume to 60"; "mute" is 0."""
    match = _PERCENT.search(text)
    if match:
        value = to_number(match.group(1) or match.group(2))
        if value is not None:
            return Found(round(value / 100, 4), match.start(), match.end())
    match = _VOLUME_NUMBER.search(text)
    if match:
        value = to_number(match.group(1))
        if value is not None:
            return Found(round(value if value <= 1 else value / 100, 4), match.start(), match.end())
    match = _MUTE.search(text)
    if match:
        return Found(0.0, match.start(), match.end())
    return None


def volume_change(text: str) -> Found[str] | None:
    """"quieter" or "louder" ("turn the music down", "小声一点", "louder")."""
    return _first(_CHANGES, text)


# ---- aspect --------------------------------------------------------------------------------

_RATIO = re.compile(r"(?<!\d)(16|9|1|4|3)\s*[:x×/：]\s*(9|16|1|3|4)(?!\d)")
_ASPECT_WORDS = (
    (r"(?<![a-z])(?:tik\s?tok|reels?|shorts|(?:insta(?:gram)?\s+)?stor(?:y|ies))(?![a-z])|竖屏|竖版|竖的|竖向|抖音|快手", "9:16"),
    (r"(?<![a-z])(?:instagram\s+post|insta\s+post)(?![a-z])|方形|正方形|方的", "1:1"),
    (r"(?<![a-z])(?:widescreen|wide\s+screen|youtube)(?![a-z])|横屏|横版|宽屏|横向", "16:9"),
)
# Words that are also common in descriptions ("a portrait of", "a town square"): in a
# generation they count only as "in portrait", "vertical video", "…, square".
_AMBIGUOUS = tuple((rf"(?<![a-z])(?:{words})(?![a-z])", value) for words, value in (
    ("vertical|portrait", "9:16"), ("square", "1:1"), ("horizontal|landscape", "16:9")))
_NOUNS = r"(?:image|picture|photo|video|clip|format|version|orientation|mode|aspect|ratio|wallpaper|poster|shot)s?"
_LOOSE = tuple((re.compile(rf"(?:(?<![a-z])(?:for|in|as|to)\s+(?:an?\s+|the\s+)?)?(?:{words})(?:\s+{_NOUNS})?"), value)
               for words, value in (*_ASPECT_WORDS, *_AMBIGUOUS))
_STRICT = (
    *((re.compile(rf"(?:(?<![a-z])(?:for|in|as|to)\s+(?:an?\s+|the\s+)?)?(?:{words})(?:\s+{_NOUNS})?的?"), value)
      for words, value in _ASPECT_WORDS),
    *((re.compile(rf"(?<![a-z])(?:in|as|to)\s+(?:an?\s+)?(?:{words})(?:\s+{_NOUNS})?\b|\b(?:{words})\s+{_NOUNS}\b"
                  rf"|(?:^|[,，])\s*(?:{words})\s*(?=[,，]|$)"), value) for words, value in _AMBIGUOUS),
)


def aspect(text: str, *, strict: bool = False) -> Found[str] | None:
    """An aspect ratio of :data:`~frameloom.agent.tools.ASPECTS`: "16:9", "vertical for
    TikTok", "square", "widescreen", "竖屏". ``strict`` (inside a description) takes the
    words that also describe things ("portrait", "square") only with a marker."""
    match = _RATIO.search(text)
    if match and f"{match.group(1)}:{match.group(2)}" in ("16:9", "9:16", "1:1", "4:3", "3:4"):
        found = Found(f"{match.group(1)}:{match.group(2)}", match.start(), match.end())
        prefix = re.search(r"(?<![a-z])(?:in|to|as|at)\s+$", text[:match.start()])
        return Found(found.value, prefix.start(), found.end) if prefix else found
    return _first(_STRICT if strict else _LOOSE, text)


# ---- styles and music ------------------------------------------------------------------------

_STYLE_WORDS = (
    ("illustration|illustrated|cartoon|插画|卡通", "illustration"),
    ("watercolou?r(?:\\s+painting)?|水彩画?", "watercolor"),
    ("pixel[\\s-]?art|pixel|8[\\s-]?bit|像素(?:艺术|画)?", "pixel_art"),
    ("oil[\\s-]?painting|oil[\\s-]?paint|油画", "oil_painting"),
    ("(?:pencil\\s+)?sketch|pencil\\s+drawing|素描|速写", "sketch"),
    ("neon\\s*style|neon-style|synthwave|霓虹风格?|赛博朋克", "neon"),
)
_STYLES = tuple(
    (re.compile(rf"(?:(?<![a-z])(?:in|as)\s+(?:an?\s+|the\s+)?)?{_EN}(?:{words})(?:[\s-]*style(?![a-z]))?(?:风格?)?的?"), value)
    for words, value in _STYLE_WORDS
)
_MUSIC = (
    (re.compile(rf"{_EN}(?:lo[\s-]?fi|chill(?:hop)?|relaxing|calm)(?![a-z])|轻音乐|舒缓"), "lofi"),
    (re.compile(rf"{_EN}(?:ambient|atmospheric)(?![a-z])|氛围"), "ambient"),
    (re.compile(rf"{_EN}(?:upbeat|happy|energetic|cheerful|fun)(?![a-z])|欢快|动感|快乐|活泼"), "upbeat"),
    (re.compile(rf"{_EN}(?:cinematic|epic|orchestral|dramatic)(?![a-z])|电影感?|史诗"), "cinematic"),
)


def style(text: str) -> Found[str] | None:
    """A picture style of :data:`~frameloom.agent.tools.STYLES`: "in watercolor style",
    "pixel art", "an oil painting", "水彩风格的"; neon only as "neon style" or "霓虹风格"
    (neon lights are a subject)."""
    return _first(_STYLES, text)


def music_style(text: str) -> Found[str] | None:
    """A built-in music style of :data:`~frameloom.agent.tools.MUSIC_STYLES`: "lo-fi",
    "chill", "ambient", "upbeat", "cinematic", "轻音乐", "氛围", "欢快", "电影感"."""
    return _first(_MUSIC, text)


# ---- positions, counts, seeds, formats ------------------------------------------------------

_POSITIONS = tuple(
    (re.compile(rf"(?:(?<![a-z])(?:at|on|to|in|near)\s+(?:the\s+)?(?:very\s+)?)?{_EN}(?:{words})(?![a-z])(?:\s+of\s+the\s+(?:screen|frame|video))?"
                rf"|(?:在|到|放在|移到|放到)?(?:{zh})"), value)
    for words, zh, value in (
        ("top|upper", "顶部|上方|顶端|上面|上边|最上面", "top"),
        ("bottom|lower", "底部|下方|底端|下面|下边|最下面", "bottom"),
        ("center|centre|middle", "中间|中央|居中|正中", "center"),
    )
)


def position(text: str) -> Found[str] | None:
    """A text position: "top", "bottom" or "center" ("at the top", "底部")."""
    return _first(_POSITIONS, text)


_COUNT = re.compile(rf"({NUM}|a\s+couple\s+of|a\s+few)\s+(?:more\s+)?(?:images?|pictures?|photos?|variations?|versions?|options?|takes?)(?![a-z])"
                    rf"|({NUM})\s*(?:张|幅|个版本|种)")


def count(text: str) -> Found[int] | None:
    """How many: "3 variations", "three images", "两张", "4 pictures"."""
    for match in _COUNT.finditer(text):
        value = to_number(match.group(1) or match.group(2))
        if value is not None and value >= 1 and value == int(value):
            return Found(int(value), match.start(), match.end())
    return None


_SEED = re.compile(r"(?:(?:with|using)\s+)?(?:the\s+|a\s+)?seed\s*(?:=|:|of|is|number)?\s*(\d+)|种子\s*(?:是|为|=|:)?\s*(\d+)")


def seed(text: str) -> Found[int] | None:
    """A seed: "seed 42", "with seed=7", "种子42"."""
    match = _SEED.search(text)
    if not match:
        return None
    return Found(int(match.group(1) or match.group(2)), match.start(), match.end())


_FORMAT = re.compile(r"(?<![a-z0-9])(mp4|mov|webm|mkv|avi|gif|webp|jpe?g|png|mp3|wav|m4a|aac)(?![a-z0-9])")
_AUDIO_ONLY = re.compile(r"\b(?:just|only)\s+the\s+(?:audio|sound|music)\b|\baudio\s+only\b|\bthe\s+audio\b|音频|音轨")
_STILL = re.compile(r"\b(?:a\s+)?(?:still|frame|screenshot|thumbnail)\b|截图|一帧|封面")


def export_format(text: str) -> Found[str] | None:
    """An export format of :data:`~frameloom.agent.tools.EXPORT_FORMATS` ("as a GIF",
    "webm"); "just the audio" is mp3 and "a still" or "截图" png."""
    match = _FORMAT.search(text)
    if match:
        name = match.group(1)
        return Found("jpg" if name == "jpeg" else name, match.start(), match.end())
    for pattern, value in ((_AUDIO_ONLY, "mp3"), (_STILL, "png")):
        match = pattern.search(text)
        if match:
            return Found(value, match.start(), match.end())
    return None
