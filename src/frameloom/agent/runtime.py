"""The agent that runs a chat turn: plan the message, run each tool through the studio services,
emit ADK events, and end with a text saying what changed and the timeline summary.

    agent = build_agent(services)
    agent.run(turn, emit, cancelled)      # frameloom.agent.turns.TurnRunner

A turn, as numbered steps (docs/AGENT.md, "The runtime"):

1. load the account (``AuthService.principal``) and read the session (draft, uploads,
   last generation, reply language);
2. plan: the rule planner; when it places nothing and ``FRAMELOOM_LLM_URL`` is set, the
   language-model planner; "for each upload" expanded into its calls;
3. check the whole turn's price against the balance: short, the turn ends with the
   2001 error event and nothing is frozen;
4. per call: the price said (paid tools), the function call, progress while its job
   runs (inline, :mod:`frameloom.agent.children`), the function response;
5. the closing text (partial deltas first when streaming), ``turnComplete``.

A user's mistake (an unknown style, no such upload, nothing to undo, an edit the
draft refuses) ends the actions with a text saying why; any other error ends the
turn with an error event carrying its SPEC code.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from frameloom.agent.actions import GENERATION_ACTIONS
from frameloom.agent.clause import PlanContext
from frameloom.agent.context import SessionFacts, read_session
from frameloom.agent.edit_actions import EDIT_ACTIONS
from frameloom.agent.events import TurnEvents
from frameloom.agent.llm import LlmPlanner
from frameloom.agent.planner import Plan, expand_for_each, plan
from frameloom.agent.pricing import estimate
from frameloom.agent.replies import closing, help_text, say
from frameloom.agent.steps import Actions, Done, TurnRun, UserMistake, json_args
from frameloom.agent.tools import ToolCall
from frameloom.agent.turns import Emit, Turn, TurnRunner
from frameloom.domain.accounts import Attribution
from frameloom.domain.errors import (
    Cancelled,
    ContentRefused,
    InsufficientCredits,
    InvalidRequest,
    UnknownStyle,
)
from frameloom.timeline import summary

if TYPE_CHECKING:
    from frameloom.services.container import Services

ACTIONS: Actions = {**GENERATION_ACTIONS, **EDIT_ACTIONS}


def build_agent(services: Services) -> TurnRunner:
    """The chat agent on ``services`` (one per process; turns may run on several threads at once)."""
    return Agent(services)


class Agent:
    """Runs chat turns (:class:`~frameloom.agent.turns.TurnRunner`)."""

    def __init__(self, services: Services, actions: Actions = ACTIONS) -> None:
        self.services = services
        self.actions = actions
        self.llm = LlmPlanner(services.settings) if services.settings.llm_url else None

    def run(self, turn: Turn, emit: Emit, cancelled: Callable[[], bool]) -> None:
        """Run ``turn`` to its end; the last event is the closing text (``turnComplete``) or an error."""
        events = TurnEvents(turn.invocation_id, emit, self.services.clock, turn.base_url)
        try:
            self._run(turn, events, cancelled)
        except Exception as exc:  # whatever failed, the turn ends with an error event, never silence
            if not events.ended:
                events.error(exc)

    def plan(self, message: str, context: PlanContext) -> Plan:
        """The rule planner's plan; the language model's when the rules place nothing and it answers."""
        ruled = plan(message, context)
        if ruled.calls or self.llm is None:
            return ruled
        asked = self.llm.plan(message, context)
        return asked if asked is not None and (asked.calls or asked.reply_hint) else ruled

    def _run(self, turn: Turn, events: TurnEvents, cancelled: Callable[[], bool]) -> None:
        # the turn's paid actions are counted under the attribution of the request that asked for it
        who = replace(self.services.auth.principal(turn.account_id), attribution=Attribution.of(turn.attribution))
        facts = read_session(self.services, who, turn.session_id, turn.message, turn.base_url)
        run = TurnRun(self.services, who, turn, events, cancelled, facts)
        planned = self.plan(turn.message, facts.plan_context())
        calls = _expanded(planned.calls, facts)
        if not calls:
            hint = planned.reply_hint or help_text(facts.language)
            events.final(f"{hint}\n{summary(facts.draft)}", turn.streaming)
            return
        self._check_balance(run, calls)
        said: list[str] = []
        for call in calls:
            if cancelled():
                raise Cancelled("the turn was stopped")
            try:
                said.extend(self._step(run, call).said)
            except (UserMistake, InvalidRequest, ContentRefused) as exc:
                said.append(self._mistake(run, exc))
                break
        run.refresh()
        events.final(closing(said, summary(run.facts.draft), run.language), turn.streaming)

    def _check_balance(self, run: TurnRun, calls: Sequence[ToolCall]) -> None:
        """``InsufficientCredits`` (2001, with the bind id of an anonymous account) when the turn's
        paid actions cost more than is available now; nothing is frozen by this check."""
        total = estimate(calls, run.facts, self.services)
        if total <= 0:
            return
        available = self.services.credits.balance(run.who.account_id).available
        if total > available:
            raise InsufficientCredits(total, available, run.who.bind_id if run.who.anonymous else None)

    def _step(self, run: TurnRun, call: ToolCall) -> Done:
        """One tool: checked, its price said, the call, the work, the response."""
        prepared = self.actions[call.name](run, call)
        if prepared.price_text:
            run.events.text(prepared.price_text)
        call_id = f"call_{secrets.token_hex(8)}"
        run.events.call(call_id, call.name, json_args(call))
        try:
            done = prepared.run()
        except (UserMistake, InvalidRequest, ContentRefused) as exc:
            run.events.response(call_id, call.name, {"error": self._mistake(run, exc)})
            raise
        run.events.response(call_id, call.name, done.response)
        run.refresh()
        return done

    def _mistake(self, run: TurnRun, exc: UserMistake | InvalidRequest | ContentRefused) -> str:
        """What to tell the user about a mistake they can fix (a refused prompt too: they may reword it)."""
        if isinstance(exc, UserMistake):
            return exc.text
        if isinstance(exc, ContentRefused):
            if exc.term is not None:
                return say("refused_term", run.language, term=exc.term)
            return say("refused", run.language, categories=f" ({', '.join(exc.categories)})" if exc.categories else "")
        if isinstance(exc, UnknownStyle):
            known = self.services.registry.get(None).capabilities.styles
            return say("unknown_style", run.language, style=exc.name, known=", ".join(known))
        return say("cannot", run.language, reason=str(exc))


def _expanded(calls: Sequence[ToolCall], facts: SessionFacts) -> list[ToolCall]:
    """``for_each_upload`` calls replaced by their calls for each upload (``expand_for_each``)."""
    out: list[ToolCall] = []
    for call in calls:
        out.extend(expand_for_each(call, facts.plan_context()) if call.name == "for_each_upload" else (call,))
    return out
