"""The export job: a draft through the compositor, the file checked, then stored as the session's media."""

from __future__ import annotations

from frameloom.domain.jobs import ExportJob
from frameloom.jobs.chunked import ChunkFlow
from frameloom.jobs.results import store_render
from frameloom.jobs.runner import Clock, JobContext, Outcome, Work
from frameloom.jobs.verify import check_output
from frameloom.render.compositor import SourceMap, render_draft
from frameloom.store.storage import Storage
from frameloom.timeline import parse_draft


def export_work(storage: Storage, clock: Clock, chunks: ChunkFlow | None = None) -> Work:
    """The work function of ``export`` jobs; a long one is split across workers by ``chunks``.

    Payload: an :class:`~frameloom.domain.jobs.ExportJob`. Result: the rendered file,
    with ``fps`` and ``render_s``.
    """

    def run(ctx: JobContext) -> Outcome:
        spec = ExportJob(**ctx.payload)
        if chunks is not None and ((ranges := chunks.ranges(spec)) or chunks.was_split(ctx.job_id)):
            return chunks.run_parent(ctx, spec, ranges)
        fmt = spec.format
        inputs = ctx.scratch / "inputs"  # fetched here: a worker shares no disk with the API node
        files = {media_id: storage.fetch(key, inputs) for media_id, key in spec.media.items()}
        draft = parse_draft(dict(spec.draft))
        target = ctx.scratch / f"render.{fmt}"
        done = render_draft(draft, target, fmt, media=SourceMap(files=files), width=spec.width,
                            height=spec.height, fps=spec.fps, progress=ctx.progress, cancelled=ctx.cancelled)
        check_output(target, fmt, done.width, done.height, done.fps, done.duration_ms)
        return store_render(storage, clock, ctx, target, fmt, width=done.width, height=done.height,
                            duration_ms=done.duration_ms, fps=done.fps, render_s=done.seconds, source="render")

    return run

