"""``POST /api/upload-video/nemo_agent/me/{session_id}``: files (multipart) or ``{"urls": [...]}``."""

from __future__ import annotations

from functools import partial
from typing import Any

import anyio
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ValidationError

from frameloom.api.bodies import read_small_body, receive_files
from frameloom.api.deps import BaseUrl, CurrentAccount, SettingsDep, UploadsDep
from frameloom.api.envelope import Envelope, ok
from frameloom.domain.errors import InvalidRequest, Problem
from frameloom.services.sessions import MediaView

router = APIRouter(tags=["uploads"])


class UrlsIn(BaseModel):
    urls: list[str]


class UploadOut(BaseModel):
    media: list[MediaView]


_BODY_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {"schema": {"type": "object", "properties": {
                "file": {"type": "array", "items": {"type": "string", "format": "binary"}}}}},
            "application/json": {"schema": UrlsIn.model_json_schema()},
        },
    }
}


@router.post("/upload-video/nemo_agent/me/{session_id}", response_model=Envelope[UploadOut], openapi_extra=_BODY_DOC)
async def upload(
    session_id: str, request: Request, who: CurrentAccount, uploads: UploadsDep, settings: SettingsDep,
    base_url: BaseUrl,
) -> Envelope[UploadOut]:
    """Add media to the session: one or more ``file`` parts, or URLs to import. Type read from the content."""
    await run_in_threadpool(uploads.check_session, who, session_id)
    content_type = request.headers.get("content-type", "").lower()
    if content_type.startswith("multipart/form-data"):
        staged = await receive_files(request, uploads.staging_path, uploads.max_bytes)
        media = await run_in_threadpool(uploads.add_files, who, session_id, staged, base_url)
    elif content_type.startswith("application/json"):
        urls = _urls(await read_small_body(request, settings.max_json_bytes))
        # on a limiter of their own: slow imports never fill the thread pool every other route needs
        media = await anyio.to_thread.run_sync(partial(uploads.import_urls, who, session_id, urls, base_url),
                                               limiter=_import_limiter(request, settings.url_import_concurrency))
    else:
        raise InvalidRequest.of("Content-Type", "send multipart/form-data with file fields, or JSON {\"urls\": [...]}")
    return ok(UploadOut(media=media))


def _urls(body: bytes) -> list[str]:
    try:
        return UrlsIn.model_validate_json(body).urls
    except ValidationError as exc:
        raise InvalidRequest([
            Problem(".".join(str(p) for p in err["loc"]) or "body",
                    "malformed JSON" if err["type"] == "json_invalid" else err["msg"])
            for err in exc.errors()
        ]) from None


def _import_limiter(request: Request, size: int) -> anyio.CapacityLimiter:
    """The app's limiter for URL imports (``url_import_concurrency`` at once; the others wait unthreaded)."""
    state = request.app.state
    if getattr(state, "import_limiter", None) is None:
        state.import_limiter = anyio.CapacityLimiter(size)
    limiter: anyio.CapacityLimiter = state.import_limiter
    return limiter
