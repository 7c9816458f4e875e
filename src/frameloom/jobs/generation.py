"""Generation jobs: images through an engine, videos through text to video; results become media."""

from __future__ import annotations

from frameloom.domain.images import ImageRequest
from frameloom.domain.jobs import ImageJob, JobResult
from frameloom.domain.video import VideoRequest
from frameloom.engines.base import GeneratedImage, Hooks
from frameloom.engines.registry import EngineRegistry
from frameloom.jobs.results import store_render
from frameloom.jobs.runner import Clock, JobContext, Outcome, Work
from frameloom.jobs.verify import check_output
from frameloom.store.ids import new_id
from frameloom.store.media import media_key, media_row, new_media_id, stored_file
from frameloom.store.models import Generation, Media
from frameloom.store.storage import Storage


def image_work(registry: EngineRegistry, storage: Storage, clock: Clock) -> Work:
    """``image`` jobs. Payload: an :class:`~frameloom.domain.jobs.ImageJob`. Result: one PNG per
    image in seed order, and the id of the generation recorded with them (its hold is the job's)."""

    def run(ctx: JobContext) -> Outcome:
        spec = ImageJob(**ctx.payload)
        request = ImageRequest(prompt=spec.prompt, width=spec.width, height=spec.height, seed=spec.seed, n=spec.n,
                               style=spec.style)
        engine = registry.get(spec.engine)
        # The engine reports the drawing (the first 90 %) and stops between its steps when cancelled.
        images = engine.generate(request, Hooks(progress=lambda f: ctx.progress(0.9 * f), cancelled=ctx.cancelled))
        outcome = Outcome(result=JobResult(files=()))
        files = []
        for image in images:
            files.append(stored_file(_store_image(storage, clock, ctx, spec, image, outcome), image.seed))
            ctx.progress(0.9 + 0.1 * len(files) / len(images))
        generation_id = new_id("gen")
        now = clock()
        outcome.rows.append(Generation(
            id=generation_id, account_id=ctx.account_id, session_id=ctx.session_id, prompt=spec.prompt,
            engine=engine.name, seed=spec.seed, width=spec.width, height=spec.height, n=spec.n, style=spec.style,
            end_user=spec.user, status="completed", hold_id=ctx.hold_id, media_ids=[f.media_id for f in files],
            error=None, created_at=now, finished_at=now))
        outcome.result = JobResult(files=tuple(files), generation_id=generation_id)
        return outcome

    return run


def _store_image(storage: Storage, clock: Clock, ctx: JobContext, spec: ImageJob, image: GeneratedImage,
                 outcome: Outcome) -> Media:
    """Encode one result as PNG with its metadata, store it, and add its media row to ``outcome``."""
    from frameloom.render.images import encode_image, image_metadata

    meta = image_metadata(spec.prompt, image.seed, image.engine, image.image.width, image.image.height,
                          style=spec.style)
    png = encode_image(image.image, "png", meta)
    media_id, filename = new_media_id(), f"image-{image.seed}.png"
    key = media_key(media_id, filename)
    storage.put_bytes(key, png)
    outcome.keys.append(key)
    row = media_row(
        media_id=media_id, account_id=ctx.account_id, session_id=ctx.session_id, fmt="png", filename=filename,
        size=len(png), width=image.image.width, height=image.image.height, duration_ms=None,
        source="generation", now=clock())
    outcome.rows.append(row)
    return row


def video_work(registry: EngineRegistry, storage: Storage, clock: Clock) -> Work:
    """``video`` jobs (text to video: the compose engine, or the request's or default engine's shots).
    Payload: the fields of ``VideoRequest``. Result: the MP4, with ``fps`` and ``render_s``."""

    def run(ctx: JobContext) -> Outcome:
        from frameloom.video.text_to_video import text_to_video

        request = VideoRequest(**ctx.payload)
        target = ctx.scratch / "video.mp4"
        done = text_to_video(request, target, "mp4", progress=ctx.progress, cancelled=ctx.cancelled,
                             engines=registry)
        check_output(target, "mp4", done.width, done.height, done.fps, done.duration_ms)
        return store_render(storage, clock, ctx, target, "mp4", width=done.width, height=done.height,
                            duration_ms=done.duration_ms, fps=done.fps, render_s=done.seconds, source="video")

    return run
