"""Text to video: shots planned from the prompt, played with parallax and life,
joined by crossfades through a draft and the compositor, with built-in music and a title.
(The request's own checks are in tests/domain/test_video.py.)"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TypedDict

import av
import numpy as np
import pytest
from PIL import Image

from frameloom.domain.video import VideoRequest
from frameloom.timeline import AudioSegment, TextSegment, TrackKind, VideoSegment
from frameloom.timeline.summary import summary
from frameloom.video.text_to_video import CROSSFADE_MS, draft_for, film_for, text_to_video


class Size(TypedDict):
    width: int
    height: int


SMALL: Size = {"width": 320, "height": 176}


@pytest.fixture(scope="module")
def film_request() -> VideoRequest:
    return VideoRequest(prompt="a fox reading a book in a forest at sunset", seconds=12, music="lofi", seed=4,
                        **SMALL)


def test_shots_go_wide_medium_close_and_fill_the_length() -> None:
    film = film_for(VideoRequest(prompt="a fox reading a book in a forest", seconds=12, seed=4, **SMALL))
    assert [s.kind for s in film.shots] == ["wide", "medium", "close"]
    assert sum(s.duration_ms for s in film.shots) == 12000
    assert film.shots[0].zoom < film.shots[1].zoom < film.shots[2].zoom


def test_the_draft_joins_shots_with_crossfades_and_carries_the_music(film_request: VideoRequest) -> None:
    film = film_for(film_request)
    draft = draft_for(film_request, film)
    video = next(t for t in draft.tracks if t.kind == TrackKind.VIDEO)
    assert [s.start_ms for s in video.segments] == [sum(x.duration_ms for x in film.shots[:i])
                                                   for i in range(len(film.shots))]
    assert all(isinstance(s, VideoSegment) and s.transition is not None and s.transition.kind == "crossfade"
               and s.transition.duration_ms == CROSSFADE_MS for s in video.segments[1:])
    audio = next(t for t in draft.tracks if t.kind == TrackKind.AUDIO).segments[0]
    assert isinstance(audio, AudioSegment)
    assert audio.src == "bgm:lofi"
    assert audio.volume == pytest.approx(0.35)
    assert summary(draft).startswith("Timeline (2 tracks)")


def test_layers_move_at_different_speeds(film_request: VideoRequest) -> None:
    film = film_for(film_request)
    player = film.player(0)
    start, end = player.offsets(0), player.offsets(film.shots[0].duration_ms)
    moved = {g.name: abs(e[0] - s[0]) + abs(e[1] - s[1])
             for (g, _), s, e in zip(player.images, start, end, strict=True)}
    assert moved["sky"] <= moved["far"] < moved["near"] < moved["front"]


def test_the_scene_is_alive_rain_falls_between_frames() -> None:
    film = film_for(VideoRequest(prompt="a city street in the rain at night", seconds=4, seed=2, **SMALL))
    player = film.player(0)
    a, b = player.frame(1000).astype(np.int16), player.frame(1033).astype(np.int16)
    assert (np.abs(a - b) > 8).mean() > 0.002, "streaks moved"


def test_text_to_video_writes_an_mp4_with_music(tmp_path: Path) -> None:
    request = VideoRequest(prompt="a futuristic city skyline at night with neon lights", seconds=3,
                           music="ambient", seed=1, **SMALL)
    seen: list[float] = []
    result = text_to_video(request, tmp_path / "city.mp4", progress=seen.append)
    assert seen[-1] == 1.0
    with av.open(str(result.path)) as container:
        video, audio = container.streams.video[0], container.streams.audio[0]
        assert (video.codec_context.name, video.width, video.height) == ("h264", 320, 176)
        assert video.average_rate == 30
        assert audio.codec_context.name == "aac"
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    assert len(frames) == 90
    assert frames[0].mean() < 25, "fades in from black"
    assert frames[45].mean() > 20
    assert np.abs(frames[40].astype(int) - frames[80].astype(int)).mean() > 1, "the camera moves"


def test_neon_signs_flicker() -> None:
    film = film_for(VideoRequest(prompt="a futuristic city skyline at night with neon lights", seconds=4, seed=1,
                                 width=640, height=360))
    player = film.player(0)
    assert player.painted.emitters, "the skyline's neon is known to the video"
    frames = [player.frame(ms).astype(np.int16) for ms in range(0, 2000, 100)]
    assert max(np.abs(f - frames[0]).max() for f in frames[1:]) > 20


# --- the title -----------------------------------------------------------------------------------------


def title_track(request: VideoRequest) -> TextSegment:
    draft = draft_for(request, film_for(request))
    (track,) = [t for t in draft.tracks if t.kind == TrackKind.TEXT]
    (segment,) = track.segments
    assert isinstance(segment, TextSegment)
    return segment


def test_the_title_is_a_text_segment_from_0_that_fades_in_and_out() -> None:
    request = VideoRequest(prompt="a city at night", seconds=8, title="Urban Dreams", seed=1)
    title = title_track(request)
    assert (title.text, title.start_ms, title.duration_ms) == ("Urban Dreams", 0, 3000)
    assert isinstance(title.pos, tuple)
    assert title.pos[0] == 0.5, "centred across (where it goes: test_titles.py)"
    assert title.fade_in_ms == title.fade_out_ms == 500
    assert title.size == 96, "SPEC section 5's title size at 1080p"
    draft = draft_for(request, film_for(request))
    assert 'Title: "Urban Dreams" (0-3s)' in summary(draft)


def test_the_title_scales_with_the_short_side_and_lasts_at_most_the_video() -> None:
    title = title_track(VideoRequest(prompt="a city", seconds=2, title="城市", title_seconds=5, seed=1,
                                     width=1080, height=1920))
    assert title.size == 96
    assert title.duration_ms == 2000
    assert title.fade_in_ms + title.fade_out_ms <= title.duration_ms
    assert title_track(VideoRequest(prompt="a city", title="x", seed=1, width=640, height=360)).size == 32


def test_no_title_no_text_track(film_request: VideoRequest) -> None:
    draft = draft_for(film_request, film_for(film_request))
    assert all(t.kind != TrackKind.TEXT for t in draft.tracks)


def frame_at(path: Path, seconds: float) -> np.ndarray:
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            if frame.time is not None and frame.time >= seconds:
                return frame.to_ndarray(format="rgb24")
    raise AssertionError(f"no frame at {seconds} s in {path}")


def test_the_title_is_drawn_over_the_video(tmp_path: Path) -> None:
    base = VideoRequest(prompt="a city street at night", seconds=2, seed=3, width=640, height=360)
    titled = text_to_video(replace(base, title="URBAN DREAMS"), tmp_path / "titled.mp4")
    plain = text_to_video(base, tmp_path / "plain.mp4")
    with_title, without = frame_at(titled.path, 1.0), frame_at(plain.path, 1.0)
    Image.fromarray(with_title).save(tmp_path / "titled-1s.png")  # to look at when this fails
    white = (with_title.min(axis=2) > 200) & ((with_title.astype(int) - without).min(axis=2) > 40)
    draft = draft_for(replace(base, title="URBAN DREAMS"), film_for(replace(base, title="URBAN DREAMS")))
    (seg,) = next(t for t in draft.tracks if t.kind == TrackKind.TEXT).segments
    assert isinstance(seg, TextSegment)
    assert isinstance(seg.pos, tuple)
    cy = round(seg.pos[1] * 360)
    band = slice(cy - 32, cy + 32)  # a 32 px title across the frame at its height
    assert white[band, 160:480].sum() > 400, "bright letters in the title's band"
    assert white[band].sum() > 0.9 * white.sum(), "and nowhere else"
    rest = slice(cy + 60, 360) if cy < 180 else slice(0, cy - 60)
    assert np.abs(with_title[rest].astype(int) - without[rest]).mean() < 3, "the picture around it is unchanged"
