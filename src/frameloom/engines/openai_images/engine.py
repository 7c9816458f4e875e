"""OpenAIImagesEngine: one ``/images/generations`` call per result, fitted to the request."""

from __future__ import annotations

import base64
import binascii
import io
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import httpx
from PIL import Image, UnidentifiedImageError

from frameloom.domain.errors import EngineFailed, InvalidRequest
from frameloom.domain.images import ImageRequest
from frameloom.engines.base import NO_HOOKS, Capabilities, Engine, GeneratedImage, Hooks
from frameloom.engines.fit import cover_fit
from frameloom.engines.openai_images.client import ImagesBody, ImagesClient
from frameloom.engines.openai_images.config import OpenAIConfig
from frameloom.engines.prompt_styles import STYLES, styled_prompt


class OpenAIImagesEngine(Engine):
    """Calls a remote OpenAI-compatible service. Thread-safe; nothing is cached.

    One request per result (``n=1``, seed ``seed + i`` when ``send_seed``) so that
    result *i* can be made again alone, progress moves per result, and servers
    that take only ``n=1`` (DALL-E 3) work. The answer, ``b64_json`` or a ``url``,
    is fitted to the requested size (:func:`~frameloom.engines.fit.cover_fit`).
    """

    name = "openai"

    def __init__(self, config: OpenAIConfig, transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        """``transport`` and ``sleep`` replace the network and the clock in tests."""
        self.config = config
        self._client = ImagesClient(config, transport, sleep)

    def close(self) -> None:
        """Close the pooled connections."""
        self._client.close()

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(text_to_image=True, image_to_image=False, offline=False, gpu=False, styles=STYLES)

    def generate(self, request: ImageRequest, hooks: Hooks = NO_HOOKS) -> list[GeneratedImage]:
        # 1. check what a text-only endpoint cannot take, before any call
        if request.init_image is not None:
            raise InvalidRequest.of("init_image", "the openai engine does not take an input image")
        if request.negative_prompt:
            raise InvalidRequest.of("negative_prompt", "the openai engine does not take a negative prompt")
        prompt = styled_prompt(request.prompt, request.style)
        size = self.config.size_for(request.width, request.height)
        out: list[GeneratedImage] = []
        for seed in request.seeds():
            # 2. one call per result, retried inside the client
            answer = self._client.generate(self._body(prompt, f"{size.width}x{size.height}", seed), hooks)
            # 3. decode and fit to the requested size
            picture = Picture.first_of(answer)
            image = cover_fit(self._decode(picture), request.width, request.height)
            info = {"model": self.config.model, "asked_size": str(size)}
            if picture.revised_prompt:
                info["revised_prompt"] = picture.revised_prompt
            out.append(GeneratedImage(image=image, seed=seed, engine=self.name, info=info))
            hooks.report(len(out) / request.n)
        return out

    def _body(self, prompt: str, size: str, seed: int) -> ImagesBody:
        body: ImagesBody = {"model": self.config.model, "prompt": prompt, "n": 1, "size": size}
        # gpt-image models always answer base64 and refuse response_format
        if not self.config.model.startswith("gpt-image"):
            body["response_format"] = "b64_json"
        if self.config.send_seed:
            body["seed"] = seed
        return body

    def _decode(self, picture: Picture) -> Image.Image:
        """The picture as RGB, downloaded when given as a link; EngineFailed when it is unreadable."""
        if picture.b64_json is not None:
            try:
                raw = base64.b64decode(picture.b64_json, validate=True)
            except (binascii.Error, ValueError):
                raise EngineFailed("openai engine: the image is not valid base64") from None
        elif picture.url is not None:
            raw = self._client.fetch(picture.url)
        else:
            raise EngineFailed("openai engine: the image has neither b64_json nor url")
        try:
            with Image.open(io.BytesIO(raw)) as image:
                return image.convert("RGB")
        except (UnidentifiedImageError, OSError):
            raise EngineFailed("openai engine: the image cannot be decoded") from None


@dataclass(frozen=True)
class Picture:
    """The first picture of an answer: its base64 data or its link (a field
    that is not a string counts as absent), and the prompt the service drew."""

    b64_json: str | None
    url: str | None
    revised_prompt: str | None

    @classmethod
    def first_of(cls, answer: Mapping[str, object]) -> Picture:
        """``answer["data"][0]``; EngineFailed when the answer holds no picture."""
        data = answer.get("data")
        item = data[0] if isinstance(data, list) and data and isinstance(data[0], dict) else None
        if item is None:
            raise EngineFailed("openai engine: the answer holds no image")
        return cls(b64_json=_text(item.get("b64_json")), url=_text(item.get("url")),
                   revised_prompt=_text(item.get("revised_prompt")))


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
