"""What a file is, read from its content, never from its name (SPEC section 7).

The first bytes pick the format (magic numbers); then the one decoder for that
format opens it (Pillow for stills, PyAV for video and audio, with the demuxer
named, so no other FFmpeg demuxer such as a playlist ever reads the file), checks
the size in pixels before decoding anything (decompression bombs), and decodes
a first frame to prove the file is whole.

Opening a file with FFmpeg decodes a few frames to learn the streams' parameters;
every decoder is opened with ``max_pixels`` set to the limit, so a picture larger
than the limit is never allocated, and the size the container's headers claim is
refused before our own first decode (a 24 KB MP4 claiming 15008x15008 costs no
600 MB). The duration is measured, not trusted: the end of the last frame that
decodes (the packets are read to the end, the last group of pictures decoded), so
a truncated file counts for what it holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from frameloom.domain.errors import FrameloomError, TooLarge, UnsupportedMedia
from frameloom.domain.media import FORMATS, SUPPORTED_FORMATS, MediaKind, Probe

_PIL_FORMATS = {"png": "PNG", "jpg": "JPEG", "gif": "GIF", "webp": "WEBP"}
_DEMUXERS = {"mp4": "mp4", "mov": "mov", "m4a": "m4a", "avi": "avi", "webm": "matroska", "mkv": "matroska",
             "mp3": "mp3", "wav": "wav", "aac": "aac"}
HEAD_BYTES = 64


@dataclass(frozen=True)
class ProbeLimits:
    """``max_pixels``: width x height above which a picture or video is refused unread."""

    max_pixels: int
    max_bytes: int


def sniff(head: bytes) -> str | None:
    """The format the first bytes announce (one of :data:`SUPPORTED_FORMATS`), or ``None``."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF":
        return {b"WEBP": "webp", b"WAVE": "wav", b"AVI ": "avi"}.get(head[8:12])
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm" if b"webm" in head[:HEAD_BYTES] else "mkv"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        return "mov" if brand == b"qt  " else "m4a" if brand in (b"M4A ", b"M4B ") else "mp4"
    if head.startswith(b"ID3"):
        return "mp3"
    if len(head) >= 2 and head[0] == 0xFF:
        if head[1] & 0xF6 == 0xF0:
            return "aac"  # ADTS
        if head[1] & 0xE0 == 0xE0 and head[1] & 0x06:
            return "mp3"  # MPEG audio frame sync, layer I to III
    return None


def probe_file(path: Path, limits: ProbeLimits) -> Probe:
    """Read ``path``'s type, size in px and duration in ms.

    Raises ``UnsupportedMedia`` (with the supported list) for a type frameloom
    does not take or a file that does not decode, ``TooLarge`` for a picture
    over ``limits.max_pixels``.
    """
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    fmt = sniff(head)
    if fmt is None:
        raise UnsupportedMedia("unsupported file type (read from the content)", SUPPORTED_FORMATS)
    try:
        if fmt in _PIL_FORMATS:
            return _probe_image(path, fmt, limits)
        return _probe_av(path, fmt, limits)
    except FrameloomError:
        raise
    except Exception:  # any failure to decode untrusted bytes means: not a file we can use
        raise UnsupportedMedia(f"the {fmt} file could not be decoded", SUPPORTED_FORMATS) from None


def _check_pixels(width: int, height: int, limits: ProbeLimits) -> None:
    if width * height > limits.max_pixels:
        raise TooLarge(f"{width}x{height} pixels: at most {limits.max_pixels} pixels", limits.max_bytes)


def _probe_image(path: Path, fmt: str, limits: ProbeLimits) -> Probe:
    from PIL import Image

    try:
        opened = Image.open(path, formats=[_PIL_FORMATS[fmt]])
    except Image.DecompressionBombError:
        raise TooLarge("image: too many pixels to decode safely", limits.max_bytes) from None
    with opened as image:
        width, height = image.size
        _check_pixels(width, height, limits)  # before any pixel is decoded
        image.load()
    return Probe(format=fmt, kind=MediaKind.IMAGE, width=width, height=height)


def _probe_av(path: Path, fmt: str, limits: ProbeLimits) -> Probe:
    import av

    # max_pixels bounds every decoder FFmpeg opens while it reads the streams' parameters
    bounded = {"max_pixels": str(limits.max_pixels)}
    with av.open(str(path), mode="r", format=_DEMUXERS[fmt], options=bounded) as container:
        video = container.streams.video[0] if container.streams.video else None
        audio = container.streams.audio[0] if container.streams.audio else None
        if video is None and audio is None:
            raise UnsupportedMedia(f"the {fmt} file has no video or audio stream", SUPPORTED_FORMATS)
        if video is not None:
            _check_pixels(video.codec_context.width, video.codec_context.height, limits)
            video.codec_context.options = bounded
        claimed_ms = _duration_ms(container, video or audio)
        _decode_first_frame(container, video, audio)
        measured_ms = _decoded_ms(container, video or audio)
        duration_ms = measured_ms if claimed_ms is None else min(claimed_ms, measured_ms)
        if video is None and FORMATS[fmt] is MediaKind.VIDEO and fmt == "mp4":
            fmt = "m4a"  # an MP4 holding only sound is an M4A file
        if video is not None and FORMATS[fmt] is MediaKind.AUDIO:
            raise UnsupportedMedia(f"the {fmt} file holds video", SUPPORTED_FORMATS)
        kind = MediaKind.VIDEO if video is not None else MediaKind.AUDIO
        width = video.codec_context.width if video is not None else None
        height = video.codec_context.height if video is not None else None
    return Probe(format=fmt, kind=kind, width=width, height=height, duration_ms=duration_ms)


def _duration_ms(container: Any, stream: Any) -> int | None:
    if container.duration is not None and container.duration > 0:
        return int(container.duration // 1000)  # AV_TIME_BASE is microseconds
    if stream.duration is not None and stream.time_base is not None:
        return int(stream.duration * stream.time_base * 1000)
    return None


def _decoded_ms(container: Any, stream: Any) -> int:
    """The end in ms of the last frame of ``stream`` that decodes: the packets read to the end of the
    file (no decoding), then the last keyframe's group decoded until the first error."""
    import av

    last_key = None
    container.seek(0, stream=stream, backward=True)
    for packet in container.demux(stream):
        if packet.pts is not None and packet.is_keyframe:
            last_key = packet.pts
    if last_key is None:
        raise ValueError("no keyframe")
    container.seek(last_key, stream=stream, backward=True)
    end = 0.0
    try:
        for frame in container.decode(stream):
            if frame.time is not None:
                end = max(end, frame.time + _frame_seconds(frame, stream))
    except av.FFmpegError:
        pass  # a cut-off file: what decoded before the cut counts
    return int(end * 1000)


def _frame_seconds(frame: Any, stream: Any) -> float:
    """How long one decoded frame lasts in seconds (samples for sound, the frame rate for pictures)."""
    if getattr(frame, "samples", None) and getattr(frame, "sample_rate", None):
        return float(frame.samples / frame.sample_rate)
    if frame.duration and frame.time_base is not None:
        return float(frame.duration * frame.time_base)
    rate = stream.average_rate or stream.guessed_rate
    return float(1 / rate) if rate else 0.0


def _decode_first_frame(container: Any, video: Any, audio: Any) -> None:
    stream = video if video is not None else audio
    for _frame in container.decode(stream):
        return
    raise ValueError("no frame decodes")
