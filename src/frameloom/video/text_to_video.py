"""Text to video: a prompt becomes shots, the shots a draft, the draft an MP4.

It goes through the same draft and compositor as any export: the shots are
video segments whose sources are generated (``shot:<n>``), joined by
crossfades, with built-in music on an audio track when asked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from frameloom.domain.errors import InvalidRequest, Problem
from frameloom.domain.images import ImageRequest
from frameloom.engines.compose.animate import ZOOMS, Film
from frameloom.engines.compose.engine import ComposeEngine
from frameloom.render.compositor import Media, RenderResult, render_draft
from frameloom.render.sources import VisualSource
from frameloom.timeline import AudioSegment, Draft, Track, TrackKind, Transition, VideoSegment

MAX_SECONDS = 300
CROSSFADE_MS = 600
MUSIC_STYLES = ("lofi", "ambient", "upbeat", "cinematic")


@dataclass(frozen=True)
class VideoRequest:
    """A text-to-video request: ``seconds`` of ``width`` x ``height`` at ``fps``;
    ``music`` a built-in style (or None) at ``music_volume`` (0..1)."""

    prompt: str
    seconds: float = 8.0
    width: int = 1920
    height: int = 1080
    fps: int = 30
    seed: int = 0
    style: str | None = None
    music: str | None = None
    music_volume: float = 0.35

    def __post_init__(self) -> None:
        problems = []
        if not 1 <= self.seconds <= MAX_SECONDS:
            problems.append(Problem("seconds", f"{self.seconds}: must be 1 to {MAX_SECONDS}"))
        if self.music is not None and self.music not in MUSIC_STYLES:
            problems.append(Problem("music", f"unknown music {self.music!r}; use one of {', '.join(MUSIC_STYLES)}"))
        if not 1 <= self.fps <= 60:
            problems.append(Problem("fps", f"{self.fps}: must be 1 to 60"))
        if problems:
            raise InvalidRequest(problems)


def film_for(request: VideoRequest, engine: ComposeEngine | None = None) -> Film:
    """Plan the scene at the output size and paint it at the closest shot's size."""
    engine = engine or ComposeEngine()
    image = ImageRequest(prompt=request.prompt, width=request.width, height=request.height, seed=request.seed,
                         style=request.style)
    top = max(ZOOMS.values())
    hi_w, hi_h = int(request.width * top) // 2 * 2, int(request.height * top) // 2 * 2
    return Film(engine.scene(image, request.seed), engine.scene_at(image, hi_w, hi_h),
                int(request.seconds * 1000), request.seed)


def draft_for(request: VideoRequest, film: Film) -> Draft:
    """The draft that plays ``film``'s shots in turn, with music when asked."""
    segments, start = [], 0
    for i, shot in enumerate(film.shots):
        transition = Transition("crossfade", CROSSFADE_MS) if i > 0 else Transition("fade", 400)
        segments.append(VideoSegment(id=f"s{i + 1}", start_ms=start, duration_ms=shot.duration_ms, src=f"shot:{i}",
                                     transition=transition, label=f"{shot.kind} shot"))
        start += shot.duration_ms
    tracks = [Track(id="v1", kind=TrackKind.VIDEO, name="Video", segments=tuple(segments))]
    if request.music:
        music = AudioSegment(id="m1", start_ms=0, duration_ms=start, src=f"bgm:{request.music}",
                             volume=request.music_volume, fade_in_ms=500, fade_out_ms=1500, loop=True,
                             label=f"{request.music} music")
        tracks.append(Track(id="a1", kind=TrackKind.AUDIO, name="BGM", segments=(music,)))
    aspect = f"{request.width}:{request.height}"
    return Draft(version=1, duration_ms=start, width=request.width, height=request.height, fps=request.fps,
                 aspect=aspect, tracks=tuple(tracks))


def text_to_video(request: VideoRequest, target: Path, fmt: str = "mp4",
                  progress: Callable[[float], None] | None = None,
                  cancelled: Callable[[], bool] | None = None) -> RenderResult:
    """Render ``request`` to ``target`` through a draft and the compositor."""
    film = film_for(request)
    draft = draft_for(request, film)

    def shot(index: int) -> Callable[[VideoSegment, int, int], VisualSource]:
        return lambda seg, width, height: film.player(index)

    media = Media(visuals={f"shot:{i}": shot(i) for i in range(len(film.shots))}, music_seed=request.seed)
    return render_draft(draft, target, fmt, media=media, progress=progress, cancelled=cancelled)
