"""Probing uploads (services/probe.py): the size a container claims is refused before a frame of that
size is decoded, and a truncated file counts for what decodes, not for what its header claims."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest
from av.video.stream import VideoStream

from frameloom.domain.errors import TooLarge
from frameloom.services.probe import ProbeLimits, probe_file

LIMITS = ProbeLimits(max_pixels=50_000_000, max_bytes=200 * 1024 * 1024)
SIDE = 15008

_MAKE_HUGE = """
import sys, av
with av.open(sys.argv[1], "w", format="mp4") as out:
    stream = out.add_stream("libx264", rate=1, options={"preset": "ultrafast", "crf": "51"})
    stream.width = stream.height = int(sys.argv[2])
    stream.pix_fmt = "yuv420p"
    frame = av.VideoFrame(stream.width, stream.height, "yuv420p")
    for plane in frame.planes:
        plane.update(bytes(plane.buffer_size))
    for packet in [*stream.encode(frame), *stream.encode()]:
        out.mux(packet)
"""

# VmHWM, not ru_maxrss: Linux keeps ru_maxrss across fork and exec, so a child of a big pytest
# process would report its parent's peak; VmHWM belongs to the child's own address space.
_PROBE_AND_MEASURE = """
import sys
from pathlib import Path
from frameloom.services.probe import ProbeLimits, probe_file
try:
    probe_file(Path(sys.argv[1]), ProbeLimits(max_pixels=50_000_000, max_bytes=1))
    print("accepted")
except Exception as exc:
    print(type(exc).__name__)
hwm = next(line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith("VmHWM:"))
print(int(hwm.split()[1]) // 1024)
"""


@pytest.fixture(scope="module")
def huge_mp4(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real one-frame H.264 MP4 of 15008x15008 (under 1 MB), made in a child process (it takes ~1.3 GB)."""
    path = tmp_path_factory.mktemp("huge") / "huge.mp4"
    subprocess.run([sys.executable, "-c", _MAKE_HUGE, str(path), str(SIDE)], check=True, timeout=120)
    return path


def test_a_small_file_claiming_15008x15008_is_refused_without_decoding_a_frame(huge_mp4: Path) -> None:
    assert huge_mp4.stat().st_size < 1024 * 1024
    result = subprocess.run([sys.executable, "-c", _PROBE_AND_MEASURE, str(huge_mp4)], check=True,
                            capture_output=True, text=True, timeout=120)
    verdict, peak_mb = result.stdout.split()
    assert verdict == "TooLarge"
    # One decoded 15008x15008 frame is 338 MB (600 MB with FFmpeg's buffers); the probe stays far below.
    assert int(peak_mb) < 250, f"probing took {peak_mb} MB"


def test_the_refusal_names_the_claimed_size(huge_mp4: Path) -> None:
    with pytest.raises(TooLarge, match=f"{SIDE}x{SIDE} pixels"):
        probe_file(huge_mp4, LIMITS)


def _ten_seconds(path: Path) -> Path:
    """100 frames at 10 fps of noise (so every frame has bytes), the index (moov) first."""
    rng = np.random.default_rng(7)
    with av.open(str(path), "w", format="mp4", options={"movflags": "faststart"}) as out:
        stream = out.add_stream("libx264", rate=10)
        assert isinstance(stream, VideoStream)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for _ in range(100):
            pixels = rng.integers(0, 255, (48, 64, 3), dtype=np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def test_a_whole_file_keeps_its_duration(tmp_path: Path) -> None:
    assert probe_file(_ten_seconds(tmp_path / "whole.mp4"), LIMITS).duration_ms == 10_000


def test_a_truncated_file_counts_for_what_decodes(tmp_path: Path) -> None:
    whole = _ten_seconds(tmp_path / "whole.mp4").read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(whole[: len(whole) // 2])
    with av.open(str(cut), format="mp4") as container:
        assert container.duration == 10_000_000  # the header still claims 10 s
    probe = probe_file(cut, LIMITS)
    assert probe.duration_ms is not None
    assert 3_500 <= probe.duration_ms <= 5_100
