"""Child jobs of a turn (a generation, an export): run inline so a turn never waits on itself.

The embedded default runs one consumer thread and the turn occupies it, so a
turn that only waited for its queued child would wait forever. It runs the
child itself in a helper thread with ``JobRunner.run`` instead; the claim is
exclusive, so when another worker took the job first ``run`` returns at once
and the turn simply follows the job's record. Meanwhile the turn's own thread
polls the record, emits progress, and stops the child when the turn is cancelled.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from frameloom.agent.events import TurnEvents
from frameloom.domain.accounts import Principal
from frameloom.domain.errors import Cancelled
from frameloom.domain.jobs import JobKind, JobResult
from frameloom.services.jobs import JobView

if TYPE_CHECKING:
    from frameloom.services.container import Services

log = logging.getLogger("frameloom.agent")
STAGES = {JobKind.IMAGE: "drawing", JobKind.VIDEO: "rendering", JobKind.EXPORT: "exporting"}
FIRST_POLL_S = 0.05  # the first polls come quickly (a small image is done in a fraction of a second)
POLL_S = 0.2
MIN_STEP = 0.01  # progress events only when the fraction moved this much


def _run_quietly(services: Services, job_id: str) -> None:
    try:
        services.jobs.runner.run(job_id)
    except Exception:  # the runner records the job's own failures; this is its bookkeeping failing
        log.exception("child job %s could not be run inline", job_id)


def run_child(services: Services, who: Principal, queued: JobView, base_url: str, events: TurnEvents,
              cancelled: Callable[[], bool]) -> tuple[JobView, JobResult]:
    """Run the ``queued`` job to its end, emitting ``{"stage", "progress"}`` events, and return
    its final view and result.

    Raises the error the job ended with (``EngineFailed``, ``JobFailed``, ``Cancelled``), or
    ``Cancelled`` when ``cancelled()`` turned true first: the job is cancelled then, and its
    frozen credits come back.
    """
    stage = STAGES[queued.kind]
    helper = threading.Thread(target=_run_quietly, args=(services, queued.job_id), daemon=True,
                              name=f"frameloom-child-{queued.job_id}")
    helper.start()
    events.progress(stage, 0.0)
    shown, delay = 0.0, FIRST_POLL_S
    while True:
        view = services.job_service.status(who, queued.key, base_url, queued.kind)
        if view.status.final:
            break
        if cancelled():
            services.job_service.cancel(who, queued.key, base_url, queued.kind)
            raise Cancelled(f"the turn was stopped while {stage} ({queued.kind.value} job {queued.key})")
        if view.progress - shown >= MIN_STEP:
            shown = view.progress
            events.progress(stage, shown)
        time.sleep(delay)
        delay = min(POLL_S, delay * 2)
    result = view.raise_if_unfinished()
    if shown < 1.0:
        events.progress(stage, 1.0)
    return view, result
