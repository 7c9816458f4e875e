"""The engine contract: a request in, ``n`` images out, errors from the domain tree."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

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


class Engine(ABC):
    """A named image generator. Implementations are stateless between calls
    except for caches, and must be safe to call from several threads."""

    name: str

    @property
    @abstractmethod
    def capabilities(self) -> Capabilities: ...

    @abstractmethod
    def generate(self, request: ImageRequest) -> list[GeneratedImage]:
        """Return ``request.n`` images of ``request.width`` x ``request.height``.

        Raises :class:`~frameloom.domain.errors.InvalidRequest` (or a subclass)
        for input the engine cannot take, and
        :class:`~frameloom.domain.errors.EngineFailed` when it breaks.
        """
