"""Render the gallery in docs/gallery/: the seed prompts and a dozen others, at full size.

Usage: python scripts/gallery.py [OUT_DIR]   (default docs/gallery)
Writes one JPEG per prompt, a contact sheet, and index.md listing prompt, seed and time.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from PIL import Image

from frameloom.domain.images import ImageRequest
from frameloom.engines.compose import ComposeEngine

PROMPTS: list[tuple[str, int, str | None]] = [
    ("a fox reading a book in a forest at sunset", 7, None),
    ("a futuristic city skyline at night with neon lights", 7, None),
    ("夕阳下森林里读书的狐狸", 3, None),
    ("two cats sleeping on a red sofa in a cozy room by candlelight", 1, None),
    ("an astronaut riding a horse in space", 2, None),
    ("a lighthouse on a rocky beach in a storm", 4, None),
    ("a watercolor of a cherry blossom garden at dawn", 5, None),
    ("pixel art dragon flying over mountains", 6, None),
    ("a sailboat on a calm lake at golden hour", 8, None),
    ("a camel walking through the desert at sunset", 9, None),
    ("a penguin on a snowy field under falling snow", 10, None),
    ("a whale swimming under the sea with jellyfish", 11, None),
    ("an owl on a tree in a foggy forest at night", 12, None),
    ("a robot playing guitar on a city street in the rain", 13, None),
    ("a girl with an umbrella in a field of flowers", 14, "oil painting"),
    ("a wizard reading a map by a campfire", 15, "sketch"),
]


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    engine = ComposeEngine()
    lines = ["# Gallery", "", "Rendered by `python scripts/gallery.py` with the compose engine, 1920x1080.", "",
             "| image | prompt | seed | style | render |", "|---|---|---|---|---|"]
    thumbs = []
    for i, (prompt, seed, style) in enumerate(PROMPTS):
        start = time.perf_counter()
        result = engine.generate(ImageRequest(prompt=prompt, seed=seed, style=style))[0]
        took = time.perf_counter() - start
        name = f"{i:02d}.jpg"
        result.image.save(out / name, quality=86)
        thumbs.append(result.image.resize((480, 270), Image.Resampling.LANCZOS))
        lines.append(f"| ![{prompt}]({name}) | {prompt} | {seed} | {style or result.info['style']} | {took:.2f} s |")
        print(f"{name} {took:.2f}s {prompt}")
    sheet = Image.new("RGB", (480 * 4, 270 * ((len(thumbs) + 3) // 4)))
    for i, thumb in enumerate(thumbs):
        sheet.paste(thumb, ((i % 4) * 480, (i // 4) * 270))
    sheet.save(out / "sheet.jpg", quality=85)
    (out / "index.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/gallery"))
