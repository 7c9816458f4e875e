"""Time the rule planner: wall time per message over the test corpus, p50 and p99.

    python bench/agent.py [--rounds 20]

Every corpus message is planned once to warm the caches (the spelling table, the
regex cache), then ``--rounds`` times each, timed with ``time.perf_counter_ns``. A
benchmark, not a test: it asserts nothing; the budget line says where the goal
(well under 1 ms per message) stands.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from frameloom.agent import PlanContext, plan

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "agent" / "corpus.jsonl"
BUDGET_MS = 1.0


def _load() -> list[tuple[str, PlanContext]]:
    cases = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            raw = entry.get("context", {})
            context = PlanContext(**{**raw, "uploads": tuple(raw.get("uploads", ()))})
            cases.append((str(entry["message"]), context))
    return cases


def _percentile(sorted_ns: list[int], q: float) -> float:
    return sorted_ns[min(len(sorted_ns) - 1, round(q * (len(sorted_ns) - 1)))] / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()

    cases = _load()
    start = time.perf_counter_ns()
    plan("warm-up", PlanContext())  # builds the spelling table once
    first_ms = (time.perf_counter_ns() - start) / 1e6
    for message, context in cases:
        plan(message, context)
    times: list[int] = []
    for _ in range(args.rounds):
        for message, context in cases:
            start = time.perf_counter_ns()
            plan(message, context)
            times.append(time.perf_counter_ns() - start)
    times.sort()
    p50, p99, worst = _percentile(times, 0.5), _percentile(times, 0.99), times[-1] / 1e6
    print(f"planner: {len(cases)} messages x {args.rounds} rounds; first call {first_ms:.1f} ms (spelling table)")
    print(f"planner per message: p50 {p50:.3f} ms, p99 {p99:.3f} ms, max {worst:.3f} ms")
    print(f"budget {BUDGET_MS:.1f} ms: p99 {'within' if p99 <= BUDGET_MS else 'OVER'}")


if __name__ == "__main__":
    main()
