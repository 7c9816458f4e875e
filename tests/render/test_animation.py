"""Animated GIF and WebP: web defaults, one palette, changed rectangles, exact delays, streamed."""

from __future__ import annotations

import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from frameloom.jobs.verify import check_output
from frameloom.render.animation import AnimationWriter, sample_times, shared_palette, web_defaults
from frameloom.render.compositor import SourceMap, render_draft
from frameloom.render.export import OutputSpec
from frameloom.render.frames import rgb_to_i420
from frameloom.timeline import parse_draft


@pytest.fixture(scope="module")
def picture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 1920x1080 picture with gradients and detail (a sky, a sun, a grid of windows)."""
    h, w = 1080, 1920
    y, x = np.mgrid[0:h, 0:w]
    rgb = np.stack([40 + 120 * y / h, 20 + 60 * x / w, 160 - 100 * y / h], axis=-1)
    rgb[(x - 1400) ** 2 + (y - 300) ** 2 < 120**2] = (255, 230, 160)
    rgb[(y > 600) & ((x // 40 + y // 40) % 3 == 0)] = (250, 200, 80)
    path = tmp_path_factory.mktemp("pic") / "city.png"
    Image.fromarray(rgb.astype(np.uint8)).save(path)
    return path


def timeline(ms: int, motion: str = "ken_burns", w: int = 1920, h: int = 1080, fps: int = 30) -> Any:
    return parse_draft({"v": 1, "d": ms, "m": {"w": w, "h": h, "fps": fps}, "t": [
        {"id": "v1", "tt": 0, "sg": [{"id": "s1", "s": 0, "d": ms, "m": {"src": "img", "motion": motion}}]},
        {"id": "x1", "tt": 7, "sg": [{"id": "t1", "s": 0, "d": min(ms, 2000),
                                      "m": {"text": "Neon Nights", "size": 96, "fade_in": 300, "fade_out": 300}}]}]})


def delays(path: Path) -> list[int]:
    with Image.open(path) as image:
        out = []
        for index in range(getattr(image, "n_frames", 1)):
            image.seek(index)
            image.load()  # WebP reads a frame's delay when it decodes it
            out.append(int(image.info["duration"]))
        return out


@pytest.mark.parametrize(("fmt", "size", "max_mb"), [("gif", (480, 270), 6.0), ("webp", (640, 360), 2.5)])
def test_a_4_s_1080p_timeline_exports_at_the_web_defaults(fmt: str, size: tuple[int, int], max_mb: float,
                                                          picture: Path, tmp_path: Path) -> None:
    result = render_draft(timeline(4000), tmp_path / f"a.{fmt}", fmt, media=SourceMap(files={"img": picture}))
    assert (result.width, result.height, result.fps) == (*size, 15)
    with Image.open(result.path) as image:
        assert image.size == size
        assert getattr(image, "n_frames", 1) == 60
        if fmt == "gif":
            assert len(image.getpalette() or []) // 3 <= 256
    assert sum(delays(result.path)) == 4000
    assert result.bytes < max_mb * 1e6
    check_output(result.path, fmt, result.width, result.height, result.fps, result.duration_ms)  # the job's check


def test_a_gif_frame_is_only_what_changed(picture: Path, tmp_path: Path) -> None:
    """A still picture under a title that fades: after the first frame, only the title's box is written."""
    result = render_draft(timeline(3000, motion="none"), tmp_path / "still.gif", "gif",
                          media=SourceMap(files={"img": picture}))
    with Image.open(result.path) as image:
        image.seek(5)  # the title fading in
        x0, y0, x1, y1 = image.tile[0].extents or (0, 0, 0, 0)
        assert 0 < (x1 - x0) * (y1 - y0) < 0.25 * 480 * 270
        image.seek(40)  # after the title: nothing changes
        x0, y0, x1, y1 = image.tile[0].extents or (0, 0, 0, 0)
        assert (x1 - x0) * (y1 - y0) <= 4
    # the first frame is the only full one: 45 frames cost little more than one
    assert result.bytes < 3 * len(Image.open(result.path).tobytes())


