"""Image and video generation as paid jobs: the one path every door takes (REST, ``/v1``, chat, page).

Each order is checked whole (prompt, size, n, seed, engine, style) before any
credit moves; then the price is frozen and the job recorded in one
transaction (:meth:`JobService.submit`), and a worker draws it. ``/v1`` waits
for the job on the same path, so a crash mid-request is recovered like any job.
"""

from __future__ import annotations

from dataclasses import dataclass

from frameloom.domain.accounts import Principal
from frameloom.domain.images import ImageRequest
from frameloom.domain.jobs import ImageJob, JobKind
from frameloom.domain.video import VideoRequest
from frameloom.engines.prompt_styles import style_key
from frameloom.engines.registry import EngineRegistry
from frameloom.services.jobs import JobService, JobView
from frameloom.services.policy import Checked, PolicyService
from frameloom.settings import Settings


@dataclass(frozen=True)
class ImageOrder:
    """What a caller asked for. Sizes in px; ``engine`` None means the default; ``style`` any
    name or alias the engine knows; ``user`` OpenAI's end-user field."""

    prompt: str
    width: int = 1920
    height: int = 1080
    seed: int = 0
    n: int = 1
    engine: str | None = None
    style: str | None = None
    user: str | None = None
    session_id: str | None = None
    webhook_url: str | None = None  # POSTed the job's poll body, signed, when it ends


class GenerationService:
    def __init__(self, registry: EngineRegistry, jobs: JobService, settings: Settings,
                 policy: PolicyService | None = None) -> None:
        self.registry, self.jobs, self.settings = registry, jobs, settings
        self.policy = policy if policy is not None else jobs.policy

    def image_job(self, order: ImageOrder) -> ImageJob:
        """The checked job spec of ``order``: engine and style resolved to their canonical names.

        Raises ``InvalidRequest`` (prompt, size, n, seed), ``UnknownEngine``,
        ``EngineUnavailable``, ``UnknownStyle`` or ``ContentRefused`` (the operator's
        content policy); nothing is charged.
        """
        ImageRequest(prompt=order.prompt, width=order.width, height=order.height, seed=order.seed, n=order.n)
        engine = self.registry.get(order.engine)
        style = order.style
        if style is not None and engine.capabilities.styles:
            style = style_key(style, engine.capabilities.styles)
        self.policy.check(order.prompt)
        return ImageJob(prompt=order.prompt, engine=engine.name, width=order.width, height=order.height,
                        seed=order.seed, n=order.n, style=style, user=order.user)

    def image_price(self, n: int) -> int:
        """What ``n`` images cost: ``image_price`` credits each."""
        return self.settings.image_price * n

    def video_price(self, seconds: float) -> int:
        """What a ``seconds`` long video costs: ``video_price_per_second`` credits a started second."""
        return -(-int(seconds * 1000) // 1000) * self.settings.video_price_per_second

    def image(self, who: Principal, order: ImageOrder, base_url: str = "") -> JobView:
        """Queue ``order.n`` images for ``image_price`` credits each."""
        spec = self.image_job(order)
        return self.jobs.view(self.jobs.submit(
            who, JobKind.IMAGE, None, order.session_id, spec, self.image_price(spec.n),
            self.settings.image_time_limit_s, webhook_url=order.webhook_url, base_url=base_url), base_url)

    async def image_now(self, who: Principal, order: ImageOrder, base_url: str) -> JobView:
        """Queue the images and wait for them (the ``/v1`` door); the finished job, whatever its end."""
        import anyio.to_thread

        queued = await anyio.to_thread.run_sync(self.image, who, order, base_url)
        limit = self.settings.image_time_limit_s + self.settings.job_stale_s
        return await self.jobs.finished(who, queued.key, base_url, timeout_s=limit)

    def check_video(self, request: VideoRequest) -> None:
        """The content policy over a video's prompt and title (``ContentRefused``); nothing is charged."""
        self.policy.check_all([Checked("prompt", request.prompt), Checked("title", request.title or "")])

    def video(self, who: Principal, request: VideoRequest, session_id: str | None = None,
              base_url: str = "", webhook_url: str | None = None) -> JobView:
        """Queue a text-to-video ``request`` for ``video_price_per_second`` credits a started second;
        its prompt and title pass the content policy first (``ContentRefused``, nothing charged)."""
        self.check_video(request)
        if request.style is not None:
            request = _with_style(request, style_key(request.style, self.registry.get("compose").capabilities.styles))
        return self.jobs.view(self.jobs.submit(
            who, JobKind.VIDEO, None, session_id, request, self.video_price(request.seconds),
            self.settings.video_time_limit_s, webhook_url=webhook_url, base_url=base_url), base_url)


def _with_style(request: VideoRequest, style: str) -> VideoRequest:
    from dataclasses import replace

    return replace(request, style=style)
