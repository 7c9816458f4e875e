"""Text to video: a prompt becomes shots, the shots a draft, the draft an MP4.

It goes through the same draft and compositor as any export: the shots are
video segments whose sources are generated (``shot:<n>``), joined by
crossfades, with built-in music on an audio track and a title on a text track
when asked. The request (:class:`~frameloom.domain.video.VideoRequest`) is
checked in ``domain``; only the compose engine draws shots here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np

from frameloom.domain.images import ImageRequest
from frameloom.domain.video import VideoRequest
from frameloom.engines.compose.animate import ZOOMS, Film
from frameloom.engines.compose.engine import ComposeEngine
from frameloom.engines.registry import EngineRegistry
from frameloom.music import music_loop
from frameloom.render.compositor import RenderResult, SourceMap, render_draft
from frameloom.render.sources import VisualSource
from frameloom.render.text import TextStyle, render_text
from frameloom.timeline import AudioSegment, Draft, TextSegment, Track, TrackKind, Transition, VideoSegment
from frameloom.video.framing import CLEARANCE, needs_scrim, place, safe_area

CROSSFADE_MS = 600
TITLE_SIZE_AT_1080 = 96  # px on a 1080 px short side: a title, not a caption (SPEC section 5 example)
TITLE_FADE_MS = 500
SAMPLE_MS = 100  # how often the title's frames are checked for the subject


def film_for(request: VideoRequest, engine: ComposeEngine | None = None) -> Film:
    """Plan the scene at the closest shot's size and paint it there (one plan: the output size's
    own would lay the same scene out again)."""
    engine = engine or ComposeEngine()
    image = ImageRequest(prompt=request.prompt, width=request.width, height=request.height, seed=request.seed,
                         style=request.style)
    top = max(ZOOMS.values())
    hi_w, hi_h = int(request.width * top) // 2 * 2, int(request.height * top) // 2 * 2
    return Film(engine.scene_at(image, hi_w, hi_h), request.width, request.height, int(request.seconds * 1000),
                request.seed, _headroom(request))


def _headroom(request: VideoRequest) -> tuple[int, float]:
    """How long (ms) and how tall (px) a band the title needs above the subject:
    the safe zone's top, one line with a box's padding, the clearance."""
    if request.title is None:
        return (0, 0.0)
    size = TITLE_SIZE_AT_1080 * min(request.width, request.height) / 1080
    top = safe_area(request.width, request.height)[1]
    return (round(request.title_seconds * 1000), top + size * 2.4 + CLEARANCE * min(request.width, request.height))


def draft_for(request: VideoRequest, film: Film) -> Draft:
    """The draft that plays ``film``'s shots in turn, with music and a title when asked."""
    segments, start = [], 0
    for i, shot in enumerate(film.shots):
        transition = Transition("crossfade", CROSSFADE_MS) if i > 0 else Transition("fade", 400)
        segments.append(VideoSegment(id=f"s{i + 1}", start_ms=start, duration_ms=shot.duration_ms, src=f"shot:{i}",
                                     transition=transition, label=f"{shot.kind} shot"))
        start += shot.duration_ms
    tracks = [Track(id="v1", kind=TrackKind.VIDEO, name="Video", segments=tuple(segments)), *soundtrack(request, start)]
    if request.title is not None:
        duration = min(round(request.title_seconds * 1000), start)  # the whole video when it is shorter
        tracks.append(_title_track(request.title, duration, request.width, request.height, film))
    return video_draft(request, start, tracks)


def soundtrack(request: VideoRequest, duration_ms: int) -> list[Track]:
    """The built-in music under the whole video, when ``request`` asks for it."""
    if not request.music:
        return []
    music = AudioSegment(id="m1", start_ms=0, duration_ms=duration_ms, src=f"bgm:{request.music}",
                         volume=request.music_volume, fade_in_ms=500, fade_out_ms=1500, loop=True,
                         label=f"{request.music} music")
    return [Track(id="a1", kind=TrackKind.AUDIO, name="BGM", segments=(music,))]


def video_draft(request: VideoRequest, duration_ms: int, tracks: list[Track]) -> Draft:
    """A generated video's draft: ``tracks`` at the request's size and frame rate."""
    return Draft(version=1, duration_ms=duration_ms, width=request.width, height=request.height, fps=request.fps,
                 aspect=f"{request.width}:{request.height}", tracks=tuple(tracks))


