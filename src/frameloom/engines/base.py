"""The engine contract: a request in, ``n`` images out, errors from the domain tree."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from frameloom.domain.errors import Cancelled
from frameloom.domain.images import ImageRequest

if TYPE_CHECKING:
    from PIL import Image


@dataclass(frozen=True)
class Capabilities:
    """What an engine can do, as shown by ``GET /api/engines``."""

    text_to_image: bool = True
    image_to_image: bool = False
    offline: bool = True
    gpu: bool = False
    styles: tuple[str, ...] = ()
    max_side: int = 2048


@dataclass(frozen=True)
class GeneratedImage:
    """One result: an RGB image of the requested size and the seed that made it."""

    image: Image.Image
    seed: int
    engine: str
    info: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Hooks:
    """What a caller (a job) hands an engine to follow and stop its work.

    ``progress`` receives the fraction done, 0..1, never decreasing, 1.0 last;
    ``cancelled`` is polled between steps (diffusion steps, images, requests).
    Both are called on the engine's thread and must be quick.
    """

    progress: Callable[[float], None] | None = None
    cancelled: Callable[[], bool] | None = None

    def report(self, fraction: float) -> None:
        """Pass ``fraction`` (clamped to 0..1: rounding may overshoot) to ``progress``."""
        if self.progress is not None:
            self.progress(min(1.0, max(0.0, fraction)))

    def check(self) -> None:
        """Raise :class:`~frameloom.domain.errors.Cancelled` when the caller asked to stop."""
        if self.cancelled is not None and self.cancelled():
            raise Cancelled("cancelled")


NO_HOOKS = Hooks()


class Engine(ABC):
    """A named image generator. Implementations are stateless between calls
    except for caches, and must be safe to call from several threads."""

    name: str

    @property
    @abstractmethod
    def capabilities(self) -> Capabilities: ...

    @abstractmethod
    def generate(self, request: ImageRequest, hooks: Hooks = NO_HOOKS) -> list[GeneratedImage]:
        """Return ``request.n`` images of ``request.width`` x ``request.height``.

        Reports progress through ``hooks`` and polls its ``cancelled`` between
        steps. Raises :class:`~frameloom.domain.errors.InvalidRequest` (or a
        subclass) for input the engine cannot take,
        :class:`~frameloom.domain.errors.EngineUnavailable` when it cannot run
        here, :class:`~frameloom.domain.errors.EngineFailed` when it breaks and
        :class:`~frameloom.domain.errors.Cancelled` when ``hooks`` asked to stop.
        """
