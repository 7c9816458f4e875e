"""The finished file is checked before a job is marked completed: the facts ffprobe would report, via PyAV.

Each stream must hold the codec SPEC section 5 names for the format and last
as long as the frames written (``frames / fps``), within its format's framing.
Durations are measured per stream from its packets (demuxed, not decoded), not
from the container header: on correct files AVI's header puts an MP3 stream
100 to 200 ms long and ADTS AAC's duration is a guess from the bitrate.

| stream | framing | tolerance |
|---|---|---|
| video (every container) | one frame every 1/fps s | one frame period |
| AAC (mp4, mov, mkv, m4a, aac) | 1,024-sample frames after 1,024 samples of priming | 2 frames: 42.7 ms at 48 kHz |
| MP3 (avi, mp3) | 1,152-sample frames after LAME's 1,105 samples of delay | 2 frames: 48 ms |
| Opus (webm) | 20 ms frames after 312 samples of pre-skip | 2 frames: 40 ms |
| Vorbis (webm, allowed) | blocks of up to 2,048 samples | 2 blocks: 85 ms |
| PCM (wav) | one sample | 1 ms |
| GIF | delays in 1/100 s | 10 ms |
| WebP | delays in ms | 1 ms |

Priming (or delay) plus the padding of the last frame are always less than
two frames, so two frames is the most a correct file is off; every tolerance
also allows 1 ms for rounding. An animation must hold between one frame (the
encoders merge identical frames, adding up their delays) and as many as
were written.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import av
from PIL import Image

from frameloom.domain.errors import EngineFailed
from frameloom.render.export import STILL_FORMATS, animation_step

ROUNDING_MS = 1.0
# what SPEC section 5 allows per format: video codecs, audio codecs (codec ids, not decoder names)
CODECS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "mp4": (frozenset({"h264"}), frozenset({"aac"})),
    "mov": (frozenset({"h264"}), frozenset({"aac"})),
    "mkv": (frozenset({"h264"}), frozenset({"aac"})),
    "avi": (frozenset({"h264"}), frozenset({"mp3"})),
    "webm": (frozenset({"vp9", "vp8"}), frozenset({"opus", "vorbis"})),
    "mp3": (frozenset(), frozenset({"mp3"})),
    "wav": (frozenset(), frozenset({"pcm_s16le"})),
    "m4a": (frozenset(), frozenset({"aac"})),
    "aac": (frozenset(), frozenset({"aac"})),
}
AUDIO_FRAME_SAMPLES = {"aac": 1024, "mp3": 1152, "opus": 960, "vorbis": 2048, "pcm_s16le": 1}
ANIMATION_DELAY_UNIT_MS = {"gif": 10.0, "webp": 1.0}


@dataclass(frozen=True)
class FileFacts:
    """What the file holds: size in px (None for audio), duration in ms (0 for
    a still; the longest stream), codec names (ids such as ``h264``, or the
    image format for stills and animations), and the frames of an animation."""

    width: int | None
    height: int | None
    duration_ms: int
    video_codec: str | None
    audio_codec: str | None
    frames: int | None = None


@dataclass(frozen=True)
class StreamFacts:
    """One stream as its packets tell it: codec id, ms from the first packet's start to the last one's end."""

    codec: str
    duration_ms: float
    rate: int


def check_output(path: Path, fmt: str, width: int, height: int, fps: int, duration_ms: int) -> FileFacts:
    """Open ``path`` and check its streams, codecs, size in px and durations
    against what the compositor wrote for a ``duration_ms`` timeline at ``fps``
    (its ``max(1, duration_ms * fps // 1000)`` frames), within the format's
    framing (see the module's table).

    Raises ``EngineFailed`` naming the first fact that is wrong.
    """
    frames = max(1, duration_ms * fps // 1000)
    if fmt in STILL_FORMATS:
        return _check_still(path, width, height)
    if fmt in ANIMATION_DELAY_UNIT_MS:
        return _check_animation(path, fmt, width, height, fps, frames)
    return _check_av(path, fmt, width, height, fps, frames * 1000 / fps)


def _check_still(path: Path, width: int, height: int) -> FileFacts:
    with Image.open(path) as image:
        image.load()
        facts = FileFacts(image.width, image.height, 0, image.format, None)
    _check_size(facts, width, height)
    return facts


def _check_animation(path: Path, fmt: str, width: int, height: int, fps: int, frames: int) -> FileFacts:
    with Image.open(path) as image:
        count = getattr(image, "n_frames", 1)
        total = 0.0
        for index in range(count):
            image.seek(index)
            image.load()  # WebP reads a frame's delay when it decodes it
            total += float(image.info.get("duration") or 0)
        facts = FileFacts(image.width, image.height, round(total), image.format, None, count)
    _check_size(facts, width, height)
    written = math.ceil(frames / animation_step(fps))
    if not 1 <= count <= written:
        raise EngineFailed(f"export check: {count} frames, expected 1 to {written}")
    _check_duration("animation", total, frames * 1000 / fps, ANIMATION_DELAY_UNIT_MS[fmt])
    return facts


def _check_av(path: Path, fmt: str, width: int, height: int, fps: int, written_ms: float) -> FileFacts:
    video_codecs, audio_codecs = CODECS[fmt]
    with av.open(str(path)) as container:
        # read everything inside: a stream's fields are not to be touched once the file is closed
        video = container.streams.video[0] if container.streams.video else None
        audio = container.streams.audio[0] if container.streams.audio else None
        size = (video.codec_context.width, video.codec_context.height) if video else (None, None)
        pix_fmt = video.codec_context.pix_fmt if video else None
        streams = _stream_facts(container)
        picture = streams[video.index] if video else None
        sound = streams[audio.index] if audio else None
    if video_codecs:
        if picture is None:
            raise EngineFailed("export check: no video stream")
        _check_codec("video", picture.codec, video_codecs)
        if size != (width, height):
            raise EngineFailed(f"export check: {size[0]}x{size[1]}, expected {width}x{height}")
        if pix_fmt != "yuv420p":
            raise EngineFailed(f"export check: pixel format {pix_fmt}, expected yuv420p")
        _check_duration("video", picture.duration_ms, written_ms, 1000 / fps)
    if sound is None:
        raise EngineFailed("export check: no audio stream")
    _check_codec("audio", sound.codec, audio_codecs)
    frame = AUDIO_FRAME_SAMPLES.get(sound.codec, 2048) * 1000 / sound.rate
    _check_duration("audio", sound.duration_ms, written_ms, 2 * frame)
    longest = max(facts.duration_ms for facts in streams.values())
    return FileFacts(size[0], size[1], round(longest), picture.codec if picture else None, sound.codec)


def _stream_facts(container: av.container.InputContainer) -> dict[int, StreamFacts]:
    """Each stream's codec and the span of its packets, by stream index (one demux pass)."""
    spans: dict[int, tuple[int, int]] = {}
    last_duration: dict[int, int] = {}
    for packet in container.demux():
        if packet.pts is None or packet.size == 0:
            continue
        index = packet.stream.index
        # a packet without a duration lasts as long as the one before it
        duration = packet.duration or last_duration.get(index, 0)
        last_duration[index] = duration
        first, end = spans.get(index, (packet.pts, packet.pts))
        spans[index] = (min(first, packet.pts), max(end, packet.pts + duration))
    out = {}
    for stream in container.streams:
        first, end = spans.get(stream.index, (0, 0))
        base = float(stream.time_base) if stream.time_base is not None else 0.0
        rate = getattr(stream, "rate", None) or 1
        out[stream.index] = StreamFacts(stream.codec_context.codec.canonical_name, (end - first) * base * 1000,
                                        int(rate))
    return out


def _check_size(facts: FileFacts, width: int, height: int) -> None:
    if (facts.width, facts.height) != (width, height):
        raise EngineFailed(f"export check: {facts.width}x{facts.height}, expected {width}x{height}")


def _check_codec(kind: str, codec: str, allowed: frozenset[str]) -> None:
    if codec not in allowed:
        raise EngineFailed(f"export check: {kind} codec {codec}, expected {' or '.join(sorted(allowed))}")


def _check_duration(kind: str, measured_ms: float, expected_ms: float, tolerance_ms: float) -> None:
    if abs(measured_ms - expected_ms) > tolerance_ms + ROUNDING_MS:
        raise EngineFailed(f"export check: {kind} {measured_ms:.0f} ms long, expected {expected_ms:.0f} ms "
                           f"(± {tolerance_ms:.0f} ms)")
