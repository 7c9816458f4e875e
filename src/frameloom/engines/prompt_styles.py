"""Styles for engines that draw from a text prompt: a style adds words to the prompt.

The names match the compose engine's, so one request reads the same on every
engine; ``photo`` and ``anime`` only make sense for models.
"""

from __future__ import annotations

from frameloom.domain.errors import UnknownStyle

STYLE_WORDS: dict[str, str] = {
    "illustration": "digital illustration, clean lines, flat colours",
    "watercolor": "watercolor painting, soft washes, paper texture",
    "pixel_art": "pixel art, 16-bit, crisp pixels",
    "oil_painting": "oil painting, visible brush strokes, rich colours",
    "sketch": "pencil sketch, graphite, hatching",
    "neon": "neon lights, synthwave, glowing, night",
    "photo": "photograph, natural light, sharp focus, detailed",
    "anime": "anime style, cel shading, vibrant",
}
ALIASES = {
    "synthwave": "neon", "watercolour": "watercolor", "pixel": "pixel_art", "pixelart": "pixel_art",
    "oil": "oil_painting", "oil_paint": "oil_painting", "pencil": "sketch", "cartoon": "illustration",
    "photograph": "photo", "photographic": "photo", "realistic": "photo",
}
STYLES = tuple(STYLE_WORDS)


def style_key(style: str, known: tuple[str, ...] = STYLES) -> str:
    """The canonical name of ``style`` ("Oil painting" -> "oil_painting", aliases
    resolved), which must be one of ``known``; raises UnknownStyle naming them."""
    key = style.strip().lower().replace("-", "_").replace(" ", "_")
    key = ALIASES.get(key, key)
    if key not in known:
        raise UnknownStyle(style, list(known))
    return key


def styled_prompt(prompt: str, style: str | None) -> str:
    """``prompt`` followed by the words of ``style`` (unchanged when ``style`` is None).

    Raises :class:`~frameloom.domain.errors.UnknownStyle` naming the known styles.
    """
    if style is None:
        return prompt
    return f"{prompt}, {STYLE_WORDS[style_key(style)]}"
