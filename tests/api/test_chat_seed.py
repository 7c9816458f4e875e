"""The issue's seed prompts through ``/run_sse`` on a real server with the built-in agent:
an image, then a 1080p MP4, each in the session, each turn ending with the timeline summary."""

from __future__ import annotations

import io
from collections.abc import Callable

import av
import httpx
from tests.api.test_chat_stream import Chat, Json, adk, read_sse, serve, texts, validators

__all__ = ["adk", "serve", "validators"]  # fixtures used by name below
SKILL = {"X-Skill-Source": "tests", "X-Skill-Version": "1.0", "X-Skill-Platform": "pytest"}


def say(chat: Chat, text: str) -> list[Json]:
    with chat.client() as client:
        events = read_sse(client.post("/run_sse", json=chat.body(text, streaming=True), headers=SKILL)).events
    assert events[-1].get("turnComplete") is True, events[-1]
    return events


def test_the_seed_prompts_make_an_image_and_a_1080p_mp4(serve: Callable[..., Chat],
                                                        adk: Callable[[list[Json]], None]) -> None:
    chat = serve(None)
    image_turn = say(chat, "generate an image of a futuristic city skyline at night with neon lights")
    video_turn = say(chat, "make a 2 second video of a fox reading a book in a forest at sunset")
    adk(image_turn + video_turn)

    calls = [part["functionCall"]["name"] for e in image_turn + video_turn
             for part in e.get("content", {}).get("parts", []) if "functionCall" in part]
    assert calls[:1] == ["generate_image"]
    assert "generate_video" in calls
    final = texts(video_turn)[-1]
    assert "Timeline (" in final

    state = httpx.get(f"{chat.url}/api/state/nemo_agent/me/{chat.session_id}/latest",
                      headers=chat.headers).json()["data"]
    assert state["summary"] in final
    kinds = {m["kind"]: m for m in state["media"]}
    assert (kinds["image"]["width"], kinds["image"]["height"]) == (1920, 1080)
    video = kinds["video"]
    body = httpx.get(video["url"]).content
    with av.open(io.BytesIO(body), "r") as container:
        stream = container.streams.video[0]
        assert (stream.codec_context.name, stream.width, stream.height) == ("h264", 1920, 1080)
        assert container.duration is not None
        assert abs(container.duration / av.time_base - 2.0) < 0.1
    placed = [seg["m"].get("src") for track in state["draft"]["t"] for seg in track["sg"]]
    assert video["media_id"] in placed  # the video is on the timeline, ready to edit and export
