"""Faults over many runs (issue 14, part 4): a mixed workload, then SIGKILL of the server or the worker.

Each run starts a real ``frameloom serve`` (one job thread) and a ``frameloom worker`` on one
fresh data folder, sends an image job, a short video job, an export and a chat turn, kills
one of the two processes at a random moment, starts it again and waits for recovery. Then
the books must balance: no job left open, every hold settled or refunded, ``frozen == 0``,
``available == 100 -`` what was settled, and no file without its media row nor any scratch
or staging leftover. ``FAULT_RUNS`` runs (2 in ``make test``, 20 in ``make faults``); each
run's seed is printed and ``FAULT_SEED`` replays a series.
"""

from __future__ import annotations

import contextlib
import os
import random
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from tests.jobs.test_durability import EXPORT, Processes, draft, studio

from frameloom.store.db import Database
from frameloom.store.ledger import FROZEN, REFUNDED
from frameloom.store.models import Account, CreditHold, Job, Media

RUNS = int(os.environ.get("FAULT_RUNS", "2"))
BASE_SEED = int(os.environ.get("FAULT_SEED", str(random.SystemRandom().randrange(1_000_000))))
FAST = {"FRAMELOOM_JOB_STALE_S": "2"}
SETTLE_S = 120
OPEN = ("queued", "running")


def submit_workload(url: str, headers: dict[str, str], sid: str, media_id: str, run: int) -> threading.Thread:
    """The four kinds of work, queued; the chat turn (a blocking ``POST /run``) on a thread of its own."""
    posted = [
        httpx.post(url + "/api/jobs/image", headers=headers, timeout=30,
                   json={"prompt": "a red fox", "n": 1, "size": "128x72", "seed": run, "session_id": sid}),
        httpx.post(url + "/api/jobs/video", headers=headers, timeout=30,
                   json={"prompt": "a lighthouse at dawn", "seconds": 3, "size": "320x176", "fps": 10,
                         "seed": run, "session_id": sid}),
        httpx.post(url + EXPORT, headers=headers, timeout=30,
                   json={"render_id": f"run-{run}", "session_id": sid, "draft": draft(media_id, seconds=20)}),
    ]
    assert [r.status_code for r in posted] == [200, 200, 200], [r.text for r in posted]

    def chat() -> None:
        body = {"session_id": sid, "app_name": "nemo_agent", "user_id": "me",
                "new_message": {"role": "user", "parts": [{"text": "an image of a fox"}]}}
        with contextlib.suppress(httpx.HTTPError):  # its server may die under it
            httpx.post(url + "/run", headers=headers, json=body, timeout=60)

    turn = threading.Thread(target=chat)
    turn.start()
    return turn


def open_jobs(db: Database) -> list[tuple[str, str]]:
    with db.read() as session:
        return sorted((j.kind, j.status) for j in session.scalars(select(Job).where(Job.status.in_(OPEN))))


def wait_for_recovery(db: Database) -> None:
    deadline = time.monotonic() + SETTLE_S
    while True:
        with db.read() as session:
            still_open = session.scalar(select(func.count()).where(Job.status.in_(OPEN)))
        if not still_open:
            return
        assert time.monotonic() < deadline, f"{still_open} jobs still open after {SETTLE_S} s"
        time.sleep(0.1)


def check_books(db: Database, data: Path) -> None:
    """No open job, every hold closed, frozen 0, available 100 minus the settled prices, no stray file."""
    with db.read() as session:
        jobs = session.scalars(select(Job)).all()
        assert len(jobs) == 5  # image, video, export, the chat turn and the image it asked for
        assert all(j.status in {"completed", "failed", "cancelled"} for j in jobs), [(j.kind, j.status) for j in jobs]
        holds = session.scalars(select(CreditHold)).all()
        assert all(h.status != FROZEN for h in holds), [(h.purpose, h.status) for h in holds]
        settled = sum(h.amount for h in holds if h.status != REFUNDED)
        assert settled == sum(j.price for j in jobs if j.status == "completed"), \
            [(j.kind, j.status, j.price) for j in jobs]
        (account,) = session.scalars(select(Account)).all()
        assert (account.frozen, account.available) == (0, 100 - settled)
        keys = set(session.scalars(select(Media.storage_key)).all())
    media = data / "media"
    files = {p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file()} if media.is_dir() else set()
    assert files <= keys, f"files without a media row: {sorted(files - keys)}"
    staging = data / "tmp"
    left = sorted(p.name for p in staging.iterdir()) if staging.is_dir() else []
    assert not left, f"scratch or staging leftovers: {left}"


@pytest.mark.parametrize("run", range(RUNS))
def test_sigkill_at_a_random_moment_loses_nothing(tmp_path: Path, run: int) -> None:
    seed = BASE_SEED + run
    rng = random.Random(seed)
    victim, delay = rng.choice(["server", "worker"]), rng.uniform(0.0, 1.2)
    print(f"fault run {run}: seed {seed} (FAULT_SEED={BASE_SEED}), SIGKILL the {victim} after {delay:.2f} s")
    procs = Processes(tmp_path / "data")
    db = Database(f"sqlite:///{procs.data / 'frameloom.db'}")
    try:
        server, url = procs.serve(**FAST)
        procs.workers(1, **FAST)
        worker = procs.started[-1]
        headers, sid, media_id = studio(url)
        turn = submit_workload(url, headers, sid, media_id, run)
        time.sleep(delay)
        print(f"  at the kill: {open_jobs(db)}")
        if victim == "server":
            procs.kill(server)
            _, url = procs.serve(**FAST)
        else:
            procs.kill(worker)
            procs.workers(1, **FAST)
        turn.join(timeout=70)
        wait_for_recovery(db)
        time.sleep(1.0)  # a late write (a resent message, a sweep) would show now
        wait_for_recovery(db)
        balance = httpx.get(url + "/api/credits/balance/simple", headers=headers).json()["data"]
        assert balance["frozen"] == 0, balance
    finally:
        procs.close()
    with db.read() as session:
        print("  after recovery:", sorted((j.kind, j.status, j.attempts) for j in session.scalars(select(Job))))
    check_books(db, procs.data)
    db.dispose()
