"""The finished file is checked before a job is marked completed: the facts ffprobe would report, via PyAV."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av
from PIL import Image

from frameloom.domain.errors import EngineFailed
from frameloom.render.export import AUDIO_FORMATS, STILL_FORMATS

VIDEO_CODECS = {"mp4": "h264", "mov": "h264", "mkv": "h264", "avi": "h264", "webm": "vp9"}
AUDIO_SLACK_MS = 100  # audio-only files: encoder padding (AAC priming, MP3 frames)


@dataclass(frozen=True)
class FileFacts:
    """What the file holds: size in px, duration in ms (0 for a still), codec names."""

    width: int | None
    height: int | None
    duration_ms: int
    video_codec: str | None
    audio_codec: str | None


def check_output(path: Path, fmt: str, width: int, height: int, fps: int, duration_ms: int) -> FileFacts:
    """Open ``path`` and check its streams, codec, size and duration (within one frame of ``duration_ms``).

    Raises ``EngineFailed`` naming the first fact that is wrong.
    """
    if fmt in STILL_FORMATS or fmt in ("gif", "webp"):
        with Image.open(path) as image:
            image.load()
            facts = FileFacts(image.width, image.height, 0, image.format, None)
        if fmt in STILL_FORMATS and (facts.width, facts.height) != (width, height):
            raise EngineFailed(f"export check: {facts.width}x{facts.height}, expected {width}x{height}")
        return facts
    with av.open(str(path)) as container:
        video = container.streams.video[0] if container.streams.video else None
        audio = container.streams.audio[0] if container.streams.audio else None
        seconds = container.duration / av.time_base if container.duration else 0.0
        facts = FileFacts(video.codec_context.width if video else None, video.codec_context.height if video else None,
                          round(seconds * 1000), video.codec_context.name if video else None,
                          audio.codec_context.name if audio else None)
    slack = AUDIO_SLACK_MS if fmt in AUDIO_FORMATS else max(1, -(-1000 // fps))
    if fmt in AUDIO_FORMATS:
        if audio is None:
            raise EngineFailed("export check: no audio stream")
    else:
        expected = VIDEO_CODECS[fmt]
        if facts.video_codec != expected:
            raise EngineFailed(f"export check: video codec {facts.video_codec}, expected {expected}")
        if (facts.width, facts.height) != (width, height):
            raise EngineFailed(f"export check: {facts.width}x{facts.height}, expected {width}x{height}")
    if abs(facts.duration_ms - duration_ms) > slack:
        raise EngineFailed(f"export check: {facts.duration_ms} ms long, expected {duration_ms} ms")
    return facts