@pytest.mark.parametrize(("fps", "ms", "unit"), [(24, 3100, 10), (30, 2050, 10), (60, 1999, 10), (30, 3100, 1)])
def test_delays_add_up_to_the_timeline_in_the_formats_unit(fps: int, ms: int, unit: int, picture: Path,
                                                           tmp_path: Path) -> None:
    fmt = "gif" if unit == 10 else "webp"
    result = render_draft(timeline(ms, w=320, h=180, fps=fps), tmp_path / f"d.{fmt}", fmt,
                          media=SourceMap(files={"img": picture}))
    frames = ms * 15 // 1000
    assert len(delays(result.path)) == frames
    assert sum(delays(result.path)) == unit * round(frames * 1000 / 15 / unit)
    assert all(d % unit == 0 for d in delays(result.path))
    assert min(delays(result.path)) > 0


def test_a_size_in_the_request_wins_and_portrait_keeps_its_long_side(picture: Path, tmp_path: Path) -> None:
    media = SourceMap(files={"img": picture})
    asked = render_draft(timeline(1000), tmp_path / "w.gif", "gif", media=media, width=320)
    assert (asked.width, asked.height) == (320, 180)
    portrait = render_draft(timeline(1000, w=1080, h=1920), tmp_path / "p.webp", "webp", media=media)
    assert (portrait.width, portrait.height) == (360, 640)
    assert web_defaults("mp4", 1920, 1080, None, None, None, 30) == (None, None, 30)
    assert web_defaults("gif", 320, 180, None, None, 60, 30) == (320, None, 15), "never larger, 15 fps at most"


def test_the_palette_comes_from_frames_across_the_timeline() -> None:
    times = sample_times(4000, 15)
    assert len(times) == 8
    assert (times[0], times[-1]) == (0, 59 * 1000 // 15)
    assert min(np.diff(times)) > 400
    red, blue = (np.zeros((64, 64, 3), np.uint8) for _ in range(2))
    red[..., 0], blue[..., 2] = 220, 200
    palette = shared_palette([rgb_to_i420(red), rgb_to_i420(blue)])
    assert palette.argb[255, 0] == 0, "the last entry is the transparent one"
    assert palette.colours == 255
    for image in (red, blue):
        index = palette.indices(image)
        colour = palette.argb[index, 1:].reshape(-1, 3).mean(axis=0)
        assert np.abs(colour - image.reshape(-1, 3).mean(axis=0)).max() < 12


@pytest.mark.parametrize("fmt", ["gif", "webp"])
def test_frames_are_streamed_not_held(fmt: str, tmp_path: Path) -> None:
    """150 frames of 640x360 (100 MB as RGB) written with a few MB allocated at once."""
    y, x = np.mgrid[0:360, 0:640]
    frames = []
    for k in range(3):
        rgb = np.stack([x * 255 // 640, y * 255 // 360, np.full_like(x, 80)], axis=-1).astype(np.uint8)
        rgb[100:200, 100 + 50 * k:200 + 50 * k] = (250, 250, 250)
        frames.append(rgb_to_i420(rgb))
    spec = OutputSpec(fmt, 640, 360, 15, 10000)
    tracemalloc.start()
    writer = AnimationWriter(tmp_path / f"s.{fmt}", spec, lambda times: iter(frames[:1] * len(times)))
    for index in range(150):
        writer.video(frames[index % 3], index)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    writer.close()
    assert peak < 40e6
    with Image.open(tmp_path / f"s.{fmt}") as image:
        assert getattr(image, "n_frames", 1) == 150
    assert sum(delays(tmp_path / f"s.{fmt}")) == 10000


def test_a_failed_export_leaves_nothing(tmp_path: Path) -> None:
    spec = OutputSpec("gif", 64, 36, 15, 1000)
    frame = rgb_to_i420(np.zeros((36, 64, 3), np.uint8))
    writer = AnimationWriter(tmp_path / "x.gif", spec, lambda times: iter([frame] * len(times)))
    writer.video(frame, 0)
    writer.abort()
    assert list(tmp_path.iterdir()) == []
