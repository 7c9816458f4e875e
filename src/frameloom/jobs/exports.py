"""The export job: a draft through the compositor, the file checked, then stored as the session's media."""

from __future__ import annotations

from pathlib import Path

from frameloom.domain.media import FORMATS as MEDIA_FORMATS
from frameloom.domain.media import MediaKind
from frameloom.jobs.runner import Clock, JobContext, Outcome, Work
from frameloom.jobs.verify import check_output
from frameloom.render.compositor import SourceMap, render_draft
from frameloom.store.ids import new_id
from frameloom.store.models import Media
from frameloom.store.storage import Storage
from frameloom.timeline import parse_draft


def export_work(storage: Storage, clock: Clock) -> Work:
    """The work function of ``export`` jobs.

    Payload: ``draft`` (timeline JSON), ``format``, ``width``/``height``/``fps``
    (or null for the draft's), ``media`` (media id → storage key of every file
    the draft may name). Result: ``media_id``, ``format``, ``bytes``, ``width``,
    ``height``, ``duration_ms``, ``fps``, ``render_s``.
    """

    def run(ctx: JobContext) -> Outcome:
        payload = ctx.payload
        fmt: str = payload["format"]
        files = {media_id: storage.local_path(key) for media_id, key in payload["media"].items()}
        draft = parse_draft(payload["draft"])
        target = ctx.scratch / f"render.{fmt}"
        done = render_draft(draft, target, fmt, media=SourceMap(files=files), width=payload.get("width"),
                            height=payload.get("height"), fps=payload.get("fps"), progress=ctx.progress,
                            cancelled=ctx.cancelled)
        check_output(target, fmt, done.width, done.height, done.fps, done.duration_ms)
        return store_result(storage, clock, ctx, target, fmt, done.width, done.height, done.duration_ms,
                            source="render", extra={"fps": done.fps, "render_s": round(done.seconds, 3)})

    return run


def store_result(storage: Storage, clock: Clock, ctx: JobContext, path: Path, fmt: str, width: int, height: int,
                 duration_ms: int, source: str, extra: dict[str, object]) -> Outcome:
    """Move the checked file into storage and describe it as a media row of the job's session."""
    media_id = new_id("med")
    key = f"m/{media_id}/{source}.{fmt}"
    size = storage.put_file(key, path)
    kind = MEDIA_FORMATS[fmt]
    row = Media(id=media_id, account_id=ctx.account_id, session_id=ctx.session_id, kind=kind.value, format=fmt,
                filename=f"{source}.{fmt}", bytes=size, width=None if kind is MediaKind.AUDIO else width,
                height=None if kind is MediaKind.AUDIO else height,
                duration_ms=None if kind is MediaKind.IMAGE else duration_ms, storage_key=key, source=source,
                created_at=clock())
    result: dict[str, object] = {"media_id": media_id, "format": fmt, "bytes": size, "width": row.width,
                                 "height": row.height, "duration_ms": row.duration_ms, "key": key, **extra}
    return Outcome(result=result, rows=[row], keys=[key])
