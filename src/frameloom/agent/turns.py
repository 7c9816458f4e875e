"""The contract between a chat turn's transport (job, event store, stream) and the agent that runs it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from frameloom.domain.events import Event


@dataclass(frozen=True)
class Turn:
    """One user message to run: the job running it, whose it is, and the ADK invocation it makes.

    ``streaming``: text may go out first as ``partial`` deltas, then whole.
    ``base_url``: the public base of links (and the registration link) as the
    request saw it. ``attribution``: the request's ``X-Skill-*`` headers, which
    an export made by the turn carries on.
    """

    job_id: str
    account_id: str
    session_id: str
    invocation_id: str
    message: str
    streaming: bool = False
    base_url: str = ""
    attribution: Mapping[str, str | None] = field(default_factory=dict)


Emit = Callable[[Event], None]
"""Stores and relays one event of the turn; events are emitted in order."""


class TurnRunner(Protocol):
    def run(self, turn: Turn, emit: Emit, cancelled: Callable[[], bool]) -> None:
        """Run ``turn`` to its end, emitting every event; the last one has ``turn_complete=True``
        (or is an error event). ``cancelled()`` turns true when the turn must stop (its time limit,
        the process stopping)."""
