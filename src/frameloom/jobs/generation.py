"""Generation jobs: images through an engine, videos through text to video; results become media."""

from __future__ import annotations

from frameloom.domain.images import ImageRequest
from frameloom.domain.media import MediaKind
from frameloom.engines.base import Hooks
from frameloom.engines.registry import EngineRegistry
from frameloom.jobs.exports import store_result
from frameloom.jobs.runner import Clock, JobContext, Outcome, Work
from frameloom.jobs.verify import check_output
from frameloom.store.ids import new_id
from frameloom.store.models import Generation, Media
from frameloom.store.storage import Storage


def image_work(registry: EngineRegistry, storage: Storage, clock: Clock) -> Work:
    """``image`` jobs. Payload: ``prompt``, ``n``, ``width``, ``height``, ``seed``, ``engine``, ``style``.
    Result: ``generation_id``, ``media_ids``, ``seeds``."""

    def run(ctx: JobContext) -> Outcome:
        from frameloom.render.images import encode_image, image_metadata

        p = ctx.payload
        request = ImageRequest(prompt=p["prompt"], width=p["width"], height=p["height"], seed=p["seed"], n=p["n"],
                               style=p.get("style"))
        engine = registry.get(p.get("engine"))
        # The engine reports the drawing (the first 90 %) and stops between its steps when cancelled.
        images = engine.generate(request, Hooks(progress=lambda f: ctx.progress(0.9 * f), cancelled=ctx.cancelled))
        outcome = Outcome(result={})
        for image in images:
            meta = image_metadata(request.prompt, image.seed, image.engine, image.image.width, image.image.height,
                                  style=request.style)
            png = encode_image(image.image, "png", meta)
            media_id = new_id("med")
            key = f"m/{media_id}/image-{image.seed}.png"
            storage.put_bytes(key, png)
            outcome.keys.append(key)
            outcome.rows.append(Media(
                id=media_id, account_id=ctx.account_id, session_id=ctx.session_id, kind=MediaKind.IMAGE.value,
                format="png", filename=key.rsplit("/", 1)[-1], bytes=len(png), width=image.image.width,
                height=image.image.height, duration_ms=None, storage_key=key, source="generation",
                created_at=clock()))
            ctx.progress(0.9 + 0.1 * len(outcome.keys) / len(images))
        media_ids = [row.id for row in outcome.rows if isinstance(row, Media)]
        generation_id = new_id("gen")
        outcome.rows.append(Generation(
            id=generation_id, account_id=ctx.account_id, session_id=ctx.session_id, prompt=request.prompt,
            engine=engine.name, seed=request.seed, width=request.width, height=request.height, n=request.n,
            style=request.style, end_user=None, status="completed", hold_id=p.get("hold_id"), media_ids=media_ids,
            error=None, created_at=clock(), finished_at=clock()))
        outcome.result = {"generation_id": generation_id, "media_ids": media_ids,
                          "seeds": [image.seed for image in images]}
        return outcome

    return run


def video_work(storage: Storage, clock: Clock) -> Work:
    """``video`` jobs (text to video, the compose engine). Payload: the fields of ``VideoRequest``.
    Result: ``media_id``, ``format``, ``bytes``, ``width``, ``height``, ``duration_ms``, ``fps``."""

    def run(ctx: JobContext) -> Outcome:
        from frameloom.domain.video import VideoRequest
        from frameloom.video.text_to_video import text_to_video

        request = VideoRequest(**ctx.payload)
        target = ctx.scratch / "video.mp4"
        done = text_to_video(request, target, "mp4", progress=ctx.progress, cancelled=ctx.cancelled)
        check_output(target, "mp4", done.width, done.height, done.fps, done.duration_ms)
        return store_result(storage, clock, ctx, target, "mp4", done.width, done.height, done.duration_ms,
                            source="video", extra={"fps": done.fps, "render_s": round(done.seconds, 3)})

    return run
