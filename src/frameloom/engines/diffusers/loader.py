"""Load a pipeline once per model per process and share it between threads.

Loading reads the files the operator put on disk (or the hub cache); it never
downloads unless ``allow_downloads``. Each :class:`LoadedModel` carries a lock:
a pipeline's scheduler keeps state during a call, so calls on one model run
one at a time (a GPU runs them one at a time anyway).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from frameloom.domain.errors import EngineFailed, EngineUnavailable
from frameloom.engines.diffusers import placement as placing
from frameloom.engines.diffusers.config import INSTALL_HINT, DiffusersConfig
from frameloom.engines.diffusers.families import Family, detect_family
from frameloom.engines.diffusers.placement import Placement


@dataclass
class LoadedModel:
    """A ready pipeline and what was decided about it.

    ``native`` px: the square side the model draws best at, from its config
    (None when the config does not say: the family knows); ``multiple`` px:
    what each generated side must be a multiple of (the latent grid and the
    UNet's downsamplings); ``class_name`` the pipeline class the model declares.
    Use ``lock`` around every call on ``pipe``.
    """

    pipe: Any
    family: Family
    placement: Placement
    native: int | None
    multiple: int
    class_name: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)
    _img2img: Any = None

    def img2img(self) -> Any:
        """The image-to-image pipeline made from the same components (no second copy in memory).

        Call with ``lock`` held. Raises :class:`EngineFailed` when diffusers has no
        image-to-image pipeline for this model's class.
        """
        if self._img2img is None:
            from diffusers import AutoPipelineForImage2Image

            try:
                self._img2img = AutoPipelineForImage2Image.from_pipe(self.pipe)
            except ValueError as exc:
                raise EngineFailed(f"diffusers engine: no image-to-image pipeline for this model: {exc}") from None
            self._img2img.set_progress_bar_config(disable=True)
        return self._img2img


class PipelineCache:
    """Loaded pipelines by (model, family, device, tiny VAE). Thread-safe; loads each once."""

    def __init__(self) -> None:
        self._models: dict[tuple[str | bool | None, ...], LoadedModel] = {}
        self._lock = threading.Lock()

    def get(self, config: DiffusersConfig) -> LoadedModel:
        """The loaded ``config.model``, loading it on first use (seconds to minutes).

        Raises :class:`EngineUnavailable` when the libraries, the model files or
        the device are missing, :class:`EngineFailed` when the files do not load.
        """
        key = (config.model, config.family, config.device, config.tiny_vae, config.allow_downloads)
        with self._lock:  # one load at a time: two models loading at once would only fight for memory
            if key not in self._models:
                self._models[key] = load(config)
            return self._models[key]

    def clear(self) -> None:
        """Forget every loaded model (their memory is freed when no call holds them)."""
        with self._lock:
            self._models.clear()


SHARED = PipelineCache()


def load(config: DiffusersConfig) -> LoadedModel:
    """Read ``config.model`` into a pipeline placed on its device. Raises as :meth:`PipelineCache.get`."""
    model = config.model
    # 1. the libraries
    try:
        import torch
        from diffusers import AutoencoderTiny, DiffusionPipeline
    except ImportError as exc:
        raise EngineUnavailable(f"the diffusers engine cannot import {exc.name}: {INSTALL_HINT}") from None
    local_only = not config.allow_downloads
    # 2. the family, from the pipeline class the model declares
    try:
        index = DiffusionPipeline.load_config(model, local_files_only=local_only)
    except OSError:
        raise EngineUnavailable(_missing(model, config.allow_downloads)) from None
    family = detect_family(index.get("_class_name"), model, config.family)
    # 3. device and precision
    place = placing.decide(config.device, family, placing.probe(torch))
    dtype = getattr(torch, place.dtype)
    # 4. the weights (an optional tiny VAE replaces the full decoder)
    extra: dict[str, Any] = {}
    try:
        if config.tiny_vae:
            extra["vae"] = AutoencoderTiny.from_pretrained(config.tiny_vae, dtype=dtype,
                                                           local_files_only=local_only)
        pipe = DiffusionPipeline.from_pretrained(model, dtype=dtype, local_files_only=local_only, **extra)
    except OSError as exc:
        raise EngineUnavailable(f"{_missing(config.tiny_vae or model, config.allow_downloads)} ({exc})") from None
    except (ValueError, TypeError, RuntimeError) as exc:
        raise EngineFailed(f"diffusers engine: cannot load {model}: {exc}") from None
    # 5. placement, quiet progress bars
    placing.apply(pipe, place)
    pipe.set_progress_bar_config(disable=True)
    native, multiple = _geometry(pipe)
    return LoadedModel(pipe=pipe, family=family, placement=place, native=native, multiple=multiple,
                       class_name=str(index.get("_class_name")))


def _geometry(pipe: Any) -> tuple[int | None, int]:
    """(native side or None, size multiple) in px, from the pipeline's own config."""
    scale = int(getattr(pipe, "vae_scale_factor", 8))
    unet = getattr(pipe, "unet", None)
    sample = getattr(getattr(unet, "config", None), "sample_size", None)
    if sample is None:
        sample = getattr(pipe, "default_sample_size", None)  # FLUX and other transformer pipelines
    native = int(sample) * scale if isinstance(sample, int) else None
    # 8 latent cells per side survive three downsamplings (SD, SDXL) and FLUX's 2x2 packing
    return native, scale * 8


def _missing(model: str, downloads: bool) -> str:
    if downloads:
        return f"diffusers model {model!r} cannot be found or downloaded"
    return (
        f"diffusers model {model!r} is not on this machine: download it where there is a network "
        "and point FRAMELOOM_DIFFUSERS_MODEL at the folder, or set FRAMELOOM_ALLOW_DOWNLOADS=true"
    )
