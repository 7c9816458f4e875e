"""Parallel exports, the job side: a long export becomes chunk jobs that any ``cpu`` worker takes,
and the export itself joins their pieces once the last is done.

The export job (the parent) runs twice, and no worker ever waits for another:

1. **split**: it records one ``export_chunk`` job per frame range (its children, no price of
   their own: the parent holds the whole export's credits), queues them and *parks*: it stays
   ``running``, held by no process (``worker = parked``), and its thread is free (with the one
   consumer thread of the embedded default, the chunks run next on that same thread);
2. each **chunk** renders its range (video only) or, one of them, the whole timeline's audio
   (mixed once), puts the piece in storage under ``chunks/<parent>/<index>.mp4`` (or
   ``audio.m4a``), then, holding the parent's row, marks its piece and, when
   none is missing, puts the parent back in the queue. While it runs, it raises the parent's
   progress to the sum of the chunks' (weighted by frames) and keeps its heartbeat;
3. **join**: the parent, run again by any ``cpu`` worker, fetches the pieces, copies their
   packets and the audio's into one file (:mod:`frameloom.render.chunks`), checks it
   and stores it as a single render would; the hold is settled by the runner as for any export.

Failures: a chunk whose worker dies is re-run alone by recovery (it is a job). A chunk that
fails fails the parent (credits refunded) and cancels its siblings. Cancelling the parent
cancels every open chunk. Whatever goes unseen (a chunk given up on by recovery, a wake-up
lost to a crash) is caught when the parked parent's heartbeat goes stale: recovery queues it
again, and its run looks at its children and joins, fails or parks again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from frameloom.domain.errors import Cancelled, JobFailed
from frameloom.domain.jobs import ExportChunkJob, ExportJob, JobKind, JobResult, JobStatus, to_payload
from frameloom.jobs.results import store_render
from frameloom.jobs.runner import Clock, JobContext, Outcome, Parked
from frameloom.jobs.verify import check_output
from frameloom.render.chunks import (
    SPLIT_FORMATS,
    Frames,
    Piece,
    frames_of,
    join_pieces,
    plan_ranges,
    render_audio,
    render_range,
)
from frameloom.render.compositor import SourceMap
from frameloom.store import jobs as repo
from frameloom.store.db import Database
from frameloom.store.ids import new_id
from frameloom.store.models import Job
from frameloom.store.storage import Storage
from frameloom.timeline import parse_draft

log = logging.getLogger("frameloom.jobs")
PARENT_EVERY_S = 1.0  # how often a running chunk raises its parent's progress and heartbeat
JOIN_SHARE = 0.05  # of the export's progress left for the join


@dataclass
class ChunkFlow:
    """Splits, chunk runs and joins: ``enqueue`` sends a job id to its kind's queue; ``chunk_s``
    is the chunk length (0: never split); ``counted`` gets each chunk's outcome (metrics)."""

    db: Database
    storage: Storage
    clock: Clock
    enqueue: Callable[[str, JobKind], None]
    chunk_s: float
    counted: Callable[[str], None] = lambda outcome: None

    def ranges(self, spec: ExportJob) -> list[tuple[int, int]]:
        """The frame ranges ``spec`` is split into; ``[]``: it renders as one job."""
        if self.chunk_s <= 0 or spec.format not in SPLIT_FORMATS:
            return []
        frames = _frames(spec)
        return plan_ranges(frames.count, frames.fps, self.chunk_s)

    # --- the parent ----------------------------------------------------------------------------

    def was_split(self, job_id: str) -> bool:
        """True once the export has chunks (whatever this process's ``chunk_s`` says now)."""
        with self.db.read() as session:
            return bool(repo.children(session, job_id))

    def run_parent(self, ctx: JobContext, spec: ExportJob, ranges: list[tuple[int, int]]) -> Outcome:
        """Split (first run), join (every piece done), fail (a chunk failed) or park again."""
        with self.db.read() as session:
            kids = repo.children(session, ctx.job_id)
        if not kids:
            self._split(ctx, spec, ranges)
        failed = [k for k in kids if k.status in (JobStatus.FAILED.value, JobStatus.CANCELLED.value)]
        if failed:
            self._give_up(ctx.job_id, kids)
            raise JobFailed(f"chunk {failed[0].payload['index']} of the export ended {failed[0].status}"
                            + (f": {failed[0].error}" if failed[0].error else ""))
        if any(k.piece_key is None for k in kids) and self._park(ctx, kids):
            raise Parked
        return self._join(ctx, spec)

    def _split(self, ctx: JobContext, spec: ExportJob, ranges: list[tuple[int, int]]) -> None:
        now = self.clock()
        with self.db.write() as session:
            parent = repo.by_id(session, ctx.job_id)
            assert parent is not None
            # the audio first: mixing the whole timeline is the longest single piece of work
            chunks = [ExportChunkJob(spec, len(ranges), 0, 0, audio=True)]
            chunks += [ExportChunkJob(spec, i, a, b) for i, (a, b) in enumerate(ranges)]
            kids = [_child(parent, chunk, now) for chunk in chunks]
            session.add_all(kids)
            session.flush()
            worker = parent.worker or ""
            repo.park(session, ctx.job_id, worker, now)
        for kid in kids:
            self.enqueue(kid.id, JobKind.EXPORT_CHUNK)
        log.info("export %s split into %d chunks", ctx.job_id, len(kids))
        raise Parked

    def _park(self, ctx: JobContext, kids: list[Job]) -> bool:
        """Park again unless, with the parent's row held, every piece turns out done (then join now)."""
        now = self.clock()
        with self.db.write() as session:
            if not repo.lock_parent(session, ctx.job_id, now):
                raise Cancelled("the export has ended")  # cancelled meanwhile: the runner sees it
            if repo.pieces_missing(session, ctx.job_id) == 0:
                return False
            parent = repo.by_id(session, ctx.job_id)
            parked = parent is not None and repo.park(session, ctx.job_id, parent.worker or "", now)
        for kid in kids:  # a chunk's message may be what was lost: a second one is harmless
            if kid.status == JobStatus.QUEUED.value:
                self.enqueue(kid.id, JobKind.EXPORT_CHUNK)
        return parked

    def _give_up(self, parent_id: str, kids: list[Job]) -> None:
        with self.db.write() as session:
            repo.end_children(session, parent_id, self.clock())
        self._drop_pieces(kids)

    def _drop_pieces(self, kids: list[Job]) -> None:
        for kid in kids:
            if kid.piece_key:
                self.storage.delete(kid.piece_key)

    def _join(self, ctx: JobContext, spec: ExportJob) -> Outcome:
        with self.db.read() as session:
            kids = repo.children(session, ctx.job_id)
            parent = repo.by_id(session, ctx.job_id)
            base = parent.progress if parent is not None else 0.0
        began = time.perf_counter()
        pieces_dir = ctx.scratch / "pieces"
        pieces, sound = [], None
        for kid in sorted(kids, key=lambda k: int(k.payload["index"])):
            chunk = ExportChunkJob.from_payload(kid.payload)
            assert kid.piece_key is not None
            path = self.storage.fetch(kid.piece_key, pieces_dir)
            if chunk.audio:
                sound = path
            else:
                pieces.append(Piece(path, chunk.start, chunk.end - chunk.start, 0))
        if sound is None:
            raise JobFailed("the export's audio piece is missing")
        frames = _frames(spec)
        ctx.progress(max(base, 1 - JOIN_SHARE))
        target = ctx.scratch / f"render.{spec.format}"
        join_pieces(pieces, sound, target, spec.format, frames, ctx.cancelled)
        check_output(target, spec.format, frames.width, frames.height, frames.fps, frames.duration_ms)
        outcome = store_render(self.storage, self.clock, ctx, target, spec.format, width=frames.width,
                               height=frames.height, duration_ms=frames.duration_ms, fps=frames.fps,
                               render_s=time.perf_counter() - began, source="render")
        self._drop_pieces(kids)
        log.info("export %s joined from %d chunks", ctx.job_id, len(kids))
        return outcome

    # --- a chunk -------------------------------------------------------------------------------

    def run_chunk(self, ctx: JobContext) -> Outcome:
        """Render the chunk's range, store the piece, mark it; the last one wakes the parent."""
        chunk = ExportChunkJob.from_payload(ctx.payload)
        with self.db.read() as session:
            me = repo.by_id(session, ctx.job_id)
            parent_id = me.parent_id if me is not None else None
        if parent_id is None:
            raise JobFailed("an export chunk without its export")
        try:
            self._render_chunk(ctx, chunk, parent_id)
        except Exception as exc:
            self._chunk_ended(ctx, parent_id, chunk, exc)
            raise
        self.counted("completed")
        return Outcome(result=_no_files())

    def _render_chunk(self, ctx: JobContext, chunk: ExportChunkJob, parent_id: str) -> None:
        spec = chunk.export
        files = _fetch_inputs(self.storage, spec, ctx)
        draft, frames = parse_draft(dict(spec.draft)), _frames(spec)
        beat = _ParentBeat(self, parent_id, ctx)
        name = "audio.m4a" if chunk.audio else f"{chunk.index}.mp4"
        target = ctx.scratch / name
        if chunk.audio:
            render_audio(draft, target, frames, media=SourceMap(files=files), cancelled=beat.cancelled)
        else:
            render_range(draft, target, frames, chunk.start, chunk.end, media=SourceMap(files=files),
                         progress=beat.progress, cancelled=beat.cancelled)
        key = f"chunks/{parent_id}/{name}"
        self.storage.put_file(key, target)
        woke = self._done(ctx.job_id, parent_id, key)
        if woke is None:
            self.storage.delete(key)
            raise Cancelled("the export this chunk belongs to has ended")
        if woke:
            self.enqueue(parent_id, JobKind.EXPORT)

    def _done(self, job_id: str, parent_id: str, key: str) -> bool | None:
        """Mark the piece, holding the parent's row: True when it was the last (the parent woke),
        None when the parent has ended meanwhile."""
        now = self.clock()
        with self.db.write() as session:
            if not repo.lock_parent(session, parent_id, now):
                return None
            repo.set_piece(session, job_id, key)
            if repo.pieces_missing(session, parent_id) == 0:
                return repo.wake_parent(session, parent_id, now)
            _raise_parent(session, parent_id, now)
            return False

    def _chunk_ended(self, ctx: JobContext, parent_id: str, chunk: ExportChunkJob, exc: Exception) -> None:
        """A chunk that did not finish: a cancel or a stopping worker changes nothing more; a
        failure fails the export (credits refunded) and cancels the other chunks."""
        with self.db.read() as session:
            me = repo.by_id(session, ctx.job_id)
            status = me.status if me is not None else JobStatus.CANCELLED.value
        if status != JobStatus.RUNNING.value:
            self.counted("cancelled")
            with self.db.read() as session:
                parent = repo.by_id(session, parent_id)
                kids = repo.children(session, parent_id)
            if parent is not None and JobStatus(parent.status).final:
                self._drop_pieces(kids)  # what the chunks done before the cancel left
            return
        now = self.clock()
        limit = me.time_limit_s if me is not None else 0
        over = me is not None and me.started_at is not None and (now - _aware(me.started_at)).total_seconds() >= limit
        if ctx.cancelled() and not over:  # a stopping worker: the chunk goes back to the queue
            self.counted("retried")
            return
        self.counted("failed")
        error = f"time limit of {limit} s exceeded" if over else f"chunk {chunk.index} failed: {exc}"
        with self.db.write() as session:
            repo.end_open(session, parent_id, JobStatus.FAILED, error, now)
            for kid in repo.children(session, parent_id):
                if kid.id != ctx.job_id:
                    repo.end_open(session, kid.id, JobStatus.CANCELLED, None, now)
            kids = repo.children(session, parent_id)
        self._drop_pieces(kids)


