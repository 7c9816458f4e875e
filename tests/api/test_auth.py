"""Accounts and tokens through HTTP (SPEC section 3)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from tests.api.conftest import FakeClock, bearer, new_token, services_of

from frameloom.api import create_app
from frameloom.settings import Settings

ANON = "/api/auth/anonymous-token"
BALANCE = "/api/credits/balance/simple"


def test_anonymous_token_creates_an_account_with_100_credits_for_7_days(client: TestClient, clock: FakeClock) -> None:
    response = client.post(ANON, headers={"X-Client-Id": "agent-1"})
    assert response.status_code == 200
    body = response.json()
    assert (body["code"], body["message"]) == (0, "ok")
    data = body["data"]
    assert data["credits"] == 100
    assert data["plan"] == "anonymous"
    assert data["account_id"].startswith("acc_")
    assert data["bind_id"].startswith("bind_")
    assert datetime.fromisoformat(data["expires_at"]) - clock.now == timedelta(days=7)
    assert client.get(BALANCE, headers=bearer(data["token"])).json()["data"] == {
        "available": 100, "frozen": 0, "total": 100,
    }


def test_missing_client_id_is_400(client: TestClient) -> None:
    response = client.post(ANON)
    assert response.status_code == 400
    assert response.json()["data"]["errors"] == [{"field": "X-Client-Id", "problem": "header is required"}]


@pytest.mark.parametrize("client_id", ["", "has space", "x" * 129, "semi;colon", "dot.dot"])
def test_malformed_client_id_is_400(client: TestClient, client_id: str) -> None:
    response = client.post(ANON, headers={"X-Client-Id": client_id})
    assert response.status_code == 400
    assert response.json()["data"]["errors"][0]["field"] == "X-Client-Id"


def test_longest_client_id_is_taken(client: TestClient) -> None:
    assert client.post(ANON, headers={"X-Client-Id": "a-_Z9" * 25 + "abc"}).status_code == 200


def test_same_client_id_within_7_days_is_429_with_the_seconds_left(client: TestClient, clock: FakeClock) -> None:
    client.post(ANON, headers={"X-Client-Id": "agent-2"})
    clock.advance(days=1)
    response = client.post(ANON, headers={"X-Client-Id": "agent-2"})
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == 429
    assert body["data"]["retry_after"] == 6 * 86400
    assert response.headers["Retry-After"] == str(6 * 86400)


def test_same_client_id_after_7_days_gets_a_new_token(client: TestClient, clock: FakeClock) -> None:
    client.post(ANON, headers={"X-Client-Id": "agent-3"})
    clock.advance(days=7)
    assert client.post(ANON, headers={"X-Client-Id": "agent-3"}).status_code == 200


def test_fresh_client_ids_from_one_address_are_limited(settings: Settings, clock: FakeClock) -> None:
    client = TestClient(create_app(settings.model_copy(update={"anonymous_per_ip": 3}), clock=clock))
    for i in range(3):
        assert client.post(ANON, headers={"X-Client-Id": f"farm-{i}"}).status_code == 200
    clock.advance(hours=1)
    refused = client.post(ANON, headers={"X-Client-Id": "farm-3"})
    assert refused.status_code == 429
    assert refused.json()["data"]["retry_after"] == 23 * 3600
    clock.advance(hours=23)
    assert client.post(ANON, headers={"X-Client-Id": "farm-4"}).status_code == 200


def test_a_refused_client_id_is_not_used_up(settings: Settings, clock: FakeClock) -> None:
    client = TestClient(create_app(settings.model_copy(update={"anonymous_per_ip": 1}), clock=clock))
    client.post(ANON, headers={"X-Client-Id": "first"})
    assert client.post(ANON, headers={"X-Client-Id": "second"}).status_code == 429
    clock.advance(days=1)
    assert client.post(ANON, headers={"X-Client-Id": "second"}).status_code == 200


@pytest.mark.parametrize(
    ("authorization", "reason"),
    [
        (None, "token missing"),
        ("Basic abc", "token malformed"),
        ("Bearer", "token malformed"),
        ("Bearer not-a-token", "token malformed"),
        ("Bearer fl_" + "A" * 43, "token unknown or expired"),
    ],
)
def test_bad_tokens_are_1001(client: TestClient, authorization: str | None, reason: str) -> None:
    headers = {"Authorization": authorization} if authorization is not None else {}
    response = client.get(BALANCE, headers=headers)
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == 1001
    assert body["message"].startswith(reason)


def test_an_expired_token_is_1001(client: TestClient, clock: FakeClock) -> None:
    token = new_token(client)
    clock.advance(days=7, seconds=1)
    response = client.get(BALANCE, headers=bearer(token))
    assert response.status_code == 401
    assert response.json()["code"] == 1001


def test_register_makes_a_registered_account(client: TestClient) -> None:
    response = client.post("/api/auth/register", json={"email": "Ada@Example.com", "password": "correct horse"})
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["plan"] == "registered"
    assert data["credits"] == 100
    login = client.post("/api/auth/login", json={"email": "ada@example.com", "password": "correct horse"})
    assert login.status_code == 200
    assert login.json()["data"]["account_id"] == data["account_id"]


def test_register_with_bind_id_keeps_the_credits_and_the_token(client: TestClient) -> None:
    anon = client.post(ANON, headers={"X-Client-Id": "binder"}).json()["data"]
    services_of(client).credits.freeze(anon["account_id"], 30, "test")
    response = client.post("/api/auth/register", json={
        "email": "bob@example.com", "password": "hunter2hunter2", "bind_id": anon["bind_id"],
    })
    data = response.json()["data"]
    assert data["account_id"] == anon["account_id"]
    assert data["plan"] == "registered"
    assert data["credits"] == 70
    assert client.get(BALANCE, headers=bearer(anon["token"])).json()["data"]["total"] == 100
    assert client.get(BALANCE, headers=bearer(data["token"])).json()["data"]["available"] == 70


def test_login_with_bind_id_moves_the_credits_in(client: TestClient) -> None:
    client.post("/api/auth/register", json={"email": "cy@example.com", "password": "password123"})
    anon = client.post(ANON, headers={"X-Client-Id": "later"}).json()["data"]
    login = client.post("/api/auth/login", json={
        "email": "cy@example.com", "password": "password123", "bind_id": anon["bind_id"],
    })
    assert login.status_code == 200
    assert login.json()["data"]["credits"] == 200
    assert client.get(BALANCE, headers=bearer(anon["token"])).status_code == 401


def test_binding_a_registered_account_again_is_409(client: TestClient) -> None:
    anon = client.post(ANON, headers={"X-Client-Id": "twice"}).json()["data"]
    client.post("/api/auth/register", json={"email": "d@example.com", "password": "password123",
                                            "bind_id": anon["bind_id"]})
    again = client.post("/api/auth/register", json={"email": "e@example.com", "password": "password123",
                                                    "bind_id": anon["bind_id"]})
    assert again.status_code == 409


def test_an_unknown_bind_id_is_400(client: TestClient) -> None:
    response = client.post("/api/auth/register", json={"email": "f@example.com", "password": "password123",
                                                       "bind_id": "bind_nothing"})
    assert response.status_code == 400
    assert response.json()["data"]["errors"][0]["field"] == "bind_id"


def test_an_email_registers_once(client: TestClient) -> None:
    client.post("/api/auth/register", json={"email": "g@example.com", "password": "password123"})
    again = client.post("/api/auth/register", json={"email": "G@example.com", "password": "password456"})
    assert again.status_code == 409
    assert again.json()["code"] == 409


def test_wrong_password_and_unknown_email_are_the_same_1001(client: TestClient) -> None:
    client.post("/api/auth/register", json={"email": "h@example.com", "password": "password123"})
    wrong = client.post("/api/auth/login", json={"email": "h@example.com", "password": "password999"})
    unknown = client.post("/api/auth/login", json={"email": "nobody@example.com", "password": "password123"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_bad_email_and_short_password_are_named(client: TestClient) -> None:
    response = client.post("/api/auth/register", json={"email": "not-an-email", "password": "short"})
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["data"]["errors"]} == {"email", "password"}


def test_passwords_are_stored_with_argon2id(client: TestClient) -> None:
    from frameloom.store import accounts

    client.post("/api/auth/register", json={"email": "i@example.com", "password": "password123"})
    with services_of(client).db.read() as session:
        account = accounts.by_email(session, "i@example.com")
    assert account is not None
    assert account.password_hash is not None
    assert account.password_hash.startswith("$argon2id$")
    assert "password123" not in account.password_hash


def test_tokens_are_stored_only_as_hashes(client: TestClient) -> None:
    from sqlalchemy import select

    from frameloom.store.models import Token

    token = new_token(client)
    with services_of(client).db.read() as session:
        stored = list(session.execute(select(Token.token_hash)).scalars())
    assert token not in stored
    assert all(len(h) == 64 for h in stored)


def test_no_token_or_password_reaches_the_logs(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    anon = client.post(ANON, headers={"X-Client-Id": "quiet"}).json()["data"]
    client.get(BALANCE, headers=bearer(anon["token"]))
    client.post("/api/auth/register", json={"email": "j@example.com", "password": "s3cret-pass"})
    login = client.post("/api/auth/login", json={"email": "j@example.com", "password": "s3cret-pass"}).json()
    client.post("/api/auth/login", json={"email": "j@example.com", "password": "wrong-pass-1"})
    text = caplog.text
    for secret in (anon["token"], login["data"]["token"], "s3cret-pass", "wrong-pass-1"):
        assert secret not in text


def test_the_register_page_is_a_form_with_the_bind_id(client: TestClient) -> None:
    response = client.get("/register", params={"bind": "bind_abc<x>"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert 'name="bind" value="bind_abc&lt;x&gt;"' in response.text
    assert "<x>" not in response.text


def test_the_register_form_registers_and_keeps_the_credits(client: TestClient) -> None:
    anon = client.post(ANON, headers={"X-Client-Id": "person"}).json()["data"]
    response = client.post("/register", data={"email": "k@example.com", "password": "password123",
                                              "bind": anon["bind_id"]})
    assert response.status_code == 200
    assert "keeps its 100 credits" in response.text
    login = client.post("/api/auth/login", json={"email": "k@example.com", "password": "password123"})
    assert login.json()["data"]["account_id"] == anon["account_id"]


def test_the_register_form_shows_problems(client: TestClient) -> None:
    response = client.post("/register", data={"email": "nope", "password": "x" * 8})
    assert response.status_code == 400
    assert "is not an email address" in response.text


def test_the_client_and_address_windows_on_each_backend(backend_settings: Settings, clock: FakeClock) -> None:
    client = TestClient(create_app(backend_settings.model_copy(update={"anonymous_per_ip": 2}), clock=clock))
    assert client.post(ANON, headers={"X-Client-Id": "w-1"}).status_code == 200
    assert client.post(ANON, headers={"X-Client-Id": "w-1"}).json()["data"]["retry_after"] == 7 * 86400
    assert client.post(ANON, headers={"X-Client-Id": "w-2"}).status_code == 200
    assert client.post(ANON, headers={"X-Client-Id": "w-3"}).json()["data"]["retry_after"] == 86400
    clock.advance(days=1)
    assert client.post(ANON, headers={"X-Client-Id": "w-3"}).status_code == 200


def test_register_and_bind_on_each_backend(backend_settings: Settings) -> None:
    client = TestClient(create_app(backend_settings))
    anon = client.post(ANON, headers={"X-Client-Id": "b-1"}).json()["data"]
    registered = client.post("/api/auth/register", json={"email": "pg@example.com", "password": "password123",
                                                         "bind_id": anon["bind_id"]}).json()["data"]
    assert (registered["account_id"], registered["credits"]) == (anon["account_id"], 100)
    other = client.post(ANON, headers={"X-Client-Id": "b-2"}).json()["data"]
    login = client.post("/api/auth/login", json={"email": "pg@example.com", "password": "password123",
                                                 "bind_id": other["bind_id"]})
    assert login.json()["data"]["credits"] == 200
