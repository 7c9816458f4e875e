"""The free tools: draft edits (titles, music, volume, aspect, length, remove, move, trim, uploads),
undo and redo, status and help.

Every edit is one call of ``DraftService.edit`` with the typed ops of
``timeline.ops``, in the turn's group (one undo undoes the whole turn). The
planner's references are resolved here against the session: "title", "music",
"video" and "last" pass through to the ops; "all" is every track; an upload
index ("2") or a media id names the segments showing that upload.
"""

from __future__ import annotations

from typing import cast

from pydantic import JsonValue

from frameloom.agent.replies import help_text, plural, say
from frameloom.agent.steps import Done, Prepared, TurnRun, UserMistake, change_response
from frameloom.agent.tools import ToolCall
from frameloom.domain.errors import NothingToUndo
from frameloom.domain.media import MediaKind
from frameloom.services.sessions import MediaView
from frameloom.timeline import TrackKind, duration_ms, seconds_text
from frameloom.timeline.media_ops import MUSIC_LABELS
from frameloom.timeline.model import NamedPos
from frameloom.timeline.ops import (
    REFERENCE_WORDS,
    AddMusic,
    AddTitle,
    EditOp,
    Move,
    PlaceMedia,
    Remove,
    SetAspect,
    SetDuration,
    SetTitle,
    SetVolume,
    Trim,
    VolumeChange,
)
from frameloom.timeline.targets import music_track

# --- references ---------------------------------------------------------------------------------


def _upload(run: TurnRun, ref: str, kind: MediaKind | None = None) -> MediaView:
    """The upload ``ref`` names ("last": the newest, of ``kind`` when given)."""
    if ref == "last" and kind is not None:
        of_kind = [m for m in run.facts.uploads if run.facts.media[m].kind == kind.value]
        if of_kind:
            return run.facts.media[of_kind[-1]]
    try:
        return run.facts.upload(ref)
    except LookupError:
        known = ", ".join(run.facts.media[m].filename for m in run.facts.uploads) or "-"
        raise UserMistake(say("no_upload", run.language, ref=ref, known=known)) from None


def _targets(run: TurnRun, ref: object) -> list[str]:
    """The op targets a planner reference names (see the module docstring); [] for None."""
    if ref is None:
        return []
    word = str(ref)
    draft = run.facts.draft
    if word in REFERENCE_WORDS:
        return [word]
    if word == "all":
        return [t.id for t in draft.tracks] or ["last"]  # "last" on an empty draft: the op says it is empty
    if word.isdigit() or word.startswith("med_"):
        media = _upload(run, word)
        shown = [s.id for t in draft.tracks for s in t.segments if getattr(s, "src", None) == media.media_id]
        if not shown:
            raise UserMistake(say("not_shown", run.language, name=media.filename))
        return shown
    return [word]


def _one_target(run: TurnRun, ref: object) -> str | None:
    found = _targets(run, ref)
    return found[-1] if found else None


def _ms(run: TurnRun, value: object) -> int | None:
    """A time in ms; a negative one counts back from the end of the timeline ("the last 2 seconds")."""
    if value is None:
        return None
    ms = int(str(value))
    return max(0, duration_ms(run.facts.draft) + ms) if ms < 0 else ms


def _editing(run: TurnRun, ops: list[EditOp], said: str) -> Prepared:
    def apply() -> Done:
        change = run.edit(ops)
        return Done(change_response(change), (said,))

    return Prepared(apply)


# --- edits --------------------------------------------------------------------------------------


def add_title(run: TurnRun, call: ToolCall) -> Prepared:
    a = call.args
    op = AddTitle(str(a["text"]), start_ms=_ms(run, a["start_ms"]) or 0, duration_ms=_ms(run, a["duration_ms"]),
                  pos=cast(NamedPos, a["pos"] or "center"))  # AddTitle checks it
    return _editing(run, [op], say("did_add_title", run.language, text=op.text.strip()))


def set_title(run: TurnRun, call: ToolCall) -> Prepared:
    a = call.args
    op = SetTitle(target=_one_target(run, a["target"]), text=None if a["text"] is None else str(a["text"]),
                  start_ms=_ms(run, a["start_ms"]), duration_ms=_ms(run, a["duration_ms"]),
                  pos=cast(NamedPos | None, a["pos"]))  # SetTitle checks it
    return _editing(run, [op], say("did_set_title", run.language))


def add_music(run: TurnRun, call: ToolCall) -> Prepared:
    a = call.args
    volume = float(str(a["volume"])) if a["volume"] is not None else AddMusic.volume
    if a["media_id"] is not None:
        media = _upload(run, str(a["media_id"]), MediaKind.AUDIO)
        op, what = AddMusic(media_id=media.media_id, volume=volume), media.filename
    else:
        op = AddMusic(style=None if a["style"] is None else str(a["style"]), volume=volume)
        style = op.style or "lofi"
        what = MUSIC_LABELS.get(style, style.capitalize())
    return _editing(run, [op], say("did_add_music", run.language, what=what, volume=round(volume * 100)))


def set_volume(run: TurnRun, call: ToolCall) -> Prepared:
    a = call.args
    target = _one_target(run, a["target"])
    op = SetVolume(volume=None if a["volume"] is None else float(str(a["volume"])),
                   change=cast(VolumeChange | None, a["change"]),  # SetVolume checks it
                   target=target)
    return _editing(run, [op], say("did_set_volume", run.language, what=target or "music"))


