"""The language-model planner against a fake OpenAI-compatible server on loopback.

The fake serves scripted chat-completions answers over real HTTP (uvicorn) and keeps
each request it saw, so the tests read what was sent (tools, model, bearer key) and
what the planner made of each kind of answer: a Plan, or None and one warning line.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI, Request, Response
from pydantic import SecretStr

from frameloom.agent import TOOLS, PlanContext, ToolCall, plan
from frameloom.agent.llm import LlmPlanner
from frameloom.agent.llm_tools import checked_call, tool_schemas
from frameloom.agent.tools import ASPECTS, EXPORT_FORMATS, POSITIONS
from frameloom.domain.errors import InvalidRequest
from frameloom.domain.images import STYLES
from frameloom.domain.video import MUSIC_STYLES
from frameloom.settings import Settings

KEY = "sk-fake-0123456789"
MODEL = "tiny-planner-1"
CONTEXT = PlanContext(last_kind="image", uploads=("med_a1b2", "med_c3d4"), has_title=True)
CORPUS = Path(__file__).with_name("corpus.jsonl")


@dataclass
class Scripted:
    """One answer: a JSON value (or raw bytes), its status, and how long to wait first."""

    body: object
    status: int = 200
    delay_s: float = 0.0


@dataclass
class Seen:
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class FakeLlm:
    """``POST /v1/chat/completions`` answering from ``answers``, in order."""

    answers: list[Scripted] = field(default_factory=list)
    requests: list[Seen] = field(default_factory=list)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/v1/chat/completions")
        async def complete(request: Request) -> Response:
            self.requests.append(Seen(dict(request.headers), await request.json()))
            answer = self.answers.pop(0)
            await asyncio.sleep(answer.delay_s)
            raw = answer.body if isinstance(answer.body, bytes) else json.dumps(answer.body).encode()
            return Response(raw, status_code=answer.status, media_type="application/json")

        return app


@pytest.fixture
def fake(live_server: Callable[[Any], str]) -> tuple[FakeLlm, str]:
    """The fake and its base URL (with a trailing slash, as people write it)."""
    server = FakeLlm()
    return server, live_server(server.app()) + "/v1/"


def planner_for(settings: Settings, url: str | None, timeout_s: float = 5.0) -> LlmPlanner:
    return LlmPlanner(settings.model_copy(update={
        "llm_url": url, "llm_model": MODEL, "llm_key": SecretStr(KEY), "llm_timeout_s": timeout_s}))


def ask(fake: tuple[FakeLlm, str], settings: Settings, *answers: Scripted, timeout_s: float = 5.0) -> Any:
    server, url = fake
    server.answers.extend(answers)
    return planner_for(settings, url, timeout_s).plan("make me something nice", CONTEXT)


def tool_answer(*calls: tuple[str, object]) -> Scripted:
    """An OpenAI answer with ``tool_calls``; each call's arguments as given (a string or an object)."""
    tool_calls = [{"id": f"call_{i}", "type": "function", "function": {"name": name, "arguments": arguments}}
                  for i, (name, arguments) in enumerate(calls)]
    return Scripted({"id": "chatcmpl-1", "object": "chat.completion", "choices": [
        {"index": 0, "finish_reason": "tool_calls",
         "message": {"role": "assistant", "content": None, "tool_calls": tool_calls}}]})


def text_answer(content: str) -> Scripted:
    return Scripted({"choices": [{"index": 0, "finish_reason": "stop",
                                  "message": {"role": "assistant", "content": content}}]})


# --- what is sent -----------------------------------------------------------------------------


def test_a_good_tool_call_becomes_a_checked_plan(fake: tuple[FakeLlm, str], settings: Settings) -> None:
    args = json.dumps({"prompt": "a lighthouse in a storm", "aspect": "9:16", "n": 2})
    result = ask(fake, settings, tool_answer(("generate_image", args), ("export", '{"format": "png"}')))
    assert result is not None
    assert result.calls == (
        ToolCall.of("generate_image", prompt="a lighthouse in a storm", aspect="9:16", n=2),
        ToolCall.of("export", format="png"),
    )
    assert result.reply_hint is None


def test_the_request_carries_the_tools_the_model_and_the_bearer_key(
        fake: tuple[FakeLlm, str], settings: Settings) -> None:
    ask(fake, settings, text_answer("Hello!"))
    (seen,) = fake[0].requests
    assert seen.headers["authorization"] == f"Bearer {KEY}"
    assert seen.body["model"] == MODEL
    assert seen.body["tool_choice"] == "auto"
    assert [tool["function"]["name"] for tool in seen.body["tools"]] == list(TOOLS)
    system, user = seen.body["messages"]
    assert user == {"role": "user", "content": "make me something nice"}
    assert system["role"] == "system"
    for fact in ("Last generation: image", "1 = med_a1b2", "2 = med_c3d4", "a title"):
        assert fact in system["content"]
    assert KEY not in json.dumps(seen.body)


