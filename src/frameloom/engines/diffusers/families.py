"""Model families and their defaults: steps, guidance, native size, GPU memory.

Detected from the pipeline class (``_class_name`` in ``model_index.json``) and
the model id or folder name ("turbo", "schnell"), or named by the operator
(``FRAMELOOM_DIFFUSERS_FAMILY``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Family:
    """Defaults for one kind of model.

    ``steps`` denoising steps; ``guidance`` the classifier-free guidance scale
    (0 turns it off, as distilled models want; None keeps the pipeline's own);
    ``native`` px, the side of the square it was trained at (used only when the
    pipeline's config does not tell); ``vram_gb`` GPU memory to keep the whole
    pipeline on the GPU in ``gpu_dtype``; below that it is offloaded.
    ``call_args`` are extra pipeline arguments, as (name, value) pairs.
    """

    name: str
    steps: int
    guidance: float | None
    native: int
    vram_gb: float
    gpu_dtype: str = "float16"
    call_args: tuple[tuple[str, int | float | str], ...] = ()


FAMILIES: dict[str, Family] = {
    family.name: family
    for family in (
        Family("sd15", steps=30, guidance=7.5, native=512, vram_gb=4),
        Family("sd-turbo", steps=2, guidance=0.0, native=512, vram_gb=4),
        Family("sdxl", steps=30, guidance=5.0, native=1024, vram_gb=10),
        Family("sdxl-turbo", steps=2, guidance=0.0, native=512, vram_gb=10),
        Family("flux-schnell", steps=4, guidance=0.0, native=1024, vram_gb=26, gpu_dtype="bfloat16",
               call_args=(("max_sequence_length", 256),)),
        Family("flux-dev", steps=28, guidance=3.5, native=1024, vram_gb=26, gpu_dtype="bfloat16"),
        Family("generic", steps=30, guidance=None, native=512, vram_gb=8),
    )
}


def detect_family(class_name: str | None, model: str, override: str | None = None) -> Family:
    """The family of ``model`` whose pipeline class is ``class_name``; ``override`` wins.

    Unknown classes get ``generic`` (the pipeline's own defaults, 30 steps).
    Raises ``KeyError`` for an unknown ``override`` (checked earlier, in the config).
    """
    if override:
        return FAMILIES[override]
    name = model.lower().replace("_", "-")
    cls = class_name or ""
    if cls.startswith("StableDiffusionXL"):
        return FAMILIES["sdxl-turbo" if "turbo" in name else "sdxl"]
    if cls.startswith("StableDiffusion") and not cls.startswith("StableDiffusion3"):
        return FAMILIES["sd-turbo" if "turbo" in name else "sd15"]
    if cls.startswith("Flux"):
        return FAMILIES["flux-schnell" if "schnell" in name else "flux-dev"]
    return FAMILIES["generic"]
