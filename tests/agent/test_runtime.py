"""The chat agent on real services (SQLite, some on PostgreSQL too): the events of a turn, its tools
run through the studio services, prices before credits move, one undo per turn, and real files."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import av
import pytest

from frameloom.agent.runtime import build_agent
from frameloom.agent.turns import Turn
from frameloom.domain.accounts import Principal
from frameloom.domain.events import Event
from frameloom.domain.jobs import JobKind, JobStatus
from frameloom.services.container import Services, build_services
from frameloom.settings import Settings

BASE = "http://studio.test"
ATTRIBUTION = {"X-Skill-Source": "tests", "X-Skill-Version": "1", "X-Skill-Platform": "pytest"}
_turns = itertools.count(1)


@dataclass
class Chat:
    """One account's session, talked to through the agent; every event is checked on the way."""

    services: Services
    account_id: str
    session_id: str
    history: list[list[Event]] = field(default_factory=list)

    @property
    def who(self) -> Principal:
        return self.services.auth.principal(self.account_id)

    def say(self, message: str, *, streaming: bool = False, attribution: dict[str, str] | None = None,
            stop_when: Callable[[list[Event]], bool] = lambda events: False,
            session_id: str | None = None) -> list[Event]:
        """Run one turn; ``stop_when(events so far)`` is its ``cancelled()``."""
        events: list[Event] = []
        turn = Turn(job_id="job_test", account_id=self.account_id, session_id=session_id or self.session_id,
                    invocation_id=f"inv_{next(_turns)}", message=message, streaming=streaming, base_url=BASE,
                    attribution=ATTRIBUTION if attribution is None else attribution)
        build_agent(self.services).run(turn, events.append, lambda: stop_when(events))
        for event in events:  # the wire form parses back into the same typed event
            assert Event.model_validate_json(event.to_json()) == event
            assert event.invocation_id == turn.invocation_id
        assert len({e.id for e in events}) == len(events)
        self.history.append(events)
        return events

    def draft(self) -> dict[str, Any]:
        return self.services.sessions.state(self.who, self.session_id, BASE).draft


def _chat(services: Services, client: str = "agent-tests") -> Chat:
    issued = services.auth.anonymous_token(client, "127.0.0.1")
    who = services.auth.principal(issued.account_id)
    return Chat(services, issued.account_id, services.sessions.create_session(who, "project", "en"))


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    built = build_services(settings)
    yield built
    _wait_idle(built)
    built.close()


@pytest.fixture
def backend_services(backend_settings: Settings) -> Iterator[Services]:
    built = build_services(backend_settings)
    yield built
    _wait_idle(built)
    built.close()


def _wait_idle(services: Services, timeout_s: float = 30.0) -> None:
    """Child jobs run in helper threads; none may outlive its test's database."""
    deadline = time.monotonic() + timeout_s
    while services.jobs.runner.running() and time.monotonic() < deadline:
        time.sleep(0.05)


@pytest.fixture
def chat(services: Services) -> Chat:
    return _chat(services)


# --- reading events ---------------------------------------------------------------------------


def _last(events: list[Event]) -> Event:
    return events[-1]


def _final_text(events: list[Event]) -> str:
    last = _last(events)
    assert last.turn_complete is True, last
    assert not last.partial
    assert not last.is_error
    return last.text


def _calls(events: list[Event]) -> list[str]:
    return [c.name for e in events for c in e.function_calls]


def _responses(events: list[Event], name: str) -> list[dict[str, Any]]:
    """The function responses of tool ``name`` (JSON, read as the client reads it)."""
    return [r.response for e in events for r in e.function_responses if r.name == name]


def _index(events: list[Event], test: Callable[[Event], bool]) -> int:
    return next(i for i, e in enumerate(events) if test(e))


def _file(chat: Chat, media_id: str) -> Path:
    """Where a generated file of the chat's session is stored."""
    for record in chat.services.job_service.session_generations(chat.who, chat.session_id, BASE):
        for f in record.view.result.files if record.view.result else ():
            if f.media_id == media_id:
                return chat.services.storage.fetch(f.key, chat.services.settings.data_dir / "fetched")
    raise AssertionError(f"{media_id} was not made by a generation of the session")


# --- the seed prompts -----------------------------------------------------------------------------


def test_the_image_seed_prompt_ends_with_an_image_on_the_timeline_and_the_summary(chat: Chat) -> None:
    events = chat.say("generate an image of a futuristic city skyline at night with neon lights")

    assert _calls(events) == ["generate_image"]
    [response] = _responses(events, "generate_image")
    [media_id] = response["media_ids"]
    assert (response["width"], response["height"], response["price"]) == (1920, 1080, 2)
    assert str(response["links"][0]).startswith(f"{BASE}/files/")
    state = chat.services.sessions.state(chat.who, chat.session_id, BASE)
    assert [(m.media_id, m.kind, m.width, m.height) for m in state.media] == [(media_id, "image", 1920, 1080)]
    [generation] = state.generations
    assert generation.prompt == "a futuristic city skyline at night with neon lights"
    text = _final_text(events)
    assert text.startswith("Generated 1 image of \u201ca futuristic city skyline at night with neon lights\u201d")
    # the timeline names the picture by its prompt, cut at a word
    assert text.endswith("Timeline (1 track): 1. Video: a futuristic city skyline at night with... (0-5s)")
    assert state.summary in text
    balance = chat.services.credits.balance(chat.account_id)
    assert (balance.available, balance.frozen) == (98, 0)


