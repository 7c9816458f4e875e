"""Output sizes: aspect presets and explicit ``WxH`` strings, validated."""

from __future__ import annotations

import re
from dataclasses import dataclass

from frameloom.domain.errors import InvalidRequest

MAX_SIDE = 2048
MIN_SIDE = 64
MULTIPLE = 8

ASPECTS: dict[str, tuple[int, int]] = {
    "16:9": (1920, 1080),
    "9:16": (1080, 1920),
    "1:1": (1080, 1080),
    "4:3": (1440, 1080),
    "3:4": (1080, 1440),
    "21:9": (2048, 880),
}
DEFAULT_ASPECT = "16:9"

_SIZE_RE = re.compile(r"^\s*(\d+)\s*[xX×]\s*(\d+)\s*$")


@dataclass(frozen=True)
class Size:
    width: int
    height: int

    def __str__(self) -> str:
        return f"{self.width}x{self.height}"


def aspect_size(aspect: str) -> Size:
    """The preset size for an aspect name such as ``"9:16"``."""
    try:
        return Size(*ASPECTS[aspect.strip()])
    except KeyError:
        known = ", ".join(ASPECTS)
        raise InvalidRequest.of("aspect", f"unknown aspect {aspect!r}; use one of {known}") from None


def check_size(width: int, height: int, field: str = "size") -> Size:
    """Validate pixel dimensions: multiples of 8, 64 px to 2048 px per side."""
    for side in (width, height):
        if side < MIN_SIDE or side > MAX_SIDE:
            raise InvalidRequest.of(field, f"{width}x{height}: each side must be {MIN_SIDE} to {MAX_SIDE} px")
        if side % MULTIPLE:
            raise InvalidRequest.of(field, f"{width}x{height}: each side must be a multiple of {MULTIPLE}")
    return Size(width, height)


def parse_size(text: str) -> Size:
    """Parse ``"1920x1080"`` into a checked :class:`Size`."""
    match = _SIZE_RE.match(text)
    if not match:
        raise InvalidRequest.of("size", f"{text!r} is not WIDTHxHEIGHT, e.g. 1920x1080")
    return check_size(int(match.group(1)), int(match.group(2)))


def resolve_size(aspect: str | None = None, size: str | None = None) -> Size:
    """The output size from either an aspect preset or an explicit size (not both)."""
    if aspect and size:
        raise InvalidRequest.of("size", "give either an aspect or a size, not both")
    if size:
        return parse_size(size)
    return aspect_size(aspect or DEFAULT_ASPECT)