class _ParentBeat:
    """A chunk's hooks, which also raise the parent's progress and heartbeat now and then."""

    def __init__(self, flow: ChunkFlow, parent_id: str, ctx: JobContext) -> None:
        self.flow, self.parent_id, self.ctx = flow, parent_id, ctx
        self.next = 0.0

    def progress(self, fraction: float) -> None:
        self.ctx.progress(fraction)

    def cancelled(self) -> bool:
        stop = self.ctx.cancelled()
        now = time.monotonic()
        if not stop and now >= self.next:
            self.next = now + PARENT_EVERY_S
            with self.flow.db.write() as session:
                _raise_parent(session, self.parent_id, self.flow.clock())
        return stop


def _raise_parent(session: Session, parent_id: str, now: datetime) -> None:
    parts = repo.chunks_progress(session, parent_id)
    total = sum(frames for frames, _ in parts) or 1
    done = sum(frames * fraction for frames, fraction in parts) / total
    repo.parent_progress(session, parent_id, done * (1 - JOIN_SHARE), now)


def _aware(moment: datetime) -> datetime:
    """A stored time as aware UTC (SQLite gives it back naive)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _frames(spec: ExportJob) -> Frames:
    return frames_of(parse_draft(dict(spec.draft)), spec.width, spec.height, spec.fps)


def _fetch_inputs(storage: Storage, spec: ExportJob, ctx: JobContext) -> dict[str, Path]:
    inputs = ctx.scratch / "inputs"  # fetched here: a worker shares no disk with the API node
    return {media_id: storage.fetch(key, inputs) for media_id, key in spec.media.items()}


def _child(parent: Job, chunk: ExportChunkJob, now: datetime) -> Job:
    job_id = new_id("job")
    return Job(id=job_id, key=job_id, kind=JobKind.EXPORT_CHUNK.value, account_id=parent.account_id,
               session_id=parent.session_id, status=JobStatus.QUEUED.value, progress=0.0,
               payload=to_payload(chunk), result=None, error=None, price=0, hold_id=None, attempts=0,
               worker=None, time_limit_s=parent.time_limit_s, created_at=now, enqueued_at=now, started_at=None,
               heartbeat_at=None, finished_at=None, parent_id=parent.id)


def _no_files() -> JobResult:
    return JobResult(files=())
