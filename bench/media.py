"""Media benchmarks: web animations against MP4, the long timeline's memory, loudness (it asserts nothing).

    python bench/media.py [--minutes 10] [--skip-long]

1. Exports of one 4 s 1080p30 timeline (a generated picture with ken_burns
   motion, a title, lo-fi music): MP4, GIF and WebP with the web defaults,
   time and size each. Before the streamed writers: WebP 27 s, GIF 19 MB.
2. Peak memory of a 10-minute 1080p timeline exported at 30 fps (picture with
   motion, music, title), in a child process: VmHWM from /proc/self/status
   (the child's own peak; ru_maxrss would carry the parent's across exec).
   Target: under 500 MB.
3. Loudness: the exported level of each music style (-14 LUFS, -1 dBTP at
   most, FFmpeg's ebur128 meter) and the mastering time of 10 minutes of mix.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

from frameloom.domain.images import ImageRequest
from frameloom.domain.video import MUSIC_STYLES
from frameloom.engines.compose import ComposeEngine
from frameloom.render.audio import RATE, AudioClip, BufferAudio, decode_audio
from frameloom.render.compositor import SourceMap, render_draft
from frameloom.render.loudness import MasteredMix, measure
from frameloom.timeline.parse import parse_draft

CITY = "a futuristic city skyline at night with neon lights"


def timeline(seconds: float, fps: int = 30, title_ms: int = 4000) -> dict[str, object]:
    ms = int(seconds * 1000)
    return {"v": 1, "d": ms, "m": {"w": 1920, "h": 1080, "fps": fps, "ar": "16:9"}, "t": [
        {"id": "v1", "tt": 0, "sg": [{"id": "s1", "s": 0, "d": ms, "m": {"src": "img", "motion": "ken_burns"}}]},
        {"id": "a1", "tt": 1, "sg": [{"id": "s2", "s": 0, "d": ms, "m": {"src": "bgm:lofi", "volume": 0.35}}]},
        {"id": "x1", "tt": 7, "sg": [{"id": "s3", "s": 0, "d": min(title_ms, ms),
                                      "m": {"text": "Neon Nights", "size": 96, "fade_in": 300, "fade_out": 300}}]},
    ]}


def picture(folder: Path) -> Path:
    path = folder / "city.png"
    if not path.exists():
        image = ComposeEngine().generate(ImageRequest(prompt=CITY, width=1920, height=1080, seed=7))[0].image
        image.save(path)
    return path


def web_exports(folder: Path) -> None:
    media = SourceMap(files={"img": picture(folder)})
    draft = parse_draft(timeline(4))
    print("exports of a 4 s 1080p30 timeline (picture with ken_burns, title, lo-fi music):")
    base = None
    for fmt in ("mp4", "gif", "webp"):
        result = render_draft(draft, folder / f"four.{fmt}", fmt, media=media)
        base = base or result.seconds
        extra = ""
        if fmt in ("gif", "webp"):
            with Image.open(result.path) as image:
                frames = getattr(image, "n_frames", 1)
                colours = len(image.getpalette() or []) // 3 if fmt == "gif" else 0
            extra = f"  {frames} frames" + (f", palette of {colours}" if colours else "")
        print(f"  {fmt:5s} {result.seconds:6.2f} s ({result.seconds / base:4.2f}x mp4)  {result.bytes / 1e6:6.2f} MB  "
              f"{result.width}x{result.height} at {result.fps} fps{extra}")


CHILD = """
import sys
from pathlib import Path
sys.path.insert(0, {bench!r})
from media import timeline
from frameloom.render.compositor import SourceMap, render_draft
from frameloom.timeline.parse import parse_draft
result = render_draft(parse_draft(timeline({seconds})), Path({target!r}), "mp4",
                      media=SourceMap(files={{"img": Path({img!r})}}))
status = Path("/proc/self/status").read_text()
peak = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))
print(int(peak) // 1024, result.frames, round(result.seconds, 1))
"""


def long_timeline_memory(folder: Path, minutes: float) -> None:
    code = CHILD.format(bench=str(Path(__file__).parent), seconds=minutes * 60, target=str(folder / "long.mp4"),
                        img=str(picture(folder)))
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.split()
    peak_mb, frames, render_s = int(out[0]), int(out[1]), float(out[2])
    print(f"{minutes:g}-minute 1080p30 timeline to mp4 ({frames} frames): peak memory (VmHWM) {peak_mb} MB, "
          f"render {render_s:.0f} s ({frames / render_s:.1f} fps; {time.perf_counter() - started:.0f} s with start-up)")


def loudness(folder: Path) -> None:
    print("loudness of exports (FFmpeg ebur128):")
    for style in MUSIC_STYLES:
        draft = parse_draft({"v": 1, "d": 20000, "m": {"w": 320, "h": 180, "fps": 30}, "t": [
            {"id": "a1", "tt": 1, "sg": [{"id": "s1", "s": 0, "d": 20000,
                                          "m": {"src": f"bgm:{style}", "volume": 0.35, "fade_out": 1000}}]}]})
        path = render_draft(draft, folder / f"{style}.m4a", "m4a").path
        samples = decode_audio(path)

        def read(start: int, count: int, x: np.ndarray = samples) -> np.ndarray:
            return x[start:start + count]

        level = measure(read, len(samples))
        print(f"  {style:9s} m4a: {level.integrated_lufs:6.2f} LUFS, true peak {level.true_peak_dbtp:5.2f} dBTP")
    from frameloom.music import music_loop

    total = 600 * RATE
    clip = AudioClip(BufferAudio(music_loop("lofi", 0), loop=True), 0, total, 0.35, RATE // 2, RATE)
    started = time.perf_counter()
    mix = MasteredMix([clip], total)
    measured = time.perf_counter() - started
    for start in range(0, total, 1600):
        mix.read(start, 1600)
    print(f"  mastering 10 minutes of mix: measure {measured:.1f} s, then read in frame-sized chunks "
          f"{time.perf_counter() - started - measured:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10.0, help="length of the long timeline")
    parser.add_argument("--skip-long", action="store_true", help="leave out the long timeline's memory")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        web_exports(folder)
        loudness(folder)
        if not args.skip_long:
            long_timeline_memory(folder, args.minutes)


if __name__ == "__main__":
    main()
