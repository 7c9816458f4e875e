"""Edit clauses: titles, music and volume, uploads, timing, aspect, removal, export,
variations, and the one-word commands (undo, redo, status, help).

Each ``plan_*`` function reads one :class:`Clause` and returns its calls, or None when
the clause is not of its kind; :data:`EDITS` lists them in the order they are tried.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from frameloom.agent import refs, slots
from frameloom.agent.clause import Clause, PlanContext, blank
from frameloom.agent.lexicon import NUM, is_chinese, to_number
from frameloom.agent.tools import ToolCall

Planner = Callable[[Clause, PlanContext], "list[ToolCall] | None"]

DEFAULT_DELTA_S = 2  # "make it longer" / "shorter": two seconds either way
_POLITE = r"^(?:(?:please|pls|can you|could you|ok|okay|now|just)\s+)*"
_UNDO = re.compile(_POLITE + r"(?:undo|revert|go back|step back|take that back)\b|撤销|撤回|回退|撤消|返回上一步|取消上一步")
_REDO = re.compile(_POLITE + r"redo\b|重做|恢复上一步")
_HELP = re.compile(_POLITE + r"(?:help|what can you do|what do you do|how does this work|how do i use|what can i (?:do|say))\b"
                   r"|^\?$|帮助|你能做什么|你会什么|怎么用|能做什么|使用说明")
_STATUS = re.compile(r"\b(?:show|list|display|see|view)\b.*\b(?:tracks?|timeline|status|state|project)\b"
                     r"|^(?:status|tracks|timeline)\b|what'?s (?:on|in) the timeline|what do i have|what have (?:we|i) got"
                     r"|显示轨道|查看状态|状态|轨道|时间线")
_EACH = re.compile(r"\b(?:each|every)\s+(?:one\s+of\s+(?:my\s+|the\s+)?)?(?:uploaded\s+)?"
                   r"(?:clip|upload|video|photo|image|file|picture)s?\b"
                   r"|每(?:一)?(?:个|段|张|条)\s*(?:视频|片段|上传的?(?:视频|文件|照片)?|文件|图片|照片|素材)?\s*都?")
_EXPORT = re.compile(r"(?<![a-z])(?:export|render|download|save|output)(?![a-z])|导出|输出|下载|保存")
_CONVERT = re.compile(r"\b(?:into|as|to|convert|make it|in)\b|成|为")
_REMOVE = re.compile(r"(?<![a-z])(?:remove|delete|get rid of|drop|take out|take off|erase|lose|ditch|cut out)(?![a-z])"
                     r"|^no\s+(?:more\s+)?|(?<![a-z])without(?![a-z])|删除|删掉|去掉|去除|移除|不要|拿掉")
_MUSIC_WORD = re.compile(refs.MUSIC_WORDS)
_ADD = re.compile(r"(?<![a-z])(?:add|put|include|insert|use|give it|throw in|play|with|change|switch)(?![a-z])"
                  r"|加|添加|配上|配|来点|放")
_MINE = re.compile(r"\b(?:my|uploaded|upload)\b|上传|我的")
_VOLUME_WORD = re.compile(r"(?<![a-z])volume(?![a-z])|音量|声音")
_TITLE_WORD = re.compile(rf"{refs.TITLE_WORDS}|^(?:put|write)\s+[\"'“「]")
_TITLE_EDIT = re.compile(r"(?<![a-z])(?:change|edit|rename|update|replace|set|make|move|shift|switch)(?![a-z])"
                         r"|改成|改为|换成|移到|移|调整|改")
_MOVE = re.compile(r"(?<![a-z])(?:move|shift|push)(?![a-z])|移到|挪到|移动到")
_TO_SECONDS = re.compile(rf"(?:to|at)\s+({NUM})\s*(?:seconds?|secs?|s)(?![a-z])|(?:到|至)\s*第?\s*({NUM})\s*秒")
_USE = re.compile(r"(?<![a-z])use(?![a-z])|用|使用|加入|放入")
_UPLOADISH = re.compile(rf"{refs.ID_RE.pattern}|\b(?:my|uploaded|upload|clip|photo|image|picture|video|file|footage|it)s?\b"
                        r"|上传|视频|照片|图片|素材|第")
_TRIM = re.compile(r"(?<![a-z])(?:trim|cut|crop|clip)(?![a-z])|剪|裁")
_LONGER = re.compile(r"(?<![a-z])(?:longer|extend|lengthen|stretch)(?![a-z])|延长|加长|长一点|长一些|更长")
_SHORTER = re.compile(r"(?<![a-z])(?:shorter|shorten)(?![a-z])|缩短|短一点|短一些|更短")
_ABSOLUTE = re.compile(rf"\bto\s+{NUM}|(?:到|成|为)\s*{NUM}")
_SET_LENGTH = re.compile(r"(?<![a-z])(?:make|set|change|trim|cut|long|duration|length)(?![a-z])|时长|改成|改为|剪到|变成|长度")
_VARY_N = re.compile(rf"({NUM})\s+more\s+(?:variations?|versions?|ones?|takes?|images?|pictures?)\b|another\s+({NUM})\b")
_VARY = re.compile(r"\b(?:try again|again|another(?:\s+(?:one|variation|version|take|image|picture))?|one more(?: time)?"
                   r"|regenerate|re-?roll|different one|do it again|new version|something else)\b"
                   r"|再来一张|再来一个|再来|再试一次|再试|换一张|换一个|重新生成|重来|再生成")
_MODIFIER = re.compile(r"\b(darker|brighter|lighter|warmer|cooler|colder|happier|scarier|sadder|calmer|bolder|sharper"
                       r"|simpler|moodier|(?:more|less)\s+[a-z]+)\b")
_NOT_MODIFIER = {"time", "one", "ones", "variation", "variations", "version", "versions", "take", "takes", "image",
                 "images", "picture", "pictures", "like", "than"}
_ZH_MODIFIER = re.compile(r"(更|再)?(明亮|亮|暗|鲜艳|多彩|彩色|温暖|暖|冷|梦幻|可爱|简单|清晰)(一点|一些|些)?")
_ZH_MODIFIERS = {"明亮": "brighter", "亮": "brighter", "暗": "darker", "鲜艳": "more colourful", "多彩": "more colourful",
                 "彩色": "more colourful", "温暖": "warmer", "暖": "warmer", "冷": "cooler"}


def _fixed(pattern: re.Pattern[str], name: str) -> Planner:
    def plan(clause: Clause, context: PlanContext) -> list[ToolCall] | None:
        return [ToolCall.of(name)] if pattern.search(clause.low) else None
    return plan


def plan_for_each(clause: Clause, context: PlanContext) -> list[ToolCall] | None:
    """"turn each clip into a 5-second GIF": one call; its instruction is the clause with
    "each clip" said as "it" ("它"), planned again for every upload (see ``expand_for_each``)."""
    match = _EACH.search(clause.low)
    if not match:
        return None
    chinese = is_chinese(clause.low)
    joiner = "" if chinese else " "
    parts = [clause.raw(0, match.start()), "它" if chinese else "it", clause.raw(match.end(), len(clause.low))]
    return [ToolCall.of("for_each_upload", instruction=joiner.join(p for p in parts if p))]


def plan_export(clause: Clause, context: PlanContext) -> list[ToolCall] | None:
    """"export", "export as a GIF", "导出webm", "turn it into a 5-second GIF" (a length first)."""
    low = clause.low
    fmt = slots.export_format(low)
    if not _EXPORT.search(low) and not (fmt and _CONVERT.search(low)):
        return None
    calls = []
    length = slots.seconds(low)
    if length is not None:
        calls.append(ToolCall.of("set_duration", seconds=length.value))
    calls.append(ToolCall.of("export", format=fmt.value if fmt else "mp4"))
    return calls


def plan_remove(clause: Clause, context: PlanContext) -> list[ToolCall] | None:
    """"remove the title", "delete the music", "remove it", "去掉音乐", "no music"."""
    if not _REMOVE.search(clause.low):
        return None
    return [ToolCall.of("remove", target=refs.target(clause.low) or "last")]


def plan_sound(clause: Clause, context: PlanContext) -> list[ToolCall] | None:
    """Music and volume: "add lo-fi music at 35%" (add_music; replaces the music there is),
    "make the music quieter", "set the volume to 60%", "mute", "音量调到30%" (set_volume)."""
    low = clause.low
    music = _MUSIC_WORD.search(low)
    level = slots.volume(low)
    change = slots.volume_change(low)
    volume_word = _VOLUME_WORD.search(low)
    style = slots.music_style(low) if music else None
    adding = _ADD.search(low) or style or (not context.has_music and not volume_word and not change)
    if music and adding:
        media = refs.media_ref(low) if _MINE.search(low) else None
        return [ToolCall.of("add_music", style=style.value if style else None, media_id=media,
                            volume=level.value if level else None)]
    if not (level or change or volume_word):
        return None
    target = "music" if music else ("video" if re.search(rf"{refs.VIDEO_WORDS}|原声", low) else None)
    return [ToolCall.of("set_volume", volume=level.value if level else None,
                        change=change.value if change else None, target=target)]


def plan_title(clause: Clause, context: PlanContext) -> list[ToolCall] | None:
    """"add the title Urban Dreams for 3 seconds" (add_title), "change the title to X",
    "move the title to the bottom" (set_title), "move the title to 2 seconds" (move)."""
    low = clause.low
    if not _TITLE_WORD.search(low):
        return None
    quote = refs.quoted(low)
    rest = blank(low, [(quote.start, quote.end)]) if quote else low
    timing = slots.time_range(rest)
    pos = slots.position(rest)
    stops = [found.start for found in (timing, pos) if found is not None]
    marked = quote or refs.marked_text(rest, stops)
    text = clause.raw(*marked.value) if marked else None
    # the change verb may sit inside the marked span ("标题改成 X"): blank only the words themselves
    editing = _TITLE_EDIT.search(blank(rest, [marked.value]) if marked else rest)
    start_ms = timing.value.start_ms if timing else None
    duration_ms = timing.value.duration_ms if timing else None
    if _MOVE.search(low) and pos is None:
        to = _TO_SECONDS.search(rest)
        if start_ms is None and to:
            start_ms = round((to_number(to.group(1) or to.group(2)) or 0) * 1000)
        if start_ms is not None:
            return [ToolCall.of("move", target="title", start_ms=start_ms)]
    if text and not editing:
        return [ToolCall.of("add_title", text=text, start_ms=start_ms or 0, duration_ms=duration_ms,
                            pos=pos.value if pos else None)]
    if not (text or timing or pos):
        return None
    return [ToolCall.of("set_title", text=text, start_ms=start_ms, duration_ms=duration_ms,
                        pos=pos.value if pos else None)]


def plan_use(clause: Clause, context: PlanContext) -> list[ToolCall] | None:
    """"use my clip", "use the second clip", "use all my clips", "use my photo for the
    first 3 seconds", "用我上传的视频"."""
    low = clause.low
    if not (_USE.search(low) and _UPLOADISH.search(low)):
        return None
    timing = slots.time_range(low)
    rest = blank(low, [(timing.start, timing.end)]) if timing else low
    return [ToolCall.of("use_upload", media=refs.media_ref(rest),
                        start_ms=timing.value.start_ms if timing else None,
                        duration_ms=timing.value.duration_ms if timing else None)]


