"""The draft service on both databases: versions, stale bases, undo and redo, concurrent editors."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest

from frameloom.domain.accounts import Plan, Principal
from frameloom.domain.errors import InvalidRequest, NotFound, NothingToUndo, StaleVersion
from frameloom.services.drafts import DraftChange, DraftService
from frameloom.services.links import LinkSigner
from frameloom.services.sessions import EMPTY_DRAFT, SessionService
from frameloom.store import accounts
from frameloom.store.db import Database
from frameloom.store.media import media_row
from frameloom.timeline import DraftInvalid, TextSegment, draft_to_json
from frameloom.timeline.ops import AddMusic, AddTitle, PlaceMedia, SetAspect

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def clock() -> datetime:
    return NOW


def _principal(db: Database) -> Principal:
    with db.write() as session:
        row = accounts.create_account(session, Plan.ANONYMOUS, 100, NOW)
        return Principal(row.id, Plan.ANONYMOUS, row.bind_id, row.available, row.frozen)


def _add_media(db: Database, who: Principal, session_id: str, fmt: str = "png") -> str:
    media_id = f"med_{fmt}_{session_id[-6:]}"
    with db.write() as session:
        session.add(media_row(media_id=media_id, account_id=who.account_id, session_id=session_id, fmt=fmt,
                              filename=f"a.{fmt}", size=10, width=64, height=48, duration_ms=3000, source="upload",
                              now=NOW))
    return media_id


@pytest.fixture
def drafts(db: Database) -> DraftService:
    return DraftService(db, clock)


@pytest.fixture
def sessions(db: Database) -> SessionService:
    return SessionService(db, LinkSigner("secret", 60, clock), clock)


@pytest.fixture
def who(db: Database) -> Principal:
    return _principal(db)


@pytest.fixture
def sid(sessions: SessionService, who: Principal) -> str:
    return sessions.create_session(who, "project", "en")


def test_a_new_session_is_version_1_with_its_history_started(
    drafts: DraftService, sessions: SessionService, who: Principal, sid: str
) -> None:
    assert sessions.state(who, sid, "http://x").version == 1
    [first] = drafts.versions(who, sid)
    assert (first.number, first.label, first.action, first.current) == (1, "new session", "new", True)
    assert draft_to_json(drafts.version(who, sid, 1).draft) == EMPTY_DRAFT


def test_an_edit_makes_the_next_version(
    drafts: DraftService, sessions: SessionService, who: Principal, sid: str
) -> None:
    change = drafts.edit(who, sid, [AddTitle("Hello"), SetAspect("9:16")], base_version=1)
    assert (change.version, change.label, change.action) == (2, "add title; set aspect 9:16", "edit")
    assert change.summary == 'Timeline (1 track): 1. Title: "Hello" (0-3s)'
    assert (change.can_undo, change.can_redo) == (True, False)
    state = sessions.state(who, sid, "http://x")
    assert (state.version, state.draft) == (2, change.draft_json)
    assert [(v.number, v.label, v.current) for v in drafts.versions(who, sid)] == [
        (1, "new session", False), (2, "add title; set aspect 9:16", True)]


def test_a_label_may_be_given(drafts: DraftService, who: Principal, sid: str) -> None:
    assert drafts.edit(who, sid, [AddTitle("Hi")], None, label="intro card").label == "intro card"
    with pytest.raises(InvalidRequest) as exc:
        drafts.edit(who, sid, [AddTitle("Hi")], None, label=" ")
    assert exc.value.problems[0].field == "label"


def test_a_stale_base_is_refused_with_the_current_version(drafts: DraftService, who: Principal, sid: str) -> None:
    drafts.edit(who, sid, [AddTitle("One")], base_version=1)
    with pytest.raises(StaleVersion) as exc:
        drafts.edit(who, sid, [AddTitle("Two", start_ms=5000)], base_version=1)
    assert exc.value.current == 2
    assert len(drafts.versions(who, sid)) == 2  # nothing written


def test_without_a_base_an_edit_applies_to_the_current_draft(drafts: DraftService, who: Principal, sid: str) -> None:
    drafts.edit(who, sid, [AddTitle("One")], None)
    change = drafts.edit(who, sid, [AddTitle("Two", start_ms=5000)], None)
    assert change.version == 3
    assert change.summary == 'Timeline (1 track): 1. Title: "One" (0-3s), "Two" (5-8s)'


def test_a_failing_edit_writes_nothing(drafts: DraftService, who: Principal, sid: str) -> None:
    with pytest.raises(InvalidRequest):
        drafts.edit(who, sid, [AddMusic()], None)  # nothing to span yet
    assert [v.number for v in drafts.versions(who, sid)] == [1]


def test_edits_place_only_the_sessions_own_media(
    db: Database, drafts: DraftService, sessions: SessionService, who: Principal, sid: str
) -> None:
    media_id = _add_media(db, who, sid)
    change = drafts.edit(who, sid, [PlaceMedia(media_id)], None)
    assert change.summary == "Timeline (1 track): 1. Video: a.png (0-5s)"
    other = sessions.create_session(who, "other", "en")
    with pytest.raises(InvalidRequest) as exc:
        drafts.edit(who, other, [PlaceMedia(media_id)], None)
    assert exc.value.problems[0].field == "media_id"


def test_replace_checks_the_draft_with_paths_under_draft(
    db: Database, drafts: DraftService, who: Principal, sid: str
) -> None:
    bad: dict[str, Any] = {**EMPTY_DRAFT, "t": [{"id": "v1", "tt": 0, "sg": [
        {"id": "s1", "s": -1, "d": 1000, "m": {"src": "med_nope"}}]}]}
    with pytest.raises(DraftInvalid) as exc:
        drafts.replace(who, sid, bad, base_version=1)
    assert [p.field for p in exc.value.problems] == ["draft.t[0].sg[0].s", "draft.t[0].sg[0].m.src"]
    media_id = _add_media(db, who, sid)
    good = {**EMPTY_DRAFT, "t": [{"id": "v1", "tt": 0, "sg": [{"id": "s1", "s": 0, "d": 1000, "m": {"src": media_id}}]}]}
    change = drafts.replace(who, sid, good, base_version=1)
    assert (change.version, change.label, change.action, change.draft_json) == (2, "replace draft", "replace", good)
    with pytest.raises(StaleVersion):
        drafts.replace(who, sid, good, base_version=1)


def test_undo_and_redo_walk_the_history(drafts: DraftService, who: Principal, sid: str) -> None:
    v2 = drafts.edit(who, sid, [AddTitle("One")], None)
    v3 = drafts.edit(who, sid, [AddTitle("Two", start_ms=5000)], None)
    v4 = drafts.undo(who, sid)
    assert (v4.version, v4.label, v4.draft, v4.can_undo, v4.can_redo) == (4, "undo add title", v2.draft, True, True)
    v5 = drafts.undo(who, sid, base_version=4)
    assert (v5.draft_json, v5.can_undo) == (EMPTY_DRAFT, False)
    with pytest.raises(NothingToUndo) as exc:
        drafts.undo(who, sid)
    assert (exc.value.action, exc.value.current) == ("undo", 5)
    v6 = drafts.redo(who, sid)
    assert (v6.version, v6.label, v6.draft) == (6, "redo add title", v2.draft)
    v7 = drafts.redo(who, sid)
    assert (v7.draft, v7.can_redo) == (v3.draft, False)
    with pytest.raises(NothingToUndo) as exc:
        drafts.redo(who, sid)
    assert exc.value.action == "redo"
    assert drafts.undo(who, sid).draft == v2.draft  # undo after redo goes back again


def test_an_edit_after_undo_drops_the_redo(drafts: DraftService, who: Principal, sid: str) -> None:
    drafts.edit(who, sid, [AddTitle("One")], None)
    drafts.undo(who, sid)
    change = drafts.edit(who, sid, [AddTitle("Other")], None)
    assert (change.can_undo, change.can_redo) == (True, False)
    with pytest.raises(NothingToUndo):
        drafts.redo(who, sid)
    assert drafts.undo(who, sid).draft_json == EMPTY_DRAFT


def test_undo_with_a_stale_base_is_refused(drafts: DraftService, who: Principal, sid: str) -> None:
    drafts.edit(who, sid, [AddTitle("One")], None)
    with pytest.raises(StaleVersion):
        drafts.undo(who, sid, base_version=1)


def test_the_edits_of_one_group_are_one_step_for_undo(drafts: DraftService, who: Principal, sid: str) -> None:
    before = drafts.edit(who, sid, [AddTitle("Intro")], None)
    drafts.edit(who, sid, [AddTitle("One", start_ms=5000)], None, group="inv_1")
    drafts.edit(who, sid, [AddMusic()], None, group="inv_1")
    last = drafts.edit(who, sid, [SetAspect("9:16")], None, group="inv_1")
    assert last.label == "add title; add lofi music; set aspect 9:16"

    undone = drafts.undo(who, sid)
    assert (undone.draft, undone.label) == (before.draft, "undo add title; add lofi music; set aspect 9:16")
    assert drafts.redo(who, sid).draft == last.draft
    assert [(v.number, v.undo_to) for v in drafts.versions(who, sid)][1:5] == [(2, 1), (3, 2), (4, 2), (5, 2)]


def test_another_group_or_none_is_a_step_of_its_own(drafts: DraftService, who: Principal, sid: str) -> None:
    first = drafts.edit(who, sid, [AddTitle("One")], None, group="inv_1")
    second = drafts.edit(who, sid, [AddTitle("Two", start_ms=5000)], None, group="inv_2")
    drafts.edit(who, sid, [SetAspect("1:1")], None)
    assert drafts.undo(who, sid).draft == second.draft
    assert drafts.undo(who, sid).draft == first.draft
    drafts.edit(who, sid, [SetAspect("1:1")], None, group="inv_1")  # after an undo: a new step, even in inv_1
    assert drafts.undo(who, sid).draft == first.draft


def test_a_group_name_is_checked(drafts: DraftService, who: Principal, sid: str) -> None:
    with pytest.raises(InvalidRequest) as exc:
        drafts.edit(who, sid, [AddTitle("One")], None, group="g" * 65)
    assert exc.value.problems[0].field == "group"


def test_a_version_in_full_and_a_missing_one(drafts: DraftService, who: Principal, sid: str) -> None:
    change = drafts.edit(who, sid, [AddTitle("One")], None)
    detail = drafts.version(who, sid, 2)
    assert (detail.info.number, detail.info.label, detail.draft, detail.summary) == (
        2, "add title", change.draft, change.summary)
    with pytest.raises(NotFound):
        drafts.version(who, sid, 3)


def test_another_accounts_session_is_not_found(db: Database, drafts: DraftService, sid: str) -> None:
    stranger = _principal(db)
    for call in (lambda: drafts.edit(stranger, sid, [AddTitle("x")], None), lambda: drafts.undo(stranger, sid),
                 lambda: drafts.versions(stranger, sid), lambda: drafts.version(stranger, sid, 1),
                 lambda: drafts.replace(stranger, sid, EMPTY_DRAFT, 1)):
        with pytest.raises(NotFound):
            call()


# --- concurrency: real threads on the real database --------------------------------------------


def test_two_clients_20_edits_from_what_each_last_saw(drafts: DraftService, who: Principal, sid: str) -> None:
    """Each accepted edit is in the history exactly once; each refused one was stale; undo and redo walk it."""
    barrier = threading.Barrier(2)

    def client(k: int) -> tuple[list[DraftChange], list[tuple[int, int]]]:
        accepted: list[DraftChange] = []
        stale: list[tuple[int, int]] = []  # (the base sent, the current version the 409 named)
        seen = 1
        barrier.wait()
        for i in range(10):
            title = AddTitle(f"c{k}-{i}", start_ms=(k * 10 + i) * 1000, duration_ms=1000)
            try:
                change = drafts.edit(who, sid, [title], base_version=seen, label=f"c{k}-{i}")
                accepted.append(change)
                seen = change.version
            except StaleVersion as exc:
                stale.append((seen, exc.current))
                seen = exc.current  # read again, as a client does after a 409
        return accepted, stale

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(client, range(2)))
    accepted = [c for a, _ in results for c in a]
    stale = [pair for _, s in results for pair in s]
    assert len(accepted) + len(stale) == 20
    assert all(current > base for base, current in stale)
    history = drafts.versions(who, sid)
    assert [v.number for v in history] == list(range(1, len(accepted) + 2))
    assert sorted((c.version, c.label) for c in accepted) == [(v.number, v.label) for v in history[1:]]
    last = max(accepted, key=lambda c: c.version)
    assert summary_titles(last) == sorted(c.label for c in accepted)
    _walk_back_and_forth(drafts, who, sid, len(accepted), last)


def test_20_edits_at_once_without_a_base_all_land(drafts: DraftService, who: Principal, sid: str) -> None:
    barrier = threading.Barrier(4)

    def client(k: int) -> list[DraftChange]:
        barrier.wait()
        return [drafts.edit(who, sid, [AddTitle(f"c{k}-{i}", start_ms=(k * 5 + i) * 1000, duration_ms=1000)], None,
                            label=f"c{k}-{i}") for i in range(5)]

    with ThreadPoolExecutor(4) as pool:
        accepted = [c for batch in pool.map(client, range(4)) for c in batch]
    assert sorted(c.version for c in accepted) == list(range(2, 22))
    last = max(accepted, key=lambda c: c.version)
    assert len(summary_titles(last)) == 20


def summary_titles(change: DraftChange) -> list[str]:
    return sorted(seg.text for track in change.draft.tracks for seg in track.segments if isinstance(seg, TextSegment))


def _walk_back_and_forth(drafts: DraftService, who: Principal, sid: str, edits: int, last: DraftChange) -> None:
    undone = 0
    while True:
        try:
            drafts.undo(who, sid)
        except NothingToUndo:
            break
        undone += 1
    assert undone == edits
    assert drafts.version(who, sid, drafts.versions(who, sid)[-1].number).draft == drafts.version(who, sid, 1).draft
    redone = None
    for _ in range(edits):
        redone = drafts.redo(who, sid)
    assert redone is not None
    assert redone.draft == last.draft
    with pytest.raises(NothingToUndo):
        drafts.redo(who, sid)
