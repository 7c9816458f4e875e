"""The content policy's cost per request (a benchmark: it asserts nothing).

    python bench/policy.py [--entries 5000] [--runs 2000]

A blocklist of ``--entries`` words and phrases (a third Latin words, a third
two-word phrases, a sixth Cyrillic, a sixth Chinese), seeded, none of them in
the prompts, so every check reads the whole text. It prints the time to read
and compile the list, then the time of one check (p50 and p99 over ``--runs``)
for a short prompt, a 4,000-character English prompt (the longest the API
takes) and a 4,000-character Chinese one, beside the same list as one big
regular expression alternation (what a first version would write).
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import tempfile
import time
from pathlib import Path

from frameloom.services.policy import Blocklist, normalise

LATIN = "abcdefghijklmnopqrstuvwxyz"
CYRILLIC = "абвгдежзийклмнопрстуфхцчшщыэюя"
HAN = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]


def word(rng: random.Random, letters: str, low: int = 4, high: int = 9) -> str:
    return "".join(rng.choice(letters) for _ in range(rng.randint(low, high)))


def entries(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    out: list[str] = []
    for i in range(count):
        kind = i % 6
        if kind in (0, 1):
            out.append("zq" + word(rng, LATIN))  # "zq": no English prompt word starts so
        elif kind in (2, 3):
            out.append(f"zq{word(rng, LATIN)} {word(rng, LATIN)}")
        elif kind == 4:
            out.append("ъ" + word(rng, CYRILLIC))
        else:
            out.append("".join(rng.choice(HAN[2000:]) for _ in range(rng.randint(2, 3))))  # not in the prompts
    return out


def prompts(seed: int = 11) -> dict[str, str]:
    rng = random.Random(seed)
    english = " ".join(word(rng, LATIN.replace("z", ""), 2, 8) for _ in range(800))[:4000]
    chinese = "".join(rng.choice(HAN[:2000]) for _ in range(4000))
    return {"short (60 chars)": english[:60], "English 4,000 chars": english, "Chinese 4,000 chars": chinese}


def timings(check: object, text: str, runs: int) -> tuple[float, float]:
    assert callable(check)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        check(text)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=2000)
    args = parser.parse_args()
    listed = entries(args.entries)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "blocklist.txt"
        path.write_text("\n".join(listed), encoding="utf-8")
        start = time.perf_counter()
        blocklist = Blocklist.read(path)
        compiled_ms = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    naive = re.compile("|".join(rf"\b{re.escape(normalise(e))}\b" for e in listed))
    naive_ms = (time.perf_counter() - start) * 1000
    print(f"blocklist of {len(blocklist)} entries: read and compiled in {compiled_ms:.1f} ms "
          f"(one regex alternation: {naive_ms:.1f} ms)")
    print(f"{'prompt':<22} {'check p50':>10} {'p99':>8}   {'regex p50':>10} {'p99':>8}   (ms)")
    for name, text in prompts().items():
        assert blocklist.find(text) is None
        p50, p99 = timings(blocklist.find, text, args.runs)
        r50, r99 = timings(lambda t: naive.search(normalise(t)), text, max(20, args.runs // 50))
        print(f"{name:<22} {p50:>10.3f} {p99:>8.3f}   {r50:>10.3f} {r99:>8.3f}")


if __name__ == "__main__":
    main()