def plan_move(clause: Clause, context: PlanContext) -> list[ToolCall] | None:
    """"move it to 3s", "move the music to 2 seconds"."""
    low = clause.low
    to = _TO_SECONDS.search(low)
    if not (_MOVE.search(low) and to):
        return None
    start_ms = round((to_number(to.group(1) or to.group(2)) or 0) * 1000)
    return [ToolCall.of("move", target=refs.target(blank(low, [to.span()])) or "last", start_ms=start_ms)]


def plan_trim(clause: Clause, context: PlanContext) -> list[ToolCall] | None:
    """"trim the video from 2 to 5 seconds" (trim), "cut the first 2 seconds" (trim from 2 s);
    "trim to 5 seconds" is a length (set_duration, below)."""
    low = clause.low
    timing = slots.time_range(low)
    if not (_TRIM.search(low) and timing):
        return None
    value = timing.value
    target = refs.target(blank(low, [(timing.start, timing.end)]))
    target = "video" if target in (None, "last") else target
    if value.start_ms == 0 and re.search(r"\bcut\b|\bremove\b|剪掉|去掉", low) and re.search(r"\bfirst\b|前", low):
        return [ToolCall.of("trim", target=target, start_ms=value.duration_ms)]
    if value.end_ms is None:
        return None
    return [ToolCall.of("trim", target=target, start_ms=value.start_ms, end_ms=value.end_ms)]


