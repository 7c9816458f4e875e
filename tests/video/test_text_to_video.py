"""Text to video: shots planned from the prompt, played with parallax and life,
joined by crossfades through a draft and the compositor, with built-in music."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from frameloom.domain.errors import InvalidRequest
from frameloom.studio.text_to_video import CROSSFADE_MS, VideoRequest, draft_for, film_for, text_to_video
from frameloom.timeline import TrackKind
from frameloom.timeline.summary import summary

SMALL = {"width": 320, "height": 176}


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
    assert all(s.transition is not None and s.transition.kind == "crossfade"
               and s.transition.duration_ms == CROSSFADE_MS for s in video.segments[1:])
    audio = next(t for t in draft.tracks if t.kind == TrackKind.AUDIO).segments[0]
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


@pytest.mark.parametrize(("field", "kwargs"), [("seconds", {"seconds": 0.5}), ("music", {"music": "polka"}),
                                               ("fps", {"fps": 0})])
def test_bad_requests_name_the_field(field: str, kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidRequest) as caught:
        VideoRequest(prompt="a fox", **kwargs)  # type: ignore[arg-type]
    assert caught.value.problems[0].field == field


def test_neon_signs_flicker() -> None:
    film = film_for(VideoRequest(prompt="a futuristic city skyline at night with neon lights", seconds=4, seed=1,
                                 width=640, height=360))
    player = film.player(0)
    assert player.painted.emitters, "the skyline's neon is known to the video"
    frames = [player.frame(ms).astype(np.int16) for ms in range(0, 2000, 100)]
    assert max(np.abs(f - frames[0]).max() for f in frames[1:]) > 20
