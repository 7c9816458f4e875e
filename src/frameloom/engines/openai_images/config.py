"""What the ``openai`` engine needs to know, read once from :class:`~frameloom.settings.Settings`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from frameloom.domain.errors import EngineUnavailable
from frameloom.domain.sizes import Size
from frameloom.engines.openai_images.retry import RetryPolicy

if TYPE_CHECKING:
    from frameloom.settings import Settings

OPENAI_URL = "https://api.openai.com/v1"


@dataclass(frozen=True)
class OpenAIConfig:
    """``base_url`` ends before ``/images/generations``; ``sizes`` are the sizes the
    server accepts (empty: it takes any ``WxH``); ``send_seed`` adds frameloom's
    ``seed`` extension to each request (OpenAI itself refuses unknown fields)."""

    base_url: str
    api_key: str | None = None
    model: str = "gpt-image-1"
    sizes: tuple[Size, ...] = ()
    send_seed: bool = False
    timeout_s: float = 120.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    @classmethod
    def from_settings(cls, settings: Settings) -> OpenAIConfig:
        """Raises :class:`EngineUnavailable` when neither a key nor a base URL is set."""
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
        if not key and not settings.openai_base_url:
            raise EngineUnavailable(
                "the openai engine is not configured: set FRAMELOOM_OPENAI_API_KEY "
                "(and FRAMELOOM_OPENAI_BASE_URL for a server other than OpenAI's)"
            )
        sizes = tuple(Size(*(int(side) for side in text.split("x"))) for text in settings.openai_sizes)
        return cls(
            base_url=(settings.openai_base_url or OPENAI_URL).rstrip("/"),
            api_key=key or None,
            model=settings.openai_model,
            sizes=sizes,
            send_seed=settings.openai_send_seed,
            timeout_s=settings.openai_timeout_s,
            retry=RetryPolicy(max_attempts=settings.openai_max_attempts, max_total_wait_s=settings.openai_max_wait_s),
        )

    def size_for(self, width: int, height: int) -> Size:
        """The size to ask for: the requested one, or the accepted size closest in aspect
        (the larger on a tie), which the engine then fits to the request."""
        if not self.sizes:
            return Size(width, height)
        aspect = width / height
        return min(self.sizes, key=lambda s: (abs(s.width / s.height - aspect), -s.width * s.height))