def plan_duration(clause: Clause, context: PlanContext) -> list[ToolCall] | None:
    """"make it longer" (+2 s), "shorter" (-2 s), "3 seconds longer" (+3 s), "trim to 5
    seconds", "extend it to 15 seconds", "时长改成十秒" (seconds)."""
    low = clause.low
    length = slots.seconds(low)
    longer, shorter = _LONGER.search(low), _SHORTER.search(low)
    if longer or shorter:
        if length and _ABSOLUTE.search(low):
            return [ToolCall.of("set_duration", seconds=length.value)]
        delta = length.value if length else DEFAULT_DELTA_S
        return [ToolCall.of("set_duration", delta_s=delta if longer else -delta)]
    if length and _SET_LENGTH.search(low):
        return [ToolCall.of("set_duration", seconds=length.value)]
    return None


def plan_aspect(clause: Clause, context: PlanContext) -> list[ToolCall] | None:
    """"make it vertical for TikTok", "square", "widescreen", "4:3", "竖屏"."""
    found = slots.aspect(clause.low)
    return [ToolCall.of("set_aspect", aspect=found.value)] if found else None


def plan_vary(clause: Clause, context: PlanContext) -> list[ToolCall] | None:
    """"try again", "another one" (no modifier), "make it darker", "more colourful",
    "更亮一点" (a modifier), "3 more variations" (three calls)."""
    low = clause.low
    many = _VARY_N.search(low)
    if many:
        n = int(to_number(many.group(1) or many.group(2)) or 1)
        return [ToolCall.of("vary")] * n
    modifier = _modifier(low)
    if modifier is None and not _VARY.search(low):
        return None
    return [ToolCall.of("vary", modifier=modifier)]


def _modifier(low: str) -> str | None:
    for match in _MODIFIER.finditer(low):
        words = match.group(1).split()
        if words[-1] not in _NOT_MODIFIER:
            return " ".join(words)
    zh = _ZH_MODIFIER.search(low)
    if zh and (zh.group(1) or zh.group(3)):
        return _ZH_MODIFIERS.get(zh.group(2), zh.group())
    style = slots.style(low)
    return style.value if style else None


def plan_vary_many(clause: Clause, context: PlanContext) -> list[ToolCall] | None:
    """"3 more variations" before "give me 3 … variations" reads as a new generation."""
    return plan_vary(clause, context) if _VARY_N.search(clause.low) else None


# Tried in this order, before and after the generation clauses (generation.py).
BEFORE_GENERATION: tuple[Planner, ...] = (
    _fixed(_UNDO, "undo"), _fixed(_REDO, "redo"), _fixed(_HELP, "help"), _fixed(_STATUS, "show_status"),
    plan_for_each, plan_vary_many,
)
AFTER_GENERATION: tuple[Planner, ...] = (
    plan_export, plan_remove, plan_sound, plan_title, plan_use, plan_move, plan_trim, plan_duration,
    plan_aspect, plan_vary,
)
