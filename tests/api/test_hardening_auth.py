"""Password guessing and hash floods (issue 14): a login throttle per account and per address
(429 with Retry-After), and Argon2 hashes run in a bounded pool."""

from __future__ import annotations

import threading
from typing import Any

from fastapi.testclient import TestClient
from tests.api.conftest import FakeClock, services_of

from frameloom.api import create_app
from frameloom.services.credentials import PasswordPool
from frameloom.settings import Settings

PASSWORD = "a long enough password"


def _client(settings: Settings, clock: FakeClock, **changes: Any) -> TestClient:
    return TestClient(create_app(settings.model_copy(update=changes), clock=clock), raise_server_exceptions=False)


def _login(client: TestClient, email: str, password: str) -> Any:
    return client.post("/api/auth/login", json={"email": email, "password": password})


def test_sixty_wrong_passwords_on_one_account_get_429_with_retry_after(settings: Settings, clock: FakeClock) -> None:
    client = _client(settings, clock, login_failures_per_account=5, login_window_s=600)
    assert client.post("/api/auth/register", json={"email": "a@example.com", "password": PASSWORD}).status_code == 200
    statuses = [_login(client, "a@example.com", f"wrong password {i}").status_code for i in range(60)]
    assert statuses[:5] == [401] * 5
    assert set(statuses[5:]) == {429}
    refused = _login(client, "a@example.com", PASSWORD)  # even the right one waits: no oracle for the guesser
    assert refused.status_code == 429
    body = refused.json()
    assert body["code"] == 429
    assert 0 < body["data"]["retry_after"] <= 600
    assert refused.headers["Retry-After"] == str(body["data"]["retry_after"])


def test_the_account_throttle_lifts_when_the_window_passes(settings: Settings, clock: FakeClock) -> None:
    client = _client(settings, clock, login_failures_per_account=3, login_window_s=60)
    client.post("/api/auth/register", json={"email": "b@example.com", "password": PASSWORD})
    for i in range(3):
        _login(client, "b@example.com", f"wrong password {i}")
    assert _login(client, "b@example.com", PASSWORD).status_code == 429
    clock.advance(seconds=61)
    assert _login(client, "b@example.com", PASSWORD).status_code == 200


def test_one_address_guessing_many_accounts_is_throttled(settings: Settings, clock: FakeClock) -> None:
    client = _client(settings, clock, login_failures_per_account=100, login_failures_per_address=10)
    statuses = [_login(client, f"user{i}@example.com", "wrong password").status_code for i in range(15)]
    assert statuses[:10] == [401] * 10
    assert set(statuses[10:]) == {429}


def test_a_right_password_clears_the_account_failures(settings: Settings, clock: FakeClock) -> None:
    client = _client(settings, clock, login_failures_per_account=3)
    client.post("/api/auth/register", json={"email": "c@example.com", "password": PASSWORD})
    for _ in range(5):
        _login(client, "c@example.com", "wrong password")
        _login(client, "c@example.com", "wrong password")
        assert _login(client, "c@example.com", PASSWORD).status_code == 200


def test_parallel_logins_hash_at_most_the_pool_size_at_once(settings: Settings, clock: FakeClock) -> None:
    client = _client(settings, clock, password_hash_concurrency=2)
    pool = services_of(client).auth.passwords
    assert isinstance(pool, PasswordPool)
    statuses: list[int] = []

    def guess(i: int) -> None:
        statuses.append(_login(client, f"nobody{i}@example.com", "wrong password").status_code)

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [401] * 12
    assert pool.peak == 2  # twelve callers, never more than two 64 MiB hashes at once


def test_the_pool_hashes_and_verifies() -> None:
    pool = PasswordPool(1)
    stored = pool.hash(PASSWORD)
    assert stored.startswith("$argon2id$")
    assert pool.verify(stored, PASSWORD)
    assert not pool.verify(stored, "another password")
    assert not pool.verify(None, PASSWORD)
