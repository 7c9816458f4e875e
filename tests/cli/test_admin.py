"""``frameloom admin credits ACCOUNT +N`` against the database a server would use."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from frameloom.api import create_app
from frameloom.cli.main import cli
from frameloom.settings import Settings


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("FRAMELOOM_DATA_DIR", str(folder))
    monkeypatch.chdir(tmp_path)  # no stray .env
    return folder


@pytest.fixture
def account(data_dir: Path) -> tuple[TestClient, str, str]:
    client = TestClient(create_app(Settings(_env_file=None, data_dir=data_dir)))  # type: ignore[call-arg]
    data = client.post("/api/auth/anonymous-token", headers={"X-Client-Id": "cli"}).json()["data"]
    return client, data["account_id"], data["token"]


def _balance(client: TestClient, token: str) -> dict[str, int]:
    body: dict[str, int] = client.get("/api/credits/balance/simple",
                                      headers={"Authorization": f"Bearer {token}"}).json()["data"]
    return body


def test_plus_n_adds_credits(account: tuple[TestClient, str, str]) -> None:
    client, account_id, token = account
    result = CliRunner().invoke(cli, ["admin", "credits", account_id, "+50"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"{account_id}: available 150, frozen 0 (+50)"
    assert _balance(client, token)["available"] == 150


def test_minus_n_takes_credits_but_never_below_zero(account: tuple[TestClient, str, str]) -> None:
    client, account_id, token = account
    assert CliRunner().invoke(cli, ["admin", "credits", account_id, "-40"]).exit_code == 0
    refused = CliRunner().invoke(cli, ["admin", "credits", account_id, "-61"])
    assert refused.exit_code == 2
    assert "only 60 available" in refused.output
    assert _balance(client, token)["available"] == 60


def test_an_account_by_email(data_dir: Path) -> None:
    client = TestClient(create_app(Settings(_env_file=None, data_dir=data_dir)))  # type: ignore[call-arg]
    client.post("/api/auth/register", json={"email": "op@example.com", "password": "password123"})
    result = CliRunner().invoke(cli, ["admin", "credits", "op@example.com", "+5"])
    assert result.exit_code == 0
    assert "available 105" in result.output


def test_an_unknown_account_is_an_error(data_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["admin", "credits", "acc_nobody", "+5"])
    assert result.exit_code == 2
    assert "account acc_nobody not found" in result.output


@pytest.mark.parametrize("amount", ["50x", "++5", "", "1e3"])
def test_a_bad_amount_is_an_error(data_dir: Path, amount: str) -> None:
    result = CliRunner().invoke(cli, ["admin", "credits", "acc_x", amount])
    assert result.exit_code == 2
    assert "amount" in result.output
