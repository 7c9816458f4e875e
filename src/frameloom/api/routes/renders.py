"""Exports (SPEC section 3): queue one, poll it, cancel it. The odd paths are the contract."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from frameloom.api.deps import BaseUrl, CurrentAccount, JobsDep
from frameloom.api.envelope import Envelope, ok
from frameloom.domain.jobs import JobKind
from frameloom.domain.video import MAX_FPS, MIN_FPS
from frameloom.services.jobs import ATTRIBUTION_HEADERS, ExportOrder, RenderView, render_view

router = APIRouter(tags=["renders"])
PATH = "/render/proxy/lambda"


class ExportIn(BaseModel):
    render_id: str | None = Field(default=None, description="your key: the same one again returns the same job")
    session_id: str = Field(max_length=64)
    draft: dict[str, Any] | None = Field(default=None, description="defaults to the session's draft")
    format: str = Field(default="mp4", max_length=8)
    width: int | None = Field(default=None, ge=16, le=1920)
    height: int | None = Field(default=None, ge=16, le=1920)
    fps: int | None = Field(default=None, ge=MIN_FPS, le=MAX_FPS)
    webhook_url: str | None = Field(default=None, max_length=2048,
                                    description="POSTed the poll's body, signed, when the export ends")


@router.post(PATH, response_model=Envelope[RenderView], response_model_exclude_none=True)
def export(body: ExportIn, request: Request, who: CurrentAccount, jobs: JobsDep, base_url: BaseUrl) -> Envelope[RenderView]:
    """Queue an export of the session's timeline; 402 without the three ``X-Skill-*`` headers."""
    attribution = {name: request.headers.get(name) for name in ATTRIBUTION_HEADERS}
    view = jobs.export(who, ExportOrder(**body.model_dump()), attribution, base_url)
    return ok(render_view(view))


@router.get(PATH + "/{render_id}", response_model=Envelope[RenderView], response_model_exclude_none=True)
def poll(render_id: str, who: CurrentAccount, jobs: JobsDep, base_url: BaseUrl) -> Envelope[RenderView]:
    """Status and progress; the download link and the file's facts once completed."""
    return ok(render_view(jobs.status(who, render_id, base_url, JobKind.EXPORT)))


@router.delete(PATH + "/{render_id}", response_model=Envelope[RenderView], response_model_exclude_none=True)
def cancel(render_id: str, who: CurrentAccount, jobs: JobsDep, base_url: BaseUrl) -> Envelope[RenderView]:
    """Cancel a queued or running export; its frozen credits come back. A finished one is left as it is."""
    return ok(render_view(jobs.cancel(who, render_id, base_url, JobKind.EXPORT)))
