"""The draft over HTTP: history, PUT with a version, undo and redo, typed edits, concurrent editors."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

import httpx
import pytest
from fastapi.testclient import TestClient
from tests.api.conftest import new_token, still

from frameloom.api import create_app
from frameloom.settings import Settings

EMPTY_DRAFT = {"v": 1, "m": {"w": 1920, "h": 1080, "fps": 30, "ar": "16:9"}, "t": []}


class Answer(Protocol):
    """An HTTP response (httpx's, or the test client's)."""

    status_code: int

    @property
    def text(self) -> str: ...

    def json(self) -> Any: ...


def url(session_id: str, tail: str) -> str:
    return f"/api/state/nemo_agent/me/{session_id}/{tail}"


def edits(client: TestClient, headers: dict[str, str], sid: str, *ops: dict[str, Any],
          version: int | None = None) -> Answer:
    body: dict[str, Any] = {"ops": list(ops)}
    if version is not None:
        body["version"] = version
    return client.post(url(sid, "edits"), headers=headers, json=body)


def problems(response: Answer) -> list[str]:
    return [e["field"] for e in response.json()["data"]["errors"]]


def test_a_new_session_has_one_version(client: TestClient, headers: dict[str, str], session_id: str) -> None:
    data = client.get(url(session_id, "versions"), headers=headers).json()["data"]
    assert data["current_version"] == 1
    [first] = data["versions"]
    assert (first["number"], first["label"], first["action"], first["current"]) == (1, "new session", "new", True)
    assert first["created_at"].startswith("2026-03-01T12:00:00")


def test_typed_edits_make_a_version_the_state_shows(
    client: TestClient, headers: dict[str, str], session_id: str
) -> None:
    response = edits(client, headers, session_id, {"op": "add_title", "text": "Urban Dreams"},
                     {"op": "add_music", "style": "lofi", "volume": 0.35}, version=1)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert (data["version"], data["label"], data["can_undo"], data["can_redo"]) == (
        2, "add title; add lofi music", True, False)
    assert data["summary"] == 'Timeline (2 tracks): 1. Title: "Urban Dreams" (0-3s) 2. BGM: Lo-fi (0-3s, 35%)'
    state = client.get(url(session_id, "latest"), headers=headers).json()["data"]
    assert (state["version"], state["draft"], state["summary"]) == (2, data["draft"], data["summary"])


def test_a_stale_edit_is_409_with_the_current_version(
    client: TestClient, headers: dict[str, str], session_id: str
) -> None:
    assert edits(client, headers, session_id, {"op": "add_title", "text": "A"}, version=1).status_code == 200
    response = edits(client, headers, session_id, {"op": "set_aspect", "aspect": "9:16"}, version=1)
    assert response.status_code == 409
    assert (response.json()["code"], response.json()["data"]) == (409, {"current_version": 2})


def test_put_replaces_the_draft_from_a_version(client: TestClient, headers: dict[str, str], session_id: str) -> None:
    media_id = client.post(f"/api/upload-video/nemo_agent/me/{session_id}", headers=headers,
                           files={"file": ("a.png", still("png"))}).json()["data"]["media"][0]["media_id"]
    draft = {**EMPTY_DRAFT, "t": [{"id": "v1", "tt": 0, "sg": [{"id": "s1", "s": 0, "d": 2000, "m": {"src": media_id}}]}]}
    response = client.put(url(session_id, "draft"), headers=headers, json={"version": 1, "draft": draft})
    assert response.status_code == 200, response.text
    assert (response.json()["data"]["version"], response.json()["data"]["draft"]) == (2, draft)
    again = client.put(url(session_id, "draft"), headers=headers, json={"version": 1, "draft": EMPTY_DRAFT})
    assert (again.status_code, again.json()["data"]["current_version"]) == (409, 2)


def test_put_refuses_a_bad_draft_with_paths(client: TestClient, headers: dict[str, str], session_id: str) -> None:
    draft = {**EMPTY_DRAFT, "t": [{"id": "v1", "tt": 5, "sg": []},
                                  {"id": "a1", "tt": 1, "sg": [{"id": "s1", "s": 0, "d": 100, "m": {"src": "med_x"}}]}]}
    response = client.put(url(session_id, "draft"), headers=headers, json={"version": 1, "draft": draft})
    assert response.status_code == 400
    assert problems(response) == ["draft.t[0].tt", "draft.t[1].sg[0].m.src"]


def test_put_needs_the_version(client: TestClient, headers: dict[str, str], session_id: str) -> None:
    response = client.put(url(session_id, "draft"), headers=headers, json={"draft": EMPTY_DRAFT})
    assert (response.status_code, problems(response)) == (400, ["version"])


def test_undo_and_redo(client: TestClient, headers: dict[str, str], session_id: str) -> None:
    first = edits(client, headers, session_id, {"op": "add_title", "text": "A"}).json()["data"]
    edits(client, headers, session_id, {"op": "set_aspect", "aspect": "1:1"})
    undone = client.post(url(session_id, "undo"), headers=headers).json()["data"]
    assert (undone["version"], undone["label"], undone["draft"]) == (4, "undo set aspect 1:1", first["draft"])
    stale = client.post(url(session_id, "undo"), headers=headers, json={"version": 3})
    assert (stale.status_code, stale.json()["data"]) == (409, {"current_version": 4})
    assert client.post(url(session_id, "undo"), headers=headers, json={"version": 4}).status_code == 200
    nothing = client.post(url(session_id, "undo"), headers=headers)
    assert (nothing.status_code, nothing.json()["message"]) == (409, "nothing to undo at version 5")
    redone = client.post(url(session_id, "redo"), headers=headers).json()["data"]
    assert (redone["version"], redone["label"], redone["draft"]) == (6, "redo add title", first["draft"])
    history = client.get(url(session_id, "versions"), headers=headers).json()["data"]["versions"]
    assert [v["action"] for v in history] == ["new", "edit", "edit", "undo", "undo", "redo"]


def test_one_version_in_full(client: TestClient, headers: dict[str, str], session_id: str) -> None:
    made = edits(client, headers, session_id, {"op": "add_title", "text": "A"}).json()["data"]
    data = client.get(url(session_id, "versions/2"), headers=headers).json()["data"]
    assert (data["number"], data["label"], data["draft"], data["summary"], data["current"]) == (
        2, "add title", made["draft"], made["summary"], True)
    assert client.get(url(session_id, "versions/1"), headers=headers).json()["data"]["draft"] == EMPTY_DRAFT
    missing = client.get(url(session_id, "versions/9"), headers=headers)
    assert (missing.status_code, missing.json()["code"]) == (404, 1002)


def test_another_accounts_draft_is_1002(client: TestClient, session_id: str) -> None:
    stranger = {"Authorization": f"Bearer {new_token(client)}"}
    for response in (client.get(url(session_id, "versions"), headers=stranger),
                     client.get(url(session_id, "versions/1"), headers=stranger),
                     client.put(url(session_id, "draft"), headers=stranger, json={"version": 1, "draft": EMPTY_DRAFT}),
                     client.post(url(session_id, "undo"), headers=stranger),
                     edits(client, stranger, session_id, {"op": "add_title", "text": "x"})):
        assert response.json()["code"] == 1002


def test_edits_need_a_token(client: TestClient, session_id: str) -> None:
    assert edits(client, {}, session_id, {"op": "add_title", "text": "x"}).json()["code"] == 1001


@pytest.mark.parametrize(
    ("ops", "field"),
    [
        ([{"op": "add_title", "text": " "}], "text"),
        ([{"op": "add_title", "text": "A"}, {"op": "set_aspect", "aspect": "2:1"}], "ops[1].aspect"),
        ([{"op": "remove", "target": "s9"}], "target"),
        ([{"op": "place_media", "media_id": "med_nope"}], "media_id"),
    ],
)
def test_a_bad_op_is_400_naming_the_field(
    client: TestClient, headers: dict[str, str], session_id: str, ops: list[dict[str, Any]], field: str
) -> None:
    response = edits(client, headers, session_id, *ops)
    assert (response.status_code, problems(response)) == (400, [field])


@pytest.mark.parametrize("ops", [[], [{"op": "dance"}], [{"op": "remove", "target": "s1", "colour": "red"}]])
def test_malformed_ops_are_400(client: TestClient, headers: dict[str, str], session_id: str,
                               ops: list[dict[str, Any]]) -> None:
    assert edits(client, headers, session_id, *ops).status_code == 400


def test_an_upload_placed_by_an_edit(client: TestClient, headers: dict[str, str], session_id: str) -> None:
    media_id = client.post(f"/api/upload-video/nemo_agent/me/{session_id}", headers=headers,
                           files={"file": ("beach.png", still("png"))}).json()["data"]["media"][0]["media_id"]
    data = edits(client, headers, session_id, {"op": "place_media", "media_id": media_id, "duration_ms": 2000},
                 {"op": "add_title", "text": "Summer", "pos": "bottom"}).json()["data"]
    assert data["summary"] == 'Timeline (2 tracks): 1. Video: beach.png (0-2s) 2. Title: "Summer" (0-2s)'


# --- the done-when: two clients, 20 edits at once, a real server on each database --------


def test_two_clients_racing_20_edits(backend_settings: Settings, live_server: Callable[[Any], str]) -> None:
    app = create_app(backend_settings.model_copy(update={"workers": 0}))
    base = live_server(app)
    setup = TestClient(app)
    headers = {"Authorization": f"Bearer {new_token(setup)}"}
    sid = setup.post("/api/tasks/me/with-session/nemo_agent", headers=headers).json()["data"]["session_id"]
    barrier = threading.Barrier(2)

    def client(k: int) -> tuple[list[dict[str, Any]], list[int]]:
        accepted: list[dict[str, Any]] = []
        stale: list[int] = []
        seen = 1
        with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
            barrier.wait()
            for i in range(10):
                op = {"op": "add_title", "text": f"c{k}-{i}", "start_ms": (k * 10 + i) * 1000, "duration_ms": 1000}
                response = http.post(url(sid, "edits"), json={"version": seen, "ops": [op], "label": f"c{k}-{i}"})
                if response.status_code == 409:
                    stale.append(i)
                    seen = response.json()["data"]["current_version"]
                else:
                    assert response.status_code == 200, response.text
                    accepted.append(response.json()["data"])
                    seen = accepted[-1]["version"]
        return accepted, stale

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(client, range(2)))
    accepted = [a for batch, _ in results for a in batch]
    assert len(accepted) + sum(len(s) for _, s in results) == 20
    history = setup.get(url(sid, "versions"), headers=headers).json()["data"]["versions"]
    assert sorted((a["version"], a["label"]) for a in accepted) == [(v["number"], v["label"]) for v in history[1:]]
    final = setup.get(url(sid, "latest"), headers=headers).json()["data"]
    titles = sorted(seg["m"]["text"] for track in final["draft"]["t"] for seg in track["sg"])
    assert titles == sorted(a["label"] for a in accepted)
    # undo walks all the way back to the empty draft, redo all the way forward again
    for _ in accepted:
        assert setup.post(url(sid, "undo"), headers=headers).status_code == 200
    assert setup.post(url(sid, "undo"), headers=headers).status_code == 409
    assert setup.get(url(sid, "latest"), headers=headers).json()["data"]["draft"] == EMPTY_DRAFT
    for _ in accepted:
        assert setup.post(url(sid, "redo"), headers=headers).status_code == 200
    assert setup.get(url(sid, "latest"), headers=headers).json()["data"]["draft"] == final["draft"]
