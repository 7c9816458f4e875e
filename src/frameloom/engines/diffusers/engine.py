"""DiffusersEngine: text-to-image and image-to-image through a diffusers pipeline."""

from __future__ import annotations

import inspect
import io
import math
from typing import Any

from PIL import Image, UnidentifiedImageError

from frameloom.domain.errors import EngineFailed, FrameloomError, InvalidRequest
from frameloom.domain.images import ImageRequest
from frameloom.engines.base import NO_HOOKS, Capabilities, Engine, GeneratedImage, Hooks
from frameloom.engines.diffusers.config import DiffusersConfig
from frameloom.engines.diffusers.loader import SHARED, LoadedModel, PipelineCache
from frameloom.engines.diffusers.sizing import generation_size
from frameloom.engines.fit import cover_fit
from frameloom.engines.prompt_styles import STYLES, styled_prompt

MAX_ERROR = 300


class DiffusersEngine(Engine):
    """A diffusion model from ``config.model``, loaded on the first call and kept.

    The same request and seed give the same pixels on one machine and device:
    each result has its own CPU ``torch.Generator`` seeded ``seed + i``, and
    results are drawn one by one (a batch would change the numerics).
    """

    name = "diffusers"

    def __init__(self, config: DiffusersConfig, cache: PipelineCache = SHARED) -> None:
        self.config = config
        self._cache = cache

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(text_to_image=True, image_to_image=True, offline=not self.config.allow_downloads,
                            gpu=self.config.device != "cpu", styles=STYLES)

    def model(self) -> LoadedModel:
        """The loaded model (loads it now if needed): for warm-up and benchmarks."""
        return self._cache.get(self.config)

    def generate(self, request: ImageRequest, hooks: Hooks = NO_HOOKS) -> list[GeneratedImage]:
        # 1. check inputs before loading anything
        prompt = styled_prompt(request.prompt, request.style)
        init = _init_image(request)
        # 2. load the pipeline once per process, then reuse it
        loaded = self.model()
        # 3. draw at the model's native size, in the request's aspect
        native = loaded.native or loaded.family.native
        width, height = generation_size(request.width, request.height, native, loaded.multiple)
        steps = self.config.steps or loaded.family.steps
        if init is not None:  # image-to-image runs int(steps * strength) steps: keep at least one
            steps = max(steps, math.ceil(1 / request.strength))
        guidance = self.config.guidance if self.config.guidance is not None else loaded.family.guidance
        info = {"model": self.config.model, "family": loaded.family.name, "device": loaded.placement.device,
                "steps": str(steps), "drawn_at": f"{width}x{height}"}
        out: list[GeneratedImage] = []
        with loaded.lock:
            args: dict[str, Any]
            if init is None:
                pipe, args = loaded.pipe, {"width": width, "height": height}
            else:
                pipe = loaded.img2img()
                args = {"image": cover_fit(init, width, height), "strength": request.strength}
            args.update(_call_args(pipe, prompt, request.negative_prompt, steps, guidance, loaded))
            # 4. one call per result; the step callback reports progress and polls for a cancel
            for index, seed in enumerate(request.seeds()):
                hooks.check()
                image = _run(pipe, args, seed, StepCallback(hooks, index, request.n))
                # 5. fit to the requested size and package
                fitted = cover_fit(image, request.width, request.height)
                out.append(GeneratedImage(image=fitted, seed=seed, engine=self.name, info=dict(info)))
                hooks.report(len(out) / request.n)
        return out


class StepCallback:
    """``callback_on_step_end``: progress over all results, and a cancel check between steps."""

    def __init__(self, hooks: Hooks, index: int, total: int) -> None:
        self.hooks, self.index, self.total = hooks, index, total

    def __call__(self, pipe: Any, step: int, timestep: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
        self.hooks.check()  # raising here leaves the pipeline between two steps
        steps = max(1, int(getattr(pipe, "num_timesteps", 0) or step + 1))
        self.hooks.report((self.index + (step + 1) / steps) / self.total)
        return kwargs


def _init_image(request: ImageRequest) -> Image.Image | None:
    """The decoded input image, or None for text-to-image. Raises InvalidRequest."""
    if request.init_image is None:
        return None
    if request.strength <= 0:
        raise InvalidRequest.of("strength", "must be above 0 for image-to-image (0 would return the input)")
    try:
        with Image.open(io.BytesIO(request.init_image)) as image:
            return image.convert("RGB")
    except (UnidentifiedImageError, OSError):
        raise InvalidRequest.of("init_image", "not a readable PNG, JPEG or WebP image") from None


def _call_args(pipe: Any, prompt: str, negative: str, steps: int, guidance: float | None,
               loaded: LoadedModel) -> dict[str, Any]:
    """The pipeline arguments this pipeline takes (FLUX, say, has no negative prompt)."""
    accepted = inspect.signature(pipe.__call__).parameters
    args: dict[str, Any] = {"prompt": prompt, "num_inference_steps": steps, "output_type": "pil"}
    if guidance is not None:
        args["guidance_scale"] = guidance
    if negative and "negative_prompt" in accepted and (guidance is None or guidance > 1):
        args["negative_prompt"] = negative
    args.update((name, value) for name, value in loaded.family.call_args if name in accepted)
    return args


def _run(pipe: Any, args: dict[str, Any], seed: int, callback: StepCallback) -> Image.Image:
    image: Image.Image = run_pipeline(pipe, args, seed, callback).images[0]
    return image


def run_pipeline(pipe: Any, args: dict[str, Any], seed: int, callback: StepCallback) -> Any:
    """One pipeline call for ``seed``; its output object.

    Raises EngineFailed (out of memory, a broken model) or Cancelled (from ``callback``).
    """
    import torch

    # a CPU generator gives the same starting noise on every device
    generator = torch.Generator(device="cpu").manual_seed(seed)
    try:
        with torch.inference_mode():
            return pipe(**args, generator=generator, callback_on_step_end=callback)
    except FrameloomError:
        raise
    except torch.OutOfMemoryError:
        raise EngineFailed("diffusers engine: out of memory; try a smaller size or FRAMELOOM_DIFFUSERS_TINY_VAE") from None
    except (RuntimeError, ValueError, TypeError) as exc:
        raise EngineFailed(f"diffusers engine: {type(exc).__name__}: {str(exc)[:MAX_ERROR]}") from None
