"""What the server answers, as typed pydantic models (snake_case, as the ``/api`` routes send it).

Unknown fields are ignored, so a newer server does not break an older client.
Units: pixels, milliseconds (``duration_ms``), bytes; ``progress`` is 0..1.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, JsonValue

__all__ = [
    "Balance",
    "DraftChange",
    "EngineInfo",
    "Generation",
    "Job",
    "JobFile",
    "JobResult",
    "MediaInfo",
    "Render",
    "SessionState",
    "TokenInfo",
]

FINISHED = frozenset({"completed", "failed", "cancelled"})


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class TokenInfo(_Model):
    """A token, shown this once: keep it secret. ``expires_at`` is ISO 8601 UTC; ``credits`` available."""

    token: str = Field(repr=False)
    expires_at: str
    credits: int
    account_id: str
    bind_id: str
    plan: str


class Balance(_Model):
    """Credits: ``total`` = ``available`` + ``frozen`` (held for actions under way)."""

    available: int
    frozen: int
    total: int


class WebhookInfo(_Model):
    """The account's webhook: ``url``, the default for jobs that name none (None: no default), and
    ``secret``, which signs every delivery (check them with :func:`frameloom.client.webhooks.verify`)."""

    url: str | None = None
    secret: str


class MediaInfo(_Model):
    """A file of a session: ``kind`` video, image or audio; ``url`` signed and expiring."""

    media_id: str
    kind: str
    format: str
    filename: str
    bytes: int
    width: int | None = None
    height: int | None = None
    duration_ms: int | None = None
    url: str


class Generation(_Model):
    """One image generation of a session: what was asked and the media it made, in seed order."""

    generation_id: str
    prompt: str
    engine: str
    seed: int
    width: int
    height: int
    n: int
    style: str | None = None
    status: str
    media_ids: list[str] = Field(default_factory=list)
    created_at: str


class Render(_Model):
    """An export: ``status`` queued, rendering, completed, failed or cancelled; the file's facts and a
    signed ``url`` once completed; ``error`` once failed."""

    render_id: str
    status: str
    progress: float = 0.0
    created_at: str | None = None
    finished_at: str | None = None
    url: str | None = None
    format: str | None = None
    bytes: int | None = None
    width: int | None = None
    height: int | None = None
    duration_ms: int | None = None
    media_id: str | None = None
    error: str | None = None

    @property
    def finished(self) -> bool:
        """True once completed, failed or cancelled (polling it again changes nothing)."""
        return self.status in FINISHED


class SessionState(_Model):
    """Everything a session holds now: the draft (timeline JSON, SPEC section 5), its one-line
    ``summary``, media, generations, exports and the draft's ``version``."""

    session_id: str
    draft: dict[str, JsonValue]
    summary: str
    media: list[MediaInfo] = Field(default_factory=list)
    generations: list[Generation] = Field(default_factory=list)
    renders: list[Render] = Field(default_factory=list)
    version: int
    updated_at: str
    bind_id: str | None = None


class JobFile(_Model):
    """One file a job made, with a signed ``url`` (``seed`` for images)."""

    media_id: str
    url: str | None = None
    format: str
    bytes: int
    width: int | None = None
    height: int | None = None
    duration_ms: int | None = None
    seed: int | None = None


class JobResult(_Model):
    """A completed job's files; the first file's facts repeated at the top."""

    files: list[JobFile]
    media_id: str
    format: str
    bytes: int
    width: int | None = None
    height: int | None = None
    duration_ms: int | None = None
    media_ids: list[str] = Field(default_factory=list)
    seeds: list[int] | None = None
    generation_id: str | None = None
    fps: int | None = None
    render_s: float | None = None


class Job(_Model):
    """A generation job: ``status`` queued, running, completed, failed or cancelled; ``result`` once
    completed; ``error`` (and ``retry_after`` seconds when the engine advised one) once failed."""

    job_id: str
    kind: str
    status: str
    progress: float = 0.0
    result: JobResult | None = None
    url: str | None = None
    error: str | None = None
    retry_after: float | None = None
    created_at: str | None = None
    finished_at: str | None = None

    @property
    def finished(self) -> bool:
        """True once completed, failed or cancelled."""
        return self.status in FINISHED


class DraftChange(_Model):
    """A new version of a session's draft after an edit, undo or redo."""

    session_id: str
    version: int
    label: str
    action: str
    summary: str
    draft: dict[str, JsonValue]
    can_undo: bool
    can_redo: bool


class EngineInfo(_Model):
    """An installed engine; ``available`` false (with ``problem``) when it cannot run on the server."""

    name: str
    default: bool
    available: bool
    problem: str | None = None
    capabilities: dict[str, JsonValue] | None = None