def test_no_key_sends_no_authorization_and_no_model_sends_no_model(
        fake: tuple[FakeLlm, str], settings: Settings) -> None:
    server, url = fake
    server.answers.append(text_answer("Hi"))
    LlmPlanner(settings.model_copy(update={"llm_url": url})).plan("hi", PlanContext())
    (seen,) = server.requests
    assert "authorization" not in seen.headers
    assert "model" not in seen.body


def test_unconfigured_it_asks_nothing(settings: Settings) -> None:
    planner = LlmPlanner(settings)
    assert not planner.configured
    assert planner.plan("paint me a dragon", PlanContext()) is None


# --- the tool schemas -------------------------------------------------------------------------


def _parameters(name: str) -> dict[str, Any]:
    (tool,) = [t for t in tool_schemas() if t["function"]["name"] == name]  # type: ignore[index]
    return tool["function"]["parameters"]  # type: ignore[index,no-any-return]


def test_each_tool_schema_names_its_arguments_and_the_required_ones() -> None:
    for spec in TOOLS.values():
        parameters = _parameters(spec.name)
        assert list(parameters["properties"]) == list(spec.arg_names)
        assert parameters["required"] == list(spec.required)
        assert parameters["additionalProperties"] is False
    json.dumps(tool_schemas())  # the wire form: plain JSON


def test_the_schemas_spell_out_the_vocabularies() -> None:
    image = _parameters("generate_image")["properties"]
    assert image["aspect"]["enum"] == list(ASPECTS)
    assert image["style"]["enum"] == list(STYLES)
    assert image["n"] == {"description": image["n"]["description"], "type": "integer", "minimum": 1, "maximum": 4}
    assert _parameters("generate_video")["properties"]["music"]["enum"] == list(MUSIC_STYLES)
    assert _parameters("add_music")["properties"]["style"]["enum"] == list(MUSIC_STYLES)
    assert _parameters("export")["properties"]["format"]["enum"] == list(EXPORT_FORMATS)
    assert _parameters("add_title")["properties"]["pos"]["enum"] == list(POSITIONS)
    assert _parameters("set_volume")["properties"]["volume"]["maximum"] == 1
    assert _parameters("undo")["properties"] == {}


# --- the answers it accepts -------------------------------------------------------------------


def test_arguments_as_a_string_or_as_an_object_plan_the_same(fake: tuple[FakeLlm, str], settings: Settings) -> None:
    args = {"style": "lofi", "volume": 0.35}
    as_string = ask(fake, settings, tool_answer(("add_music", json.dumps(args))))
    as_object = ask(fake, settings, tool_answer(("add_music", args)))
    assert as_string is not None
    assert as_string == as_object
    assert as_string.calls == (ToolCall.of("add_music", style="lofi", volume=0.35),)


def test_whole_numbers_read_as_the_rule_planner_writes_them(fake: tuple[FakeLlm, str], settings: Settings) -> None:
    result = ask(fake, settings, tool_answer(("generate_video", {"prompt": "@last", "seconds": 6.0})))
    assert result is not None
    (call,) = result.calls
    assert call.args["seconds"] == 6
    assert isinstance(call.args["seconds"], int)


def test_a_text_answer_is_a_plan_with_no_calls_and_the_text_as_hint(
        fake: tuple[FakeLlm, str], settings: Settings) -> None:
    result = ask(fake, settings, text_answer("  I can make images and videos; what should it show?  "))
    assert result is not None
    assert result.calls == ()
    assert result.reply_hint == "I can make images and videos; what should it show?"


@pytest.mark.parametrize("content", [
    '<tool_call>\n{"name": "set_aspect", "arguments": {"aspect": "1:1"}}\n</tool_call>\n'
    '<tool_call>{"name": "export", "arguments": "{\\"format\\": \\"gif\\"}"}</tool_call>',
    '[{"name": "set_aspect", "arguments": {"aspect": "1:1"}}, {"name": "export", "arguments": {"format": "gif"}}]',
    'Sure:\n```json\n{"tool_calls": [{"type": "function", "function": {"name": "set_aspect", '
    '"arguments": "{\\"aspect\\": \\"1:1\\"}"}}, {"function": {"name": "export", "arguments": {"format": "gif"}}}]}\n```',
], ids=["tagged", "json-list", "fenced-openai-shape"])
def test_tool_calls_written_in_the_text_are_parsed_once(
        fake: tuple[FakeLlm, str], settings: Settings, content: str) -> None:
    result = ask(fake, settings, text_answer(content))
    assert result is not None
    assert result.calls == (ToolCall.of("set_aspect", aspect="1:1"), ToolCall.of("export", format="gif"))


