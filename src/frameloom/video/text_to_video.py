"""Text to video: a prompt becomes shots, the shots a draft, the draft an MP4.

It goes through the same draft and compositor as any export: the shots are
video segments whose sources are generated (``shot:<n>``), joined by
crossfades, with built-in music on an audio track and a title on a text track
when asked. The request (:class:`~frameloom.domain.video.VideoRequest`) is
checked in ``domain``; only the compose engine draws shots here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from frameloom.domain.images import ImageRequest
from frameloom.domain.video import VideoRequest
from frameloom.engines.compose.animate import ZOOMS, Film
from frameloom.engines.compose.engine import ComposeEngine
from frameloom.render.compositor import RenderResult, SourceMap, render_draft
from frameloom.render.sources import VisualSource
from frameloom.timeline import AudioSegment, Draft, TextSegment, Track, TrackKind, Transition, VideoSegment

CROSSFADE_MS = 600
TITLE_SIZE_AT_1080 = 96  # px on a 1080 px short side: a title, not a caption (SPEC section 5 example)
TITLE_FADE_MS = 500


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
    """The draft that plays ``film``'s shots in turn, with music and a title when asked."""
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
    if request.title is not None:
        duration = min(round(request.title_seconds * 1000), start)  # the whole video when it is shorter
        tracks.append(_title_track(request.title, duration, min(request.width, request.height)))
    aspect = f"{request.width}:{request.height}"
    return Draft(version=1, duration_ms=start, width=request.width, height=request.height, fps=request.fps,
                 aspect=aspect, tracks=tuple(tracks))


def _title_track(text: str, duration_ms: int, short_side: int) -> Track:
    """``text`` centred from 0 for ``duration_ms``, fading in and out; its size scales with the short side (px)."""
    size = max(1, round(TITLE_SIZE_AT_1080 * short_side / 1080))
    fade = min(TITLE_FADE_MS, duration_ms // 4)
    title = TextSegment(id="t1", start_ms=0, duration_ms=duration_ms, text=text, size=size, pos="center",
                        fade_in_ms=fade, fade_out_ms=fade)
    return Track(id="x1", kind=TrackKind.TEXT, name="Title", segments=(title,))


def text_to_video(request: VideoRequest, target: Path, fmt: str = "mp4",
                  progress: Callable[[float], None] | None = None,
                  cancelled: Callable[[], bool] | None = None) -> RenderResult:
    """Render ``request`` to ``target`` through a draft and the compositor."""
    film = film_for(request)
    draft = draft_for(request, film)

    def shot(index: int) -> Callable[[VideoSegment, int, int], VisualSource]:
        return lambda seg, width, height: film.player(index)

    media = SourceMap(visuals={f"shot:{i}": shot(i) for i in range(len(film.shots))}, music_seed=request.seed)
    return render_draft(draft, target, fmt, media=media, progress=progress, cancelled=cancelled)
