"""Generation jobs over HTTP (not in the SPEC; the agent's service functions, for people and scripts):
queue an image or a video, poll it, cancel it. Results are media of the session, when one is named."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from frameloom.api.deps import BaseUrl, CurrentAccount, JobsDep
from frameloom.api.envelope import Envelope, ok
from frameloom.domain.images import MAX_SEED, ImageRequest
from frameloom.domain.sizes import resolve_size
from frameloom.services.jobs import JobView

router = APIRouter(tags=["jobs"])


class VideoIn(BaseModel):
    prompt: str = Field(max_length=4000)
    seconds: float = Field(default=8.0, ge=1, le=300)
    aspect: str | None = Field(default=None, description="16:9 (default), 9:16, 1:1 ...")
    size: str | None = Field(default=None, description="WxH, e.g. 1280x720")
    fps: int = Field(default=30, ge=1, le=60)
    seed: int | None = Field(default=None, ge=0, le=MAX_SEED)
    style: str | None = None
    music: str | None = Field(default=None, description="lofi, ambient, upbeat or cinematic")
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
    from frameloom.domain.video import VideoRequest

    dims = resolve_size(body.aspect, body.size)
    request = VideoRequest(prompt=body.prompt, seconds=body.seconds, width=dims.width, height=dims.height,
                           fps=body.fps, seed=body.seed if body.seed is not None else secrets.randbelow(MAX_SEED),
                           style=body.style, music=body.music)
    return _out(jobs.generate_video(who, request, body.session_id, base_url))


@router.post("/jobs/image", response_model=Envelope[JobOut], response_model_exclude_none=True)
def generate_image(body: ImageIn, who: CurrentAccount, jobs: JobsDep, base_url: BaseUrl) -> Envelope[JobOut]:
    """Queue ``n`` images for 2 credits each."""
    dims = resolve_size(body.aspect, body.size)
    request = ImageRequest(prompt=body.prompt, width=dims.width, height=dims.height, n=body.n, style=body.style,
                           seed=body.seed if body.seed is not None else secrets.randbelow(MAX_SEED))
    return _out(jobs.generate_image(who, request, body.engine, body.session_id, base_url))


@router.get("/jobs/{job_id}", response_model=Envelope[JobOut], response_model_exclude_none=True)
def poll(job_id: str, who: CurrentAccount, jobs: JobsDep, base_url: BaseUrl) -> Envelope[JobOut]:
    return _out(jobs.status(who, job_id, base_url))


@router.delete("/jobs/{job_id}", response_model=Envelope[JobOut], response_model_exclude_none=True)
def cancel(job_id: str, who: CurrentAccount, jobs: JobsDep, base_url: BaseUrl) -> Envelope[JobOut]:
    """Cancel a queued or running job; its frozen credits come back."""
    return _out(jobs.cancel(who, job_id, base_url))
