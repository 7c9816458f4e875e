"""The compositor renders drafts to real files; every file is read back with
PyAV (the facts ffprobe would print) or Pillow, and its content is checked.

Sizes are small (320x180, 640x360) and clips short so the suite stays fast.
"""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from PIL import Image

from frameloom.domain.errors import Cancelled, InvalidRequest
from frameloom.render.compositor import SourceMap, output_size, render_draft
from frameloom.render.export import FORMATS
from frameloom.render.frames import black
from frameloom.render.text import missing_glyphs
from frameloom.timeline.parse import parse_draft

W, H = 320, 180


def draft(duration_ms: int, tracks: list[dict[str, Any]], w: int = W, h: int = H, fps: int = 30) -> Any:
    return parse_draft({"v": 1, "d": duration_ms, "m": {"w": w, "h": h, "fps": fps}, "t": tracks})


def video_track(*segments: dict[str, Any]) -> dict[str, Any]:
    return {"id": "v1", "tt": 0, "m": {"name": "Video"}, "sg": list(segments)}


def seg(sid: str, start: int, dur: int, **meta: Any) -> dict[str, Any]:
    return {"id": sid, "s": start, "d": dur, "m": meta}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Real media made by the test: solid images, a two-colour video with a tone, a WAV tone."""
    folder = tmp_path_factory.mktemp("media")
    out = {}
    for name, colour in (("red", (220, 30, 30)), ("blue", (30, 30, 220)), ("grey", (60, 60, 60))):
        path = folder / f"{name}.png"
        Image.new("RGB", (640, 360), colour).save(path)
        out[name] = path
    for name, colour in (("blue_square", (30, 30, 220)), ("white_square", (235, 235, 235))):
        path = folder / f"{name}.png"
        Image.new("RGB", (360, 360), colour).save(path)
        out[name] = path
    out["clip"] = _make_clip(folder / "clip.mp4")
    out["tone"] = _make_tone(folder / "tone.wav", seconds=0.5)
    return out


def _make_clip(path: Path) -> Path:
    """2 s at 30 fps, 320x240: red for the first second, blue after; a 440 Hz tone."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = 320, 240, "yuv420p"
        for i in range(60):
            rgb = np.zeros((240, 320, 3), np.uint8)
            rgb[...] = (220, 30, 30) if i < 30 else (30, 30, 220)
            frame = av.VideoFrame.from_ndarray(rgb, format="rgb24")
            frame.pts = i
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


def _make_tone(path: Path, seconds: float) -> Path:
    t = np.arange(int(48000 * seconds)) / 48000
    samples = (0.5 * np.sin(2 * math.pi * 440 * t) * 32767).astype(np.int16)
    with av.open(str(path), "w", format="wav") as container:
        stream = container.add_stream("pcm_s16le", rate=48000, layout="mono")
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = 48000
        frame.pts = 0
        frame.time_base = Fraction(1, 48000)
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


def frames_of(path: Path) -> list[np.ndarray]:
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]


def audio_of(path: Path) -> np.ndarray:
    with av.open(str(path)) as container:
        parts = [f.to_ndarray() for f in container.decode(audio=0)]
    data = np.concatenate(parts, axis=1).astype(np.float32)
    return data / 32768.0 if np.abs(data).max() > 2 else data


def rms_db(x: np.ndarray) -> float:
    return 20 * math.log10(float(np.sqrt(np.mean(x**2))) + 1e-12)


