"""Prompt text -> PromptFacts (placeholder while the full parser lands)."""

from __future__ import annotations

from frameloom.engines.compose.facts import PromptFacts


def parse_prompt(text: str) -> PromptFacts:
    """Placeholder: the facts of ``text`` with nothing recognised yet."""
    return PromptFacts(text=text, language="en")
