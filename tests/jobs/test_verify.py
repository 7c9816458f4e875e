"""The export check (jobs.verify): every format's real file passes within its
framing (AVI's MP3, ADTS AAC, GIF's 1/100 s delays), and a wrong file fails.

Files are made by the compositor itself, 320x180 and a few seconds.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from frameloom.domain.errors import EngineFailed
from frameloom.jobs.verify import check_output
from frameloom.render.compositor import RenderResult, SourceMap, render_draft
from frameloom.render.export import FORMATS, STILL_FORMATS
from frameloom.timeline.parse import parse_draft

W, H = 320, 180
TIMED = [fmt for fmt in FORMATS if fmt not in STILL_FORMATS]


@pytest.fixture(scope="module")
def picture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A gradient, so frames of a zoom differ (identical frames are merged in GIF and WebP)."""
    rgb = np.zeros((H, W, 3), np.uint8)
    rgb[..., 0] = np.linspace(0, 255, W)[None, :]
    rgb[..., 1] = np.linspace(0, 255, H)[:, None]
    path = tmp_path_factory.mktemp("verify") / "gradient.png"
    Image.fromarray(rgb).save(path)
    return path


def export(picture: Path, target: Path, fmt: str, duration_ms: int, fps: int = 30) -> RenderResult:
    draft = parse_draft({"v": 1, "d": duration_ms, "m": {"w": W, "h": H, "fps": fps}, "t": [
        {"id": "v1", "tt": 0, "sg": [{"id": "s1", "s": 0, "d": duration_ms, "m": {"src": "img", "motion": "zoom_in"}}]},
        {"id": "a1", "tt": 1, "sg": [{"id": "s2", "s": 0, "d": duration_ms, "m": {"src": "bgm:lofi", "volume": 0.35}}]},
    ]})
    return render_draft(draft, target, fmt, media=SourceMap(files={"img": picture}))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("duration_ms", "fps"), [(4000, 30), (2500, 24), (777, 7)])
def test_every_format_passes_at_any_length_and_rate(fmt: str, duration_ms: int, fps: int, picture: Path,
                                                     tmp_path: Path) -> None:
    done = export(picture, tmp_path / f"out.{fmt}", fmt, duration_ms, fps)
    facts = check_output(done.path, fmt, done.width, done.height, done.fps, done.duration_ms)
    if fmt not in STILL_FORMATS:
        frames_ms = duration_ms * fps // 1000 * 1000 / fps
        assert abs(facts.duration_ms - frames_ms) <= 50


def test_the_avi_and_aac_of_issue_9_pass(picture: Path, tmp_path: Path) -> None:
    """Their headers say 4080 ms and about 4140 ms for a 4 s export; their packets say 4032 and 4029."""
    for fmt in ("avi", "aac"):
        done = export(picture, tmp_path / f"out.{fmt}", fmt, 4000)
        assert check_output(done.path, fmt, W, H, 30, 4000).duration_ms < 4043


@pytest.mark.parametrize("fmt", TIMED)
def test_a_file_a_tenth_of_a_second_short_fails(fmt: str, picture: Path, tmp_path: Path) -> None:
    done = export(picture, tmp_path / f"out.{fmt}", fmt, 2900)
    with pytest.raises(EngineFailed, match="ms long, expected 3000 ms"):
        check_output(done.path, fmt, W, H, 30, 3000)


@pytest.mark.parametrize("fmt", ["mp4", "webm", "avi", "gif", "png"])
def test_a_file_of_another_size_fails(fmt: str, picture: Path, tmp_path: Path) -> None:
    done = export(picture, tmp_path / f"out.{fmt}", fmt, 1000)
    with pytest.raises(EngineFailed, match="320x180, expected 640x360"):
        check_output(done.path, fmt, 640, 360, 30, 1000)


def test_a_file_with_the_wrong_codecs_fails(picture: Path, tmp_path: Path) -> None:
    mp4 = export(picture, tmp_path / "out.mp4", "mp4", 1000).path
    with pytest.raises(EngineFailed, match="video codec h264, expected vp8 or vp9"):
        check_output(mp4, "webm", W, H, 30, 1000)
    m4a = export(picture, tmp_path / "out.m4a", "m4a", 1000).path
    with pytest.raises(EngineFailed, match="audio codec aac, expected mp3"):
        check_output(m4a, "mp3", W, H, 30, 1000)


def test_a_video_without_sound_fails(tmp_path: Path) -> None:
    path = tmp_path / "silent.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = W, H, "yuv420p"
        for i in range(30):
            frame = av.VideoFrame.from_ndarray(np.zeros((H, W, 3), np.uint8), format="rgb24")
            frame.pts, frame.time_base = i, Fraction(1, 30)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    with pytest.raises(EngineFailed, match="no audio stream"):
        check_output(path, "mp4", W, H, 30, 1000)
