"""The image request every engine takes."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from frameloom.domain.errors import InvalidRequest, Problem
from frameloom.domain.sizes import check_size

MAX_PROMPT_CHARS = 4000
STYLES: tuple[str, ...] = ("illustration", "watercolor", "pixel_art", "oil_painting", "sketch", "neon")
"""The picture styles every engine reads (the compose engine draws each; model engines add words)."""
MAX_N = 4
MAX_SEED = 2**32 - 1


def random_seed() -> int:
    """A seed drawn uniformly from the whole range 0..MAX_SEED (both ends included)."""
    return secrets.randbelow(MAX_SEED + 1)


@dataclass(frozen=True)
class ImageRequest:
    """What to draw. Sizes in px; ``seed`` in 0..2**32-1; ``strength`` in 0..1.

    ``init_image`` is encoded image bytes (PNG, JPEG, WebP) for image-to-image.
    Result ``i`` of ``n`` uses seed ``seed + i`` so that each variation can be
    reproduced alone.
    """

    prompt: str
    width: int = 1920
    height: int = 1080
    seed: int = 0
    n: int = 1
    style: str | None = None
    negative_prompt: str = ""
    init_image: bytes | None = None
    strength: float = 0.6

    def __post_init__(self) -> None:
        problems = list(_problems(self))
        if problems:
            raise InvalidRequest(problems)

    def seeds(self) -> list[int]:
        return [(self.seed + i) % (MAX_SEED + 1) for i in range(self.n)]


def _problems(req: ImageRequest) -> list[Problem]:
    out: list[Problem] = []
    if not req.prompt or not req.prompt.strip():
        out.append(Problem("prompt", "must not be empty"))
    elif len(req.prompt) > MAX_PROMPT_CHARS:
        out.append(Problem("prompt", f"{len(req.prompt)} characters; at most {MAX_PROMPT_CHARS}"))
    try:
        check_size(req.width, req.height)
    except InvalidRequest as exc:
        out.extend(exc.problems)
    if not 1 <= req.n <= MAX_N:
        out.append(Problem("n", f"{req.n}: must be 1 to {MAX_N}"))
    if not 0 <= req.seed <= MAX_SEED:
        out.append(Problem("seed", f"{req.seed}: must be 0 to {MAX_SEED}"))
    if not 0.0 <= req.strength <= 1.0:
        out.append(Problem("strength", f"{req.strength}: must be 0 to 1"))
    return out
