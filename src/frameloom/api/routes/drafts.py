"""A session's draft: its history, replacing it, undo and redo, and typed edits (``/api/state/...``).

Every change answers the new version with its draft and summary; a change made
from an old version answers 409 with ``data.current_version``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from frameloom.api.deps import CurrentAccount, DraftsDep
from frameloom.api.envelope import Envelope, ok
from frameloom.domain.errors import InvalidRequest, Problem
from frameloom.services.drafts import DraftChange, VersionInfo
from frameloom.timeline.model import Fit, Motion, NamedPos
from frameloom.timeline.ops import (
    MAX_OPS,
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

router = APIRouter(tags=["drafts"])
BASE = "/state/nemo_agent/me/{session_id}"


# --- bodies: one model per op, told apart by "op"; the ops check their own fields --------------


class _OpIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    op: str

    def to_op(self) -> EditOp:
        """The timeline op this body names (``InvalidRequest`` naming the field if a value is bad)."""
        return _OPS[self.op](**self.model_dump(exclude={"op"}))


class AddTitleIn(_OpIn):
    op: Literal["add_title"]
    text: str
    start_ms: int = 0
    duration_ms: int | None = None
    pos: NamedPos = "center"
    size: int | None = None


class SetTitleIn(_OpIn):
    op: Literal["set_title"]
    target: str | None = None
    text: str | None = None
    start_ms: int | None = None
    duration_ms: int | None = None
    pos: NamedPos | None = None


class AddMusicIn(_OpIn):
    op: Literal["add_music"]
    style: str | None = None
    media_id: str | None = None
    volume: float = 0.35


class SetVolumeIn(_OpIn):
    op: Literal["set_volume"]
    volume: float | None = None
    change: VolumeChange | None = None
    target: str | None = None


class SetAspectIn(_OpIn):
    op: Literal["set_aspect"]
    aspect: str


class SetDurationIn(_OpIn):
    op: Literal["set_duration"]
    seconds: float | None = None
    delta_s: float | None = None


class RemoveIn(_OpIn):
    op: Literal["remove"]
    target: str


class MoveIn(_OpIn):
    op: Literal["move"]
    target: str
    start_ms: int


class TrimIn(_OpIn):
    op: Literal["trim"]
    target: str
    start_ms: int | None = None
    end_ms: int | None = None


class PlaceMediaIn(_OpIn):
    op: Literal["place_media"]
    media_id: str
    start_ms: int | None = None
    duration_ms: int | None = None
    fit: Fit = "cover"
    motion: Motion | None = None
    name: str | None = Field(default=None, description="the segment's name in the timeline; the file's by default")


_OPS: dict[str, Callable[..., EditOp]] = {
    "add_title": AddTitle, "set_title": SetTitle, "add_music": AddMusic, "set_volume": SetVolume,
    "set_aspect": SetAspect, "set_duration": SetDuration, "remove": Remove, "move": Move, "trim": Trim,
    "place_media": PlaceMedia,
}

OpIn = Annotated[
    AddTitleIn | SetTitleIn | AddMusicIn | SetVolumeIn | SetAspectIn | SetDurationIn | RemoveIn | MoveIn | TrimIn
    | PlaceMediaIn,
    Field(discriminator="op"),
]


class EditsIn(BaseModel):
    """Typed edits applied as one change, made from ``version`` (None: whatever is current)."""

    version: int | None = None
    ops: list[OpIn] = Field(min_length=1, max_length=MAX_OPS)
    label: str | None = None


class DraftIn(BaseModel):
    """A whole draft (SPEC section 5), made from ``version``."""

    version: int
    draft: dict[str, Any]
    label: str | None = None


class VersionIn(BaseModel):
    version: int | None = None


# --- answers -----------------------------------------------------------------------------------


class DraftChangeOut(BaseModel):
    session_id: str
    version: int
    label: str
    action: str
    draft: dict[str, Any]
    summary: str
    can_undo: bool
    can_redo: bool

    @classmethod
    def of(cls, change: DraftChange) -> DraftChangeOut:
        return cls(session_id=change.session_id, version=change.version, label=change.label, action=change.action,
                   draft=change.draft_json, summary=change.summary, can_undo=change.can_undo,
                   can_redo=change.can_redo)


class VersionsOut(BaseModel):
    current_version: int
    versions: list[VersionInfo]


class VersionOut(BaseModel):
    number: int
    label: str
    action: str
    created_at: datetime
    current: bool
    undo_to: int | None
    redo_to: int | None
    restores: int | None
    draft: dict[str, Any]
    summary: str


# --- routes ------------------------------------------------------------------------------------


@router.get(BASE + "/versions", response_model=Envelope[VersionsOut])
def versions(session_id: str, who: CurrentAccount, drafts: DraftsDep) -> Envelope[VersionsOut]:
    """The draft's history, oldest first: number, time, label of the change."""
    history = drafts.versions(who, session_id)
    current = next(v.number for v in history if v.current)
    return ok(VersionsOut(current_version=current, versions=history))


