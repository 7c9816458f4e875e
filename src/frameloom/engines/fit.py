"""Fit a generated picture to the requested size: scale to cover, crop the centre."""

from __future__ import annotations

from PIL import Image, ImageOps


def cover_fit(image: Image.Image, width: int, height: int) -> Image.Image:
    """``image`` as RGB, exactly ``width`` x ``height`` px.

    Scaled with Lanczos until it covers the target, aspect kept, then the
    overflow is cropped equally from both sides (the centre stays). Models draw
    at their native size; this is how their output reaches 1080p without
    stretching. Returns ``image`` (converted to RGB) when it already fits.
    """
    rgb = image.convert("RGB") if image.mode != "RGB" else image
    if rgb.size == (width, height):
        return rgb
    return ImageOps.fit(rgb, (width, height), method=Image.Resampling.LANCZOS, centering=(0.5, 0.5))
