from __future__ import annotations

from pathlib import Path

import pytest

from frameloom.engines.diffusers import DiffusersConfig, DiffusersEngine, PipelineCache


@pytest.fixture(scope="session")
def tiny_model(tiny_sd_folder: Path | None) -> Path:
    """The tiny Stable Diffusion folder; skipped (with the reason) without the [diffusers] extra."""
    if tiny_sd_folder is None:
        pytest.skip("the [diffusers] extra is not installed: pip install 'frameloom[diffusers]'")
    return tiny_sd_folder


@pytest.fixture(scope="module")
def tiny_engine(tiny_model: Path) -> DiffusersEngine:
    """The engine on the tiny model, 2 steps, its own cache (loaded once per module)."""
    return DiffusersEngine(DiffusersConfig(model=str(tiny_model), steps=2), cache=PipelineCache())
