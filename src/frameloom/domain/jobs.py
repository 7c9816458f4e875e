"""Jobs as plain values: what runs in the background (exports, generations) and where it stands."""

from __future__ import annotations

import re
from enum import StrEnum

RENDER_ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,128}$")


class JobKind(StrEnum):
    EXPORT = "export"
    IMAGE = "image"
    VIDEO = "video"


class JobStatus(StrEnum):
    """``queued`` → ``running`` → ``completed`` | ``failed`` | ``cancelled``.

    A running job whose process died goes back to ``queued`` (a bounded number
    of times) or ends ``failed``. The last three are final.
    """

    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def final(self) -> bool:
        return self in (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED)

    @property
    def export_name(self) -> str:
        """The status as SPEC section 3 names it for exports (``rendering`` while running)."""
        return "rendering" if self is JobStatus.RUNNING else self.value


def export_price(duration_ms: int, per_block: int, block_s: int) -> int:
    """``per_block`` credits per started ``block_s`` seconds of output (at least one block)."""
    blocks = max(1, -(-duration_ms // (block_s * 1000)))
    return blocks * per_block
