"""``GET /metrics``: Prometheus text format (requests, skill sources, and the job series of ``jobs/metrics.py``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from frameloom.api.observability import Metrics
from frameloom.jobs import Jobs

router = APIRouter(tags=["health"])


@router.get("/metrics", include_in_schema=True, response_class=Response)
def metrics(request: Request) -> Response:
    """The metrics of this process, and the jobs and queues every node shares, for a Prometheus scraper."""
    registry: Metrics = request.app.state.metrics
    jobs: Jobs = request.app.state.jobs
    body = generate_latest(registry.registry) + generate_latest(jobs.metrics.registry)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