class TestMp4:
    def test_facts_of_an_mp4_with_motion_a_title_and_music(self, files: dict[str, Path], tmp_path: Path) -> None:
        d = draft(2000, [
            video_track(seg("s1", 0, 2000, src="red", motion="zoom_in")),
            {"id": "a1", "tt": 1, "sg": [seg("s2", 0, 2000, src="bgm:lofi", volume=0.35, fade_out=300)]},
            {"id": "x1", "tt": 7, "sg": [seg("s3", 0, 1000, text="Urban Dreams", size=40, pos="center")]},
        ], w=640, h=360)
        result = render_draft(d, tmp_path / "out.mp4", media=SourceMap(files={"red": files["red"]}))
        with av.open(str(result.path)) as container:
            video, audio = container.streams.video[0], container.streams.audio[0]
            assert video.codec_context.name == "h264"
            assert video.codec_context.pix_fmt == "yuv420p"
            assert (video.width, video.height) == (640, 360)
            assert video.average_rate == 30
            assert container.duration is not None
            assert abs(container.duration / 1e6 - 2.0) <= 1 / 30
            assert audio.codec_context.name == "aac"
            assert audio.rate == 48000
            assert audio.channels == 2
        head = result.path.read_bytes()[:200_000]
        assert head.find(b"moov") < head.find(b"mdat"), "fast start: the index comes first"
        assert result.frames == 60

    def test_a_title_shows_in_its_time_range_and_is_gone_after(self, files: dict[str, Path],
                                                               tmp_path: Path) -> None:
        d = draft(2000, [
            video_track(seg("s1", 0, 2000, src="grey")),
            {"id": "x1", "tt": 7, "sg": [seg("s3", 500, 1000, text="HELLO", size=60, color="#FFFFFF")]},
        ])
        frames = frames_of(render_draft(d, tmp_path / "t.mp4", media=SourceMap(files={"grey": files["grey"]})).path)
        centre = (slice(H // 3, 2 * H // 3), slice(W // 4, 3 * W // 4))
        white = [(f[centre].min(axis=2) > 200).mean() for f in frames]
        assert white[5] < 0.001, "before the title"
        assert white[30] > 0.05, "during the title"
        assert white[55] < 0.001, "after the title"

    def test_a_crossfade_midpoint_mixes_both_sources(self, files: dict[str, Path], tmp_path: Path) -> None:
        d = draft(2000, [video_track(
            seg("s1", 0, 1000, src="red"),
            seg("s2", 1000, 1000, src="blue", transition={"type": "crossfade", "d": 600}),
        )])
        frames = frames_of(render_draft(d, tmp_path / "x.mp4", media=SourceMap(files=files)).path)
        before, middle, after = (frames[i].reshape(-1, 3).mean(axis=0) for i in (20, 39, 55))
        assert before[0] > 180 > before[2] + 100
        assert after[2] > 180 > after[0] + 100
        assert 80 < middle[0] < 160
        assert 80 < middle[2] < 160

    def test_a_fade_starts_from_black(self, files: dict[str, Path], tmp_path: Path) -> None:
        d = draft(1000, [video_track(seg("s1", 0, 1000, src="red", transition={"type": "fade", "d": 500}))])
        frames = frames_of(render_draft(d, tmp_path / "f.mp4", media=SourceMap(files=files)).path)
        assert frames[0].mean() < 20
        assert frames[7].mean() > frames[1].mean() + 20
        assert frames[20][..., 0].mean() > 180

    def test_a_video_clip_plays_from_its_in_point(self, files: dict[str, Path], tmp_path: Path) -> None:
        d = draft(1000, [video_track(seg("s1", 0, 1000, src="clip", **{"in": 1000}))])
        frames = frames_of(render_draft(d, tmp_path / "v.mp4", media=SourceMap(files=files)).path)
        first = frames[0].reshape(-1, 3).mean(axis=0)
        assert first[2] > 150 > first[0], "blue: the clip's second half"

    def test_a_chinese_title_renders_glyphs_not_boxes(self, files: dict[str, Path], tmp_path: Path) -> None:
        text = "夕阳下森林里读书的狐狸"
        assert missing_glyphs(text) == []
        d = draft(500, [
            video_track(seg("s1", 0, 500, src="grey")),
            {"id": "x1", "tt": 7, "sg": [seg("s2", 0, 500, text=text, size=22)]},
        ])
        frame = frames_of(render_draft(d, tmp_path / "zh.mp4", media=SourceMap(files=files)).path)[5]
        ink = frame.min(axis=2) > 200
        rows = np.nonzero(ink.any(axis=1))[0]
        cols = np.nonzero(ink.any(axis=0))[0]
        assert ink.sum() > 600
        assert cols.max() - cols.min() > W * 0.6, "eleven glyphs wide"
        assert rows.max() - rows.min() < H * 0.4


RED, BLUE = np.array([220, 30, 30]), np.array([30, 30, 220])


def colour_at(frame: np.ndarray, cols: slice) -> np.ndarray:
    """The mean RGB of the middle rows of ``frame`` over the columns ``cols``."""
    mean: np.ndarray = frame[H // 3: 2 * H // 3, cols].reshape(-1, 3).mean(axis=0)
    return mean


def near(rgb: np.ndarray, expected: np.ndarray, tolerance: float = 12) -> bool:
    return bool(np.abs(rgb - expected).max() <= tolerance)


LEFT, CENTRE, RIGHT = slice(8, 60), slice(W // 2 - 40, W // 2 + 40), slice(W - 60, W - 8)


class TestLayers:
    """Every video track is drawn, the first one lowest; a square picture
    contained in 320x180 covers the middle 180 columns (70 to 250)."""

    def test_a_lower_track_shows_through_a_contained_picture_and_black_when_it_ends(
            self, files: dict[str, Path], tmp_path: Path) -> None:
        d = draft(2000, [
            video_track(seg("s1", 0, 1000, src="red")),
            {"id": "v2", "tt": 0, "sg": [seg("s2", 0, 2000, src="blue_square", fit="contain")]},
        ])
        frames = frames_of(render_draft(d, tmp_path / "pip.mp4", media=SourceMap(files=files)).path)
        over_red, over_nothing = frames[15], frames[45]
        assert near(colour_at(over_red, LEFT), RED)
        assert near(colour_at(over_red, RIGHT), RED)
        assert near(colour_at(over_red, CENTRE), BLUE)
        assert colour_at(over_nothing, LEFT).max() < 25, "black where no track is below"
        assert near(colour_at(over_nothing, CENTRE), BLUE)

    def test_a_contained_moving_picture_has_no_dark_seam_over_a_lower_track(
            self, files: dict[str, Path], tmp_path: Path) -> None:
        d = draft(1000, [
            video_track(seg("s1", 0, 1000, src="red")),
            {"id": "v2", "tt": 0, "sg": [seg("s2", 0, 1000, src="white_square", fit="contain", motion="zoom_in")]},
        ])
        for frame in frames_of(render_draft(d, tmp_path / "zoom.mp4", media=SourceMap(files=files)).path)[::5]:
            row = frame[H // 2].astype(int)
            assert row.max(axis=1).min() > 150, "every column is red or white, none dark"
            white = np.nonzero(row.min(axis=1) > 200)[0]
            assert 170 <= white.max() - white.min() + 1 <= 215, "the square, zooming in from 180 px"
            assert near(colour_at(frame, LEFT), RED)

    @pytest.mark.parametrize("motion", ["pan_left", "pan_right", "ken_burns"])
    def test_a_moving_cover_picture_hides_the_lower_track_edge_to_edge(self, motion: str, files: dict[str, Path],
                                                                        tmp_path: Path) -> None:
        d = draft(1000, [
            video_track(seg("s1", 0, 1000, src="blue")),
            {"id": "v2", "tt": 0, "sg": [seg("s2", 0, 1000, src="red", motion=motion)]},
        ])
        for frame in frames_of(render_draft(d, tmp_path / "pan.mp4", media=SourceMap(files=files)).path)[::3]:
            edges = np.concatenate([frame[:, :4], frame[:, -4:]], axis=1).reshape(-1, 3).mean(axis=0)
            assert near(edges, RED)

    def test_a_crossfade_with_nothing_before_it_fades_over_the_lower_track_not_black(
            self, files: dict[str, Path], tmp_path: Path) -> None:
        d = draft(2000, [
            video_track(seg("s1", 0, 2000, src="red")),
            {"id": "v2", "tt": 0, "sg": [seg("s2", 1000, 1000, src="blue",
                                              transition={"type": "crossfade", "d": 600})]},
        ])
        frames = frames_of(render_draft(d, tmp_path / "over.mp4", media=SourceMap(files=files)).path)
        assert near(colour_at(frames[29], CENTRE), RED)
        assert near(colour_at(frames[39], CENTRE), (RED + BLUE) / 2, 15), "half way: red and blue, not black"
        assert near(colour_at(frames[50], CENTRE), BLUE)

    def test_a_fade_in_blends_over_the_lower_track(self, files: dict[str, Path], tmp_path: Path) -> None:
        d = draft(1000, [
            video_track(seg("s1", 0, 1000, src="red")),
            {"id": "v2", "tt": 0, "sg": [seg("s2", 0, 1000, src="blue", transition={"type": "fade", "d": 500})]},
        ])
        frames = frames_of(render_draft(d, tmp_path / "fade.mp4", media=SourceMap(files=files)).path)
        assert near(colour_at(frames[0], CENTRE), RED)
        assert near(colour_at(frames[15], CENTRE), BLUE)

    def test_a_crossfade_between_contained_pictures_keeps_the_lower_track_in_the_bars(
            self, files: dict[str, Path], tmp_path: Path) -> None:
        d = draft(2000, [
            video_track(seg("s1", 0, 2000, src="red")),
            {"id": "v2", "tt": 0, "sg": [
                seg("s2", 0, 1000, src="white_square", fit="contain"),
                seg("s3", 1000, 1000, src="blue_square", fit="contain", transition={"type": "crossfade", "d": 600}),
            ]},
        ])
        frames = frames_of(render_draft(d, tmp_path / "xf.mp4", media=SourceMap(files=files)).path)
        middle = frames[39]
        assert near(colour_at(middle, LEFT), RED)
        assert near(colour_at(middle, RIGHT), RED)
        assert near(colour_at(middle, CENTRE), (np.array([235, 235, 235]) + BLUE) / 2, 15), \
            "the outgoing white plays on under the incoming blue"


    def test_a_track_hidden_by_an_opaque_picture_above_is_not_even_drawn(self, files: dict[str, Path],
                                                                         tmp_path: Path) -> None:
        asked: list[int] = []

        class Counting:
            def frame(self, local_ms: int) -> np.ndarray:
                asked.append(local_ms)
                return black(W, H)

            def close(self) -> None:
                return None

        d = draft(1000, [
            video_track(seg("s1", 0, 1000, src="hidden")),
            {"id": "v2", "tt": 0, "sg": [seg("s2", 0, 500, src="red"),
                                         seg("s3", 500, 500, src="red", transition={"type": "fade", "d": 100})]},
        ])
        sources = SourceMap(files=files, visuals={"hidden": lambda segment, width, height: Counting()})
        render_draft(d, tmp_path / "hidden.mp4", media=sources)
        assert asked == [500, 533, 566], "only while the fade lets it through"


class TestAudio:
    def test_music_at_35_percent_is_about_9_db_further_under_the_other_tracks(
            self, files: dict[str, Path], tmp_path: Path) -> None:
        """The export is mastered to one loudness, so a volume is relative to the other tracks."""
        gaps = []
        for volume in (1.0, 0.35):
            d = draft(3000, [{"id": "a1", "tt": 1, "sg": [seg("s1", 0, 1500, src="bgm:ambient", volume=volume)]},
                             {"id": "a2", "tt": 1, "sg": [seg("s2", 1500, 1500, src="tone", volume=1.0, loop=True)]}])
            samples = audio_of(render_draft(d, tmp_path / f"m{volume}.wav", "wav",
                                            media=SourceMap(files=files)).path)
            # wav decodes interleaved: [:, 2 * i] is sample i; 0.25-1.25 s is music, 1.75-2.75 s the tone
            gaps.append(rms_db(samples[:, 24000:120000]) - rms_db(samples[:, 168000:264000]))
        assert gaps[1] - gaps[0] == pytest.approx(20 * math.log10(0.35), abs=0.6)

    def test_a_short_sound_loops_and_the_mix_never_clips(self, files: dict[str, Path], tmp_path: Path) -> None:
        tracks = [{"id": f"a{i}", "tt": 1, "sg": [seg(f"s{i}", 0, 2000, src="tone", volume=1.0, loop=True)]}
                  for i in range(4)]
        samples = audio_of(render_draft(draft(2000, tracks), tmp_path / "l.wav", "wav",
                                        media=SourceMap(files=files)).path)
        assert np.abs(samples).max() <= 1.0
        second_half = samples[:, 30000:90000]
        assert np.sqrt((second_half**2).mean()) > 0.1, "the 0.5 s tone keeps playing (mastered to -14 LUFS)"

    def test_fades_shape_the_level(self, tmp_path: Path) -> None:
        d = draft(2000, [{"id": "a1", "tt": 1, "sg": [seg("s1", 0, 2000, src="bgm:upbeat", fade_in=1000)]}])
        samples = audio_of(render_draft(d, tmp_path / "fade.wav", "wav").path)
        assert rms_db(samples[:, :9600]) < rms_db(samples[:, 48000:57600]) - 10


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_writes_a_file_that_opens(fmt: str, files: dict[str, Path], tmp_path: Path) -> None:
    d = draft(1000, [
        video_track(seg("s1", 0, 1000, src="clip", motion="pan_left", **{"in": 500})),
        {"id": "a1", "tt": 1, "sg": [seg("s2", 0, 1000, src="bgm:lofi", volume=0.5)]},
    ])
    result = render_draft(d, tmp_path / f"out.{fmt}", fmt, media=SourceMap(files=files))
    assert result.path.stat().st_size > 100
    if fmt in ("gif", "webp", "jpg", "png"):
        with Image.open(result.path) as img:
            assert img.size == (W, H)
            if fmt in ("gif", "webp"):
                assert getattr(img, "n_frames", 1) > 1, "red, then blue"
        return
    with av.open(str(result.path)) as container:
        kinds = {s.type for s in container.streams}
        assert "audio" in kinds
        assert ("video" in kinds) == (fmt in ("mp4", "mov", "webm", "mkv", "avi"))
    assert list(tmp_path.glob("*.part*")) == []


def test_cancelling_stops_between_frames_and_leaves_no_file(files: dict[str, Path], tmp_path: Path) -> None:
    d = draft(2000, [video_track(seg("s1", 0, 2000, src="red"))])
    calls = {"n": 0}

    def cancelled() -> bool:
        calls["n"] += 1
        return calls["n"] > 10

    with pytest.raises(Cancelled):
        render_draft(d, tmp_path / "c.mp4", media=SourceMap(files=files), cancelled=cancelled)
    assert list(tmp_path.iterdir()) == []


def test_progress_rises_to_one(files: dict[str, Path], tmp_path: Path) -> None:
    seen: list[float] = []
    render_draft(draft(1000, [video_track(seg("s1", 0, 1000, src="red"))]), tmp_path / "p.mp4",
                 media=SourceMap(files=files), progress=seen.append)
    assert seen == sorted(seen)
    assert seen[-1] == 1.0
    assert len(seen) >= 5


def test_sizes_up_to_1080_by_1920_either_way() -> None:
    d = draft(1000, [], w=1920, h=1080)
    assert output_size(d, 1080, 1920) == (1080, 1920)
    assert output_size(d, None, None) == (1920, 1080)
    assert output_size(d, 1280, None) == (1280, 720)
    with pytest.raises(InvalidRequest):
        output_size(d, 1920, 1200)


def test_an_unknown_format_or_media_is_a_clear_error(tmp_path: Path) -> None:
    d = draft(1000, [video_track(seg("s1", 0, 1000, src="nowhere"))])
    with pytest.raises(InvalidRequest, match="format"):
        render_draft(d, tmp_path / "x.flv", "flv")
    with pytest.raises(InvalidRequest, match="nowhere"):
        render_draft(d, tmp_path / "x.mp4")
    assert list(tmp_path.iterdir()) == []


def test_an_export_gets_ordinary_file_permissions(files: dict[str, Path], tmp_path: Path) -> None:
    import os

    result = render_draft(draft(500, [video_track(seg("s1", 0, 500, src="red"))]), tmp_path / "p.mp4",
                          media=SourceMap(files=files))
    umask = os.umask(0)
    os.umask(umask)
    assert result.path.stat().st_mode & 0o777 == 0o666 & ~umask
