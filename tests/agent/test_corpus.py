"""The planner against the corpus of messages people send (tests/agent/corpus.jsonl).

Each line: ``message``, optional ``context`` (PlanContext fields), ``expect`` (the calls
in order; only the arguments named are compared), ``tag`` (en, zh, mixed). The
expectations were written as the user means them, before the planner was tuned.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from frameloom.agent import PlanContext, ToolCall, plan

CORPUS = Path(__file__).with_name("corpus.jsonl")
PASS_RATE = 0.95


def _load() -> list[dict[str, Any]]:
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]


def _context(raw: dict[str, Any]) -> PlanContext:
    return PlanContext(**{**raw, "uploads": tuple(raw.get("uploads", ()))})


def _matches(calls: tuple[ToolCall, ...], expect: list[dict[str, Any]]) -> bool:
    if [c.name for c in calls] != [e["name"] for e in expect]:
        return False
    return all(call.args.get(k, "<missing>") == v for call, e in zip(calls, expect, strict=True)
               for k, v in e["args"].items())


def _show(calls: tuple[ToolCall, ...]) -> str:
    return "; ".join(f"{c.name}({', '.join(f'{k}={v!r}' for k, v in c.args.items() if v is not None)})" for c in calls)


def test_the_corpus_is_large_and_mixed() -> None:
    tags = Counter(entry["tag"] for entry in _load())
    total = sum(tags.values())
    assert total >= 170
    assert tags["en"] >= 0.45 * total
    assert tags["zh"] >= 0.22 * total
    assert tags["mixed"] >= 0.22 * total


def test_at_least_95_percent_of_the_corpus_plans_as_meant() -> None:
    corpus = _load()
    misses = []
    for entry in corpus:
        result = plan(entry["message"], _context(entry.get("context", {})))
        if not _matches(result.calls, entry["expect"]):
            misses.append(f"{entry['message']!r}\n    got    {_show(result.calls) or result.reply_hint!r}"
                          f"\n    expect {entry['expect']}")
    print(f"\n{len(corpus) - len(misses)}/{len(corpus)} pass; misses:\n" + "\n".join(misses))
    assert len(misses) <= (1 - PASS_RATE) * len(corpus)


@pytest.mark.parametrize("message", ["what is the weather like today", "今天天气怎么样", "asdfgh", "", "   "])
def test_a_message_it_cannot_place_gets_a_helpful_hint(message: str) -> None:
    result = plan(message, PlanContext())
    assert result.calls == ()
    hint = result.reply_hint or ""
    assert "export" in hint or "导出" in hint


def test_the_hint_speaks_the_message_language() -> None:
    assert "导出" in (plan("今天天气怎么样", PlanContext()).reply_hint or "")
    assert "export" in (plan("今天天气怎么样", PlanContext(language="en")).reply_hint or "")