def test_a_single_json_call_in_the_text_is_parsed(fake: tuple[FakeLlm, str], settings: Settings) -> None:
    result = ask(fake, settings, text_answer('{"name": "undo", "arguments": {}}'))
    assert result is not None
    assert result.calls == (ToolCall.of("undo"),)


# --- the answers it refuses: None and one warning line without the key ------------------------


GARBAGE = Scripted(b'{"choices": [{"message": ')
REFUSED = [
    pytest.param(tool_answer(("paint_wall", "{}")), "unknown tool", id="unknown-tool"),
    pytest.param(GARBAGE, "not JSON", id="garbage-json"),
    pytest.param(Scripted({"error": {"message": "boom"}}, status=500), "HTTP 500", id="http-500"),
    pytest.param(Scripted({"choices": []}), "no choices", id="empty-choices"),
    pytest.param(Scripted({"object": "chat.completion"}), "no choices", id="no-choices"),
    pytest.param(text_answer(""), "neither tool calls nor text", id="empty-text"),
    pytest.param(tool_answer(("set_aspect", '{"aspect": "2:1"}')), "set_aspect.aspect", id="aspect-not-offered"),
    pytest.param(tool_answer(("add_music", {"style": "lofi", "volume": 35})), "add_music.volume", id="volume-percent"),
    pytest.param(tool_answer(("generate_image", {"prompt": "x", "n": True})), "generate_image.n", id="bool-count"),
    pytest.param(tool_answer(("generate_image", {"prompt": "  "})), "generate_image.prompt", id="blank-prompt"),
    pytest.param(tool_answer(("export", {"format": "bmp"})), "export.format", id="format-not-offered"),
    pytest.param(tool_answer(("remove", {"target": "the thing"})), "remove.target", id="bad-reference"),
    pytest.param(tool_answer(("remove", {})), "remove.target", id="missing-required"),
    pytest.param(tool_answer(("export", {"fmt": "gif"})), "export.fmt", id="unknown-argument"),
    pytest.param(tool_answer(("set_duration", {})), "set_duration", id="duration-of-nothing"),
    pytest.param(tool_answer(("export", '{"format": ')), "not JSON", id="arguments-not-json"),
    pytest.param(tool_answer(("export", '["gif"]')), "not an object", id="arguments-a-list"),
    pytest.param(tool_answer(("undo", "{}"), ("explode", "{}")), "unknown tool", id="one-bad-call-of-two"),
    pytest.param(text_answer('<tool_call>{"name": "undo", "arguments": </tool_call>'), "not JSON", id="tagged-garbage"),
    pytest.param(text_answer('{"answer": "42"}'), "without a name", id="json-not-a-call"),
]


@pytest.mark.parametrize(("answer", "reason"), REFUSED)
def test_an_unusable_answer_gives_none_and_one_warning(
        fake: tuple[FakeLlm, str], settings: Settings, caplog: pytest.LogCaptureFixture,
        answer: Scripted, reason: str) -> None:
    with caplog.at_level(logging.WARNING, logger="frameloom.agent"):
        assert ask(fake, settings, answer) is None
    (record,) = [r for r in caplog.records if r.name == "frameloom.agent"]
    assert record.levelno == logging.WARNING
    assert reason in record.getMessage()
    assert KEY not in caplog.text


def test_a_slow_answer_past_the_timeout_gives_none(
        fake: tuple[FakeLlm, str], settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="frameloom.agent"):
        result = ask(fake, settings, Scripted(text_answer("late").body, delay_s=1.5), timeout_s=0.3)
    assert result is None
    assert time.monotonic() - started < 1.2
    assert "no answer within 0.3 s" in caplog.text


def test_a_refused_connection_gives_none(settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as sock:  # a port nobody listens on once closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with caplog.at_level(logging.WARNING, logger="frameloom.agent"):
        assert planner_for(settings, f"http://127.0.0.1:{port}/v1").plan("hi", PlanContext()) is None
    assert "request failed (ConnectError)" in caplog.text
    assert KEY not in caplog.text


# --- the same checks as the rule planner ------------------------------------------------------


def test_every_call_the_rule_planner_makes_passes_the_same_checks() -> None:
    checked = 0
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        raw = entry.get("context", {})
        context = PlanContext(**{**raw, "uploads": tuple(raw.get("uploads", ()))})
        for call in plan(entry["message"], context).calls:
            assert checked_call(call.name, call.args) == call, entry["message"]
            checked += 1
    assert checked > 200


def test_the_checks_name_the_tool_and_argument() -> None:
    with pytest.raises(InvalidRequest) as raised:
        checked_call("add_title", {"text": "Hi", "pos": "left"})
    assert raised.value.problems[0].field == "add_title.pos"
    assert checked_call("remove", {"target": "med_a1b2"}).args["target"] == "med_a1b2"
    assert checked_call("use_upload", {"media": "2"}).args["media"] == "2"
