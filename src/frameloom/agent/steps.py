"""What every tool of a turn shares: the turn's running state, and the shape of a prepared step.

A tool is run in two halves. ``prepare`` checks the call against the session
and says its price (nothing is frozen yet); the runtime then says the price,
emits the function call, and runs the step, which returns the function
response and the sentences for the turn's closing text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pydantic import JsonValue

from frameloom.agent.context import Language, SessionFacts, read_session
from frameloom.agent.events import TurnEvents
from frameloom.agent.tools import ToolCall
from frameloom.agent.turns import Turn
from frameloom.domain.accounts import Principal
from frameloom.domain.errors import InvalidRequest
from frameloom.services.drafts import DraftChange
from frameloom.services.jobs import ATTRIBUTION_HEADERS
from frameloom.timeline.ops import EditOp

if TYPE_CHECKING:
    from frameloom.services.container import Services


class UserMistake(Exception):
    """A call the session cannot honour for a reason the user can fix (no upload of that name,
    nothing generated yet): answered as text, not as an error event. ``text`` is already in
    the turn's language."""

    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__(text)


@dataclass(frozen=True)
class Done:
    """A step's outcome: the function ``response`` and what it changed, said for the closing text."""

    response: dict[str, JsonValue]
    said: tuple[str, ...] = ()


@dataclass(frozen=True)
class Prepared:
    """A checked step: its ``price`` in credits (0: free), the sentence naming it, and ``run``."""

    run: Callable[[], Done]
    price: int = 0
    price_text: str | None = None


@dataclass
class TurnRun:
    """One turn as its steps see it: who, the services, the events, and the session as it stands
    (``facts``, read again after every step that changed it)."""

    services: Services
    who: Principal
    turn: Turn
    events: TurnEvents
    cancelled: Callable[[], bool]
    facts: SessionFacts
    versions: list[int] = field(default_factory=list)

    @property
    def language(self) -> Language:
        return self.facts.language

    @property
    def base_url(self) -> str:
        return self.turn.base_url

    def refresh(self) -> None:
        """Read the session again (after a generation, an edit, an export)."""
        self.facts = read_session(self.services, self.who, self.turn.session_id, self.turn.message, self.base_url)

    def edit(self, ops: list[EditOp], label: str | None = None) -> DraftChange:
        """Apply ``ops`` to the draft as one version of this turn's group: however many edits the
        turn makes, one undo takes the draft back to before the turn. ``label``: the history's
        words for it (the ops' own labels by default)."""
        change = self.services.drafts.edit(self.who, self.turn.session_id, ops, None, label=label,
                                           group=self.turn.invocation_id)
        self.versions.append(change.version)
        return change

    def attribution(self) -> dict[str, str | None]:
        """The request's ``X-Skill-*`` headers under their canonical names, whatever their case."""
        lowered = {name.lower(): value for name, value in self.turn.attribution.items()}
        return {name: lowered.get(name.lower()) for name in ATTRIBUTION_HEADERS}


def change_response(change: DraftChange) -> dict[str, JsonValue]:
    """The part of a function response every draft change shares."""
    return {"version": change.version, "label": change.label, "summary": change.summary}


def json_args(call: ToolCall) -> dict[str, JsonValue]:
    """A call's arguments as JSON values (the planner only makes str, int, float, bool and None)."""
    out: dict[str, JsonValue] = {}
    for name, value in call.args.items():
        if value is not None and not isinstance(value, str | int | float | bool):
            raise InvalidRequest.of(f"{call.name}.{name}", f"{value!r} is not a JSON value")
        out[name] = value
    return out


Action = Callable[[TurnRun, ToolCall], Prepared]
Actions = Mapping[str, Action]
