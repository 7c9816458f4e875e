"""Video shots from a diffusers text-to-video pipeline (``FRAMELOOM_DIFFUSERS_VIDEO_MODEL``).

When no video model is set, :meth:`DiffusersVideo.check` raises
``EngineUnavailable`` saying so: callers then make shots from still images
with motion, as the compose engine does. A shot is a list of RGB frames at
the pipeline's own frame rate, cover-fitted to the requested size; the
compositor resamples it to the timeline's rate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
from PIL import Image

from frameloom.domain.errors import EngineUnavailable, InvalidRequest, Problem
from frameloom.domain.sizes import check_size
from frameloom.engines.base import NO_HOOKS, Hooks
from frameloom.engines.diffusers.config import DiffusersConfig
from frameloom.engines.diffusers.engine import PipelineCall, StepCallback, run_pipeline
from frameloom.engines.diffusers.loader import SHARED, LoadedModel, PipelineCache
from frameloom.engines.diffusers.sizing import generation_size
from frameloom.engines.fit import cover_fit
from frameloom.engines.prompt_styles import styled_prompt

MAX_SHOT_SECONDS = 20.0


@dataclass(frozen=True)
class VideoFamily:
    """Defaults of one text-to-video pipeline class.

    ``fps`` the rate it was trained at; frame counts are ``frame_step * k + 1``
    (any count when ``frame_step`` is 1), at most ``max_frames``; ``native``
    (width, height) px it draws best at; ``steps`` and ``guidance`` as for images.
    """

    name: str
    fps: int
    max_frames: int
    frame_step: int
    native: tuple[int, int]
    steps: int
    guidance: float


VIDEO_FAMILIES: dict[str, VideoFamily] = {
    "AnimateDiffPipeline": VideoFamily("animatediff", fps=8, max_frames=32, frame_step=1, native=(512, 512),
                                       steps=25, guidance=7.5),
    "LTXPipeline": VideoFamily("ltx-video", fps=24, max_frames=257, frame_step=8, native=(704, 480),
                               steps=40, guidance=3.0),
    "CogVideoXPipeline": VideoFamily("cogvideox", fps=8, max_frames=49, frame_step=4, native=(720, 480),
                                     steps=50, guidance=6.0),
    "WanPipeline": VideoFamily("wan", fps=16, max_frames=81, frame_step=4, native=(832, 480),
                               steps=30, guidance=5.0),
}


@dataclass(frozen=True)
class ShotRequest:
    """One shot: ``seconds`` (0 < s <= 20) of ``width`` x ``height`` px from ``prompt``."""

    prompt: str
    seconds: float
    width: int
    height: int
    seed: int = 0
    style: str | None = None

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        if not self.prompt.strip():
            problems.append(Problem("prompt", "must not be empty"))
        if not 0 < self.seconds <= MAX_SHOT_SECONDS:
            problems.append(Problem("seconds", f"{self.seconds}: must be above 0 and at most {MAX_SHOT_SECONDS:g}"))
        try:
            check_size(self.width, self.height)
        except InvalidRequest as exc:
            problems.extend(exc.problems)
        if problems:
            raise InvalidRequest(problems)


@dataclass(frozen=True)
class VideoShot:
    """``frames``: RGB arrays ``(height, width, 3)`` uint8, shown at ``fps``."""

    frames: list[np.ndarray]
    fps: float
    seed: int
    info: dict[str, str] = field(default_factory=dict)

    @property
    def duration_ms(self) -> int:
        return round(len(self.frames) * 1000 / self.fps)


def frame_count(seconds: float, fps: int, step: int, most: int) -> int:
    """Frames for ``seconds`` at ``fps``, as ``step * k + 1`` (any count when step is 1), at most ``most``.

    A model cannot draw longer than ``most`` frames in one go: the shot is then shorter.
    """
    wanted = max(1, round(seconds * fps))
    if step > 1:
        wanted = max(1, round((wanted - 1) / step)) * step + 1
        most = (most - 1) // step * step + 1
    return min(wanted, most)


class DiffusersVideo:
    """Shots from ``config.video_model``; loaded on first use and kept, like the image model."""

    def __init__(self, config: DiffusersConfig, cache: PipelineCache = SHARED, steps: int | None = None) -> None:
        self.config = config
        self.steps = steps
        self._cache = cache

    @property
    def configured(self) -> bool:
        return self.config.video_model is not None

    def load(self) -> tuple[LoadedModel, VideoFamily]:
        """The loaded video pipeline and its family.

        Raises :class:`EngineUnavailable` when no video model is set, when it is
        not on this machine, or when its pipeline class is not a text-to-video
        one frameloom knows.
        """
        if self.config.video_model is None:
            raise EngineUnavailable(
                "no text-to-video model: set FRAMELOOM_DIFFUSERS_VIDEO_MODEL; until then shots are still "
                "images with motion"
            )
        # the tiny VAE and the family override are the image model's
        video_config = replace(self.config, model=self.config.video_model, tiny_vae=None, family=None)
        loaded = self._cache.get(video_config)
        family = VIDEO_FAMILIES.get(loaded.class_name)
        if family is None:
            raise EngineUnavailable(
                f"FRAMELOOM_DIFFUSERS_VIDEO_MODEL: {loaded.class_name} is not a text-to-video pipeline frameloom "
                f"knows; use one of {', '.join(VIDEO_FAMILIES)}"
            )
        return loaded, family

    def shot(self, request: ShotRequest, hooks: Hooks = NO_HOOKS) -> VideoShot:
        """Draw one shot. Raises as :meth:`load`, ``EngineFailed`` when the run breaks, ``Cancelled``."""
        # 1. check inputs, load (or reuse) the pipeline
        prompt = styled_prompt(request.prompt, request.style)
        loaded, family = self.load()
        # 2. frames and drawing size from the family; the model's own config wins for the size
        frames = frame_count(request.seconds, family.fps, family.frame_step, family.max_frames)
        native = loaded.native or round(math.sqrt(family.native[0] * family.native[1]))
        width, height = generation_size(request.width, request.height, native, loaded.multiple)
        steps = self.steps or family.steps
        call = PipelineCall(prompt, steps, output_type="np", guidance=family.guidance, width=width, height=height,
                            num_frames=frames)
        # 3. denoise, with progress and cancel between steps
        hooks.check()
        with loaded.lock:
            result = run_pipeline(loaded.pipe, call, request.seed, StepCallback(hooks, 0, 1))
        # 4. frames to uint8 RGB at the requested size
        video = np.asarray(result.frames[0])
        fitted = [np.asarray(cover_fit(Image.fromarray(_to_uint8(frame)), request.width, request.height))
                  for frame in video]
        hooks.report(1.0)
        info = {"model": str(self.config.video_model), "family": family.name, "steps": str(steps),
                "drawn_at": f"{width}x{height}", "frames": str(frames)}
        return VideoShot(frames=fitted, fps=float(family.fps), seed=request.seed, info=info)


def _to_uint8(frame: np.ndarray) -> np.ndarray:
    """A float frame in 0..1 (what ``output_type="np"`` gives) as uint8."""
    if frame.dtype == np.uint8:
        return frame
    out: np.ndarray = np.clip(np.rint(frame * 255), 0, 255).astype(np.uint8)
    return out
