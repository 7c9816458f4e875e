"""Plan limits under concurrency, on both databases: requests fired at once never take more places
than the plan's concurrent jobs, and only the jobs let through hold credits."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from frameloom.domain.accounts import Attribution, Plan, Principal
from frameloom.domain.errors import RateLimited
from frameloom.domain.plans import PlanSettings
from frameloom.services.container import Services, build_services
from frameloom.services.generation import ImageOrder
from frameloom.settings import Settings
from frameloom.store import accounts

FIRED = 8
ALLOWED = 2


@pytest.fixture
def services(backend_settings: Settings) -> Iterator[Services]:
    settings = backend_settings.model_copy(update={
        "workers": 0, "plans": {"anonymous": PlanSettings(concurrent_jobs=ALLOWED)}})
    built = build_services(settings)
    yield built
    built.close()


def test_requests_at_once_never_take_more_than_the_plans_concurrent_jobs(services: Services) -> None:
    with services.db.write() as session:
        row = accounts.create_account(session, Plan.ANONYMOUS, 100, services.clock())
    who = Principal(row.id, Plan.ANONYMOUS, row.bind_id, 100, 0, Attribution("bench", "1", "pytest"))
    start = threading.Barrier(FIRED)

    def order(i: int) -> str:
        start.wait()
        try:
            services.generation.image(who, ImageOrder(prompt=f"a kite {i}", width=320, height=176))
        except RateLimited:
            return "refused"
        return "queued"

    with ThreadPoolExecutor(FIRED) as pool:
        answers = list(pool.map(order, range(FIRED)))
    assert answers.count("queued") == ALLOWED
    assert answers.count("refused") == FIRED - ALLOWED
    balance = services.credits.balance(who.account_id)
    assert (balance.available, balance.frozen) == (100 - 2 * ALLOWED, 2 * ALLOWED)
    report = services.usage.report(by="source")
    assert [(line.key, line.actions, line.open) for line in report.lines] == [("bench", ALLOWED, ALLOWED)]
