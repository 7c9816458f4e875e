"""The SDK's contract, run against the sync and the async client alike, on a real server
(uvicorn, lifespan on, jobs run in the server process): every answer typed, every error its class."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import av
import pytest
from PIL import Image
from tests.client.conftest import UPLOAD_MAX_BYTES, ClientFactory, Studio, new_client_id

from frameloom.client import Balance, Client, Event, Render, errors

SEED_IMAGE = "generate an image of a futuristic city skyline at night with neon lights"


def png(path: Path, width: int = 64, height: int = 48) -> Path:
    Image.new("RGB", (width, height), (200, 80, 40)).save(path, "PNG")
    return path


class TestAccountsAndSessions:
    def test_an_anonymous_token_is_kept_by_the_client_and_has_the_free_credits(
            self, studio: Studio, make_client: ClientFactory) -> None:
        client = make_client(studio.url)
        info = client.anonymous_token(new_client_id())
        assert client.token == info.token
        assert (info.plan, info.credits) == ("anonymous", 100)
        assert info.token not in repr(info)  # a token is never shown by accident
        assert client.balance() == Balance(available=100, frozen=0, total=100)

    def test_the_same_client_id_again_is_rate_limited_with_the_seconds_to_wait(
            self, studio: Studio, make_client: ClientFactory) -> None:
        client_id = new_client_id()
        make_client(studio.url).anonymous_token(client_id)
        with pytest.raises(errors.RateLimited) as caught:
            make_client(studio.url).anonymous_token(client_id)
        assert caught.value.status == 429
        assert caught.value.retry_after is not None
        assert caught.value.retry_after > 0

    def test_a_new_session_has_an_empty_draft(self, client: Client) -> None:
        session_id = client.create_session("a project", "en")
        state = client.state(session_id)
        assert (state.session_id, state.version, state.media, state.renders) == (session_id, 1, [], [])
        assert state.summary == "Timeline (0 tracks): empty"

    def test_register_binds_the_anonymous_account_and_login_gives_a_new_token(
            self, studio: Studio, client: Client, make_client: ClientFactory) -> None:
        bind_id = client.state(client.create_session()).bind_id
        email = f"{new_client_id()}@example.com"
        registered = client.register(email, "a long enough password", bind_id=bind_id)
        assert registered.plan == "registered"
        assert client.token == registered.token
        other = make_client(studio.url)
        logged_in = other.login(email, "a long enough password")
        assert (logged_in.account_id, other.token) == (registered.account_id, logged_in.token)
        assert other.balance().available == registered.credits


class TestMediaAndJobs:
    def test_an_uploaded_png_is_media_of_the_session(self, client: Client, tmp_path: Path) -> None:
        session_id = client.create_session()
        [media] = client.upload(session_id, [png(tmp_path / "still.png", 64, 48)])
        assert (media.kind, media.format, media.width, media.height) == ("image", "png", 64, 48)
        assert [m.media_id for m in client.state(session_id).media] == [media.media_id]

    def test_an_image_job_is_waited_for_with_progress_and_its_file_downloaded(
            self, client: Client, tmp_path: Path) -> None:
        job = client.generate_image("a red fox in the snow", size="1024x1024", seed=7)
        assert job.kind == "image"
        assert job.status in {"queued", "running", "completed"}
        seen: list[str] = []
        done = client.wait_for_job(job.job_id, on_progress=lambda j: seen.append(j.status), poll_s=0.1)
        assert done.status == "completed"
        assert seen[-1] == "completed"
        assert done.result is not None
        assert done.result.seeds == [7]
        file = done.result.files[0]
        assert file.url is not None
        saved = client.download(file.url, tmp_path / "fox.png")
        with Image.open(saved) as image:
            assert image.size == (1024, 1024)
        assert client.balance().available == 98

    def test_the_engines_name_the_default(self, client: Client) -> None:
        engines = client.engines()
        assert [e.name for e in engines if e.default] == ["compose"]


class TestChat:
    def test_help_streams_typed_events_ending_with_the_turn_and_can_be_replayed(self, client: Client) -> None:
        session_id = client.create_session()
        events = list(client.chat(session_id, "help"))
        assert all(isinstance(e, Event) for e in events)
        assert events[-1].turn_complete is True
        assert "images" in events[-1].text
        assert [e.turn_complete for e in events].count(True) == 1

        replayed = list(client.reattach(events[-1].invocation_id, session_id))
        assert [e.id for e in replayed] == [e.id for e in events]
        after = list(client.reattach(events[-1].invocation_id, session_id, after=events[0].id))
        assert [e.id for e in after] == [e.id for e in events[1:]]

    def test_run_answers_the_whole_turn_at_once(self, client: Client) -> None:
        events = client.run(client.create_session(), "help")
        assert events[-1].turn_complete is True
        assert "images" in events[-1].text
        assert not any(e.partial for e in events)  # /run is not streaming

    def test_the_seed_prompt_makes_an_image_that_exports_to_an_mp4_on_disk(
            self, client: Client, tmp_path: Path) -> None:
        session_id = client.create_session()
        events = list(client.chat(session_id, SEED_IMAGE))
        assert events[-1].turn_complete is True
        assert [c.name for e in events for c in e.function_calls][:1] == ["generate_image"]
        state = client.state(session_id)
        assert [m.kind for m in state.media] == ["image"]
        assert state.summary in events[-1].text

        render = client.export(session_id, "mp4", width=320, height=180, fps=10)
        polls: list[Render] = []
        done = client.wait_for_render(render.render_id, on_progress=polls.append, poll_s=0.1)
        assert done.status == "completed", done.error
        assert polls[-1] == done
        assert all(0 <= p.progress <= 1 for p in polls)
        assert done.url is not None
        sizes: list[tuple[int, int | None]] = []
        saved = client.download(done.url, tmp_path / "out.mp4", on_progress=lambda n, total: sizes.append((n, total)))
        assert sizes[-1] == (done.bytes, done.bytes)
        assert saved.stat().st_size == done.bytes
        assert [p.name for p in tmp_path.iterdir()] == ["out.mp4"]  # no partial file left beside it
        with av.open(str(saved)) as container:
            stream = container.streams.video[0]
            assert (stream.codec_context.name, stream.width, stream.height) == ("h264", 320, 180)


class TestDraft:
    def test_edits_undo_and_redo_move_through_versions(self, client: Client) -> None:
        session_id = client.create_session()
        titled = client.edit(session_id, [{"op": "add_title", "text": "Urban Dreams"}], version=1)
        assert titled.version == 2
        assert "Urban Dreams" in titled.summary
        assert titled.can_undo
        undone = client.undo(session_id)
        assert undone.summary == "Timeline (0 tracks): empty"
        assert undone.can_redo
        assert "Urban Dreams" in client.redo(session_id).summary

    def test_a_stale_edit_is_a_conflict_naming_the_current_version(self, client: Client) -> None:
        session_id = client.create_session()
        client.edit(session_id, [{"op": "add_title", "text": "A"}], version=1)
        with pytest.raises(errors.Conflict) as caught:
            client.edit(session_id, [{"op": "add_title", "text": "B"}], version=1)
        assert (caught.value.status, caught.value.current_version) == (409, 2)

    def test_a_cancelled_export_says_so(self, client: Client) -> None:
        session_id = client.create_session()
        client.edit(session_id, [{"op": "add_title", "text": "A"}])
        render = client.export(session_id, render_id=f"key-{new_client_id()}", width=64, height=64)
        again = client.export(session_id, render_id=render.render_id, width=64, height=64)
        assert again.render_id == render.render_id  # the same key is the same export
        cancelled = client.cancel_render(render.render_id)
        assert cancelled.status in {"cancelled", "completed"}
        assert client.render(render.render_id).status == cancelled.status


class TestErrors:
    def test_a_bad_token_is_auth_required(self, studio: Studio, make_client: ClientFactory) -> None:
        with pytest.raises(errors.AuthRequired) as caught:
            make_client(studio.url, token="not-a-real-token").balance()
        assert (caught.value.code, caught.value.status) == (1001, 401)

    def test_another_accounts_session_is_not_found(self, studio: Studio, client: Client,
                                                   make_client: ClientFactory) -> None:
        session_id = client.create_session()
        stranger = make_client(studio.url)
        stranger.anonymous_token(new_client_id())
        with pytest.raises(errors.NotFound) as caught:
            stranger.state(session_id)
        assert (caught.value.code, caught.value.status) == (1002, 404)
        with pytest.raises(errors.NotFound):
            list(stranger.chat(session_id, "help"))

    def test_no_credits_is_insufficient_credits_with_the_registration_link(
            self, studio: Studio, make_client: ClientFactory) -> None:
        client = make_client(studio.url)
        info = client.anonymous_token(new_client_id())
        studio.services.credits.top_up(info.account_id, -99)
        with pytest.raises(errors.InsufficientCredits) as caught:
            client.generate_image("a red fox")
        assert (caught.value.required, caught.value.available) == (2, 1)
        assert caught.value.register_url == f"{studio.url}/register?bind={info.bind_id}"

    def test_no_credits_in_a_chat_turn_raises_the_same_class(
            self, studio: Studio, make_client: ClientFactory) -> None:
        client = make_client(studio.url)
        info = client.anonymous_token(new_client_id())
        session_id = client.create_session()
        studio.services.credits.top_up(info.account_id, -100)
        with pytest.raises(errors.InsufficientCredits) as caught:
            list(client.chat(session_id, SEED_IMAGE))
        assert caught.value.code == 2001

    def test_export_refused_by_the_plan_is_plan_required(self, serve: Callable[..., Studio],
                                                         make_client: ClientFactory) -> None:
        studio = serve(free_plan_export=False)
        client = make_client(studio.url)
        client.anonymous_token(new_client_id())
        session_id = client.create_session()
        with pytest.raises(errors.PlanRequired) as caught:
            client.export(session_id)
        assert caught.value.reason is not None
        assert "register" in caught.value.reason

    def test_a_file_over_the_limit_is_file_too_large(self, client: Client, tmp_path: Path) -> None:
        big = tmp_path / "big.png"
        big.write_bytes(png(tmp_path / "small.png").read_bytes() + b"\0" * UPLOAD_MAX_BYTES)
        with pytest.raises(errors.FileTooLarge) as caught:
            client.upload(client.create_session(), [big])
        assert (caught.value.status, caught.value.max_bytes) == (413, UPLOAD_MAX_BYTES)

    def test_a_text_file_is_unsupported_with_the_formats_named(self, client: Client, tmp_path: Path) -> None:
        notes = tmp_path / "notes.png"
        notes.write_text("not a picture at all, whatever the name says\n" * 10)
        with pytest.raises(errors.UnsupportedFile) as caught:
            client.upload(client.create_session(), [notes])
        assert {"png", "mp4", "mp3"} <= set(caught.value.supported)

    def test_an_invalid_field_is_a_bad_request_naming_it(self, client: Client) -> None:
        with pytest.raises(errors.BadRequest) as caught:
            client.generate_image("a red fox", n=9)
        assert [p.field for p in caught.value.problems] == ["n"]

    def test_no_server_is_connection_failed_naming_the_url(self, make_client: ClientFactory) -> None:
        with pytest.raises(errors.ConnectionFailed) as caught:
            make_client("http://127.0.0.1:9").balance()
        assert "http://127.0.0.1:9" in str(caught.value)