def test_the_price_is_said_before_the_call_then_progress_then_the_response(chat: Chat) -> None:
    events = chat.say("generate an image of a lighthouse in a storm")

    price = _index(events, lambda e: e.text == "Generating 1 image (2 credits)...")
    call = _index(events, lambda e: bool(e.function_calls))
    progress = [i for i, e in enumerate(events) if e.custom_metadata and e.custom_metadata.get("stage") == "drawing"]
    response = _index(events, lambda e: bool(e.function_responses))
    assert price < call < progress[0] <= progress[-1] < response < len(events) - 1
    assert events[progress[-1]].custom_metadata == {"stage": "drawing", "progress": 1.0}
    assert events[call].function_calls[0].id == events[response].function_responses[0].id


def test_the_video_seed_prompt_ends_with_a_1080p_h264_mp4_in_the_session(chat: Chat) -> None:
    events = chat.say("a fox reading a book in a forest at sunset as a 1 second video")

    assert _calls(events) == ["generate_video"]
    assert events[0].text == "Generating a 1-second video (1 credit)..."
    [response] = _responses(events, "generate_video")
    [media_id] = response["media_ids"]
    with av.open(str(_file(chat, str(media_id)))) as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.width, stream.codec_context.height) == (1920, 1080)
        assert stream.codec_context.name == "h264"
        assert container.duration is not None
        assert 0.9 <= container.duration / av.time_base <= 1.2
    rendering = [e.custom_metadata for e in events if e.custom_metadata]
    assert rendering
    assert all(m["stage"] == "rendering" for m in rendering)
    text = _final_text(events)
    assert "Made a 1-second video of \u201ca fox reading a book in a forest at sunset\u201d" in text
    assert text.endswith("Timeline (1 track): 1. Video: a fox reading a book in a forest at... (0-1s)")


# --- the editing conversation -------------------------------------------------------------


def test_the_editing_conversation_ends_with_the_right_draft_and_an_export(chat: Chat) -> None:
    chat.say("generate an image of a futuristic city skyline at night with neon lights")
    video = chat.say("make a 6 second video from it")
    chat.say("add the title Urban Dreams for 3 seconds")
    chat.say("add lo-fi music at 35%")
    chat.say("make it vertical for TikTok")
    exported = chat.say("导出")

    [made] = _responses(video, "generate_video")
    draft = chat.draft()
    assert draft["m"] == {"w": 1080, "h": 1920, "fps": 30, "ar": "9:16"}
    tracks = {t["tt"]: t for t in draft["t"]}
    [clip] = tracks[0]["sg"]
    assert (clip["m"]["src"], clip["s"], clip["d"]) == (made["media_ids"][0], 0, 6000)
    [title] = tracks[7]["sg"]
    assert (title["s"], title["d"], title["m"]["text"]) == (0, 3000, "Urban Dreams")
    [music] = tracks[1]["sg"]
    assert (music["m"]["src"], music["m"]["volume"]) == ("bgm:lofi", 0.35)
    # the still was replaced by the video made from it
    assert len(tracks) == 3
    assert len(draft["t"]) == 3

    [render] = _responses(exported, "export")
    assert (render["format"], render["width"], render["height"], render["duration_ms"]) == ("mp4", 1080, 1920, 6000)
    assert exported[0].text == "正在导出 MP4（1 积分）……"
    text = _final_text(exported)
    assert text.startswith("已导出 MP4：http://studio.test/files/")
    assert text.endswith('Timeline (3 tracks): 1. Video: a futuristic city skyline at night with... (0-6s) '
                         '2. Title: "Urban Dreams" (0-3s) 3. BGM: Lo-fi (0-6s, 35%)')
    [job] = chat.services.sessions.state(chat.who, chat.session_id, BASE).renders
    assert (job.status, job.render_id) == ("completed", render["render_id"])
    balance = chat.services.credits.balance(chat.account_id)
    assert (balance.available, balance.frozen) == (100 - 2 - 6 - 1, 0)


# --- one undo per turn ----------------------------------------------------------------------------


