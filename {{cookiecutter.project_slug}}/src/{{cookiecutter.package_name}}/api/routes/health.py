"""Liveness (`/healthz`) and readiness (`/readyz`) probes for load balancers and orchestrators."""

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from {{ cookiecutter.package_name }} import __version__
from {{ cookiecutter.package_name }}.api.readiness import ReadinessCheck
from {{ cookiecutter.package_name }}.schemas import HealthResponse, ReadinessResponse

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> HealthResponse:
    """The process is alive. Checks nothing else, so a slow dependency never restarts it."""
    return HealthResponse(version=__version__)


@router.get(
    "/readyz",
    response_model=ReadinessResponse,
    responses={503: {"model": ReadinessResponse, "description": "A dependency is not ready."}},
)
async def readyz(request: Request) -> JSONResponse:
    """Ready to take traffic: every dependency answers. 503 names the ones that do not."""
    checks: dict[str, ReadinessCheck] = request.app.state.readiness_checks
    results = await asyncio.gather(*(check() for check in checks.values()))
    by_name = dict(zip(checks, results, strict=True))
    ready = all(result.status == "ok" for result in by_name.values())
    body = ReadinessResponse(status="ready" if ready else "not_ready", checks=by_name)
    return JSONResponse(body.model_dump(), status_code=200 if ready else 503)
