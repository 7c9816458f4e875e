"""Media kinds and the file formats frameloom takes (SPEC section 7)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class MediaKind(StrEnum):
    VIDEO = "video"
    IMAGE = "image"
    AUDIO = "audio"


# Format name -> kind. The names are also the stored files' extensions.
FORMATS: dict[str, MediaKind] = {
    "mp4": MediaKind.VIDEO,
    "mov": MediaKind.VIDEO,
    "avi": MediaKind.VIDEO,
    "webm": MediaKind.VIDEO,
    "mkv": MediaKind.VIDEO,
    "jpg": MediaKind.IMAGE,
    "png": MediaKind.IMAGE,
    "gif": MediaKind.IMAGE,
    "webp": MediaKind.IMAGE,
    "mp3": MediaKind.AUDIO,
    "wav": MediaKind.AUDIO,
    "m4a": MediaKind.AUDIO,
    "aac": MediaKind.AUDIO,
}
SUPPORTED_FORMATS: list[str] = list(FORMATS)

CONTENT_TYPES: dict[str, str] = {
    "mp4": "video/mp4",
    "mov": "video/quicktime",
    "avi": "video/x-msvideo",
    "webm": "video/webm",
    "mkv": "video/x-matroska",
    "jpg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "mp3": "audio/mpeg",
    "wav": "audio/wav",
    "m4a": "audio/mp4",
    "aac": "audio/aac",
}


@dataclass(frozen=True)
class Probe:
    """What a file's content says it is. Sizes in px, duration in ms (``None`` when not applicable)."""

    format: str
    kind: MediaKind
    width: int | None = None
    height: int | None = None
    duration_ms: int | None = None
