"""Video benchmarks, side by side in one run (a benchmark: it asserts nothing).

    python bench/video.py [--seconds 30] [--skip-long]

1. Compositor against the encoder alone: a 30 s 1080p30 timeline (a generated
   image with ken_burns motion, a title with fades, lo-fi music at 35 %)
   rendered by ``render_draft``, against PyAV/libx264 encoding the same number
   of ready-made I420 frames (and the same audio) at the same preset. Target:
   ratio at most 1.3, and the render faster than the clip plays.
2. Peak memory (max RSS of a child process) rendering a 10-minute 1080p
   timeline. To keep the bench short it runs at 5 fps: the frame buffers,
   sources and audio chunks are the same size at any frame rate.
3. The whole text-to-video command, process start included:
   ``frameloom generate "a futuristic city skyline at night with neon lights"
   -o city.mp4 --seconds 30 --music lofi``, against section 1's encoder alone
   (900 ready-made 1080p frames, the same preset). Target: ratio at most 1.3.
4. Text to video's frames alone (1080p, the same prompt, CPU ms a frame,
   one OpenCV thread): the tiled path against the reference path (every group
   drawn by skia over the whole frame, as before).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from frameloom.domain.images import ImageRequest
from frameloom.engines.compose import ComposeEngine
from frameloom.music import music_loop
from frameloom.render.audio import RATE, AudioClip, BufferAudio, mix
from frameloom.render.compositor import SourceMap, render_draft
from frameloom.render.export import X264
from frameloom.render.sources import StillSource
from frameloom.timeline.parse import parse_draft

CITY = "a futuristic city skyline at night with neon lights"


def timeline(seconds: float, fps: int = 30) -> dict[str, object]:
    ms = int(seconds * 1000)
    return {"v": 1, "d": ms, "m": {"w": 1920, "h": 1080, "fps": fps, "ar": "16:9"}, "t": [
        {"id": "v1", "tt": 0, "sg": [{"id": "s1", "s": 0, "d": ms, "m": {"src": "img", "motion": "ken_burns"}}]},
        {"id": "a1", "tt": 1, "sg": [{"id": "s2", "s": 0, "d": ms, "m": {"src": "bgm:lofi", "volume": 0.35}}]},
        {"id": "x1", "tt": 7, "sg": [{"id": "s3", "s": 0, "d": 4000,
                                      "m": {"text": "Neon Nights", "size": 96, "fade_in": 300, "fade_out": 300}}]},
    ]}


def encode_ready_made(frames: list[np.ndarray], count: int, audio: np.ndarray, target: Path) -> float:
    """Seconds for libx264 + AAC to encode ``count`` ready-made I420 frames (cycled) and ``audio``."""
    start = time.perf_counter()
    with av.open(str(target), "w", format="mp4", options={"movflags": "+faststart"}) as container:
        video = container.add_stream("libx264", rate=30)
        video.width, video.height, video.pix_fmt = 1920, 1080, "yuv420p"
        video.options = dict(X264)
        video.thread_type = "AUTO"
        sound = container.add_stream("aac", rate=RATE, layout="stereo")
        per_frame = RATE // 30
        for i in range(count):
            vf = av.VideoFrame.from_ndarray(frames[i % len(frames)], format="yuv420p")
            vf.pts, vf.time_base = i, Fraction(1, 30)
            for packet in video.encode(vf):
                container.mux(packet)
            chunk = np.ascontiguousarray(audio[i * per_frame:(i + 1) * per_frame].T)
            af = av.AudioFrame.from_ndarray(chunk, format="fltp", layout="stereo")
            af.sample_rate, af.pts, af.time_base = RATE, i * per_frame, Fraction(1, RATE)
            for packet in sound.encode(af):
                container.mux(packet)
        for stream in (video, sound):
            for packet in stream.encode(None):
                container.mux(packet)
    return time.perf_counter() - start


def compositor_vs_encoder(folder: Path, seconds: float) -> float:
    image = folder / "city.png"
    ComposeEngine().generate(ImageRequest(prompt=CITY, seed=2))[0].image.save(image)
    draft = parse_draft(timeline(seconds))
    count = int(seconds * 30)
    still = StillSource.open(image, 1920, 1080, "cover", "ken_burns", int(seconds * 1000))
    ready = [still.frame(int(k * seconds * 1000 / 90)) for k in range(90)]
    clip = AudioClip(BufferAudio(music_loop("lofi", 0), loop=True), 0, count * RATE // 30, 0.35)
    audio = mix([clip], 0, count * RATE // 30)
    baseline = encode_ready_made(ready, count, audio, folder / "baseline.mp4")
    result = render_draft(draft, folder / "render.mp4", media=SourceMap(files={"img": image}))
    print(f"1. {seconds:g} s 1080p30 timeline (image + ken_burns, title, lo-fi at 35 %):")
    print(f"   compositor render_draft   {result.seconds:6.2f} s   ({seconds / result.seconds:.2f}x real time)")
    print(f"   libx264+AAC, ready frames {baseline:6.2f} s   (same preset: {X264['preset']}, crf {X264['crf']})")
    print(f"   ratio {result.seconds / baseline:.2f} (target <= 1.3); render faster than the clip: "
          f"{'yes' if result.seconds < seconds else 'NO'}")
    return baseline


def peak_memory(folder: Path) -> None:
    code = (
        "import sys; from pathlib import Path; sys.path.insert(0, 'bench');"
        "from video import timeline; from frameloom.render.compositor import SourceMap, render_draft;"
        "from frameloom.timeline.parse import parse_draft;"
        f"render_draft(parse_draft(timeline(600, fps=5)), Path({str(folder / 'long.mp4')!r}),"
        f" media=SourceMap(files={{'img': Path({str(folder / 'city.png')!r})}}))"
    )
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    took = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"2. 10-minute 1080p timeline (5 fps): peak RSS {peak_mb:.0f} MB (target < 1024 MB), {took:.1f} s")


def text_to_video(folder: Path, encoder_s: float) -> None:
    command = [str(Path(sys.executable).parent / "frameloom"), "generate", CITY, "-o", str(folder / "city.mp4"),
               "--seconds", "30", "--music", "lofi", "--seed", "2"]
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    took = time.perf_counter() - start
    print(f"3. frameloom generate {CITY!r} -o city.mp4 --seconds 30 --music lofi")
    print(f"   whole process             {took:6.2f} s")
    print(f"   libx264+AAC, ready frames {encoder_s:6.2f} s   (section 1, 900 frames)")
    print(f"   ratio {took / encoder_s:.2f} (target <= 1.3)")


def frame_cost() -> None:
    import cv2

    from frameloom.domain.video import VideoRequest
    from frameloom.video.text_to_video import film_for

    cv2.setNumThreads(1)
    film = film_for(VideoRequest(prompt=CITY, seconds=12, seed=2))
    print("4. text to video, CPU ms a frame at 1080p (one OpenCV thread): tiles / reference")
    for index, shot in enumerate(film.shots):
        costs = []
        for reference in (False, True):
            player = film.player(index, reference=reference)
            start = time.process_time()
            for ms in range(0, shot.duration_ms, 66):
                player.frame(ms)
            costs.append((time.process_time() - start) * 1000 / len(range(0, shot.duration_ms, 66)))
        print(f"   {shot.kind:<6} shot  {costs[0]:5.1f} / {costs[1]:5.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--skip-long", action="store_true", help="skip the 10-minute memory run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        encoder_s = compositor_vs_encoder(folder, args.seconds)
        if not args.skip_long:
            peak_memory(folder)
        text_to_video(folder, encoder_s * 900 / (args.seconds * 30))
        frame_cost()


if __name__ == "__main__":
    main()
