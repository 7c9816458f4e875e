"""DiffusersEngine: text-to-image and image-to-image through a diffusers pipeline."""

from __future__ import annotations

import inspect
import io
import math
from dataclasses import dataclass, replace
from typing import Any, Literal

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
            if init is None:
                pipe, call = loaded.pipe, PipelineCall(prompt, steps, width=width, height=height)
            else:
                pipe = loaded.img2img()
                call = PipelineCall(prompt, steps, image=cover_fit(init, width, height), strength=request.strength)
            call = _fit_call(call, pipe, request.negative_prompt, guidance, loaded)
            # 4. one call per result; the step callback reports progress and polls for a cancel
            for index, seed in enumerate(request.seeds()):
                hooks.check()
                image = _run(pipe, call, seed, StepCallback(hooks, index, request.n))
                # 5. fit to the requested size and package
                fitted = cover_fit(image, request.width, request.height)
                out.append(GeneratedImage(image=fitted, seed=seed, engine=self.name, info=dict(info)))
                hooks.report(len(out) / request.n)
        return out


class StepCallback:
    """``callback_on_step_end``: progress over all results, and a cancel check between steps."""

    def __init__(self, hooks: Hooks, index: int, total: int) -> None:
        self.hooks, self.index, self.total = hooks, index, total

    def __call__(self, pipe: Any, step: int, timestep: object, kwargs: dict[str, object]) -> dict[str, object]:
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


@dataclass(frozen=True)
class PipelineCall:
    """The arguments of one pipeline call. Fields left ``None`` are not passed;
    ``extra`` are the family's own arguments, as (name, value) pairs.
    ``steps`` is diffusers' ``num_inference_steps``, ``guidance`` its ``guidance_scale``."""

    prompt: str
    steps: int
    output_type: Literal["pil", "np"] = "pil"
    guidance: float | None = None
    negative_prompt: str | None = None
    width: int | None = None
    height: int | None = None
    num_frames: int | None = None
    image: Image.Image | None = None
    strength: float | None = None
    extra: tuple[tuple[str, int | float | str], ...] = ()

    def kwargs(self) -> dict[str, object]:
        """The keyword arguments of ``pipe(...)``, under diffusers' names."""
        named: dict[str, object] = {
            "width": self.width, "height": self.height, "num_frames": self.num_frames, "image": self.image,
            "strength": self.strength, "prompt": self.prompt, "num_inference_steps": self.steps,
            "output_type": self.output_type, "guidance_scale": self.guidance, "negative_prompt": self.negative_prompt,
        }
        out = {name: value for name, value in named.items() if value is not None}
        out.update(self.extra)
        return out


def _fit_call(call: PipelineCall, pipe: Any, negative: str, guidance: float | None,
              loaded: LoadedModel) -> PipelineCall:
    """``call`` with the guidance, negative prompt and family arguments this
    pipeline takes (FLUX, say, has no negative prompt)."""
    accepted = inspect.signature(pipe.__call__).parameters
    takes_negative = negative and "negative_prompt" in accepted and (guidance is None or guidance > 1)
    return replace(call, guidance=guidance, negative_prompt=negative if takes_negative else None,
                   extra=tuple((name, value) for name, value in loaded.family.call_args if name in accepted))


def _run(pipe: Any, call: PipelineCall, seed: int, callback: StepCallback) -> Image.Image:
    image: Image.Image = run_pipeline(pipe, call, seed, callback).images[0]
    return image


def run_pipeline(pipe: Any, call: PipelineCall, seed: int, callback: StepCallback) -> Any:
    """One pipeline call for ``seed``; its output object.

    Raises EngineFailed (out of memory, a broken model) or Cancelled (from ``callback``).
    """
    import torch

    # a CPU generator gives the same starting noise on every device
    generator = torch.Generator(device="cpu").manual_seed(seed)
    try:
        with torch.inference_mode():
            return pipe(**call.kwargs(), generator=generator, callback_on_step_end=callback)
    except FrameloomError:
        raise
    except torch.OutOfMemoryError:
        raise EngineFailed("diffusers engine: out of memory; try a smaller size or FRAMELOOM_DIFFUSERS_TINY_VAE") from None
    except (RuntimeError, ValueError, TypeError) as exc:
        raise EngineFailed(f"diffusers engine: {type(exc).__name__}: {str(exc)[:MAX_ERROR]}") from None