def _title_track(text: str, duration_ms: int, width: int, height: int, film: Film) -> Track:
    """``text`` from 0 for ``duration_ms``, fading in and out, where it covers no
    main subject in any frame it shows over, inside the safe zone (``framing``);
    its size scales with the short side (px), a box behind it over a bright or busy picture."""
    size = max(1, round(TITLE_SIZE_AT_1080 * min(width, height) / 1080))
    fade = min(TITLE_FADE_MS, duration_ms // 4)
    # measured with the box's padding, the larger of the two treatments
    sprite = render_text(text, TextStyle(size=size, box=(0, 0, 0)), int(width * 0.9))
    spot = place((sprite.shape[1], sprite.shape[0]), width, height, subject_boxes(film, 0, duration_ms))
    size = max(1, round(size * spot.scale))
    scrim = needs_scrim(_luma_under(film, spot.box, duration_ms))
    title = TextSegment(id="t1", start_ms=0, duration_ms=duration_ms, text=text, size=size,
                        pos=(spot.cx / width, spot.cy / height), box="#000000" if scrim else False,
                        fade_in_ms=fade, fade_out_ms=fade)
    return Track(id="x1", kind=TrackKind.TEXT, name="Title", segments=(title,))


def _showing(film: Film, start_ms: int, end_ms: int) -> list[tuple[int, int]]:
    """(shot, local ms) pairs every ``SAMPLE_MS`` from ``start_ms`` to ``end_ms``
    for each shot on screen then (a shot plays on under the next one's crossfade)."""
    out, begin = [], 0
    for i, shot in enumerate(film.shots):
        last = begin + shot.duration_ms + (CROSSFADE_MS if i + 1 < len(film.shots) else 0)
        for t in range(max(start_ms, begin), min(end_ms, last) + 1, SAMPLE_MS):
            out.append((i, t - begin))
        begin += shot.duration_ms
    return out


def subject_boxes(film: Film, start_ms: int, end_ms: int) -> list[tuple[float, float, float, float]]:
    """The main subject's box (px of the frame) in every shot on screen between ``start_ms`` and ``end_ms``."""
    showing = _showing(film, start_ms, end_ms)
    players = {i: film.player(i) for i in {i for i, _ in showing}}
    boxes = (players[i].subject_box(ms) for i, ms in showing)
    return [b for b in boxes if b is not None]


def _luma_under(film: Film, box: tuple[float, float, float, float], end_ms: int) -> np.ndarray:
    """The luma (Y) under ``box`` in a few frames the title shows over."""
    picks = _showing(film, 0, end_ms)[:: max(1, len(_showing(film, 0, end_ms)) // 3)][:3]
    x0, y0, x1, y1 = (max(0, int(v)) for v in box)
    planes = [film.player(i).frame(ms)[: film.height][y0:y1, x0:x1] for i, ms in picks]
    return np.concatenate([p.ravel() for p in planes]) if planes else np.zeros(0, np.uint8)


def text_to_video(request: VideoRequest, target: Path, fmt: str = "mp4",
                  progress: Callable[[float], None] | None = None,
                  cancelled: Callable[[], bool] | None = None,
                  engines: EngineRegistry | None = None) -> RenderResult:
    """Render ``request`` to ``target`` through a draft and the compositor.
    The music is composed on a second thread while the scene is painted on this
    one (both mostly one core's work; the compositor then finds it cached).
    With ``engines``, an engine other than compose (the request's, else the
    registry's default) draws the shots instead (``video.engine_shots``)."""
    if engines is not None and (request.engine or engines.default) != "compose":
        from frameloom.video.engine_shots import engine_video

        return engine_video(request, engines.get(request.engine), target, fmt, progress, cancelled)
    music = threading.Thread(target=music_loop, args=(request.music, request.seed), daemon=True) \
        if request.music else None
    if music is not None:
        music.start()
    try:
        film = film_for(request)
        draft = draft_for(request, film)
    finally:
        if music is not None:
            music.join()

    def shot(index: int) -> Callable[[VideoSegment, int, int], VisualSource]:
        return lambda seg, width, height: film.player(index)

    media = SourceMap(visuals={f"shot:{i}": shot(i) for i in range(len(film.shots))}, music_seed=request.seed)
    return render_draft(draft, target, fmt, media=media, progress=progress, cancelled=cancelled)
