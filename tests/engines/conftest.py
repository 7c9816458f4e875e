"""Engine test fixtures: a fake OpenAI-compatible images server and the contract's settings.

No weights can be downloaded here: the contract's ``diffusers`` engine runs a
tiny random pipeline the tests build and save (2 steps), and the ``openai``
engine talks to a local fake server that draws seeded noise.
"""

from __future__ import annotations

import base64
import io
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from PIL import Image
from pydantic import SecretStr

from frameloom.domain.errors import EngineUnavailable
from frameloom.settings import Settings

# Before huggingface_hub is imported (it reads these once): nothing may reach a hub.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

TINY_STEPS = 2


def noise_png(prompt: str, width: int, height: int, seed: int) -> bytes:
    """A PNG of seeded colour blocks: the same prompt, size and seed give the same bytes."""
    rng = np.random.default_rng([seed, zlib.crc32(prompt.encode())])
    blocks = rng.integers(0, 256, size=(max(1, height // 16), max(1, width // 16), 3), dtype=np.uint8)
    image = Image.fromarray(blocks).resize((width, height), Image.Resampling.NEAREST)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@dataclass
class FakeImagesServer:
    """An OpenAI-compatible ``POST /v1/images/generations``.

    Answers ``failures`` first, one per request (status, headers, JSON body),
    then images of the asked size (``fixed_size`` overrides it, as servers with
    few sizes do). Records each request's JSON body and headers.
    """

    failures: list[tuple[int, dict[str, str], dict[str, Any]]] = field(default_factory=list)
    fixed_size: tuple[int, int] | None = None
    bodies: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)

    def answer(self, body: dict[str, Any], headers: dict[str, str]) -> tuple[int, dict[str, str], dict[str, Any]]:
        self.bodies.append(body)
        self.headers.append(headers)
        if self.failures:
            return self.failures.pop(0)
        width, height = self.fixed_size or tuple(int(side) for side in str(body["size"]).split("x"))
        seed = int(body.get("seed", 0))
        data = [
            {"b64_json": base64.b64encode(noise_png(body["prompt"], width, height, seed + i)).decode()}
            for i in range(int(body.get("n", 1)))
        ]
        return 200, {}, {"created": 0, "data": data}

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/v1/images/generations")
        async def generations(request: Request) -> JSONResponse:
            status, headers, body = self.answer(await request.json(), dict(request.headers))
            return JSONResponse(body, status_code=status, headers=headers)

        return app


@pytest.fixture(scope="session")
def tiny_sd_folder(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    """A tiny Stable Diffusion pipeline saved once per session; None without the [diffusers] extra."""
    from frameloom.engines.diffusers.config import check_installed

    try:
        check_installed()
    except EngineUnavailable:
        return None
    import torch

    from frameloom.engines.diffusers.tiny import save_tiny_sd

    # Tiny tensors gain nothing from threads, and on 2 cores shared with other work
    # torch's spinning worker threads can make each call 100x slower.
    torch.set_num_threads(1)
    return save_tiny_sd(tmp_path_factory.mktemp("models") / "tiny-sd")


@pytest.fixture(scope="session")
def engine_settings(tmp_path_factory: pytest.TempPathFactory, tiny_sd_folder: Path | None) -> Iterator[Settings]:
    """Settings under which every registered engine can run here (the contract's)."""
    from tests.conftest import LiveServer

    with LiveServer(FakeImagesServer().app()) as server:
        yield Settings(  # type: ignore[call-arg]
            _env_file=None,
            data_dir=tmp_path_factory.mktemp("data"),
            diffusers_model=str(tiny_sd_folder) if tiny_sd_folder else None,
            diffusers_steps=TINY_STEPS,
            openai_base_url=f"{server.url}/v1",
            openai_api_key=SecretStr("sk-test"),
            openai_send_seed=True,
        )
