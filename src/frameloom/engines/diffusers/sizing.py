"""The size a model draws at for a requested output size."""

from __future__ import annotations

import math


def generation_size(width: int, height: int, native: int, multiple: int) -> tuple[int, int]:
    """(width, height) px with about ``native``² pixels and the aspect of ``width`` x ``height``.

    Each side is rounded to a multiple of ``multiple`` (at least one). Models
    draw well only near the size they were trained at; the engine then fits
    this to the request (Lanczos, cover-crop), so a 512 px model still gives a
    sharp 1920x1080 and no stretched one.
    """
    aspect = width / height
    return _round(native * math.sqrt(aspect), multiple), _round(native / math.sqrt(aspect), multiple)


def _round(side: float, multiple: int) -> int:
    return max(multiple, round(side / multiple) * multiple)
