"""The HTTP contract: request and response models shared by the API and its clients."""

from typing import Any, Literal

from pydantic import BaseModel, Field


class ErrorDetail(BaseModel):
    """What went wrong, in the shape OpenAI-style clients already understand."""

    message: str = Field(description="A sentence for humans.")
    type: str = Field(description="A stable machine-readable category, e.g. `not_found`.")
    request_id: str | None = Field(default=None, description="Quote it when reporting a problem.")
    details: list[dict[str, Any]] | None = Field(
        default=None, description="Per-field problems, for validation errors."
    )


class ErrorResponse(BaseModel):
    """Every error the API returns has this body, whatever the status code."""

    error: ErrorDetail


class HealthResponse(BaseModel):
    """Liveness: the process is up and serving requests."""

    status: Literal["ok"] = "ok"
    version: str


class CheckResult(BaseModel):
    """The state of one dependency the app needs to serve traffic."""

    status: Literal["ok", "error"]
    detail: str | None = None


class ReadinessResponse(BaseModel):
    """Readiness: every dependency, and whether the app can take traffic."""

    status: Literal["ready", "not_ready"]
    checks: dict[str, CheckResult]
