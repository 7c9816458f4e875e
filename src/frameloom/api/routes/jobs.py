"""Generation jobs over HTTP (not in the SPEC; the agent's service functions, for people and scripts):
queue an image or a video, poll it, cancel it. Results are media of the session, when one is named."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter
from pydantic import BaseModel, Field

from frameloom.api.deps import BaseUrl, CurrentAccount, GenerationDep, JobsDep
from frameloom.api.envelope import Envelope, ok
from frameloom.domain.images import MAX_SEED, random_seed
from frameloom.domain.jobs import JobResult
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
from frameloom.services.generation import ImageOrder
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
    webhook_url: str | None = Field(default=None, max_length=2048, description="POSTed the poll's body when it ends")

    def request(self) -> VideoRequest:
        dims = resolve_size(self.aspect, self.size)
        return VideoRequest(prompt=self.prompt, seconds=self.seconds, width=dims.width, height=dims.height,
                            fps=self.fps, seed=self.seed if self.seed is not None else random_seed(),
                            style=self.style, music=self.music, title=self.title,
                            title_seconds=self.title_seconds, engine=self.engine)


class ImageIn(BaseModel):
    prompt: str = Field(max_length=4000)
    n: int = Field(default=1, ge=1, le=4)
    aspect: str | None = None
    size: str | None = None
    seed: int | None = Field(default=None, ge=0, le=MAX_SEED)
    style: str | None = None
    engine: str | None = None
    session_id: str | None = Field(default=None, max_length=64)
    webhook_url: str | None = Field(default=None, max_length=2048, description="POSTed the poll's body when it ends")

    def order(self) -> ImageOrder:
        dims = resolve_size(self.aspect, self.size)
        return ImageOrder(prompt=self.prompt, width=dims.width, height=dims.height, n=self.n, style=self.style,
                          seed=self.seed if self.seed is not None else random_seed(), engine=self.engine,
                          session_id=self.session_id, webhook_url=self.webhook_url)


class FileOut(BaseModel):
    """One file a job made, with a fresh signed ``url`` (px, ms; ``seed`` for images)."""

    media_id: str
    url: str | None = None
    format: str
    bytes: int
    width: int | None = None
    height: int | None = None
    duration_ms: int | None = None
    seed: int | None = None


class ResultOut(BaseModel):
    """A completed job's files, each with a signed ``url``; the first file's facts repeated at the
    top (a video job has one); ``media_ids`` and ``seeds`` in order for image jobs."""

    files: list[FileOut]
    media_id: str
    format: str
    bytes: int
    width: int | None = None
    height: int | None = None
    duration_ms: int | None = None
    media_ids: list[str]
    seeds: list[int] | None = None
    generation_id: str | None = None
    fps: int | None = None
    render_s: float | None = None


class JobOut(BaseModel):
    """``status``: queued, running, completed, failed or cancelled; ``result`` once completed;
    ``error`` (and ``retry_after`` s when the engine said when to try again) once failed."""

    job_id: str
    kind: str
    status: str
    progress: float
    result: ResultOut | None = None
    url: str | None = None
    error: str | None = None
    retry_after: float | None = None
    created_at: str
    finished_at: str | None = None


def _result(result: JobResult, links: tuple[str, ...]) -> ResultOut:
    files = [FileOut(url=links[i] if i < len(links) else None,
                     **{k: v for k, v in asdict(f).items() if k != "key"}) for i, f in enumerate(result.files)]
    first = files[0]
    seeds = [f.seed for f in result.files if f.seed is not None]
    return ResultOut(files=files, media_id=first.media_id, format=first.format, bytes=first.bytes,
                     width=first.width, height=first.height, duration_ms=first.duration_ms,
                     media_ids=[f.media_id for f in files], seeds=seeds or None,
                     generation_id=result.generation_id, fps=result.fps, render_s=result.render_s)


def job_envelope(view: JobView) -> Envelope[JobOut]:
    """The poll's body (also what a webhook delivery carries)."""
    return _out(view)


def _out(view: JobView) -> Envelope[JobOut]:
    return ok(JobOut(job_id=view.key, kind=view.kind.value, status=view.status.value,
                     progress=round(view.progress, 4), url=view.url, error=view.error,
                     created_at=view.created_at, finished_at=view.finished_at,
                     retry_after=view.failure.retry_after if view.failure else None,
                     result=_result(view.result, view.links) if view.result and view.result.files else None))


@router.post("/jobs/video", response_model=Envelope[JobOut], response_model_exclude_none=True)
def generate_video(body: VideoIn, who: CurrentAccount, generation: GenerationDep,
                   base_url: BaseUrl) -> Envelope[JobOut]:
    """Queue a text-to-video render (the compose engine) for 1 credit a second."""
    return _out(generation.video(who, body.request(), body.session_id, base_url, body.webhook_url))


@router.post("/jobs/image", response_model=Envelope[JobOut], response_model_exclude_none=True)
def generate_image(body: ImageIn, who: CurrentAccount, generation: GenerationDep,
                   base_url: BaseUrl) -> Envelope[JobOut]:
    """Queue ``n`` images for 2 credits each; an unknown engine or style is refused before any credit moves."""
    return _out(generation.image(who, body.order(), base_url))


@router.get("/jobs/{job_id}", response_model=Envelope[JobOut], response_model_exclude_none=True)
def poll(job_id: str, who: CurrentAccount, jobs: JobsDep, base_url: BaseUrl) -> Envelope[JobOut]:
    return _out(jobs.status(who, job_id, base_url))


@router.delete("/jobs/{job_id}", response_model=Envelope[JobOut], response_model_exclude_none=True)
def cancel(job_id: str, who: CurrentAccount, jobs: JobsDep, base_url: BaseUrl) -> Envelope[JobOut]:
    """Cancel a queued or running job; its frozen credits come back."""
    return _out(jobs.cancel(who, job_id, base_url))
