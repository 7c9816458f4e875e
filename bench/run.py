"""Time one compose image: median, min and max wall time over several runs after a warm-up.

    python bench/run.py [--runs 7] [--size 1920x1080] [--prompt "..."] [--seed 7]

If the engine reports per-stage timings in ``GeneratedImage.info`` (keys ending
in ``_ms``), their medians are printed too. A benchmark, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import time

from frameloom.domain.images import ImageRequest
from frameloom.domain.sizes import parse_size
from frameloom.engines import default_registry

DEFAULT_PROMPT = "a fox reading a book in a forest at sunset"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--size", default="1920x1080")
    parser.add_argument("--prompt", default=DEFAULT_PROMPT)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--engine", default="compose")
    args = parser.parse_args()

    size = parse_size(args.size)
    engine = default_registry().get(args.engine)
    request = ImageRequest(prompt=args.prompt, width=size.width, height=size.height, seed=args.seed)

    engine.generate(request)  # warm-up: caches, lazy imports, art
    wall: list[float] = []
    stages: dict[str, list[float]] = {}
    for _ in range(args.runs):
        start = time.perf_counter()
        result = engine.generate(request)[0]
        wall.append((time.perf_counter() - start) * 1000)
        for key, value in result.info.items():
            if key.endswith("_ms"):
                stages.setdefault(key, []).append(float(value))

    print(f"{args.engine} {size} x{args.runs}: {args.prompt!r}")
    print(f"  median {statistics.median(wall):8.1f} ms   min {min(wall):8.1f} ms   max {max(wall):8.1f} ms")
    for key, values in sorted(stages.items()):
        print(f"  {key[:-3]:<20} median {statistics.median(values):8.1f} ms")


if __name__ == "__main__":
    main()
