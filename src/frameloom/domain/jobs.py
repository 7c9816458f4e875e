"""Jobs as plain values: what runs in the background (exports, generations) and where it stands."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, is_dataclass
from enum import StrEnum
from typing import Any

RENDER_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,128}$")


class JobKind(StrEnum):
    EXPORT = "export"
    IMAGE = "image"
    VIDEO = "video"
    CHAT = "chat"
    EXPORT_CHUNK = "export_chunk"  # frames [a, b) of a long export, video only (render.chunks)


class WorkerClass(StrEnum):
    """The queues jobs are split into, one per kind of machine that drains it."""

    GPU = "gpu"
    CPU = "cpu"


# Which queue each kind goes to (and which workers take it): a new kind is one line here.
KIND_CLASSES: dict[JobKind, WorkerClass] = {
    JobKind.IMAGE: WorkerClass.GPU,
    JobKind.VIDEO: WorkerClass.GPU,
    JobKind.EXPORT: WorkerClass.CPU,
    JobKind.CHAT: WorkerClass.CPU,
    JobKind.EXPORT_CHUNK: WorkerClass.CPU,
}


def parse_worker_kinds(text: str) -> frozenset[JobKind]:
    """``FRAMELOOM_WORKER_KINDS``: comma-separated kinds (``export``) or classes (``gpu``), or ``all``.

    Raises ``ValueError`` naming the first unknown word and what is allowed.
    """
    words = [word.strip().lower() for word in text.split(",") if word.strip()]
    if not words:
        raise ValueError("name at least one job kind or class, or all")
    kinds: set[JobKind] = set()
    for word in words:
        if word == "all":
            kinds.update(KIND_CLASSES)
        elif word in WorkerClass.__members__.values():
            kinds.update(kind for kind, cls in KIND_CLASSES.items() if cls == word)
        elif word in JobKind.__members__.values():
            kinds.add(JobKind(word))
        else:
            allowed = ["all", *WorkerClass, *JobKind]
            raise ValueError(f"{word!r} is not a job kind or class; use {', '.join(allowed)}")
    return frozenset(kinds)


class JobStatus(StrEnum):
    """``queued`` → ``running`` → ``completed`` | ``failed`` | ``cancelled``.

    A running job whose process died goes back to ``queued`` (a bounded number
    of times) or ends ``failed``. The last three are final.
    """

    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def final(self) -> bool:
        return self in (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED)

    @property
    def export_name(self) -> str:
        """The status as SPEC section 3 names it for exports (``rendering`` while running)."""
        return "rendering" if self is JobStatus.RUNNING else self.value


def export_price(duration_ms: int, per_block: int, block_s: int) -> int:
    """``per_block`` credits per started ``block_s`` seconds of output (at least one block)."""
    blocks = max(1, -(-duration_ms // (block_s * 1000)))
    return blocks * per_block


# --- typed job specs: each is the stored payload of its kind (``to_payload`` / ``from_payload``) ---


@dataclass(frozen=True)
class ImageJob:
    """An ``image`` job: ``n`` images of ``width`` x ``height`` px from ``engine`` (resolved, never None),
    ``style`` the engine's canonical style name; result ``i`` has seed ``seed + i``."""

    prompt: str
    engine: str
    width: int = 1920
    height: int = 1080
    seed: int = 0
    n: int = 1
    style: str | None = None
    user: str | None = None


@dataclass(frozen=True)
class ExportJob:
    """An ``export`` job: ``draft`` (timeline JSON, already checked) to ``format``; ``width``,
    ``height``, ``fps`` None for the draft's own; ``media`` maps each media id the draft may
    name to its storage key."""

    draft: Mapping[str, object]
    format: str
    media: Mapping[str, str]
    width: int | None = None
    height: int | None = None
    fps: int | None = None


@dataclass(frozen=True)
class ExportChunkJob:
    """An ``export_chunk`` job: frames ``[start, end)`` (indices at the export's fps) of its parent
    export, ``index`` in order, or (``audio``) the whole timeline's audio; ``export`` is the parent's
    spec (the same timeline and media)."""

    export: ExportJob
    index: int
    start: int
    end: int
    audio: bool = False

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> ExportChunkJob:
        return cls(ExportJob(**data["export"]), int(data["index"]), int(data["start"]), int(data["end"]),
                   bool(data.get("audio", False)))


@dataclass(frozen=True)
class ChatTurnJob:
    """A ``chat`` job: one user ``message`` of session ``session_id``, run as the ADK invocation
    ``invocation_id`` (the job's key). No price: each paid action of the turn freezes its own.

    ``streaming``: text may go out as ``partial`` deltas first. ``base_url``: the public base of
    links as the request saw it. ``attribution``: the request's ``X-Skill-*`` headers.
    """

    session_id: str
    invocation_id: str
    message: str
    streaming: bool = False
    base_url: str = ""
    attribution: Mapping[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class StoredFile:
    """One file a job produced: its media id, storage key, format and facts (px, ms; None where
    they do not apply), and for images the seed."""

    media_id: str
    key: str
    format: str
    bytes: int
    width: int | None = None
    height: int | None = None
    duration_ms: int | None = None
    seed: int | None = None


@dataclass(frozen=True)
class JobResult:
    """What a completed job made: its files in order; ``generation_id`` for image jobs;
    ``fps`` and ``render_s`` (wall-clock seconds) for rendered video and exports."""

    files: tuple[StoredFile, ...]
    generation_id: str | None = None
    fps: int | None = None
    render_s: float | None = None

    @property
    def first(self) -> StoredFile:
        return self.files[0]


@dataclass(frozen=True)
class JobFailure:
    """Why a job failed, kept to the edge: ``error`` names the domain error type (``EngineFailed``,
    ``InvalidRequest``, ``internal``, ``time_limit``), ``retry_after`` (s) when the engine said when."""

    error: str
    message: str
    retry_after: float | None = None


def to_payload(value: object) -> dict[str, Any]:
    """A job spec or result as JSON-ready data (the stored form)."""
    if not is_dataclass(value) or isinstance(value, type):
        raise TypeError(f"not a job spec: {value!r}")
    return asdict(value)


def result_from_payload(data: Mapping[str, Any]) -> JobResult:
    files = tuple(StoredFile(**f) for f in data["files"])
    return JobResult(files=files, generation_id=data.get("generation_id"), fps=data.get("fps"),
                     render_s=data.get("render_s"))
