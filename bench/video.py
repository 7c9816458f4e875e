"""Video benchmarks, side by side in one run (a benchmark: it asserts nothing).

    python bench/video.py [--seconds 30] [--runs 3] [--skip-long]

On a 2-core machine the same run varies by 10-15 % from one try to the next
(libx264's threads and ours share the cores), so the timed pairs run
``--runs`` times, alternating, and the median ratio is the figure.

1. Compositor against the encoder alone: a 30 s 1080p30 timeline (a generated
   image with ken_burns motion, a title with fades, lo-fi music at 35 %)
   rendered by ``render_draft``, against PyAV/libx264 encoding the same number
   of ready-made I420 frames (and the same audio) at the same preset. Target:
   ratio at most 1.3, and the render faster than the clip plays.
2. Peak memory (the child process's own VmHWM) rendering a 10-minute 1080p30
   timeline, all 18,000 frames, in a process set up as a worker (or
   ``frameloom generate``) sets itself up: glibc's arenas capped and trimmed
   (``frameloom.memory``). Target: under 500 MB.
3. The whole text-to-video command, process start included:
   ``frameloom generate "a futuristic city skyline at night with neon lights"
   -o city.mp4 --seconds 30 --music lofi``, against the encoder alone
   (900 ready-made 1080p frames, the same preset) run just before it. Target:
   median ratio at most 1.3. Also when each run's encoder opened (the output's
   temporary file appears): what start-up, planning and painting cost.
4. Text to video's frames alone (1080p, the same prompt, CPU ms a frame,
   one OpenCV thread): the tiled path against the reference path (every group
   drawn by skia over the whole frame, as before); then four other scenes by
   the tiled path (subjects, fireflies, leaves, rain), which the city lacks.
5. One-off and per-frame pieces: the grade of one 3072x1728 painted layer, and a
   1080p I420 frame handed to PyAV by ``i420_frame`` against ``from_ndarray``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
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
# section 4's other scenes: what the city has not (subjects, fireflies, leaves, rain)
SCENES = ("a fox reading a book in a forest at sunset", "a lighthouse by the sea in the rain",
          "a dog running on the beach", "a cat sleeping on a sofa")


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


class Reference:
    """The encoder alone: ``count`` ready-made 1080p frames (a ken_burns move over a generated
    image, 90 frames cycled) and lo-fi music through PyAV at the export's preset."""

    def __init__(self, folder: Path, seconds: float) -> None:
        self.folder, self.seconds, self.count = folder, seconds, int(seconds * 30)
        self.image = folder / "city.png"
        ComposeEngine().generate(ImageRequest(prompt=CITY, seed=2))[0].image.save(self.image)
        still = StillSource.open(self.image, 1920, 1080, "cover", "ken_burns", int(seconds * 1000))
        self.ready = [still.frame(int(k * seconds * 1000 / 90)) for k in range(90)]
        samples = max(self.count, 900) * RATE // 30  # section 3 always encodes 900 frames
        clip = AudioClip(BufferAudio(music_loop("lofi", 0), loop=True), 0, samples, 0.35)
        self.audio = mix([clip], 0, samples)

    def encode(self, count: int | None = None) -> float:
        return encode_ready_made(self.ready, count or self.count, self.audio, self.folder / "baseline.mp4")


def compositor_vs_encoder(reference: Reference, runs: int) -> None:
    draft = parse_draft(timeline(reference.seconds))
    pairs = []
    for _ in range(runs):
        baseline = reference.encode()
        result = render_draft(draft, reference.folder / "render.mp4",
                              media=SourceMap(files={"img": reference.image}))
        pairs.append((result.seconds, baseline))
    render_s, baseline = median_pair(pairs)
    seconds = reference.seconds
    print(f"1. {seconds:g} s 1080p30 timeline (image + ken_burns, title, lo-fi at 35 %), median of {runs}:")
    print(f"   compositor render_draft   {render_s:6.2f} s   ({seconds / render_s:.2f}x real time)")
    print(f"   libx264+AAC, ready frames {baseline:6.2f} s   (same preset: {X264['preset']}, crf {X264['crf']})")
    print(f"   ratio {render_s / baseline:.2f} (target <= 1.3), each run: {ratios(pairs)}; "
          f"render faster than the clip: {'yes' if render_s < seconds else 'NO'}")


