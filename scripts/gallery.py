"""Render the gallery in docs/gallery/: forty prompts across the issue-15 failure classes.

Usage: python scripts/gallery.py [OUT_DIR]   (default docs/gallery)
Renders each prompt at 1920x1080 and writes it as a JPEG (quality 85), a
contact sheet, and index.md (prompt, seed, style, render time, what was not
drawn); the two seed prompts are also written to docs/images/ for the README.
The scores, a person's look at each picture, are kept by hand in scores.json
beside the pictures (prompt -> [score, why]); index.md shows them and the mean.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

from PIL import Image

from frameloom.domain.images import ImageRequest
from frameloom.engines.compose import ComposeEngine

PROMPTS: list[tuple[str, int, str | None]] = [
    # the seed prompts
    ("a fox reading a book in a forest at sunset", 1, None),
    ("a futuristic city skyline at night with neon lights", 2, None),
    ("夕阳下森林里读书的狐狸", 3, None),
    ("two cats sleeping on a red sofa in a cozy room by candlelight", 1, None),
    # things no emoji draws
    ("a lighthouse on a rocky beach in a storm", 4, None),
    ("a campfire beside a tent under the stars", 5, None),
    ("a penguin standing on an iceberg", 6, None),
    ("a bridge over a river in autumn", 7, None),
    ("the northern lights over a snowy forest with a wolf", 8, None),
    ("a bear in front of a cave in the mountains", 9, None),
    ("a waterfall in the jungle with a parrot", 10, None),
    ("a dog running along a country road", 11, None),
    # settings: none named, several, a studio
    ("a white sneaker, product shot", 12, None),
    ("a perfume bottle on a pedestal", 13, None),
    ("a beach with a city behind at dusk", 14, None),
    ("a cat sleeping on a windowsill", 15, None),
    ("a camel walking through the desert", 16, None),
    ("a goldfish", 17, None),
    # composition: scale, perching, counts, giant and tiny
    ("an owl sitting on a branch at night", 18, None),
    ("a red bird perched on a fence", 19, None),
    ("a whale and a tiny boat on the ocean", 20, None),
    ("a giant robot in a city street", 21, None),
    ("a tiny mouse eating cheese on a table", 22, None),
    ("a pair of swans on a misty lake", 23, None),
    ("many sheep in a field by a stone wall", 24, None),
    ("a castle on a hill beside a dragon", 25, None),
    # verbs
    ("a bear fishing by a river", 26, None),
    ("a girl watering flowers in a garden in spring", 27, None),
    ("a surfer riding a big wave at sunset", 28, None),
    ("a kid jumping on the beach", 29, None),
    ("a dog swimming in a lake", 30, None),
    # parser misreads
    ("a bowl of ramen on a wooden table", 31, None),
    ("kids building a snowman", 32, None),
    ("上海的夜景", 33, None),
    ("a hot air balloon festival at dawn", 34, None),
    # styles and moods
    ("a watercolor of a cherry blossom garden at dawn", 35, None),
    ("pixel art dragon flying over mountains", 36, None),
    ("an oil painting of a sailboat on a calm lake at golden hour", 37, None),
    ("a pencil sketch of an old man reading on a bench in a park", 38, None),
    ("a dark and dramatic castle at night, neon style", 39, None),
]
FULL_SIZE = {0: "fox.jpg", 1: "city.jpg"}


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    engine = ComposeEngine()
    lines = ["# Gallery", "", "Rendered by `python scripts/gallery.py` with the compose engine at 1920x1080",
             "(JPEG, quality 85). Nothing in the engine knows these prompts. The score is a person's look at",
             "each picture (kept in scores.json beside it): would a viewer say it shows the prompt? 1 no, 5 yes.",
             "", "| image | prompt | seed | style | render | not drawn | score | why |", "|---|---|---|---|---|---|---|---|"]
    scores: dict[str, list[object]] = {}
    if (out / "scores.json").is_file():
        scores = json.loads((out / "scores.json").read_text(encoding="utf-8"))
    thumbs = []
    for i, (prompt, seed, style) in enumerate(PROMPTS):
        start = time.perf_counter()
        result = engine.generate(ImageRequest(prompt=prompt, seed=seed, style=style))[0]
        took = time.perf_counter() - start
        name = f"{i:02d}.jpg"
        result.image.save(out / name, quality=85)
        if i in FULL_SIZE:
            images = out.parent / "images"
            images.mkdir(exist_ok=True)
            result.image.save(images / FULL_SIZE[i], quality=90)
        thumbs.append(result.image.resize((480, 270), Image.Resampling.LANCZOS))
        missing = result.info.get("not_drawn", "")
        score, why = scores.get(prompt, ["", ""])
        lines.append(f"| ![{prompt}]({name}) | {prompt} | {seed} | {style or result.info['style']} | {took:.2f} s "
                     f"| {missing} | {score} | {why} |")
        print(f"{name} {took:.2f}s {prompt} {missing}")
    sheet = Image.new("RGB", (480 * 4, 270 * ((len(thumbs) + 3) // 4)))
    for i, thumb in enumerate(thumbs):
        sheet.paste(thumb, ((i % 4) * 480, (i // 4) * 270))
    sheet.save(out / "sheet.jpg", quality=85)
    given = [float(str(v[0])) for v in scores.values() if str(v[0])]
    if given:
        good = sum(1 for v in given if v >= 4)
        lines += ["", f"Mean score {statistics.mean(given):.2f} over {len(given)} pictures; {good} of {len(given)} "
                      "at 4 or better."]
    (out / "index.md").write_text("\n".join(lines) + "\n", encoding="utf-8")

if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/gallery"))