def test_one_undo_reverts_every_edit_of_the_last_turn(backend_services: Services) -> None:
    chat = _chat(backend_services)
    chat.say("add the title Opening")
    before = chat.draft()
    events = chat.say("add the title Hi at 4 seconds and lo-fi music and make it square")
    assert _calls(events) == ["add_title", "add_music", "set_aspect"]
    after = chat.draft()
    assert after["m"]["ar"] == "1:1"

    undone = chat.say("undo")
    assert chat.draft() == before
    assert _final_text(undone).startswith("Undid the last change (add title; add lofi music; set aspect 1:1).")
    chat.say("redo")
    assert chat.draft() == after


def test_undo_with_nothing_to_undo_is_answered_as_text(chat: Chat) -> None:
    events = chat.say("undo")
    assert _responses(events, "undo") == [{"error": "There is nothing to undo."}]
    assert _final_text(events) == "There is nothing to undo.\nTimeline (0 tracks): empty"


# --- credits --------------------------------------------------------------------------------------


def test_a_turn_over_the_balance_ends_with_2001_and_freezes_nothing(backend_services: Services) -> None:
    chat = _chat(backend_services)
    backend_services.credits.top_up(chat.account_id, -97)  # 3 left; the turn needs 2 + 2 x 2
    bind_id = chat.who.bind_id

    events = chat.say("generate an image of a cat, then 2 more variations")

    [error] = events
    assert (error.error_code, error.custom_metadata) == (
        "2001", {"required": 6, "available": 3, "register_url": f"{BASE}/register?bind={bind_id}"})
    assert f"{BASE}/register?bind={bind_id}" in (error.error_message or "")
    balance = backend_services.credits.balance(chat.account_id)
    assert (balance.available, balance.frozen) == (3, 0)
    assert backend_services.sessions.state(chat.who, chat.session_id, BASE).media == []


# --- streaming, help, mistakes, errors ------------------------------------------------------------


def test_streaming_sends_partial_deltas_then_the_whole_text_once(chat: Chat) -> None:
    events = chat.say("add the title Hello World and then show status", streaming=True)

    partial = [e for e in events if e.partial]
    final = _last(events)
    assert len(partial) >= 3
    assert all(e.text and not e.turn_complete for e in partial)
    assert events[-len(partial) - 1:-1] == partial  # the deltas come right before the final event
    assert "".join(e.text for e in partial) == _final_text(events)
    assert final.partial is None
    assert [e for e in events if e.text and not e.partial] == [final]  # free actions say no price


def test_an_unplaceable_message_gets_the_help_text_in_its_language(chat: Chat) -> None:
    [english] = chat.say("what is the weather like today")
    assert english.text.startswith("I can generate images and videos")
    assert english.text.endswith("\nTimeline (0 tracks): empty")
    assert english.turn_complete
    [chinese] = chat.say("今天天气怎么样")
    assert chinese.text.startswith("我可以生成图片和视频")


def test_a_broken_language_model_falls_back_to_the_rule_planners_help(services: Services) -> None:
    settings = services.settings.model_copy(update={"llm_url": "http://127.0.0.1:9/v1", "llm_timeout_s": 1})
    chat = _chat(build_services(settings))
    [event] = chat.say("what is the weather like today")
    assert event.text.startswith("I can generate images and videos")
    chat.services.close()


def test_a_users_mistake_is_answered_as_text_and_stops_the_rest(chat: Chat) -> None:
    events = chat.say("add lo-fi music and then add the title Late")
    assert _calls(events) == ["add_music"]
    text = _final_text(events)
    assert text.startswith("I could not do that: draft: the timeline is empty; music spans it")
    assert text.endswith("Timeline (0 tracks): empty")

    [*_, answer] = chat.say("use my clip")
    assert answer.text.startswith("There is no upload \u201clast\u201d in this session")


def test_export_without_attribution_ends_with_the_402_error_event(chat: Chat) -> None:
    chat.say("add the title Hello")
    events = chat.say("export", attribution={})
    error = _last(events)
    assert error.error_code == "402"
    assert "X-Skill-Source" in (error.error_message or "")
    assert chat.services.credits.balance(chat.account_id).frozen == 0


def test_another_accounts_session_ends_with_1002(services: Services, chat: Chat) -> None:
    other = _chat(services, "someone-else")
    [error] = chat.say("add the title Mine", session_id=other.session_id)
    assert error.error_code == "1002"
    assert error.turn_complete is None


def test_a_cancelled_turn_stops_its_job_and_gives_the_credits_back(chat: Chat) -> None:
    def after_first_progress(events: list[Event]) -> bool:
        return any(e.custom_metadata for e in events)

    events = chat.say("a 3 second video of rain on a window", stop_when=after_first_progress)

    error = _last(events)
    assert error.error_code == "409"
    assert "stopped" in (error.error_message or "")
    _wait_idle(chat.services)
    [record] = chat.services.job_service.session_generations(chat.who, chat.session_id, BASE)
    assert (record.view.kind, record.view.status) == (JobKind.VIDEO, JobStatus.CANCELLED)
    balance = chat.services.credits.balance(chat.account_id)
    assert (balance.available, balance.frozen) == (100, 0)
