"""Many hosts (issue 13): the API and each worker in a network namespace of its own, under a host name of
its own, with a data folder of its own and no shared disk; PostgreSQL, Redis and S3 reached over the
bridge. A burst of image and export jobs completes exactly once each while a ``cpu`` worker is
SIGKILLed mid-export: its job goes to the other ``cpu`` worker once its heartbeat goes stale (another
host cannot see the dead pid), and the books balance.

Where namespaces cannot be made (no CAP_NET_ADMIN), the same test runs as separate processes on
loopback, still with separate data folders and no shared disk, and says so.
"""

from __future__ import annotations

import time
import warnings
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from tests.api.conftest import still
from tests.conftest import stack_env
from tests.jobs.test_durability import free_port
from tests.multihost.cluster import Cluster, Node
from tests.multihost.network import Network

from frameloom.settings import Settings
from frameloom.store.db import Database
from frameloom.store.models import Job, Media

SKILL = {"X-Skill-Source": "tests", "X-Skill-Version": "1.0", "X-Skill-Platform": "pytest"}
HOSTS = ["api", "gpu", "cpu1", "cpu2"]
BURST = 6  # of each kind
API_PORT = 8000


@dataclass
class Hosts:
    cluster: Cluster
    nodes: dict[str, Node]
    netns: bool


def _moved(url: str, host: str) -> str:
    """``url`` with its 127.0.0.1 replaced by ``host`` (the root namespace seen from the bridge)."""
    return url.replace("127.0.0.1", host).replace("localhost", host)


def _port(url: str, default: int) -> int:
    return urlsplit(url.replace("postgresql+psycopg", "postgresql")).port or default


@pytest.fixture
def hosts(stack_settings: Settings, tmp_path: Path) -> Iterator[Hosts]:
    shared = {k: v for k, v in stack_env(stack_settings).items() if k != "FRAMELOOM_DATA_DIR"}
    ports = [_port(shared["FRAMELOOM_DATABASE_URL"], 5432), _port(shared["FRAMELOOM_REDIS_URL"], 6379),
             _port(shared["FRAMELOOM_S3_ENDPOINT"], 80)]
    network: Network | None = Network(HOSTS, forward=ports)
    try:
        assert network is not None
        network.open()
    except OSError as exc:
        warnings.warn(f"no network namespaces here ({exc}); hosts are separate processes on loopback", stacklevel=1)
        network = None
    if network is not None:
        shared = {k: _moved(v, network.gateway) if k != "FRAMELOOM_S3_URL" else v for k, v in shared.items()}
    cluster = Cluster(tmp_path / "hosts", shared, FRAMELOOM_JOB_HEARTBEAT_S="0.2", FRAMELOOM_JOB_STALE_S="2",
                      FRAMELOOM_ANONYMOUS_CREDITS="100")
    try:
        ns = network.namespaces if network is not None else dict.fromkeys(HOSTS)
        address = network.addresses["api"] if network is not None else "127.0.0.1"
        nodes = {"api": cluster.serve("api", address, API_PORT if network is not None else free_port(), ns["api"]),
                 "gpu": cluster.worker("gpu", "gpu", ns["gpu"]),
                 "cpu1": cluster.worker("cpu1", "cpu", ns["cpu1"]),
                 "cpu2": cluster.worker("cpu2", "cpu", ns["cpu2"])}
        cluster.wait_ready()
        yield Hosts(cluster, nodes, network is not None)
    finally:
        cluster.close()
        if network is not None:
            network.close()


def jobs_of(db: Database) -> list[Job]:
    with db.read() as session:
        found = list(session.query(Job).order_by(Job.created_at))
        session.expunge_all()
        return found


@pytest.mark.parametrize("stack_settings", ["scaled"], indirect=True)
def test_a_burst_completes_once_each_across_hosts_while_a_worker_dies(hosts: Hosts, stack_settings: Settings) -> None:
    api = hosts.nodes["api"].url
    assert api is not None
    token = httpx.post(api + "/api/auth/anonymous-token", headers={"X-Client-Id": "burst"}).json()["data"]
    headers = {"Authorization": f"Bearer {token['token']}", **SKILL}
    sid = httpx.post(api + "/api/tasks/me/with-session/nemo_agent", headers=headers, json={}).json()["data"][
        "session_id"]
    media_id = httpx.post(f"{api}/api/upload-video/nemo_agent/me/{sid}", headers=headers,
                          files={"file": ("p.png", still("png", 320, 180), "image/png")}).json()["data"]["media"][0][
        "media_id"]
    draft: dict[str, Any] = {"v": 1, "d": 8000, "m": {"w": 320, "h": 180, "fps": 30}, "t": [
        {"id": "v1", "tt": 0, "sg": [{"id": "s1", "s": 0, "d": 8000, "m": {"src": media_id, "motion": "ken_burns"}}]}]}
    for i in range(BURST):
        body = {"render_id": f"burst-{i}", "session_id": sid, "draft": draft}
        assert httpx.post(api + "/api/render/proxy/lambda", headers=headers, json=body).status_code == 200
        image = {"prompt": f"a lighthouse at dusk {i}", "size": "320x176", "seed": i, "session_id": sid}
        assert httpx.post(api + "/api/jobs/image", headers=headers, json=image).status_code == 200

    # SIGKILL the first cpu worker as soon as it runs an export (a host losing power).
    db = Database(str(stack_settings.database_url))
    deadline = time.monotonic() + 60
    victim: str | None = None
    while victim is None:
        assert time.monotonic() < deadline, [(j.kind, j.status, j.worker) for j in jobs_of(db)]
        running = [j for j in jobs_of(db) if j.status == "running" and (j.worker or "").startswith("cpu1:")]
        if running:
            hosts.nodes["cpu1"].kill()
            victim = running[0].id
        time.sleep(0.02)

    deadline = time.monotonic() + 90
    while any(j.status in {"queued", "running"} for j in jobs_of(db)):
        assert time.monotonic() < deadline, [(j.kind, j.status, j.worker, j.attempts) for j in jobs_of(db)]
        time.sleep(0.2)

    done = jobs_of(db)
    assert Counter((j.kind, j.status) for j in done) == {("export", "completed"): BURST, ("image", "completed"): BURST}
    killed = next(j for j in done if j.id == victim)
    assert killed.attempts == 2
    assert killed.worker is not None
    assert killed.worker.startswith("cpu2:")  # finished by the other cpu host
    assert all(j.attempts == 1 for j in done if j.id != victim)
    by_host = {(j.kind, (j.worker or "").partition(":")[0]) for j in done}
    assert {host for kind, host in by_host if kind == "image"} == {"gpu"}
    assert {host for kind, host in by_host if kind == "export"} <= {"cpu1", "cpu2"}
    with db.read() as session:  # one result each: nothing ran twice to the end
        made = Counter(m.format for m in session.query(Media).filter(Media.source != "upload"))
    db.dispose()
    assert made == {"mp4": BURST, "png": BURST}
    balance = httpx.get(api + "/api/credits/balance/simple", headers=headers).json()["data"]
    assert balance == {"available": 100 - BURST * 2 - BURST, "frozen": 0, "total": 100 - BURST * 3}
    state = httpx.get(f"{api}/api/state/nemo_agent/me/{sid}/latest", headers=headers).json()["data"]
    assert {r["status"] for r in state["renders"]} == {"completed"}
    for name in ("gpu", "cpu2"):  # nothing of the media on any worker's disk
        assert not list((hosts.nodes[name].data / "media").rglob("*.*"))
