"""The diffusers engine's overhead against calling the same pipeline directly.

    python bench/engines.py [--runs 15] [--steps 2]

A tiny random Stable Diffusion pipeline (no weights to download) is saved and
loaded by the engine; the bare call uses the very same loaded pipeline, with
the same prompt, size, steps and seed. Runs alternate engine, bare, engine, ...
after a warm-up, so that drift on a shared machine hits both; medians compared.
Two model sizes: 64 px (the tests' model) and 128 px native. torch runs on one
thread: on 2 shared cores its spinning workers make timings swing by tens of %,
and the engine's own work (Python around the call) does not use them. A benchmark, not a
test: it asserts nothing; the budget line says where the issue's target (at
most 5 % overhead) stands.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # before huggingface_hub is imported: nothing is fetched

from frameloom.domain.images import ImageRequest
from frameloom.engines.diffusers import DiffusersConfig, DiffusersEngine, PipelineCache
from frameloom.engines.diffusers.tiny import save_tiny_sd

BUDGET = 0.05
PROMPT = "a fox reading a book in a forest at sunset"


def timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def compare(folder: Path, side: int, steps: int, runs: int) -> float:
    """Print one row and return the engine's overhead as a fraction of the bare median."""
    import torch

    engine = DiffusersEngine(DiffusersConfig(model=str(folder), steps=steps), PipelineCache())
    pipe = engine.model().pipe
    request = ImageRequest(prompt=PROMPT, width=side, height=side, seed=1)

    def bare() -> object:
        generator = torch.Generator(device="cpu").manual_seed(1)
        with torch.inference_mode():
            return pipe(prompt=PROMPT, width=side, height=side, num_inference_steps=steps,
                        guidance_scale=7.5, generator=generator).images[0]

    def through_engine() -> object:
        return engine.generate(request)[0]

    for _ in range(2):  # warm-up: lazy imports, allocator, the image-processor caches
        bare()
        through_engine()
    engine_ms: list[float] = []
    bare_ms: list[float] = []
    for run in range(runs):  # alternate which goes first, so neither always runs on a warmer cache
        first, second = (through_engine, bare) if run % 2 == 0 else (bare, through_engine)
        first_ms, second_ms = timed(first), timed(second)
        engine_ms.append(first_ms if first is through_engine else second_ms)
        bare_ms.append(second_ms if first is through_engine else first_ms)
    engine_median, bare_median = statistics.median(engine_ms), statistics.median(bare_ms)
    overhead = engine_median / bare_median - 1
    print(f"  {side:4d} px, {steps} steps: engine median {engine_median:8.2f} ms   bare pipeline median "
          f"{bare_median:8.2f} ms   overhead {overhead * 100:+6.2f} %   ({engine_median - bare_median:+.2f} ms)")
    return overhead


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--steps", type=int, default=2)
    args = parser.parse_args()

    import torch

    torch.set_num_threads(1)
    print(f"diffusers engine vs the bare pipeline, CPU (1 thread), {args.runs} interleaved runs each, median")
    worst = -1.0
    with tempfile.TemporaryDirectory(prefix="frameloom-bench-") as tmp:
        for sample_size in (32, 64):
            folder = save_tiny_sd(Path(tmp) / f"tiny-{sample_size}", sample_size=sample_size)
            worst = max(worst, compare(folder, sample_size * 2, args.steps, args.runs))
    verdict = "within" if worst <= BUDGET else "OVER"
    print(f"  largest overhead {worst * 100:+.2f} %: {verdict} the {BUDGET * 100:.0f} % budget")


if __name__ == "__main__":
    main()
