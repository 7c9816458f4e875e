"""Media records and their storage keys, built in one place for uploads, generations and renders."""

from __future__ import annotations

from datetime import datetime

from frameloom.domain.jobs import StoredFile
from frameloom.domain.media import FORMATS, MediaKind
from frameloom.store.ids import new_id
from frameloom.store.models import Media

ANIMATED = ("gif", "webp")  # image formats that may hold a duration


def new_media_id() -> str:
    return new_id("med")


def media_key(media_id: str, filename: str) -> str:
    """Where a media file lives in storage: ``m/<media_id>/<filename>`` (``filename`` already safe)."""
    return f"m/{media_id}/{filename}"


def media_row(
    *, media_id: str, account_id: str, session_id: str | None, fmt: str, filename: str, size: int,
    width: int | None, height: int | None, duration_ms: int | None, source: str, now: datetime,
    stored_as: str | None = None,
) -> Media:
    """The record of a file stored at ``media_key(media_id, stored_as or filename)``; ``filename`` is
    the name shown. Dimensions (px) are dropped for audio, the duration (ms) for stills (an
    animated GIF or WebP keeps it)."""
    kind = FORMATS[fmt]
    return Media(
        id=media_id, account_id=account_id, session_id=session_id, kind=kind.value, format=fmt, filename=filename,
        bytes=size, width=None if kind is MediaKind.AUDIO else width,
        height=None if kind is MediaKind.AUDIO else height,
        duration_ms=None if kind is MediaKind.IMAGE and fmt not in ANIMATED else duration_ms,
        storage_key=media_key(media_id, stored_as or filename), source=source, created_at=now,
    )


def stored_file(row: Media, seed: int | None = None) -> StoredFile:
    """A media record as a job's result shows it."""
    return StoredFile(media_id=row.id, key=row.storage_key, format=row.format, bytes=row.bytes, width=row.width,
                      height=row.height, duration_ms=row.duration_ms, seed=seed)
