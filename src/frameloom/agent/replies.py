"""What the agent says, in English and Chinese: prices before they are spent, what each action did,
and the closing text of a turn (what changed, then the timeline summary).

Each sentence is a template per language, filled with :meth:`str.format`; the
summary itself stays in the SPEC's own form (section 5) in both languages.
"""

from __future__ import annotations

from collections.abc import Sequence

from frameloom.agent.context import Language
from frameloom.agent.planner import HELP_EN, HELP_ZH

_TEXTS: dict[str, tuple[str, str]] = {
    # prices, said before the credits are frozen
    "price_image": ("Generating {n} image{s} ({price} credit{ps})...", "正在生成 {n} 张图片（{price} 积分）……"),
    "price_video": ("Generating a {seconds}-second video ({price} credit{ps})...",
                    "正在生成 {seconds} 秒的视频（{price} 积分）……"),
    "price_vary": ("Making a new variation ({price} credit{ps})...", "正在生成新的变体（{price} 积分）……"),
    "price_export": ("Exporting {format} ({price} credit{ps})...", "正在导出 {format}（{price} 积分）……"),
    # what each action did
    "did_image": ("Generated {n} image{s} of \u201c{prompt}\u201d (seed {seed}).",
                  "生成了 {n} 张图片：“{prompt}”（种子 {seed}）。"),
    "did_video": ("Made a {seconds}-second video of \u201c{prompt}\u201d (seed {seed}).",
                  "生成了 {seconds} 秒的视频：“{prompt}”（种子 {seed}）。"),
    "did_placed": ("It is on the timeline.", "已放到时间线上。"),
    "did_add_title": ("Added the title \u201c{text}\u201d.", "添加了标题“{text}”。"),
    "did_set_title": ("Changed the title.", "修改了标题。"),
    "did_add_music": ("Added {what} music at {volume}%.", "添加了{what}背景音乐，音量 {volume}%。"),
    "did_set_volume": ("Set the {what} volume.", "调整了{what}音量。"),
    "did_set_aspect": ("Changed the aspect ratio to {aspect} ({width}x{height}).",
                       "画面比例改为 {aspect}（{width}x{height}）。"),
    "did_set_duration": ("The timeline is {seconds} s long now.", "时间线现在长 {seconds} 秒。"),
    "did_remove": ("Removed {target}.", "删除了 {target}。"),
    "did_move": ("Moved {target} to {seconds} s.", "把 {target} 移到了 {seconds} 秒。"),
    "did_trim": ("Trimmed {target}.", "剪辑了 {target}。"),
    "did_use_upload": ("Put {name} on the timeline.", "把 {name} 放到了时间线上。"),
    "did_export": ("Exported {format}: {link}", "已导出 {format}：{link}"),
    "did_export_nolink": ("Exported {format} (render {render_id}).", "已导出 {format}（渲染 {render_id}）。"),
    "did_undo": ("Undid the last change ({label}).", "已撤销上一步（{label}）。"),
    "did_redo": ("Redid {label}.", "已重做（{label}）。"),
    "did_status": ("{media} media in this session, {generations} generation{gs}, {renders} export{rs}; "
                   "{available} credits available ({frozen} frozen).",
                   "本会话有 {media} 个素材、{generations} 次生成、{renders} 次导出；可用积分 {available}（冻结 {frozen}）。"),
    # when something could not be done
    "nothing_changed": ("Nothing changed.", "没有改动。"),
    "cannot": ("I could not do that: {reason}", "这一步没能完成：{reason}"),
    "refused_term": ("I can't make that: \u201c{term}\u201d is refused by this server's content policy. "
                     "Nothing was charged.", "这个无法生成：“{term}”违反了本服务器的内容规则。没有扣除积分。"),
    "refused": ("I can't make that: this server's content policy refused it{categories}. Nothing was charged.",
                "这个无法生成：本服务器的内容规则拒绝了它{categories}。没有扣除积分。"),
    "unknown_style": ("I don't know the style \u201c{style}\u201d; the styles are: {known}.",
                      "我不认识“{style}”这种风格；可用的风格有：{known}。"),
    "no_upload": ("There is no upload \u201c{ref}\u201d in this session; upload a file first, or name one of: "
                  "{known}.", "本会话没有“{ref}”这个上传素材；请先上传，或从这些中选：{known}。"),
    "not_shown": ("{name} is not on the timeline.", "{name} 不在时间线上。"),
    "no_last": ("There is nothing generated yet to vary or animate; describe what to make first.",
                "还没有生成过内容，无法变化或生成视频；请先描述要生成的内容。"),
    "nothing_to_undo": ("There is nothing to {action}.", "没有可以{action}的操作。"),
    "stopped": ("Stopped before: {left}.", "已停止，未执行：{left}。"),
}
_UNDO_WORDS = {"undo": "撤销", "redo": "重做"}


def say(key: str, language: Language, **values: object) -> str:
    """The sentence ``key`` in ``language`` with ``values`` filled in (``s``/``ps``... plural
    endings are the caller's)."""
    english, chinese = _TEXTS[key]
    template = chinese if language == "zh" else english
    if language == "zh" and key == "nothing_to_undo":
        values = {**values, "action": _UNDO_WORDS.get(str(values.get("action")), values.get("action"))}
    return template.format(**values)


def plural(count: float) -> str:
    """The English plural ending for ``count``."""
    return "" if count == 1 else "s"


def help_text(language: Language) -> str:
    return HELP_ZH if language == "zh" else HELP_EN


def closing(changes: Sequence[str], summary: str, language: Language) -> str:
    """The last text of a turn: what changed (or that nothing did), then the timeline summary."""
    said = " ".join(changes) if changes else say("nothing_changed", language)
    return f"{said}\n{summary}"
