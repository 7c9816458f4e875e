"""The diffusers engine end to end on a tiny random Stable Diffusion pipeline, on the CPU.

The pipeline is saved with ``save_pretrained`` and read back by the engine's own
loading path (``from_pretrained(folder, local_files_only=True)``).
"""

from __future__ import annotations

import io
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from frameloom.domain.errors import Cancelled, EngineUnavailable, InvalidRequest
from frameloom.domain.images import ImageRequest
from frameloom.engines import Hooks, default_registry
from frameloom.engines.diffusers import DiffusersConfig, DiffusersEngine, PipelineCache
from frameloom.engines.diffusers.tiny import save_tiny_vae_decoder
from frameloom.settings import Settings


def draw(engine: DiffusersEngine, hooks: Hooks | None = None, **kwargs: Any) -> list[np.ndarray]:
    args: dict[str, Any] = {"prompt": "a red fox in a forest", "width": 64, "height": 64, "seed": 1, **kwargs}
    results = engine.generate(ImageRequest(**args), hooks or Hooks())
    return [np.asarray(r.image) for r in results]


def png_bytes(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "PNG")
    return buffer.getvalue()


# --- text to image ----------------------------------------------------------------------------


def test_text_to_image_at_the_native_size(tiny_engine: DiffusersEngine) -> None:
    (result,) = tiny_engine.generate(ImageRequest(prompt="a fox", width=64, height=64, seed=3))
    assert result.image.size == (64, 64)
    assert result.image.mode == "RGB"
    assert result.info == {"model": tiny_engine.config.model, "family": "sd15", "device": "cpu", "steps": "2",
                           "drawn_at": "64x64"}
    assert np.asarray(result.image).std() > 0  # a picture, not a flat fill


def test_a_larger_request_is_drawn_at_native_size_and_fitted(tiny_engine: DiffusersEngine) -> None:
    (result,) = tiny_engine.generate(ImageRequest(prompt="a fox", width=320, height=176, seed=3))
    assert result.image.size == (320, 176)
    assert result.info["drawn_at"] == "80x48"  # about 64x64 pixels in the request's aspect


def test_the_seed_decides_the_pixels(tiny_engine: DiffusersEngine) -> None:
    a, b, c = draw(tiny_engine, seed=1)[0], draw(tiny_engine, seed=1)[0], draw(tiny_engine, seed=2)[0]
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_the_prompt_decides_the_pixels(tiny_engine: DiffusersEngine) -> None:
    assert not np.array_equal(draw(tiny_engine, prompt="a fox")[0], draw(tiny_engine, prompt="a city at night")[0])


def test_a_negative_prompt_changes_the_picture_when_guidance_is_on(tiny_model: Path) -> None:
    engine = DiffusersEngine(DiffusersConfig(model=str(tiny_model), steps=2, guidance=7.5), cache=PipelineCache())
    plain, negative = draw(engine)[0], draw(engine, negative_prompt="book")[0]
    assert not np.array_equal(plain, negative)


def test_the_pipeline_is_loaded_once_and_shared_by_threads(tiny_model: Path) -> None:
    cache = PipelineCache()
    config = DiffusersConfig(model=str(tiny_model), steps=2)
    first, second = DiffusersEngine(config, cache), DiffusersEngine(config, cache)
    assert first.model() is second.model()
    alone = draw(first, seed=11)[0]
    results: list[np.ndarray] = []

    def work() -> None:
        results.append(draw(second, seed=11)[0])

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 3
    assert all(np.array_equal(alone, r) for r in results)


# --- image to image ---------------------------------------------------------------------------


def test_image_to_image_starts_from_the_given_picture(tiny_engine: DiffusersEngine) -> None:
    red = np.zeros((64, 64, 3), np.uint8)
    red[..., 0] = 230
    blue = np.zeros((64, 64, 3), np.uint8)
    blue[..., 2] = 230
    from_red = draw(tiny_engine, init_image=png_bytes(red), strength=0.5)[0]
    from_red_again = draw(tiny_engine, init_image=png_bytes(red), strength=0.5)[0]
    from_blue = draw(tiny_engine, init_image=png_bytes(blue), strength=0.5)[0]
    assert np.array_equal(from_red, from_red_again)
    assert not np.array_equal(from_red, from_blue)
    assert from_red[..., 0].mean() > from_blue[..., 0].mean()  # half the noise: the red survives


def test_image_to_image_fits_any_input_and_output_size(tiny_engine: DiffusersEngine) -> None:
    wide = np.full((90, 300, 3), 128, np.uint8)
    (result,) = tiny_engine.generate(ImageRequest(prompt="a fox", width=128, height=256, seed=1,
                                                  init_image=png_bytes(wide), strength=0.9))
    assert result.image.size == (128, 256)


