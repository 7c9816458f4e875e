"""Generation clauses: "generate an image of X", "a 6 second video of X with lo-fi music
and the title Y", "make a video from it", "画一张X", "生成一个10秒的X视频".

Rule: everything said inside one generation clause goes into that call's arguments
(aspect, count, seed, style, seconds, music style, title text). What the arguments
cannot hold (a music volume, a title's timing or position) follows as its own call
(``set_volume``, ``set_title``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from frameloom.agent import refs, slots
from frameloom.agent.clause import Clause, PlanContext, blank
from frameloom.agent.lexicon import NUM
from frameloom.agent.tools import LAST, ToolCall

VERB = (r"(?:generate|create|make|produce|draw|paint|design|imagine|give me|show me|get me|i want|i'd like"
        r"|i would like|i need|can you (?:make|draw|create|generate)|could you (?:make|draw|create|generate))")
IMAGE_NOUN = r"(?:image|picture|photo|photograph|drawing|painting|artwork|illustration|sketch|wallpaper|poster|variation)s?"
VIDEO_NOUN = r"(?:video|clip|animation|movie|film|footage)s?"
_NOT_NEW = {"my", "the", "this", "that", "each", "every", "all", "your", "our", "its", "both", "uploaded"}
_LAST_REF = r"(?:it|this|that|the\s+(?:last\s+|previous\s+|first\s+)?(?:image|picture|photo|one))"
_FROM_LAST = re.compile(
    rf"\banimate(?:\s+{_LAST_REF})?\s*$|\b(?:turn|make|convert)\s+{_LAST_REF}\s+into\s+(?:an?\s+)?(?:[\w-]+\s+){{0,3}}?video\b"
    rf"|\bvideo\s+(?:from|out of|based on|of)\s+{_LAST_REF}(?![a-z])"
    r"|(?:它|这张图?|这个|这幅图?|上一张|刚才的?图?)\s*(?:做成|变成|生成|转成|转换成)[^，。]*?视频"
    r"|(?:用|拿|根据)\s*(?:它|这张图?|这幅图?|上一张|刚才的图)\s*(?:生成|做|制作|来)[^，。]*?视频")
_ZH_VIDEO = re.compile(r"(?:生成|制作|创建|创作|拍|来一段|做一个|做一段|给我做)[^，。]*?(?:视频|短片|动画|影片)")
_ZH_IMAGE = re.compile(r"^(?:请|帮我|给我|我想要|我要|麻烦)*\s*(?:画|生成|制作|创建|创作|绘制|来(?=[一两三四五六七八九十\d]+\s*[张幅]))")
_STARTS_NEW = re.compile(rf"^(?:an?|one|some|{NUM})\s")
_IMAGE_PHRASE = re.compile(rf"^(?:an?\s+)?(?:[\w-]+\s+){{0,3}}?{IMAGE_NOUN}\s+of\b")
_DRAW = re.compile(r"^(?:(?:please|pls|hey|hi|yo|can you|could you|would you|can u|could u)\s+)*(?:draw|paint|generate|create)\b")

_TITLE = re.compile(r"(?:[,，]?\s*(?:with|and|plus)\s+)?(?:the\s+|a\s+)?(?<![a-z])(?:title|caption|subtitle|text overlay)s?"
                    r"(?![a-z])\s*(?:of|:|saying|that says|reading|is)?\s*|\btitled\s+|[,，]?\s*(?:标题|字幕)(?:是|为|：|:)?\s*")
_TITLE_END = re.compile(r"\s*[,，。;；]|\s+(?:and|with|for|at)\s")
_MUSIC = re.compile(
    r"(?:[,，]?\s*(?:with|and|plus|over|set to)\s+)?(?:some\s+|a\s+|an\s+)?"
    r"(?:(?:lo[\s-]?fi|chill(?:hop)?|relaxing|calm|ambient|atmospheric|upbeat|happy|energetic|cheerful|fun|cinematic|epic"
    r"|orchestral|dramatic)[\s-]*)?(?:background\s+)?(?<![a-z])(?:music|soundtrack|bgm|beat)(?![a-z])"
    rf"(?:\s+at\s+{NUM}\s*(?:%|percent))?"
    r"|[,，]?\s*(?:配上|配|加上|加|带有|带|伴随)?\s*(?:(?:轻|氛围|欢快|动感|电影感?|史诗|舒缓)的?)?(?:背景)?(?:音乐|配乐)")

_LEADS = (
    re.compile(r"\s*(?:(?:please|pls|hey|hi|yo|can you|could you|would you|can u|could u|i'd like|i would like|i want|i need|let's|just|hey|ok|okay"
               r"|请|帮我|给我|我想要|我要|麻烦|能不能|可以)\s*)+"),
    re.compile(r"\s*(?:generate|create|make|produce|draw|paint|design|imagine|give me|show me|get me|生成|画|制作|创建|创作|绘制|来|做)"
               r"(?![a-z])\s*(?:for me\s+|me\s+)?"),
    re.compile(r"\s*[一两三四五六七八九十\d]*\s*(?:张|幅|个|段|部)(?![a-z])\s*"),
    re.compile(rf"\s*(?:(?:an?|one|some|the)\s+)?(?:(?:{IMAGE_NOUN}|{VIDEO_NOUN}|图片|照片)\s*)?(?:of|showing|depicting|about|featuring|with|:|：)(?![a-z])\s*"),
    re.compile(rf"\s*(?:an?\s+)?(?:{IMAGE_NOUN}|{VIDEO_NOUN})\s*$"),
    re.compile(r"\s*的\s*"),
)
_TRAIL = re.compile(rf"(?:\s*的?\s*(?:图片|图像|照片|图|画|视频|短片|动画|影片)|\s+(?:as\s+)?(?:an?\s+)?(?:{IMAGE_NOUN}|{VIDEO_NOUN}))?"
                    r"(?:\s*(?:please|pls|for me|thanks|thank you|吧|呢|[。！!?？.,，]))*\s*$")


def kind_of(low: str) -> str | None:
    """"video", "video@last" (from the last image), "image", or None: whether ``low`` asks
    for something new to be generated."""
    if _FROM_LAST.search(low):
        return "video@last"
    if _ZH_VIDEO.search(low):
        return "video"
    for noun, kind in ((VIDEO_NOUN, "video"), (IMAGE_NOUN, "image")):
        for match in re.finditer(rf"(?<![a-z]){noun}(?![a-z])", low):
            before = low[:match.start()].split()
            if before and before[-1] in _NOT_NEW:
                continue
            if re.search(rf"(?<![a-z]){VERB}(?![a-z])|^生成|^画", low[:match.start()]) or _STARTS_NEW.match(low):
                return kind
    if _ZH_IMAGE.search(low) or _DRAW.search(low) or _IMAGE_PHRASE.search(low):
        return "image"
    return None


def plan_generation(clause: Clause, context: PlanContext) -> list[ToolCall] | None:
    """The calls for a generation clause, or None when ``clause`` is not one."""
    kind = kind_of(clause.low)
    if kind is None:
        return None
    low = clause.low
    holes: list[tuple[int, int]] = []
    after: list[ToolCall] = []
    title, title_hole, title_rest = _title(clause)
    if title_hole:
        holes.append(title_hole)
        low = blank(low, [title_hole])
    music = _MUSIC.search(low)
    music_style: str | None = None
    if music and kind.startswith("video"):
        found_style = slots.music_style(music.group())
        music_style = found_style.value if found_style else "lofi"
        volume = slots.volume(music.group())
        if volume:
            after.append(ToolCall.of("set_volume", volume=volume.value, target="music"))
        holes.append(music.span())
        low = blank(low, [music.span()])
    args: dict[str, object] = {}
    parsers: list[tuple[str, Callable[[str], slots.Found[object] | None]]] = [("aspect", lambda s: slots.aspect(s, strict=True)), ("style", slots.style), ("seed", slots.seed)]
    parsers.append(("seconds", slots.seconds) if kind.startswith("video") else ("n", slots.count))
    for name, parser in parsers:
        found = parser(low)
        if found is not None:
            args[name] = found.value
            holes.append((found.start, found.end))
            low = blank(low, [(found.start, found.end)])
    if kind == "video@last":
        prompt = LAST
    else:
        prompt = _prompt(clause, low, holes)
        if not prompt:
            return None
    if kind.startswith("video"):
        call = ToolCall.of("generate_video", prompt=prompt, music=music_style, title=title,
                           **{k: v for k, v in args.items() if k != "seed"})
        if title_rest is not None:
            after.append(title_rest)
    else:
        if title is not None:
            return None
        call = ToolCall.of("generate_image", prompt=prompt, **args)
    return [call, *after]


def _title(clause: Clause) -> tuple[str | None, tuple[int, int] | None, ToolCall | None]:
    """The title text said inside a generation, the span it covers, and a ``set_title``
    for its timing or position when those were said too."""
    low = clause.low
    marker = _TITLE.search(low)
    if marker is None or marker.end() == marker.start():
        return None, None, None
    quote = refs.quoted(low[marker.end():])
    if quote is not None and quote.start == 0:
        start, end = (marker.end() + p for p in quote.value)
        span_end = marker.end() + quote.end
    else:
        stop = _TITLE_END.search(low, marker.end())
        start, end = marker.end(), stop.start() if stop else len(low)
        span_end = end
    if end <= start:
        return None, None, None
    text = clause.raw(start, end)
    rest = low[span_end:]
    timing = slots.time_range(rest)
    pos = slots.position(rest)
    extra = None
    if timing or pos:
        extra = ToolCall.of("set_title", pos=pos.value if pos else None,
                            start_ms=timing.value.start_ms if timing else None,
                            duration_ms=timing.value.duration_ms if timing else None)
        span_end += max(f.end for f in (timing, pos) if f is not None)
    return text, (marker.start(), span_end), extra


def _prompt(clause: Clause, low: str, holes: list[tuple[int, int]]) -> str:
    """The description: ``low`` less command words and slots, read back from the raw text."""
    start, end = 0, len(low)
    for _ in range(4):
        moved = False
        for lead in _LEADS:
            match = lead.match(low, start, end)
            if match and match.end() > start:
                start, moved = match.end(), True
        if not moved:
            break
    trail = _TRAIL.search(low, start, end)
    if trail and trail.start() >= start:
        end = trail.start()
    return clause.raw_without(start, end, holes).strip(" ,，.。")
