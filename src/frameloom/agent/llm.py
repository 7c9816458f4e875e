"""The optional language-model planner: what the rule planner cannot place, asked of an
OpenAI-compatible chat-completions endpoint with the same tools (docs/AGENT.md).

:meth:`LlmPlanner.plan` sends the message, a short system prompt with the session's
context and the tools of :func:`~frameloom.agent.llm_tools.tool_schemas`, and turns the
answer into a :class:`~frameloom.agent.planner.Plan`:

    tool calls (arguments as a JSON string or an object)  -> a Plan of checked calls
    no tool call, tool calls written in the text
    (``<tool_call>{...}</tool_call>``, a JSON object or list) -> those, parsed once
    no tool call, plain text                              -> a Plan with no calls, the text as reply_hint
    anything else (not configured, timeout, refused connection, non-200, bad JSON,
    empty choices, an unknown tool, a bad argument)        -> None, and one warning line

It never raises, and never logs or returns the key.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

import httpx

from frameloom.agent.clause import PlanContext
from frameloom.agent.llm_tools import checked_call, tool_schemas
from frameloom.agent.planner import Plan
from frameloom.agent.tools import ToolCall
from frameloom.domain.errors import InvalidRequest

if TYPE_CHECKING:
    from frameloom.settings import Settings

log = logging.getLogger("frameloom.agent")

MAX_REPLY_CHARS = 2000
_TAGGED = re.compile(r"<tool_call>\s*(.*?)\s*(?:</tool_call>|$)", re.DOTALL)
_FENCED = re.compile(r"```(?:json)?\s*(.*?)\s*```", re.DOTALL)

SYSTEM_PROMPT = (
    "You are the planner of frameloom, a studio that generates images and videos and edits a "
    "video timeline (titles, music, aspect ratio, length, trims, uploads, exports). Answer the "
    "user's message with tool calls that do what they ask, in order. Keep the user's words in "
    "prompts and titles. Times are in milliseconds, lengths in seconds, volumes from 0 to 1. "
    "If no tool fits, answer in one or two short sentences, in the user's language, saying what "
    "you can do.\n"
)


class _Unusable(Exception):
    """The model's answer cannot be planned; the message says why (never the key).
    Raised and caught inside this module only: :meth:`LlmPlanner.plan` returns None."""


class LlmPlanner:
    """Plans with the chat endpoint at ``settings.llm_url`` (``FRAMELOOM_LLM_*``).

    ``transport`` is for tests; the real one is used otherwise. One request per
    :meth:`plan`, no retry: a turn waits at most ``llm_timeout_s`` per network step.
    """

    def __init__(self, settings: Settings, transport: httpx.BaseTransport | None = None) -> None:
        self.url = settings.llm_url.rstrip("/") if settings.llm_url else None
        self.model = settings.llm_model
        self.timeout_s = settings.llm_timeout_s
        self._key = settings.llm_key.get_secret_value() if settings.llm_key else None
        self._transport = transport

    @property
    def configured(self) -> bool:
        """True when ``FRAMELOOM_LLM_URL`` is set."""
        return self.url is not None

    def plan(self, message: str, context: PlanContext) -> Plan | None:
        """The plan the model makes of ``message``, or None (see the module's table)."""
        if self.url is None:
            return None
        try:
            return plan_from_answer(self._ask(message, context))
        except _Unusable as exc:
            log.warning("llm planner: %s; the rule planner answers", exc)
            return None

    def request_body(self, message: str, context: PlanContext) -> dict[str, object]:
        """The chat-completions body sent for ``message``."""
        body: dict[str, object] = {
            "messages": [
                {"role": "system", "content": SYSTEM_PROMPT + describe(context)},
                {"role": "user", "content": message},
            ],
            "tools": tool_schemas(),
            "tool_choice": "auto",
        }
        if self.model:
            body["model"] = self.model
        return body

    def _ask(self, message: str, context: PlanContext) -> object:
        """The endpoint's JSON answer. Raises :class:`_Unusable` on any transport or HTTP failure."""
        headers = {"Authorization": f"Bearer {self._key}"} if self._key else {}
        try:
            with httpx.Client(timeout=self.timeout_s, transport=self._transport) as http:
                response = http.post(f"{self.url}/chat/completions", json=self.request_body(message, context),
                                     headers=headers)
        except httpx.TimeoutException:
            raise _Unusable(f"no answer within {self.timeout_s:g} s") from None
        except httpx.HTTPError as exc:
            # the exception's class only: its text could carry the request, and so the key
            raise _Unusable(f"request failed ({type(exc).__name__})") from None
        if response.status_code != 200:
            raise _Unusable(f"HTTP {response.status_code}")
        try:
            return response.json()
        except ValueError:
            raise _Unusable("the answer is not JSON") from None


def describe(context: PlanContext) -> str:
    """The session as the model needs it: what exists to refer to, and the reply language."""
    timeline = [name for name, present in (("a title", context.has_title), ("music", context.has_music),
                                           ("a video", context.has_video)) if present]
    uploads = ", ".join(f"{i} = {media_id}" for i, media_id in enumerate(context.uploads, 1))
    lines = [
        f"Last generation: {context.last_kind or 'none'}.",
        f"Uploads (oldest first): {uploads or 'none'}.",
        f"The timeline has: {', '.join(timeline) or 'nothing yet'}.",
    ]
    if context.language:
        lines.append(f"Reply in {'Chinese' if context.language == 'zh' else 'English'}.")
    return "Session: " + " ".join(lines)


def plan_from_answer(answer: object) -> Plan:
    """The plan of a chat-completions answer. Raises :class:`_Unusable`."""
    message = _first_message(answer)
    tool_calls = message.get("tool_calls")
    content = message.get("content")
    if tool_calls:
        if not isinstance(tool_calls, list):
            raise _Unusable("tool_calls is not a list")
        return Plan(tuple(_call(_function_of(item)) for item in tool_calls))
    if not isinstance(content, str) or not content.strip():
        raise _Unusable("neither tool calls nor text")
    written = _calls_in_text(content)
    if written is not None:
        return Plan(tuple(_call(item) for item in written))
    return Plan((), content.strip()[:MAX_REPLY_CHARS])


def _first_message(answer: object) -> Mapping[str, object]:
    choices = answer.get("choices") if isinstance(answer, dict) else None
    if not isinstance(choices, list) or not choices:
        raise _Unusable("no choices")
    first = choices[0]
    message = first.get("message") if isinstance(first, dict) else None
    if not isinstance(message, dict):
        raise _Unusable("the choice has no message")
    return message


def _function_of(item: object) -> object:
    """An OpenAI ``tool_calls`` entry's ``function`` (``{name, arguments}``)."""
    return item.get("function") if isinstance(item, dict) else None


def _call(function: object) -> ToolCall:
    """A checked call from ``{"name": ..., "arguments": ...}`` (a JSON string, an object,
    or absent). Raises :class:`_Unusable`."""
    if not isinstance(function, dict) or not isinstance(function.get("name"), str):
        raise _Unusable("a tool call without a name")
    name: str = function["name"]
    arguments = function.get("arguments", function.get("parameters"))
    if isinstance(arguments, str):
        try:
            arguments = json.loads(arguments) if arguments.strip() else {}
        except ValueError:
            raise _Unusable(f"{name}: its arguments are not JSON") from None
    if arguments is None:
        arguments = {}
    if not isinstance(arguments, dict):
        raise _Unusable(f"{name}: its arguments are not an object")
    try:
        return checked_call(name, arguments)
    except InvalidRequest as exc:
        raise _Unusable(str(exc)[:300]) from None


def _calls_in_text(content: str) -> list[object] | None:
    """Tool calls a model wrote into its text instead of ``tool_calls``: each
    ``<tool_call>{...}</tool_call>``, or the whole text (or a fenced block) as a JSON
    object or list of ``{name, arguments}``. None when the text holds none; raises
    :class:`_Unusable` when it looks like calls but does not parse."""
    tagged = _TAGGED.findall(content)
    if tagged:
        return [_json(chunk) for chunk in tagged]
    fenced = _FENCED.search(content)
    text = fenced.group(1) if fenced else content.strip()
    if not text.startswith(("{", "[")):
        return None
    found = _json(text)
    if isinstance(found, dict) and isinstance(found.get("tool_calls"), list):
        return [_function_of(item) or item for item in found["tool_calls"]]
    return found if isinstance(found, list) else [found]


def _json(text: str) -> object:
    try:
        return json.loads(text)
    except ValueError:
        raise _Unusable("tool calls in the text are not JSON") from None
