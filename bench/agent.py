"""Time the rule planner: wall time per message over the test corpus, p50 and p99; and the agent:
a 20-turn editing conversation on real services (SQLite in a temporary folder), nothing rendered.

    python bench/agent.py [--rounds 20]

Every corpus message is planned once to warm the caches (the spelling table, the
regex cache), then ``--rounds`` times each, timed with ``time.perf_counter_ns``. A
benchmark, not a test: it asserts nothing; the budget line says where the goal
(well under 1 ms per message) stands.
"""

from __future__ import annotations

import argparse
import json
import tempfile
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


# Edits, status, undo and redo: every turn goes through the draft service; none renders.
CONVERSATION = (
    "add the title Urban Dreams for 3 seconds", "add lo-fi music at 35%", "make it vertical for TikTok",
    "show status", "move the title to 2 seconds", "make it 8 seconds long", "make the music quieter", "undo",
    "redo", "change the title to Night Owl", "make it square", "add the title The End at 6 seconds",
    "switch to cinematic music", "make it 2 seconds longer", "show the tracks", "undo", "undo", "redo",
    "remove the music", "加上轻音乐，音量35%",
)


def _conversation() -> tuple[float, list[float]]:
    """The conversation's total wall time (s) and each turn's (ms)."""
    from frameloom.agent.runtime import build_agent
    from frameloom.agent.turns import Turn
    from frameloom.domain.events import Event
    from frameloom.services.container import build_services
    from frameloom.settings import Settings

    with tempfile.TemporaryDirectory() as folder:
        services = build_services(Settings(_env_file=None, data_dir=Path(folder)))  # type: ignore[call-arg]
        issued = services.auth.anonymous_token("bench-agent", "127.0.0.1")
        session_id = services.sessions.create_session(services.auth.principal(issued.account_id), "bench", "en")
        agent = build_agent(services)
        turns: list[float] = []
        for i, message in enumerate(CONVERSATION):
            events: list[Event] = []
            start = time.perf_counter()
            agent.run(Turn(f"job_{i}", issued.account_id, session_id, f"inv_{i}", message), events.append,
                       lambda: False)
            turns.append((time.perf_counter() - start) * 1000)
            if events[-1].is_error:
                raise SystemExit(f"turn {message!r} failed: {events[-1].error_message}")
        services.close()
    return sum(turns) / 1000, turns


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
    total_s, turns = _conversation()
    print(f"agent: a {len(turns)}-turn editing conversation (no rendering, SQLite) in {total_s * 1000:.0f} ms; "
          f"per turn p50 {sorted(turns)[len(turns) // 2]:.1f} ms, max {max(turns):.1f} ms")


if __name__ == "__main__":
    main()
