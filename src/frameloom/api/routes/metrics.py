"""``GET /metrics``: Prometheus text format (request counts and latencies, skill sources)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from frameloom.api.observability import Metrics

router = APIRouter(tags=["health"])


@router.get("/metrics", include_in_schema=True, response_class=Response)
def metrics(request: Request) -> Response:
    """The metrics of this process, for a Prometheus scraper."""
    registry: Metrics = request.app.state.metrics
    return Response(generate_latest(registry.registry), media_type=CONTENT_TYPE_LATEST)
