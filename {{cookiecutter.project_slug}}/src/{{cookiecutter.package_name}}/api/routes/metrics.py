"""`GET /metrics`: the app's Prometheus metrics, for a scraper (not part of the API schema)."""

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

router = APIRouter(tags=["observability"])


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    """Every series of this app's registry, in Prometheus' text format."""
    registry = request.app.state.observability.metrics.registry
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
