"""How both clients read answers and what they send, from scripted answers (``httpx.MockTransport``):
the error tree from envelopes, OpenAI's shape and bare statuses; ``Retry-After``; headers and tokens."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from tests.client.conftest import ATTRIBUTION, ClientFactory

from frameloom import __version__
from frameloom.client import Attribution, ClientSettings, errors
from frameloom.client.errors import error_for

URL = "http://studio.test"
Handler = Callable[[httpx.Request], httpx.Response]


def answering(response: httpx.Response) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: response)


def envelope(http_status: int, code: int, message: str = "no", /, headers: dict[str, str] | None = None,
             **data: object) -> httpx.Response:
    """An answer in the ``{code, message, data}`` envelope; ``data`` from the keywords."""
    return httpx.Response(http_status, json={"code": code, "message": message, "data": data}, headers=headers)


class TestErrorAnswers:
    def test_429_waits_the_retry_after_header_when_the_data_has_none(self, make_client: ClientFactory) -> None:
        answer = httpx.Response(429, json={"code": 429, "message": "slow down", "data": {}},
                                headers={"Retry-After": "17"})
        with pytest.raises(errors.RateLimited) as caught:
            make_client(URL, "tok", answering(answer)).balance()
        assert (caught.value.status, caught.value.retry_after, caught.value.message) == (429, 17.0, "slow down")

    def test_the_datas_retry_after_wins_over_the_header(self, make_client: ClientFactory) -> None:
        answer = envelope(429, 429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}, retry_after=3)
        with pytest.raises(errors.RateLimited) as caught:
            make_client(URL, "tok", answering(answer)).balance()
        assert caught.value.retry_after == 3.0

    def test_503_is_a_server_error_with_its_retry_after(self, make_client: ClientFactory) -> None:
        with pytest.raises(errors.ServerError) as caught:
            make_client(URL, "tok", answering(envelope(503, 503, retry_after=5, request_id="req_1"))).balance()
        assert (caught.value.code, caught.value.retry_after, caught.value.data["request_id"]) == (503, 5.0, "req_1")

    def test_openais_error_shape_maps_by_its_code(self, make_client: ClientFactory) -> None:
        answer = httpx.Response(402, json={"error": {"message": "no credits", "type": "insufficient_quota",
                                                     "code": "2001", "data": {"required": 2, "available": 0}}})
        with pytest.raises(errors.InsufficientCredits) as caught:
            make_client(URL, "tok", answering(answer)).balance()
        assert (caught.value.required, caught.value.available, caught.value.register_url) == (2, 0, None)

    def test_a_status_without_an_envelope_is_mapped_by_the_status(self, make_client: ClientFactory) -> None:
        with pytest.raises(errors.ServerError, match="Bad Gateway") as caught:
            make_client(URL, "tok", answering(httpx.Response(502, text="<html>Bad Gateway</html>"))).balance()
        assert caught.value.status == 502

    def test_success_without_an_envelope_is_a_server_error(self, make_client: ClientFactory) -> None:
        with pytest.raises(errors.ServerError, match="without an envelope"):
            make_client(URL, "tok", answering(httpx.Response(200, json=[1, 2]))).balance()

    def test_a_transport_error_is_connection_failed_with_the_url(self, make_client: ClientFactory) -> None:
        def refuse(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("connection refused", request=request)

        with pytest.raises(errors.ConnectionFailed, match=r"cannot reach http://studio.test: connection refused"):
            make_client(URL, "tok", httpx.MockTransport(refuse)).balance()

    @pytest.mark.parametrize(("code", "cls"), [
        (400, errors.BadRequest), (1001, errors.AuthRequired), (1002, errors.NotFound),
        (2001, errors.InsufficientCredits), (402, errors.PlanRequired), (409, errors.Conflict),
        (4001, errors.UnsupportedFile), (4002, errors.FileTooLarge), (4003, errors.ContentRefused),
        (429, errors.RateLimited), (500, errors.ServerError), (503, errors.ServerError), (9999, errors.ServerError),
    ])
    def test_each_code_has_its_class_as_an_int_or_a_chat_events_string(
            self, code: int, cls: type[errors.ClientError]) -> None:
        assert type(error_for(code, "m")) is cls
        assert type(error_for(str(code), "m")) is cls
        assert isinstance(error_for(code, "m"), errors.ClientError)


class TestRequests:
    def test_every_request_carries_the_token_and_the_attribution(self, make_client: ClientFactory) -> None:
        seen: list[httpx.Request] = []

        def handle(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return envelope(200, 0, "ok", available=1, frozen=0, total=1)

        make_client(URL + "/base/", "tok-1", httpx.MockTransport(handle)).balance()
        [request] = seen
        assert str(request.url) == "http://studio.test/base/api/credits/balance/simple"
        assert request.headers["Authorization"] == "Bearer tok-1"
        assert (request.headers["X-Skill-Source"], request.headers["X-Skill-Version"],
                request.headers["X-Skill-Platform"]) == (ATTRIBUTION.source, ATTRIBUTION.version, ATTRIBUTION.platform)

    def test_without_an_attribution_the_client_names_itself(self, make_client: ClientFactory) -> None:
        seen: list[httpx.Request] = []

        def handle(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return envelope(200, 0, "ok", available=1, frozen=0, total=1)

        make_client(URL, None, httpx.MockTransport(handle), attribution=None).balance()
        assert seen[0].headers["X-Skill-Source"] == "frameloom-client"
        assert seen[0].headers["X-Skill-Version"] == __version__
        assert "Authorization" not in seen[0].headers

    def test_the_token_is_never_sent_to_another_origin(self, make_client: ClientFactory, tmp_path: Path) -> None:
        seen: list[httpx.Request] = []

        def handle(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return httpx.Response(200, content=b"abc")

        client = make_client(URL, "tok", httpx.MockTransport(handle))
        client.download("https://cdn.example.com/files/a.mp4?sig=x", tmp_path / "a.mp4")
        client.download("/files/b.mp4?sig=y", tmp_path / "b.mp4")
        assert "Authorization" not in seen[0].headers
        assert seen[1].headers["Authorization"] == "Bearer tok"
        assert str(seen[1].url) == "http://studio.test/files/b.mp4?sig=y"
        assert (tmp_path / "a.mp4").read_bytes() == b"abc"

    def test_a_failed_download_leaves_nothing_behind(self, make_client: ClientFactory, tmp_path: Path) -> None:
        client = make_client(URL, "tok", answering(httpx.Response(403, json={"code": 403, "message": "expired",
                                                                             "data": {}})))
        with pytest.raises(errors.ClientError, match="expired"):
            client.download("/files/x", tmp_path / "x.mp4")
        assert list(tmp_path.iterdir()) == []

    def test_ids_stay_one_path_segment(self, make_client: ClientFactory) -> None:
        seen: list[str] = []

        def handle(request: httpx.Request) -> httpx.Response:
            seen.append(request.url.raw_path.decode())
            return envelope(404, 1002, "not found")

        with pytest.raises(errors.NotFound):
            make_client(URL, "tok", httpx.MockTransport(handle)).render("../../credits/x")
        assert seen == ["/api/render/proxy/lambda/..%2F..%2Fcredits%2Fx"]

    def test_a_wait_that_outlasts_its_timeout_raises_timeout_error(self, make_client: ClientFactory) -> None:
        queued = envelope(200, 0, "ok", render_id="r1", status="queued", progress=0.0)
        with pytest.raises(TimeoutError, match="r1 still queued"):
            make_client(URL, "tok", answering(queued)).wait_for_render("r1", poll_s=0.01, timeout_s=0.05)

    def test_run_waits_for_the_whole_turn_longer_than_other_calls(self, make_client: ClientFactory) -> None:
        seen: list[httpx.Request] = []

        def handle(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return httpx.Response(200, json=[])

        assert make_client(URL, "tok", httpx.MockTransport(handle)).run("ses_1", "hi") == []
        assert seen[0].extensions["timeout"]["read"] >= 900  # the server's stream cap is 15 minutes


class TestSettings:
    def test_from_env_reads_the_url_and_either_token_name(self) -> None:
        assert ClientSettings.from_env({}) == ClientSettings("http://127.0.0.1:8000", None)
        assert ClientSettings.from_env({"FRAMELOOM_URL": "https://f.example/", "NEMO_TOKEN": "n"}) == \
            ClientSettings("https://f.example", "n")
        assert ClientSettings.from_env({"FRAMELOOM_TOKEN": "f", "NEMO_TOKEN": "n"}).token == "f"

    def test_nothing_is_read_until_asked(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("FRAMELOOM_TOKEN", "from-env")
        assert ClientSettings().token is None
        assert ClientSettings.from_env().token == "from-env"
        assert "from-env" not in repr(ClientSettings.from_env())

    def test_attribution_is_the_three_skill_headers(self) -> None:
        assert Attribution("s", "1", "p").headers() == {
            "X-Skill-Source": "s", "X-Skill-Version": "1", "X-Skill-Platform": "p"}
