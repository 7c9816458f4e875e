"""The SSE parser on its own, and the chat stream read by both clients from scripted answers
(``httpx.MockTransport``): chunks split anywhere, heartbeats, CRLF, error events, a capped stream."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from tests.client.conftest import ClientFactory

from frameloom.client import errors
from frameloom.client.sse import Comment, Message, SseParser
from frameloom.domain.events import Content, Event, Part

URL = "http://studio.test"


def event(n: int, text: str = "", *, done: bool = False, invocation: str = "inv_1", **extra: object) -> Event:
    content = Content(parts=[Part(text=text)]) if text else None
    return Event.model_validate({"id": f"evt_{n}", "invocationId": invocation, "timestamp": 1_700_000_000.0 + n,
                                 "content": content, "turnComplete": True if done else None, **extra})


def sse(*items: Event | str) -> bytes:
    """Events as ``data:`` blocks; a string is sent as a comment line."""
    return b"".join(f"data: {i.to_json()}\n\n".encode() if isinstance(i, Event) else f": {i}\n\n".encode()
                    for i in items)


def feed_all(parser: SseParser, chunks: list[bytes]) -> list[Message | Comment]:
    items: list[Message | Comment] = []
    for chunk in chunks:
        items += parser.feed(chunk)
    return items + parser.close()


class TestParser:
    def test_messages_and_comments_come_out_in_order(self) -> None:
        items = feed_all(SseParser(), [b'data: {"a": 1}\n\n: heartbeat\n\ndata: two\n\n'])
        assert items == [Message('{"a": 1}'), Comment("heartbeat"), Message("two")]

    @pytest.mark.parametrize("size", [1, 2, 3, 7])
    def test_chunks_split_anywhere_give_the_same_items(self, size: int) -> None:
        body = "data: é中\r\nid: 7\r\n\r\n: heartbeat\r\n\r\ndata: a\rdata: b\r\r".encode()
        chunks = [body[i:i + size] for i in range(0, len(body), size)]
        parser = SseParser()
        assert feed_all(parser, chunks) == [Message("é中", id="7"), Comment("heartbeat"), Message("a\nb")]
        assert parser.last_event_id == "7"

    def test_a_cr_at_the_end_of_a_chunk_waits_for_the_next_byte(self) -> None:
        parser = SseParser()
        assert parser.feed(b"data: x\r") == []
        assert parser.feed(b"\n\r\n") == [Message("x")]

    def test_a_message_without_its_blank_line_at_the_end_is_dropped(self) -> None:
        assert feed_all(SseParser(), [b"data: half"]) == []

    def test_fields_follow_the_sse_rules(self) -> None:
        items = feed_all(SseParser(), [b"event: ping\ndata\ndata:x\nretry: 5\nunknown: y\n\n"])
        assert items == [Message("\nx", event="ping")]


class ChunkStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """An answer body sent in the given chunks, to the sync and the async client alike."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        yield from self.chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            yield chunk


def split(body: bytes, size: int) -> list[bytes]:
    return [body[i:i + size] for i in range(0, len(body), size)]


def scripted(*bodies: list[bytes]) -> tuple[httpx.MockTransport, list[dict[str, object]]]:
    """A transport answering each ``/run_sse`` with the next body; the request bodies are kept."""
    sent: list[dict[str, object]] = []
    answers = iter(bodies)

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        return httpx.Response(200, headers={"Content-Type": "text/event-stream"}, stream=ChunkStream(next(answers)))

    return httpx.MockTransport(handle), sent


class TestChatStream:
    def test_events_split_into_small_chunks_with_heartbeats_and_crlf_are_whole(
            self, make_client: ClientFactory) -> None:
        body = sse(event(1, "Hel"), "heartbeat", event(2, "lo"), "heartbeat", event(3, "Hello", done=True))
        transport, sent = scripted(split(body.replace(b"\n", b"\r\n"), 5))
        beats: list[None] = []
        client = make_client(URL, "tok", transport)
        events = list(client.chat("ses_1", "hi", on_heartbeat=lambda: beats.append(None)))
        assert [e.text for e in events] == ["Hel", "lo", "Hello"]
        assert events[-1].turn_complete is True
        assert len(beats) == 2
        assert sent == [{"app_name": "nemo_agent", "user_id": "me", "session_id": "ses_1", "streaming": True,
                         "new_message": {"role": "user", "parts": [{"text": "hi"}]}}]

    def test_an_error_event_raises_its_class_with_its_data_after_the_events_before_it(
            self, make_client: ClientFactory) -> None:
        failed = event(2, error_code="2001", error_message="not enough credits",
                       custom_metadata={"required": 2, "available": 0, "register_url": "http://x/register?bind=b"})
        transport, _ = scripted([sse(event(1, "Making it"), failed)])
        events = make_client(URL, "tok", transport).chat("ses_1", "an image")
        assert next(events).text == "Making it"
        with pytest.raises(errors.InsufficientCredits) as caught:
            next(events)
        assert (caught.value.code, caught.value.required, caught.value.register_url) == (
            2001, 2, "http://x/register?bind=b")

    def test_a_capped_stream_is_re_attached_after_its_last_event(self, make_client: ClientFactory) -> None:
        capped = event(9, custom_metadata={"stream": "capped", "turnRunning": True,
                                           "reattach": {"path": "/run_sse", "invocationId": "inv_1",
                                                        "after": "evt_1"}})
        transport, sent = scripted([sse(event(1, "working"), capped)], [sse(event(2, "done", done=True))])
        events = list(make_client(URL, "tok", transport).chat("ses_1", "a long video"))
        assert [e.id for e in events] == ["evt_1", "evt_2"]  # the cap's own event is not the turn's
        assert sent[1] == {"app_name": "nemo_agent", "user_id": "me", "session_id": "ses_1",
                           "invocation_id": "inv_1", "after": "evt_1", "streaming": True}

    def test_a_stream_closed_before_the_turn_ended_is_connection_failed(self, make_client: ClientFactory) -> None:
        transport, _ = scripted([sse(event(1, "working"))])
        with pytest.raises(errors.ConnectionFailed, match="before the turn ended"):
            list(make_client(URL, "tok", transport).chat("ses_1", "hi"))

    def test_data_that_is_not_an_event_is_a_server_error(self, make_client: ClientFactory) -> None:
        transport, _ = scripted([b"data: {not json\n\n"])
        with pytest.raises(errors.ServerError):
            list(make_client(URL, "tok", transport).chat("ses_1", "hi"))

    def test_an_error_answer_before_the_stream_is_raised(self, make_client: ClientFactory) -> None:
        def handle(request: httpx.Request) -> httpx.Response:
            return httpx.Response(401, json={"code": 1001, "message": "token expired", "data": {}})

        with pytest.raises(errors.AuthRequired, match="token expired"):
            list(make_client(URL, "tok", httpx.MockTransport(handle)).chat("ses_1", "hi"))