@router.get(BASE + "/versions/{number}", response_model=Envelope[VersionOut])
def version(session_id: str, number: int, who: CurrentAccount, drafts: DraftsDep) -> Envelope[VersionOut]:
    """One version with its whole draft; 1002 when there is no such version."""
    detail = drafts.version(who, session_id, number)
    info = detail.info
    return ok(VersionOut(number=info.number, label=info.label, action=info.action, created_at=info.created_at,
                         current=info.current, undo_to=info.undo_to, redo_to=info.redo_to, restores=info.restores,
                         draft=detail.draft_json, summary=detail.summary))


@router.put(BASE + "/draft", response_model=Envelope[DraftChangeOut])
def replace_draft(session_id: str, body: DraftIn, who: CurrentAccount, drafts: DraftsDep) -> Envelope[DraftChangeOut]:
    """Replace the draft; 400 with the path of each problem, 409 when ``version`` is not current."""
    return ok(DraftChangeOut.of(drafts.replace(who, session_id, body.draft, body.version, body.label)))


@router.post(BASE + "/edits", response_model=Envelope[DraftChangeOut])
def edit(session_id: str, body: EditsIn, who: CurrentAccount, drafts: DraftsDep) -> Envelope[DraftChangeOut]:
    """Typed edits (``{"op": "add_title", ...}``) as one new version."""
    return ok(DraftChangeOut.of(drafts.edit(who, session_id, _ops(body.ops), body.version, body.label)))


@router.post(BASE + "/undo", response_model=Envelope[DraftChangeOut])
def undo(session_id: str, who: CurrentAccount, drafts: DraftsDep,
         body: VersionIn | None = None) -> Envelope[DraftChangeOut]:
    """A new version with the draft before the last change; 409 when there is nothing to undo."""
    return ok(DraftChangeOut.of(drafts.undo(who, session_id, (body or VersionIn()).version)))


@router.post(BASE + "/redo", response_model=Envelope[DraftChangeOut])
def redo(session_id: str, who: CurrentAccount, drafts: DraftsDep,
         body: VersionIn | None = None) -> Envelope[DraftChangeOut]:
    """A new version with the draft the last undo left; 409 when there is nothing to redo."""
    return ok(DraftChangeOut.of(drafts.redo(who, session_id, (body or VersionIn()).version)))


def _ops(bodies: list[OpIn]) -> list[EditOp]:
    """The bodies as ops; with several, a bad field is reported as ``ops[i].<field>``."""
    out: list[EditOp] = []
    for i, body in enumerate(bodies):
        try:
            out.append(body.to_op())
        except InvalidRequest as exc:
            if len(bodies) == 1:
                raise
            raise InvalidRequest([Problem(f"ops[{i}].{p.field}", p.problem) for p in exc.problems]) from None
    return out
