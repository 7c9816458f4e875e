"""The diffusers engine's decisions, as pure functions: family, device and memory, sizes."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from frameloom.domain.errors import EngineUnavailable
from frameloom.engines.diffusers.families import FAMILIES, detect_family
from frameloom.engines.diffusers.placement import DeviceFacts, Placement, decide
from frameloom.engines.diffusers.sizing import generation_size
from frameloom.engines.fit import cover_fit


@pytest.mark.parametrize(
    ("class_name", "model", "family"),
    [
        ("StableDiffusionPipeline", "runwayml/stable-diffusion-v1-5", "sd15"),
        ("StableDiffusionPipeline", "stabilityai/sd-turbo", "sd-turbo"),
        ("StableDiffusionPipeline", "/models/SD_Turbo", "sd-turbo"),
        ("StableDiffusionXLPipeline", "stabilityai/stable-diffusion-xl-base-1.0", "sdxl"),
        ("StableDiffusionXLPipeline", "/srv/models/sdxl-turbo", "sdxl-turbo"),
        ("FluxPipeline", "black-forest-labs/FLUX.1-schnell", "flux-schnell"),
        ("FluxPipeline", "black-forest-labs/FLUX.1-dev", "flux-dev"),
        ("StableDiffusion3Pipeline", "stabilityai/stable-diffusion-3-medium", "generic"),
        (None, "anything", "generic"),
    ],
)
def test_the_family_comes_from_the_pipeline_class_and_the_name(class_name: str | None, model: str,
                                                                family: str) -> None:
    assert detect_family(class_name, model).name == family


def test_the_operator_can_name_the_family() -> None:
    assert detect_family("StableDiffusionPipeline", "/models/my-distilled", "sd-turbo").name == "sd-turbo"


def test_distilled_families_turn_guidance_off_and_take_few_steps() -> None:
    for name in ("sd-turbo", "sdxl-turbo", "flux-schnell"):
        assert FAMILIES[name].guidance == 0.0
        assert FAMILIES[name].steps <= 4
    assert (FAMILIES["sd15"].native, FAMILIES["sdxl"].native, FAMILIES["sdxl-turbo"].native) == (512, 1024, 512)


CPU = DeviceFacts(cuda=False, mps=False)
BIG_GPU = DeviceFacts(cuda=True, mps=False, cuda_memory_gb=24, cuda_bf16=True)
SMALL_GPU = DeviceFacts(cuda=True, mps=False, cuda_memory_gb=6, cuda_bf16=False)
MAC = DeviceFacts(cuda=False, mps=True)


@pytest.mark.parametrize(
    ("requested", "family", "facts", "placement"),
    [
        ("auto", "sdxl", CPU, Placement("cpu", "float32")),
        ("auto", "sdxl", BIG_GPU, Placement("cuda", "float16")),
        ("auto", "sdxl", SMALL_GPU, Placement("cuda", "float16", cpu_offload=True, attention_slicing=True,
                                              vae_tiling=True)),
        ("auto", "sd-turbo", SMALL_GPU, Placement("cuda", "float16")),
        ("auto", "flux-schnell", BIG_GPU, Placement("cuda", "bfloat16", cpu_offload=True, attention_slicing=True,
                                                    vae_tiling=True)),
        ("auto", "flux-schnell", SMALL_GPU, Placement("cuda", "float16", cpu_offload=True, attention_slicing=True,
                                                      vae_tiling=True)),
        ("auto", "sd15", MAC, Placement("mps", "float16", attention_slicing=True)),
        ("cpu", "sd15", BIG_GPU, Placement("cpu", "float32")),
        ("cuda:1", "sd15", BIG_GPU, Placement("cuda:1", "float16")),
    ],
)
def test_device_precision_and_memory_savers(requested: str, family: str, facts: DeviceFacts,
                                            placement: Placement) -> None:
    assert decide(requested, FAMILIES[family], facts) == placement


@pytest.mark.parametrize("requested", ["cuda", "mps"])
def test_a_device_that_is_not_there_is_refused(requested: str) -> None:
    with pytest.raises(EngineUnavailable, match=f"FRAMELOOM_DIFFUSERS_DEVICE={requested}"):
        decide(requested, FAMILIES["sd15"], CPU)


@pytest.mark.parametrize(
    ("size", "native", "multiple", "drawn"),
    [
        ((1920, 1080), 512, 64, (704, 384)),
        ((1080, 1920), 512, 64, (384, 704)),
        ((1080, 1080), 1024, 64, (1024, 1024)),
        ((1920, 1080), 1024, 64, (1344, 768)),
        ((256, 144), 64, 16, (80, 48)),
        ((2048, 64), 64, 16, (368, 16)),
    ],
)
def test_models_draw_their_native_area_in_the_requested_aspect(size: tuple[int, int], native: int, multiple: int,
                                                               drawn: tuple[int, int]) -> None:
    assert generation_size(*size, native=native, multiple=multiple) == drawn


def test_cover_fit_scales_to_cover_and_crops_the_centre() -> None:
    image = Image.new("RGB", (200, 100), (0, 0, 255))
    image.paste((255, 0, 0), (50, 0, 150, 100))  # a red square in the middle, blue bands at the sides
    fitted = np.asarray(cover_fit(image, 64, 64))
    assert fitted.shape == (64, 64, 3)
    assert fitted[32, 32].tolist() == [255, 0, 0]
    assert fitted[:, 2:-2, 0].min() > 200  # the side bands are cropped away


def test_cover_fit_returns_rgb_and_leaves_a_fitting_image_alone() -> None:
    rgba = Image.new("RGBA", (64, 32), (1, 2, 3, 4))
    assert cover_fit(rgba, 64, 32).mode == "RGB"
    rgb = Image.new("RGB", (64, 32))
    assert cover_fit(rgb, 64, 32) is rgb