def test_a_low_strength_still_runs_one_step(tiny_engine: DiffusersEngine) -> None:
    seen: list[float] = []
    (result,) = tiny_engine.generate(ImageRequest(prompt="a fox", width=64, height=64, strength=0.1,
                                                  init_image=png_bytes(np.zeros((64, 64, 3), np.uint8))),
                                     Hooks(progress=seen.append))
    assert result.info["steps"] == "10"  # 10 x 0.1: one denoising step
    assert seen == [1.0, 1.0]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"init_image": b"not an image"}, "init_image"), ({"init_image": b"", "strength": 0.0}, "strength")],
)
def test_bad_image_to_image_input_is_refused(tiny_engine: DiffusersEngine, kwargs: dict[str, Any],
                                              field: str) -> None:
    with pytest.raises(InvalidRequest) as exc:
        draw(tiny_engine, **kwargs)
    assert [p.field for p in exc.value.problems] == [field]


# --- progress and cancel -----------------------------------------------------------------------


def test_progress_comes_from_each_denoising_step(tiny_engine: DiffusersEngine) -> None:
    seen: list[float] = []
    draw(tiny_engine, Hooks(progress=seen.append), n=2)
    assert seen == [0.25, 0.5, 0.5, 0.75, 1.0, 1.0]  # two steps per result, then each result done


def test_a_cancel_stops_between_steps_and_the_engine_goes_on(tiny_engine: DiffusersEngine) -> None:
    seen: list[float] = []
    with pytest.raises(Cancelled):
        draw(tiny_engine, Hooks(progress=seen.append, cancelled=lambda: bool(seen)))
    assert seen == [0.5]
    assert np.array_equal(draw(tiny_engine, seed=5)[0], draw(tiny_engine, seed=5)[0])


# --- options ---------------------------------------------------------------------------------


def test_a_tiny_vae_decodes_when_configured(tiny_model: Path, tmp_path: Path) -> None:
    vae = save_tiny_vae_decoder(tmp_path / "taesd")
    engine = DiffusersEngine(DiffusersConfig(model=str(tiny_model), steps=2, tiny_vae=str(vae)), PipelineCache())
    assert type(engine.model().pipe.vae).__name__ == "AutoencoderTiny"
    (pixels,) = draw(engine, width=128, height=72)
    assert pixels.shape == (72, 128, 3)


def test_a_family_named_by_the_operator_sets_the_defaults(tiny_model: Path) -> None:
    engine = DiffusersEngine(DiffusersConfig(model=str(tiny_model), family="sd-turbo"), PipelineCache())
    (result,) = engine.generate(ImageRequest(prompt="a fox", width=64, height=64))
    assert (result.info["family"], result.info["steps"]) == ("sd-turbo", "2")


def test_the_registry_builds_it_from_settings(settings: Settings, tiny_model: Path) -> None:
    registry = default_registry(settings.model_copy(update={"diffusers_model": str(tiny_model),
                                                                     "diffusers_steps": 2}))
    engine = registry.get("diffusers")
    assert isinstance(engine, DiffusersEngine)
    assert engine.capabilities.image_to_image
    assert engine.capabilities.offline


# --- errors ----------------------------------------------------------------------------------


def test_no_model_set_is_unavailable_with_the_setting_named(settings: Settings) -> None:
    with pytest.raises(EngineUnavailable, match="FRAMELOOM_DIFFUSERS_MODEL"):
        default_registry(settings).get("diffusers")


def test_a_missing_extra_is_unavailable_with_the_install_hint(settings: Settings, monkeypatch: pytest.MonkeyPatch,
                                                              tiny_model: Path) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "torch" else real(name, *a))
    with pytest.raises(EngineUnavailable, match=r"needs torch: pip install 'frameloom\[diffusers\]'"):
        default_registry(settings.model_copy(update={"diffusers_model": str(tiny_model)})).get("diffusers")


@pytest.mark.parametrize("model", ["/no/such/folder", "stabilityai/sd-turbo"])
def test_a_model_not_on_this_machine_is_unavailable_and_says_what_to_do(model: str) -> None:
    engine = DiffusersEngine(DiffusersConfig(model=model), PipelineCache())
    with pytest.raises(EngineUnavailable) as exc:
        engine.generate(ImageRequest(prompt="a fox", width=64, height=64))
    assert "is not on this machine" in str(exc.value)
    assert "FRAMELOOM_ALLOW_DOWNLOADS" in str(exc.value)


def test_a_folder_that_is_not_a_pipeline_is_unavailable(tmp_path: Path) -> None:
    engine = DiffusersEngine(DiffusersConfig(model=str(tmp_path)), PipelineCache())
    with pytest.raises(EngineUnavailable, match="is not on this machine"):
        engine.model()


def test_an_unknown_family_is_refused() -> None:
    with pytest.raises(EngineUnavailable, match="FRAMELOOM_DIFFUSERS_FAMILY='sd9'"):
        DiffusersConfig(model="x", family="sd9")


def test_a_device_that_is_not_there_is_unavailable(tiny_model: Path) -> None:
    engine = DiffusersEngine(DiffusersConfig(model=str(tiny_model), device="cuda"), PipelineCache())
    with pytest.raises(EngineUnavailable, match="FRAMELOOM_DIFFUSERS_DEVICE=cuda"):
        engine.model()
