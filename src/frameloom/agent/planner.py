"""The rule planner: a user message (English, Chinese or both) in, an ordered plan of
tool calls out. Pure and deterministic: no I/O, no clock, no randomness.

How a message is read (docs/AGENT.md has the decisions):

1. :func:`~frameloom.agent.lexicon.normalise`: lowercase, misspelt command words fixed.
2. Split into clauses at commas, "and", "then", "然后"... outside quotes. A piece that
   plans to nothing alone ("Roll" in "add the title Rock and Roll") stays with its
   neighbour; after a generation, only a piece that starts with a command (or follows
   "then") is a clause of its own, so "…, vertical, with lo-fi music" are its arguments.
3. Each clause goes through the planners in order (edits.py, generation.py).
4. Neighbours fold: ``set_aspect`` after a generation becomes its ``aspect``; a length or
   a music style after ``generate_video`` its ``seconds`` or ``music``; a volume after
   ``add_music`` its ``volume``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from frameloom.agent.clause import Clause, PlanContext
from frameloom.agent.edits import AFTER_GENERATION, BEFORE_GENERATION
from frameloom.agent.generation import plan_generation
from frameloom.agent.lexicon import Text, is_chinese, normalise
from frameloom.agent.refs import quoted
from frameloom.agent.tools import ToolCall

_SEPARATOR = re.compile(r"\s*(?:[,;，；。!！]|\?(?=\s|$)|？|(?<![a-z])(?:and then|then|and also|also|and|plus)(?![a-z])"
                        r"|然后|接着|并且|之后|再把)\s*")
_HARD = re.compile(r"then|然后|接着|之后|[;；。]")
_COMMAND = re.compile(r"\s*(?:(?:please|pls|also|now)\s+)?(?:add|put|insert|make|set|change|turn|switch|remove|delete|export"
                      r"|render|save|download|undo|redo|animate|use|trim|cut|move|show|mute|draw|generate|create|give)\b"
                      r"|\s*(?:加|添加|导出|删除|删掉|去掉|改成|变成|把|撤销|用|使用|剪|显示|画|生成)")

HELP_EN = ("I can generate images and videos, add a title or music, change the aspect ratio or the length, "
           "trim, move or remove parts, use your uploads, export (mp4, gif, webm, mp3...), undo and redo, and "
           "show the timeline. Try: \"generate an image of a city at night\", \"make a 6 second video from it\", "
           "\"add lo-fi music at 35%\", \"make it vertical for TikTok\", \"export\".")
HELP_ZH = ("我可以生成图片和视频、加标题或背景音乐、改画面比例或时长、剪辑、移动或删除元素、使用你上传的素材、"
           "导出（mp4、gif、webm、mp3 等）、撤销和重做，以及显示时间线。试试：“画一张夜晚的城市”、"
           "“用它生成一个6秒的视频”、“加上轻音乐，音量35%”、“改成竖屏”、“导出”。")


@dataclass(frozen=True)
class Plan:
    """The calls to run, in order; when there are none, ``reply_hint`` says what the agent
    can do (in the context's language, else the message's)."""

    calls: tuple[ToolCall, ...] = ()
    reply_hint: str | None = None


def plan(message: str, context: PlanContext | None = None) -> Plan:
    """Plan ``message``. Never raises: a message it cannot place gets a plan with no
    calls and a ``reply_hint``."""
    context = context or PlanContext()
    text = normalise(message)
    calls: list[ToolCall] = []
    for clause_calls in _clauses(text, context):
        calls.extend(clause_calls)
    if not calls:
        chinese = context.language == "zh" or (context.language is None and is_chinese(message))
        return Plan((), HELP_ZH if chinese else HELP_EN)
    return Plan(tuple(_fold(calls)))


def expand_for_each(call: ToolCall, context: PlanContext) -> tuple[ToolCall, ...]:
    """A ``for_each_upload`` call as the calls to run: for each upload id of ``context``,
    in order, ``use_upload(media=id)`` then the instruction's own plan."""
    instruction = str(call.args["instruction"])
    steps = plan(instruction, context).calls
    expanded: list[ToolCall] = []
    for media_id in context.uploads:
        expanded.append(ToolCall.of("use_upload", media=media_id))
        expanded.extend(steps)
    return tuple(expanded)


def _plan_clause(clause: Clause, context: PlanContext) -> list[ToolCall] | None:
    for planner in BEFORE_GENERATION:
        calls = planner(clause, context)
        if calls is not None:
            return calls
    calls = plan_generation(clause, context)
    if calls is not None:
        return calls
    for planner in AFTER_GENERATION:
        calls = planner(clause, context)
        if calls is not None:
            return calls
    return None


def _pieces(text: Text) -> list[tuple[int, int, bool]]:
    """(start, end, after a hard separator) of each piece between separators outside quotes."""
    low = text.low
    quotes: list[tuple[int, int]] = []
    cursor = 0
    while (found := quoted(low[cursor:])) is not None:
        quotes.append((cursor + found.start, cursor + found.end))
        cursor += found.end
    pieces: list[tuple[int, int, bool]] = []
    start, hard = 0, False
    for sep in _SEPARATOR.finditer(low):
        if any(q0 <= sep.start() < q1 for q0, q1 in quotes):
            continue
        if sep.start() > start:
            pieces.append((start, sep.start(), hard))
            hard = False
        hard = hard or bool(_HARD.search(sep.group()))
        start = sep.end()
    if start < len(low):
        pieces.append((start, len(low), hard))
    return pieces


def _clauses(text: Text, context: PlanContext) -> list[list[ToolCall]]:
    """The calls of each clause of ``text``, in order (see the module's step 2)."""
    clauses: list[list[ToolCall]] = []
    current: Clause | None = None
    current_calls: list[ToolCall] | None = None
    for start, end, hard in _pieces(text):
        piece = Clause(text, start, end)
        if current is None:
            current, current_calls = piece, _plan_clause(piece, context)
            continue
        generating = bool(current_calls) and current_calls is not None and current_calls[0].name.startswith("generate_")
        joins = (generating and not hard and not _COMMAND.match(piece.low)) or current_calls is None
        piece_calls = None if joins else _plan_clause(piece, context)
        if joins or piece_calls is None:
            current = Clause(text, current.start, end)
            current_calls = _plan_clause(current, context)
            continue
        clauses.append(current_calls or [])
        current, current_calls = piece, piece_calls
    if current_calls:
        clauses.append(current_calls)
    return clauses


def _fold(calls: list[ToolCall]) -> list[ToolCall]:
    folded: list[ToolCall] = []
    for call in calls:
        previous = folded[-1] if folded else None
        merged = _merge(previous, call) if previous else None
        if merged is not None:
            folded[-1] = merged
        else:
            folded.append(call)
    return folded


def _merge(previous: ToolCall, call: ToolCall) -> ToolCall | None:
    """``previous`` with ``call`` folded in as an argument, or None when it does not fold."""
    args = call.args
    if previous.name.startswith("generate_") and call.name == "set_aspect" and previous.args["aspect"] is None:
        return previous.with_args(aspect=args["aspect"])
    if previous.name == "generate_video":
        if call.name == "set_duration" and args["seconds"] is not None and previous.args["seconds"] is None:
            return previous.with_args(seconds=args["seconds"])
        if call.name == "add_music" and args["style"] and not args["media_id"] and previous.args["music"] is None:
            return previous.with_args(music=args["style"])
    if (previous.name == "add_music" and call.name == "set_volume" and args["volume"] is not None
            and args["target"] in (None, "music") and previous.args["volume"] is None):
        return previous.with_args(volume=args["volume"])
    return None
