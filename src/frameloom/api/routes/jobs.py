"""Generation jobs over HTTP (not in the SPEC; the agent's service functions, for people and scripts):
queue an image or a video, poll it, cancel it. Results are media of the session, when one is named."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from frameloom.api.deps import BaseUrl, CurrentAccount, JobsDep
from frameloom.api.envelope import Envelope, ok
from frameloom.domain.images import MAX_SEED, ImageRequest, random_seed
from frameloom.domain.sizes import resolve_size
from frameloom.domain.video import (
    DEFAULT_SECONDS,
    DEFAULT_TITLE_SECONDS,
    MAX_FPS,
    MAX_TITLE_CHARS,
    MAX_VIDEO_SECONDS,
    MIN_FPS,
    MUSIC_STYLES,
    VideoRequest,
)
from frameloom.services.jobs import JobView

router = APIRouter(tags=["jobs"])


class VideoIn(BaseModel):
    prompt: str = Field(max_length=4000)
    seconds: float = Field(default=DEFAULT_SECONDS, ge=1, le=MAX_VIDEO_SECONDS)
    aspect: str | None = Field(default=None, description="16:9 (default), 9:16, 1:1 ...")
    size: str | None = Field(default=None, description="WxH, e.g. 1280x720")
    fps: int = Field(default=30, ge=MIN_FPS, le=MAX_FPS)
    seed: int | None = Field(default=None, ge=0, le=MAX_SEED)
    style: str | None = None
    music: str | None = Field(default=None, description=", ".join(MUSIC_STYLES))
    title: str | None = Field(default=None, max_length=MAX_TITLE_CHARS, description="shown centred from 0 s")
    title_seconds: float = Field(default=DEFAULT_TITLE_SECONDS, description="how long the title shows")
    engine: str | None = Field(default=None, description="compose (the one engine that makes video)")
    session_id: str | None = Field(default=None, max_length=64)


class ImageIn(BaseModel):
    prompt: str = Field(max_length=4000)
    n: int = Field(default=1, ge=1, le=4)
    aspect: str | None = None
    size: str | None = None
    seed: int | None = Field(default=None, ge=0, le=MAX_SEED)
    style: str | None = None
    engine: str | None = None
    session_id: str | None = Field(default=None, max_length=64)


class JobOut(BaseModel):
    """``status``: queued, running, completed, failed or cancelled; ``result`` once completed."""

    job_id: str
    kind: str
    status: str
    progress: float
    result: dict[str, Any] | None = None
    url: str | None = None
    error: str | None = None
    created_at: str
    finished_at: str | None = None


def _out(view: JobView) -> Envelope[JobOut]:
    result = {k: v for k, v in view.result.items() if k != "key"} if view.result else None
    return ok(JobOut(job_id=view.key, kind=view.kind, status=view.status.value, progress=round(view.progress, 4),
                     result=result, url=view.url, error=view.error, created_at=view.created_at,
                     finished_at=view.finished_at))


@router.post("/jobs/video", response_model=Envelope[JobOut], response_model_exclude_none=True)
def generate_video(body: VideoIn, who: CurrentAccount, jobs: JobsDep, base_url: BaseUrl) -> Envelope[JobOut]:
    """Queue a text-to-video render (the compose engine) for 1 credit a second."""
    dims = resolve_size(body.aspect, body.size)
    request = VideoRequest(prompt=body.prompt, seconds=body.seconds, width=dims.width, height=dims.height,
                           fps=body.fps, seed=body.seed if body.seed is not None else random_seed(),
                           style=body.style, music=body.music, title=body.title, title_seconds=body.title_seconds,
                           engine=body.engine)
    return _out(jobs.generate_video(who, request, body.session_id, base_url))


@router.post("/jobs/image", response_model=Envelope[JobOut], response_model_exclude_none=True)
def generate_image(body: ImageIn, who: CurrentAccount, jobs: JobsDep, base_url: BaseUrl) -> Envelope[JobOut]:
    """Queue ``n`` images for 2 credits each."""
    dims = resolve_size(body.aspect, body.size)
    request = ImageRequest(prompt=body.prompt, width=dims.width, height=dims.height, n=body.n, style=body.style,
                           seed=body.seed if body.seed is not None else random_seed())
    return _out(jobs.generate_image(who, request, body.engine, body.session_id, base_url))


@router.get("/jobs/{job_id}", response_model=Envelope[JobOut], response_model_exclude_none=True)
def poll(job_id: str, who: CurrentAccount, jobs: JobsDep, base_url: BaseUrl) -> Envelope[JobOut]:
    return _out(jobs.status(who, job_id, base_url))


@router.delete("/jobs/{job_id}", response_model=Envelope[JobOut], response_model_exclude_none=True)
def cancel(job_id: str, who: CurrentAccount, jobs: JobsDep, base_url: BaseUrl) -> Envelope[JobOut]:
    """Cancel a queued or running job; its frozen credits come back."""
    return _out(jobs.cancel(who, job_id, base_url))
