"""A real model on a real GPU: runs where CUDA and the weights are there, skipped elsewhere.

``TEST_GPU_MODEL`` names a local folder or a model id already in the Hugging Face
cache (default ``stabilityai/sd-turbo``); nothing is downloaded.
"""

from __future__ import annotations

import os
import time

import numpy as np
import pytest

from frameloom.domain.errors import EngineUnavailable
from frameloom.domain.images import ImageRequest
from frameloom.engines.diffusers import DiffusersConfig, DiffusersEngine, PipelineCache

GPU_MODEL = os.environ.get("TEST_GPU_MODEL", "stabilityai/sd-turbo")


@pytest.fixture(scope="module")
def gpu_engine() -> DiffusersEngine:
    torch = pytest.importorskip("torch", reason="the [diffusers] extra is not installed")
    if not torch.cuda.is_available():
        pytest.skip("no CUDA device here")
    engine = DiffusersEngine(DiffusersConfig(model=GPU_MODEL), PipelineCache())
    try:
        engine.model()
    except EngineUnavailable as exc:
        pytest.skip(f"no weights for {GPU_MODEL} here: {exc}")
    return engine


@pytest.mark.gpu
def test_a_real_model_draws_1080p_quickly_and_reproducibly(gpu_engine: DiffusersEngine) -> None:
    request = ImageRequest(prompt="a fox reading a book in a forest at sunset", width=1920, height=1080, seed=7)
    gpu_engine.generate(request)  # warm-up: kernels, allocator
    started = time.perf_counter()
    first = gpu_engine.generate(request)[0]
    seconds = time.perf_counter() - started
    again = gpu_engine.generate(request)[0]
    assert first.image.size == (1920, 1080)
    assert first.info["device"].startswith("cuda")
    assert np.asarray(first.image).std() > 20  # a picture, not noise-free grey or a black safety image
    # CUDA kernels may sum in another order between runs: the same picture, not always the same bits
    assert np.abs(np.asarray(first.image, np.int16) - np.asarray(again.image, np.int16)).mean() < 1.0
    assert seconds < 10, f"{seconds:.1f} s for one 1080p image"
