"""What a finished job leaves: its files moved into storage, their media rows, its typed result."""

from __future__ import annotations

from pathlib import Path

from frameloom.domain.jobs import JobResult
from frameloom.jobs.runner import Clock, JobContext, Outcome
from frameloom.store.media import media_key, media_row, new_media_id, stored_file
from frameloom.store.storage import Storage


def store_render(
    storage: Storage, clock: Clock, ctx: JobContext, path: Path, fmt: str, *, width: int, height: int,
    duration_ms: int, fps: int, render_s: float, source: str,
) -> Outcome:
    """Move the checked file at ``path`` into storage as a media row of the job's session."""
    media_id = new_media_id()
    filename = f"{source}.{fmt}"
    key = media_key(media_id, filename)
    size = storage.put_file(key, path)
    row = media_row(media_id=media_id, account_id=ctx.account_id, session_id=ctx.session_id, fmt=fmt,
                    filename=filename, size=size, width=width, height=height, duration_ms=duration_ms,
                    source=source, now=clock())
    result = JobResult(files=(stored_file(row),), fps=fps, render_s=round(render_s, 3))
    return Outcome(result=result, rows=[row], keys=[key])
