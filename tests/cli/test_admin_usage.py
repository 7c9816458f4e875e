"""``frameloom admin usage`` and ``admin accounts`` against the database of a real server that had
mixed traffic: the table's totals are the balance changes; ``--json`` is what the operator route
answers; a suspended account's token answers 1001 on that server."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from pydantic import SecretStr

from frameloom.api import create_app
from frameloom.cli.main import cli
from frameloom.settings import Settings

ADMIN = "admin-token-for-the-cli-tests"
DRAFT = {"v": 1, "m": {"w": 320, "h": 180, "fps": 10},
         "t": [{"id": "x1", "tt": 7, "sg": [{"id": "s1", "s": 0, "d": 1000, "m": {"text": "CLI"}}]}]}


class Caller:
    """One anonymous account on the live server, calling as skill ``source`` (None: no headers)."""

    def __init__(self, url: str, source: str | None) -> None:
        data = httpx.post(f"{url}/api/auth/anonymous-token", headers={"X-Client-Id": uuid.uuid4().hex}).json()["data"]
        self.account_id: str = data["account_id"]
        skill = {"X-Skill-Source": source, "X-Skill-Version": "2.0", "X-Skill-Platform": "cli"} if source else {}
        self.http = httpx.Client(base_url=url, timeout=60,
                                 headers={"Authorization": f"Bearer {data['token']}", **skill})

    def spent(self) -> int:
        balance = self.http.get("/api/credits/balance/simple").json()["data"]
        assert balance["frozen"] == 0
        return 100 - int(balance["available"])

    def wait(self, path: str) -> dict[str, Any]:
        deadline = time.monotonic() + 60
        while True:
            data: dict[str, Any] = self.http.get(path).json()["data"]
            if data["status"] in {"completed", "failed", "cancelled"} or time.monotonic() > deadline:
                return data
            time.sleep(0.05)


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
           live_server: Callable[[Any], str]) -> Iterator[tuple[str, list[Caller]]]:
    """A live server on the data folder the CLI reads, after traffic from three callers."""
    data_dir = tmp_path / "data"
    monkeypatch.setenv("FRAMELOOM_DATA_DIR", str(data_dir))
    monkeypatch.chdir(tmp_path)  # no stray .env
    settings = Settings(_env_file=None, data_dir=data_dir, admin_token=SecretStr(ADMIN))  # type: ignore[call-arg]
    url = live_server(create_app(settings))
    alpha, beta, anonymous = Caller(url, "alpha"), Caller(url, "beta"), Caller(url, None)
    job = alpha.http.post("/api/jobs/image", json={"prompt": "a kite", "size": "320x176", "n": 3}).json()["data"]
    assert beta.http.post("/v1/images/generations", json={"prompt": "a hill", "size": "1024x1024"}).status_code == 200
    sid = beta.http.post("/api/tasks/me/with-session/nemo_agent").json()["data"]["session_id"]
    render = beta.http.post("/api/render/proxy/lambda", json={"session_id": sid, "draft": DRAFT}).json()["data"]
    video = anonymous.http.post("/api/jobs/video", json={"prompt": "a boat", "seconds": 2, "size": "160x96",
                                                         "fps": 5}).json()["data"]
    assert alpha.wait(f"/api/jobs/{job['job_id']}")["status"] == "completed"
    assert beta.wait(f"/api/render/proxy/lambda/{render['render_id']}")["status"] == "completed"
    assert anonymous.wait(f"/api/jobs/{video['job_id']}")["status"] == "completed"
    yield url, [alpha, beta, anonymous]
    for caller in (alpha, beta, anonymous):
        caller.http.close()


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, ["admin", *args])
    assert result.exit_code == 0, result.output
    return result.output


def _cells(output: str, first: str) -> list[str]:
    """The cells of the table row whose first cell is ``first``."""
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.replace("┃", "│").strip("│ ").split("│")]
        if cells and cells[0] == first:
            return cells
    raise AssertionError(f"no row {first!r} in\n{output}")


def test_the_usage_table_totals_are_the_balance_changes(served: tuple[str, list[Caller]]) -> None:
    _, callers = served
    alpha, beta, anonymous = callers
    by_source = _run("usage", "--since", "24h")
    assert "Usage by source, since" in by_source
    header = _cells(by_source, "source")
    credits = header.index("credits spent")
    assert int(_cells(by_source, "total")[credits]) == sum(c.spent() for c in callers) == 6 + 2 + 1 + 2
    assert int(_cells(by_source, "alpha")[credits]) == alpha.spent()
    assert int(_cells(by_source, "beta")[credits]) == beta.spent()
    assert int(_cells(by_source, "(none)")[credits]) == anonymous.spent()
    assert _cells(by_source, "beta")[header.index("actions")] == "2"  # /v1 and the export

    by_account = _run("usage", "--by", "account")
    for caller in callers:
        assert int(_cells(by_account, caller.account_id)[credits]) == caller.spent()
    by_kind = _run("usage", "--by", "kind")
    assert [int(_cells(by_kind, kind)[credits]) for kind in ("image", "export", "video")] == [8, 1, 2]


def test_usage_json_is_what_the_operator_route_answers(served: tuple[str, list[Caller]]) -> None:
    url, _ = served
    printed = json.loads(_run("usage", "--by", "kind", "--json"))
    answered = httpx.get(f"{url}/api/admin/usage?by=kind", headers={"Authorization": f"Bearer {ADMIN}"}).json()
    assert printed == answered["data"]
    assert printed["total"]["credits"] == 11


def test_accounts_list_show_plan_suspend_and_unsuspend(served: tuple[str, list[Caller]]) -> None:
    _, (alpha, _, _) = served
    listed = json.loads(_run("accounts", "list", "--json"))
    assert alpha.account_id in [a["account_id"] for a in listed]
    assert alpha.account_id in _run("accounts", "list")

    shown = _run("accounts", "show", alpha.account_id)
    assert f"account    {alpha.account_id}" in shown
    assert "plan       anonymous" in shown
    assert f"credits    available {100 - alpha.spent()}, frozen 0" in shown
    assert _cells(shown, "image")[1:2] == ["1"]

    assert _run("accounts", "suspend", alpha.account_id).startswith(f"{alpha.account_id}: plan anonymous")
    refused = alpha.http.get("/api/credits/balance/simple")
    assert (refused.status_code, refused.json()["code"]) == (401, 1001)
    assert _run("accounts", "unsuspend", alpha.account_id).strip().endswith("active")
    assert alpha.http.get("/api/credits/balance/simple").status_code == 200

    assert "plan registered" in _run("accounts", "plan", alpha.account_id, "registered")
    wrong = CliRunner().invoke(cli, ["admin", "accounts", "plan", alpha.account_id, "gold"])
    assert wrong.exit_code == 2
    assert "unknown plan 'gold'; plans: anonymous, registered" in wrong.output
    missing = CliRunner().invoke(cli, ["admin", "accounts", "show", "acc_nobody"])
    assert (missing.exit_code, "account acc_nobody not found" in missing.output) == (2, True)