def set_aspect(run: TurnRun, call: ToolCall) -> Prepared:
    op = SetAspect(str(call.args["aspect"]))

    def apply() -> Done:
        change = run.edit([op])
        said = say("did_set_aspect", run.language, aspect=op.aspect, width=change.draft.width,
                   height=change.draft.height)
        return Done(change_response(change), (said,))

    return Prepared(apply)


def set_duration(run: TurnRun, call: ToolCall) -> Prepared:
    a = call.args
    op = SetDuration(seconds=None if a["seconds"] is None else float(str(a["seconds"])),
                     delta_s=None if a["delta_s"] is None else float(str(a["delta_s"])))

    def apply() -> Done:
        change = run.edit([op])
        said = say("did_set_duration", run.language, seconds=seconds_text(duration_ms(change.draft)))
        return Done(change_response(change), (said,))

    return Prepared(apply)


def remove(run: TurnRun, call: ToolCall) -> Prepared:
    targets = _targets(run, call.args["target"])
    ops: list[EditOp] = [Remove(t) for t in targets]
    return _editing(run, ops, say("did_remove", run.language, target=_name(run, str(call.args["target"]))))


def move(run: TurnRun, call: ToolCall) -> Prepared:
    target = _one_target(run, call.args["target"]) or "last"
    start = _ms(run, call.args["start_ms"]) or 0
    said = say("did_move", run.language, target=_name(run, str(call.args["target"])), seconds=seconds_text(start))
    return _editing(run, [Move(target, start)], said)


def trim(run: TurnRun, call: ToolCall) -> Prepared:
    a = call.args
    target = _one_target(run, a["target"]) or "video"
    op = Trim(target, start_ms=_ms(run, a["start_ms"]), end_ms=_ms(run, a["end_ms"]))
    return _editing(run, [op], say("did_trim", run.language, target=_name(run, str(a["target"]))))


def use_upload(run: TurnRun, call: ToolCall) -> Prepared:
    a = call.args
    media = _upload(run, str(a["media"]))
    op = PlaceMedia(media.media_id, start_ms=_ms(run, a["start_ms"]), duration_ms=_ms(run, a["duration_ms"]))
    return _editing(run, [op], say("did_use_upload", run.language, name=media.filename))


def _name(run: TurnRun, ref: str) -> str:
    """A reference as the closing text names it ("the title", "标题", an upload's file name)."""
    names = {"title": ("the title", "标题"), "text": ("the title", "标题"), "music": ("the music", "音乐"),
             "video": ("the video", "视频"), "last": ("the last element", "最后一个元素"), "all": ("everything", "全部")}
    if ref in names:
        return names[ref][run.language == "zh"]
    if ref.isdigit() or ref.startswith("med_"):
        return _upload(run, ref).filename
    return ref


# --- history, status, help ----------------------------------------------------------------------


def _history(run: TurnRun, action: str) -> Prepared:
    def apply() -> Done:
        step = run.services.drafts.undo if action == "undo" else run.services.drafts.redo
        try:
            change = step(run.who, run.turn.session_id)
        except NothingToUndo:
            raise UserMistake(say("nothing_to_undo", run.language, action=action)) from None
        label = change.label.removeprefix(f"{action} ")
        return Done(change_response(change), (say(f"did_{action}", run.language, label=label),))

    return Prepared(apply)


def undo(run: TurnRun, call: ToolCall) -> Prepared:
    return _history(run, "undo")


def redo(run: TurnRun, call: ToolCall) -> Prepared:
    return _history(run, "redo")


def show_status(run: TurnRun, call: ToolCall) -> Prepared:
    def apply() -> Done:
        state = run.services.sessions.state(run.who, run.turn.session_id, run.base_url)
        balance = run.services.credits.balance(run.who.account_id)
        draft = run.facts.draft
        tracks: list[JsonValue] = [{"id": t.id, "type": int(t.kind), "name": t.name, "segments": len(t.segments)}
                                   for t in draft.tracks]
        response: dict[str, JsonValue] = {
            "summary": state.summary, "version": state.version, "tracks": tracks,
            "has_music": music_track(draft) is not None,
            "has_video": any(t.kind == TrackKind.VIDEO for t in draft.tracks),
            "media": len(state.media), "generations": len(state.generations), "renders": len(state.renders),
            "available": balance.available, "frozen": balance.frozen,
        }
        said = say("did_status", run.language, media=len(state.media), generations=len(state.generations),
                   gs=plural(len(state.generations)), renders=len(state.renders), rs=plural(len(state.renders)),
                   available=balance.available, frozen=balance.frozen)
        return Done(response, (said,))

    return Prepared(apply)


def help_(run: TurnRun, call: ToolCall) -> Prepared:
    text = help_text(run.language)
    return Prepared(lambda: Done({"text": text}, (text,)))


EDIT_ACTIONS = {
    "add_title": add_title, "set_title": set_title, "add_music": add_music, "set_volume": set_volume,
    "set_aspect": set_aspect, "set_duration": set_duration, "remove": remove, "move": move, "trim": trim,
    "use_upload": use_upload, "undo": undo, "redo": redo, "show_status": show_status, "help": help_,
}
