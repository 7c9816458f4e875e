"""What usage and plans cost: the per-request work they add, and reading usage back at scale.

    python bench/usage.py [--rows 200000]

1. The work every authenticated request now does besides the token lookup: the
   attribution read from the headers, and the plan's requests-per-minute check
   (no limit, and a limit), in microseconds per request.
2. ``frameloom admin usage`` (the report by source, account and kind) and one
   ``/metrics`` scrape of the usage counters, over ``--rows`` usage rows in a
   fresh SQLite database, in milliseconds.

A benchmark, not a test: it prints, asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from prometheus_client import CollectorRegistry, generate_latest

from frameloom.api.usage_metrics import UsageCollector
from frameloom.domain.accounts import Attribution, Plan, Principal
from frameloom.domain.plans import PlanSettings
from frameloom.domain.usage import UsageBy
from frameloom.services.plans import PlanService
from frameloom.services.usage import UsageService
from frameloom.settings import Settings
from frameloom.store import accounts
from frameloom.store.db import Database
from frameloom.store.models import Usage

HEADERS = {"authorization": "Bearer fl_x", "x-skill-source": "frameloom", "x-skill-version": "0.4.0",
           "x-skill-platform": "claude-code", "user-agent": "bench", "accept": "*/*"}
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def _per_call_us(fn: object, n: int = 200_000) -> float:
    assert callable(fn)
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - start) / n * 1e6


def request_overhead() -> None:
    who = Principal("acc_bench", "anonymous", "bind_bench", 100, 0)
    open_plans = PlanService(Settings(_env_file=None), lambda: NOW)  # type: ignore[call-arg]
    limited = PlanService(Settings(_env_file=None, plans={"anonymous": PlanSettings(  # type: ignore[call-arg]
        requests_per_minute=10**9)}), lambda: NOW)
    print("per authenticated request:")
    read = _per_call_us(lambda: replace(who, attribution=Attribution.of(HEADERS)))
    print(f"  attribution from headers + replace   {read:6.2f} us")
    print(f"  rate check, no limit                 {_per_call_us(lambda: open_plans.check_rate(who)):6.2f} us")
    print(f"  rate check, a limit                  {_per_call_us(lambda: limited.check_rate(who)):6.2f} us")


def fill(db: Database, rows: int, accounts_n: int = 500, sources: int = 60) -> None:
    rng = random.Random(7)
    with db.write() as session:
        ids = [accounts.create_account(session, Plan.ANONYMOUS, 100, NOW).id for _ in range(accounts_n)]
    kinds = ("image", "image", "image", "video", "export", "chat")
    outcomes = ("settled",) * 8 + ("refunded", "failed")
    batch = []
    for i in range(rows):
        kind = rng.choice(kinds)
        price = 0 if kind == "chat" else rng.randint(1, 10)
        outcome = rng.choice(outcomes)
        at = NOW - timedelta(seconds=rng.randint(0, 30 * 86_400))
        batch.append(Usage(hold_id=f"hold_{i:024d}", account_id=rng.choice(ids), kind=kind,
                           source=None if rng.random() < 0.1 else f"skill-{rng.randint(1, sources)}",
                           version="1.0", platform="cli", price=price,
                           credits=price if outcome == "settled" else 0, outcome=outcome, created_at=at,
                           finished_at=at + timedelta(seconds=2), duration_ms=2000))
        if len(batch) == 20_000:
            with db.write() as session:
                session.add_all(batch)
            batch = []
    if batch:
        with db.write() as session:
            session.add_all(batch)


def reading(rows: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{Path(folder) / 'bench.db'}")
        db.migrate()
        start = time.perf_counter()
        fill(db, rows)
        print(f"{rows} usage rows (500 accounts, 60 sources) written in {time.perf_counter() - start:.1f} s")
        service = UsageService(db, lambda: NOW)
        for by in UsageBy:
            for since in (None, "7d"):
                start = time.perf_counter()
                report = service.report(since, by)
                took = (time.perf_counter() - start) * 1000
                label = f"report by {by.value}, {'all time' if since is None else 'since ' + since}"
                print(f"  {label:34} {took:7.1f} ms  ({len(report.lines)} lines)")
        registry = CollectorRegistry()
        registry.register(UsageCollector(service))
        start = time.perf_counter()
        lines = len(generate_latest(registry).splitlines())
        print(f"  /metrics usage counters            {(time.perf_counter() - start) * 1000:7.1f} ms  ({lines} lines)")
        db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()
    request_overhead()
    reading(args.rows)


if __name__ == "__main__":
    main()