def median_pair(pairs: list[tuple[float, float]]) -> tuple[float, float]:
    """The (measured, reference) pair with the median ratio."""
    ordered = sorted(pairs, key=lambda p: p[0] / p[1])
    return ordered[len(ordered) // 2]


def ratios(pairs: list[tuple[float, float]]) -> str:
    return " ".join(f"{a / b:.2f}" for a, b in pairs)


def peak_memory(reference: Reference) -> None:
    code = (
        "import sys; from pathlib import Path; sys.path.insert(0, 'bench');"
        "from video import timeline; from frameloom.render.compositor import SourceMap, render_draft;"
        "from frameloom.timeline.parse import parse_draft;"
        "from frameloom.memory import keep_memory_flat; from frameloom.settings import load_settings;"
        "s = load_settings(); keep_memory_flat(s.malloc_arenas, s.malloc_trim_s);"
        f"render_draft(parse_draft(timeline(600, fps=30)), Path({str(reference.folder / 'long.mp4')!r}),"
        f" media=SourceMap(files={{'img': Path({str(reference.image)!r})}}));"
        "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))"
    )
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    took = time.perf_counter() - start
    peak_mb = int(out.split()[-1]) / 1024
    print(f"2. 10-minute 1080p30 timeline (18,000 frames): peak memory (VmHWM) {peak_mb:.0f} MB "
          f"(target < 500 MB), {took:.1f} s")


def text_to_video(reference: Reference, runs: int) -> None:
    command = [str(Path(sys.executable).parent / "frameloom"), "generate", CITY, "-o",
               str(reference.folder / "city.mp4"), "--seconds", "30", "--music", "lofi", "--seed", "2"]
    pairs, firsts = [], []
    for _ in range(runs):
        baseline = reference.encode(900)
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        first = None
        while process.poll() is None:  # the writer's temporary file appears with the first frame's encoder
            if first is None and any(reference.folder.glob(".city.*part*")):
                first = time.perf_counter() - start
            time.sleep(0.02)
        if process.returncode:
            raise subprocess.CalledProcessError(process.returncode, command)
        pairs.append((time.perf_counter() - start, baseline))
        firsts.append(first or float("nan"))
    took, baseline = median_pair(pairs)
    print(f"3. frameloom generate {CITY!r} -o city.mp4 --seconds 30 --music lofi, median of {runs}:")
    print(f"   whole process             {took:6.2f} s   (encoder opened after "
          f"{' '.join(f'{f:.2f}' for f in firsts)} s: start-up, plan, painting)")
    print(f"   libx264+AAC, ready frames {baseline:6.2f} s   (900 frames, run just before)")
    print(f"   ratio {took / baseline:.2f} (target <= 1.3), each run: {ratios(pairs)}")


def one_off_costs() -> None:
    """5. Pieces the text-to-video path pays once or per frame, median of 5 each: the grade of one
    painted layer at the close shot's size, and an I420 frame handed to PyAV."""
    from frameloom.engines.compose.finish import finish
    from frameloom.render.encoding import i420_frame

    layer = np.random.default_rng(0).integers(0, 256, (1728, 3072, 3), dtype=np.uint8)
    frame = np.random.default_rng(1).integers(0, 256, (1620, 1920), dtype=np.uint8)

    def median_s(work: Callable[[], object], repeat: int = 5) -> float:
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            work()
            times.append(time.perf_counter() - start)
        return sorted(times)[len(times) // 2]

    print("5. one-off and per-frame pieces (median of 5):")
    print(f"   grade of a 3072x1728 layer (finish, bloom 0.55)  {median_s(lambda: finish(layer, vignette=0.0)):6.3f} s")
    def hundred(make: Callable[[], av.VideoFrame]) -> None:
        for _ in range(100):
            make()  # each frame dropped at once, as the encoder drops it

    ours = median_s(lambda: hundred(lambda: i420_frame(frame))) * 10
    theirs = median_s(lambda: hundred(lambda: av.VideoFrame.from_ndarray(frame, format="yuv420p"))) * 10
    print(f"   a 1080p I420 frame to PyAV: i420_frame {ours:.2f} ms, from_ndarray {theirs:.2f} ms")


def frame_cost() -> None:
    import cv2

    from frameloom.domain.video import VideoRequest
    from frameloom.video.text_to_video import film_for

    cv2.setNumThreads(1)
    film = film_for(VideoRequest(prompt=CITY, seconds=12, seed=2))
    for level in film.levels.values():  # made on a thread of their own: not counted in the first shot
        level.result()
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
    print("   other scenes, tiles only, wide / medium / close (sprites, fireflies, leaves, rain):")
    for prompt in SCENES:
        film = film_for(VideoRequest(prompt=prompt, seconds=12, seed=2))
        for level in film.levels.values():
            level.result()
        costs = []
        for index, shot in enumerate(film.shots[:3]):
            player = film.player(index)
            start = time.process_time()
            for ms in range(0, shot.duration_ms, 66):
                player.frame(ms)
            costs.append((time.process_time() - start) * 1000 / len(range(0, shot.duration_ms, 66)))
        print(f"   {prompt:<44} {' / '.join(f'{c:5.1f}' for c in costs)} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--runs", type=int, default=3, help="timed pairs per comparison (the median counts)")
    parser.add_argument("--skip-long", action="store_true", help="skip the 10-minute memory run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        reference = Reference(Path(tmp), args.seconds)
        compositor_vs_encoder(reference, args.runs)
        if not args.skip_long:
            peak_memory(reference)
        text_to_video(reference, args.runs)
        frame_cost()
        one_off_costs()


if __name__ == "__main__":
    main()
