"""Render the gallery in docs/gallery/: the seed prompts and a dozen others.

Usage: python scripts/gallery.py [OUT_DIR]   (default docs/gallery)
Renders each prompt at 1920x1080 and writes a 960x540 JPEG of it, a contact
sheet, and index.md (prompt, seed, style, render time); the two seed prompts
are also written at full size to docs/images/ for the README.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from PIL import Image

from frameloom.domain.images import ImageRequest
from frameloom.engines.compose import ComposeEngine

PROMPTS: list[tuple[str, int, str | None]] = [
    ("a fox reading a book in a forest at sunset", 1, None),
    ("a futuristic city skyline at night with neon lights", 2, None),
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
    ("a wizard reading a map by a campfire", 15, None),
    ("a bowl of ramen", 3, None),
    ("a pirate ship in a storm", 2, None),
    ("a cozy cabin in the snowy woods at night", 8, "watercolor"),
    ("a butterfly on a flower in a garden", 5, "sketch"),
]
FULL_SIZE = {0: "fox.jpg", 1: "city.jpg"}


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    engine = ComposeEngine()
    lines = ["# Gallery", "", "Rendered by `python scripts/gallery.py` with the compose engine at 1920x1080",
             "(shown at 960x540). Nothing in the engine knows these prompts.", "",
             "| image | prompt | seed | style | render |", "|---|---|---|---|---|"]
    thumbs = []
    for i, (prompt, seed, style) in enumerate(PROMPTS):
        start = time.perf_counter()
        result = engine.generate(ImageRequest(prompt=prompt, seed=seed, style=style))[0]
        took = time.perf_counter() - start
        name = f"{i:02d}.jpg"
        result.image.resize((960, 540), Image.Resampling.LANCZOS).save(out / name, quality=85)
        if i in FULL_SIZE:
            images = out.parent / "images"
            images.mkdir(exist_ok=True)
            result.image.save(images / FULL_SIZE[i], quality=90)
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
