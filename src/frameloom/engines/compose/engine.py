"""ComposeEngine: parse, plan, render. (Interface first; rendering lands next.)"""

from __future__ import annotations

from typing import Any

from PIL import Image

from frameloom.domain.errors import UnknownStyle
from frameloom.domain.images import ImageRequest
from frameloom.engines.base import Capabilities, Engine, GeneratedImage
from frameloom.engines.compose.facts import STYLES

STYLE_ALIASES = {"synthwave": "neon", "watercolour": "watercolor", "pixel": "pixel_art", "oil": "oil_painting"}


def normalise_style(style: str | None) -> str | None:
    if style is None:
        return None
    key = style.strip().lower().replace("-", "_").replace(" ", "_")
    key = STYLE_ALIASES.get(key, key)
    if key not in STYLES:
        raise UnknownStyle(style, list(STYLES))
    return key


class ComposeEngine(Engine):
    name = "compose"

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(styles=STYLES)

    def plan(self, prompt: str, width: int = 1920, height: int = 1080, seed: int = 0,
             style: str | None = None) -> dict[str, Any]:
        """The scene plan for one image, as JSON-ready data."""
        request = ImageRequest(prompt=prompt, width=width, height=height, seed=seed, style=style)
        return {"prompt": request.prompt, "seed": seed, "width": width, "height": height,
                "style": normalise_style(style) or "illustration", "layers": []}

    def generate(self, request: ImageRequest) -> list[GeneratedImage]:
        normalise_style(request.style)
        out = []
        for seed in request.seeds():
            img = Image.new("RGB", (request.width, request.height), (seed % 256, 80, 120))
            out.append(GeneratedImage(image=img, seed=seed, engine=self.name))
        return out
