"""``POST /v1/images/generations``: the OpenAI Images API, so OpenAI clients work unchanged.

Errors on this route use OpenAI's shape ``{"error": {"message", "type", "code", "param"}}``
(see ``api/errors.py``). ``model`` names a frameloom engine; ``seed`` is an extension.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Literal

import anyio.to_thread
from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from frameloom.api.deps import BaseUrl, CurrentAccount, GenerationDep, StorageDep
from frameloom.domain.errors import InvalidRequest
from frameloom.domain.images import random_seed
from frameloom.services.generation import ImageOrder
from frameloom.store.storage import Storage

router = APIRouter(prefix="/v1", tags=["openai"])

SIZES: dict[str, tuple[int, int]] = {
    "1024x1024": (1024, 1024),
    "1792x1024": (1792, 1024),
    "1024x1792": (1024, 1792),
    "1920x1080": (1920, 1080),
    "1080x1920": (1080, 1920),
    "auto": (1920, 1080),
}
QUALITIES = {"standard", "hd", "low", "medium", "high", "auto"}
OPENAI_STYLES = {"vivid", "natural"}  # OpenAI's own: no frameloom style, the engine's default look


class ImagesIn(BaseModel):
    """OpenAI's request body; fields frameloom has no use for are accepted and ignored."""

    model_config = ConfigDict(extra="ignore")

    prompt: str
    n: int = 1
    size: str = "auto"
    response_format: Literal["url", "b64_json"] = "url"
    model: str | None = None
    quality: str | None = None
    style: str | None = None
    user: str | None = Field(default=None, max_length=256)
    seed: int | None = Field(default=None, description="frameloom extension: 0 to 2**32-1; random when omitted")


class ImageData(BaseModel):
    url: str | None = None
    b64_json: str | None = None
    revised_prompt: str | None = None


class ImagesOut(BaseModel):
    created: int
    data: list[ImageData]
    size: str
    quality: str | None = None
    output_format: str = "png"


def _order(body: ImagesIn) -> ImageOrder:
    if body.size not in SIZES:
        raise InvalidRequest.of("size", f"{body.size!r}: use one of {', '.join(SIZES)}")
    if body.quality is not None and body.quality not in QUALITIES:
        raise InvalidRequest.of("quality", f"{body.quality!r}: use one of {', '.join(sorted(QUALITIES))}")
    width, height = SIZES[body.size]
    style = None if body.style in OPENAI_STYLES else body.style
    seed = body.seed if body.seed is not None else random_seed()
    return ImageOrder(prompt=body.prompt, n=body.n, width=width, height=height, seed=seed, engine=body.model,
                      style=style, user=body.user)


def _b64(storage: Storage, key: str) -> str:
    with storage.open(key) as f:
        return base64.b64encode(f.read()).decode("ascii")


@router.post("/images/generations", response_model=ImagesOut, response_model_exclude_none=True)
async def generate_images(body: ImagesIn, who: CurrentAccount, generation: GenerationDep, storage: StorageDep,
                          base_url: BaseUrl) -> ImagesOut:
    """Generate 1 to 4 images (PNG) as an image job and wait for it; ``url`` answers signed download
    links, ``b64_json`` the bytes. A temporary engine failure is 503 with ``Retry-After``."""
    order = _order(body)
    done = await generation.image_now(who, order, base_url)
    result = done.raise_if_unfinished()
    if body.response_format == "b64_json":
        data = [ImageData(b64_json=await anyio.to_thread.run_sync(_b64, storage, f.key)) for f in result.files]
    else:
        data = [ImageData(url=url) for url in done.links]
    created = int(datetime.fromisoformat(done.created_at).timestamp())
    return ImagesOut(created=created, data=data, size=f"{order.width}x{order.height}", quality=body.quality)
