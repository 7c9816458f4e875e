"""The text-to-video request and the limits every video path shares (one definition each).

The built-in music styles, the frame-rate range and the length limit are read
from here by the timeline, the compositor's music, the HTTP bodies, the CLI
and the jobs; nothing else spells them out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from frameloom.domain.errors import InvalidRequest, Problem
from frameloom.domain.images import ImageRequest

MUSIC_STYLES: tuple[str, ...] = ("lofi", "ambient", "upbeat", "cinematic")
"""The built-in background music (``bgm:<style>``, SPEC section 5)."""
MIN_FPS, MAX_FPS = 1, 60
MAX_VIDEO_SECONDS = 300
MAX_TITLE_CHARS = 200
DEFAULT_SECONDS = 8.0
DEFAULT_TITLE_SECONDS = 3.0
VIDEO_ENGINES: tuple[str, ...] = ("compose", "diffusers", "openai")
"""The engines text to video draws with: compose's animated scene, or another engine's shots
(its images moved by the camera, or a diffusers text-to-video pipeline's clips; docs/VIDEO.md)."""


@dataclass(frozen=True)
class VideoRequest:
    """A text-to-video request: ``seconds`` (1..300) of ``width`` x ``height`` px at ``fps`` (1..60);
    ``music`` a built-in style (or None) at ``music_volume`` (0..1); ``title`` (at most 200 characters,
    any script) shown from 0 s for ``title_seconds`` (or the whole video when that is shorter), fading
    in and out; ``engine`` None or one of :data:`VIDEO_ENGINES`.

    Raises :class:`~frameloom.domain.errors.InvalidRequest` naming every bad field, the shots' image
    checks (prompt, size, seed, via :class:`~frameloom.domain.images.ImageRequest`) included.
    """

    prompt: str
    seconds: float = DEFAULT_SECONDS
    width: int = 1920
    height: int = 1080
    fps: int = 30
    seed: int = 0
    style: str | None = None
    music: str | None = None
    music_volume: float = 0.35
    title: str | None = None
    title_seconds: float = DEFAULT_TITLE_SECONDS
    engine: str | None = None

    def __post_init__(self) -> None:
        problems = _video_problems(self) + _title_problems(self.title, self.title_seconds)
        try:
            ImageRequest(prompt=self.prompt, width=self.width, height=self.height, seed=self.seed,
                         style=self.style)
        except InvalidRequest as exc:
            problems = exc.problems + problems
        if problems:
            raise InvalidRequest(problems)


def check_fps(fps: int) -> None:
    """Raise :class:`~frameloom.domain.errors.InvalidRequest` on ``fps`` unless it is 1..60."""
    if not MIN_FPS <= fps <= MAX_FPS:
        raise InvalidRequest.of("fps", f"{fps}: must be {MIN_FPS} to {MAX_FPS}")


def _engine_problem(engine: str) -> str:
    return f"{engine!r} cannot make a video; text to video draws with {', '.join(VIDEO_ENGINES)}"


def _video_problems(req: VideoRequest) -> list[Problem]:
    out: list[Problem] = []
    if not 1 <= req.seconds <= MAX_VIDEO_SECONDS:  # also refuses NaN
        out.append(Problem("seconds", f"{req.seconds}: must be 1 to {MAX_VIDEO_SECONDS}"))
    if not MIN_FPS <= req.fps <= MAX_FPS:
        out.append(Problem("fps", f"{req.fps}: must be {MIN_FPS} to {MAX_FPS}"))
    if req.music is not None and req.music not in MUSIC_STYLES:
        out.append(Problem("music", f"unknown music {req.music!r}; use one of {', '.join(MUSIC_STYLES)}"))
    if not 0.0 <= req.music_volume <= 1.0:
        out.append(Problem("music_volume", f"{req.music_volume}: must be 0 to 1"))
    if req.engine is not None and req.engine not in VIDEO_ENGINES:
        out.append(Problem("engine", _engine_problem(req.engine)))
    return out


def _title_problems(title: str | None, title_seconds: float) -> list[Problem]:
    out: list[Problem] = []
    if title is not None and not title.strip():
        out.append(Problem("title", "must not be blank; leave it out for no title"))
    elif title is not None and len(title) > MAX_TITLE_CHARS:
        out.append(Problem("title", f"{len(title)} characters; at most {MAX_TITLE_CHARS}"))
    if not (0 < title_seconds <= MAX_VIDEO_SECONDS and math.isfinite(title_seconds)):
        out.append(Problem("title_seconds", f"{title_seconds}: must be above 0 and at most {MAX_VIDEO_SECONDS}"))
    return out
