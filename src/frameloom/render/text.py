"""Text overlays: titles and captions drawn with a real font, Latin and Chinese.

The font is Noto Sans CJK (SIL OFL 1.1), shipped by the ``noto-cjk-sans-jp-bold``
package: one face with Latin, Kana and the full Han set, so a Chinese title
shows glyphs, never boxes. A ``font`` that names a file path uses that file.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import skia

from frameloom.domain.errors import InvalidRequest

Array = np.ndarray
RGB = tuple[int, int, int]


@lru_cache(maxsize=1)
def default_font_path() -> Path:
    return Path(str(resources.files("noto_cjk_sans_jp_bold") / "NotoSansCJKjp-Bold.otf"))


@lru_cache(maxsize=8)
def typeface(font: str | None = None) -> skia.Typeface:
    path = Path(font) if font and Path(font).is_file() else default_font_path()
    face = skia.Typeface.MakeFromFile(str(path))
    if face is None:
        raise InvalidRequest.of("font", f"cannot load font {path}")
    return face


def missing_glyphs(text: str, font: str | None = None) -> list[str]:
    """The characters of ``text`` the font has no glyph for (drawn as boxes)."""
    face = typeface(font)
    sk_font = skia.Font(face, 32)
    return [ch for ch in text if not ch.isspace() and sk_font.textToGlyphs(ch)[0] == 0]


def parse_colour(value: str) -> RGB:
    """``#RRGGBB`` (or ``RRGGBB``) to an RGB triple; raises InvalidRequest."""
    hexa = value.strip().lstrip("#")
    if len(hexa) != 6:
        raise InvalidRequest.of("color", f"{value!r} is not #RRGGBB")
    try:
        return (int(hexa[0:2], 16), int(hexa[2:4], 16), int(hexa[4:6], 16))
    except ValueError:
        raise InvalidRequest.of("color", f"{value!r} is not #RRGGBB") from None


@dataclass(frozen=True)
class TextStyle:
    """How a text overlay looks. ``size`` in px at the output height; ``box``
    is a background colour (None: no box, a soft shadow keeps it readable)."""

    size: float
    colour: RGB = (255, 255, 255)
    box: RGB | None = None
    font: str | None = None


def render_text(text: str, style: TextStyle, max_width: int) -> Array:
    """The text as a ``(H, W, 4) uint8`` straight-alpha RGBA sprite, wrapped to
    ``max_width`` px, lines centred."""
    sk_font = skia.Font(typeface(style.font), style.size)
    sk_font.setEdging(skia.Font.Edging.kAntiAlias)
    lines = _wrap(text, sk_font, max_width)
    metrics = sk_font.getMetrics()
    line_h = (metrics.fDescent - metrics.fAscent) * 1.15
    widths = [sk_font.measureText(line) for line in lines]
    pad = style.size * (0.45 if style.box else 0.2)
    w = int(max(widths, default=1) + 2 * pad) + 2
    h = int(line_h * len(lines) + 2 * pad) + 2
    surface = skia.Surface(w, h)
    canvas = surface.getCanvas()
    canvas.clear(skia.ColorTRANSPARENT)
    if style.box:
        box = skia.Paint(AntiAlias=True, Color=skia.ColorSetARGB(200, *style.box))
        canvas.drawRoundRect(skia.Rect.MakeWH(w, h), style.size * 0.25, style.size * 0.25, box)
    else:
        shadow = skia.Paint(AntiAlias=True, Color=skia.ColorSetARGB(150, 0, 0, 0),
                            MaskFilter=skia.MaskFilter.MakeBlur(skia.kNormal_BlurStyle, style.size * 0.06))
        _draw_lines(canvas, lines, widths, sk_font, w, pad, line_h, -metrics.fAscent, shadow, style.size * 0.04)
    fill = skia.Paint(AntiAlias=True, Color=skia.ColorSetRGB(*style.colour))
    _draw_lines(canvas, lines, widths, sk_font, w, pad, line_h, -metrics.fAscent, fill, 0.0)
    rgba = surface.makeImageSnapshot().toarray(colorType=skia.kRGBA_8888_ColorType,
                                                alphaType=skia.kUnpremul_AlphaType)
    return np.ascontiguousarray(rgba)


def _draw_lines(canvas: skia.Canvas, lines: list[str], widths: list[float], font: skia.Font, w: int,
                pad: float, line_h: float, ascent: float, paint: skia.Paint, offset: float) -> None:
    for i, (line, lw) in enumerate(zip(lines, widths, strict=True)):
        x = (w - lw) / 2 + offset
        y = pad + i * line_h + ascent + offset
        canvas.drawString(line, x, y, font, paint)


def _wrap(text: str, font: skia.Font, max_width: int) -> list[str]:
    """Greedy wrap on spaces; text without spaces (Chinese) wraps by character."""
    out: list[str] = []
    for paragraph in text.splitlines() or [""]:
        units = paragraph.split(" ") if " " in paragraph else list(paragraph)
        joiner = " " if " " in paragraph else ""
        line = ""
        for unit in units:
            candidate = f"{line}{joiner}{unit}" if line else unit
            if line and font.measureText(candidate) > max_width:
                out.append(line)
                line = unit
            else:
                line = candidate
        out.append(line)
    return out
