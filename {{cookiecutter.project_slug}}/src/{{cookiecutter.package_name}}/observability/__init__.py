"""Observability: JSON logs, Prometheus metrics, optional OpenTelemetry traces, drift.

`install_observability(app, settings)` wires it into the app factory; the knowledge base,
chat model, feedback store and agent are then observed by the wrappers and handlers of
the modules here, built in the app's lifespan.
"""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fastapi import FastAPI

from {{ cookiecutter.package_name }}.observability.genai import GenAITelemetry
from {{ cookiecutter.package_name }}.observability.logging import configure_logging
from {{ cookiecutter.package_name }}.observability.metrics import Metrics
from {{ cookiecutter.package_name }}.observability.middleware import RequestLogMiddleware
from {{ cookiecutter.package_name }}.observability.tracing import otlp_tracer_provider
from {{ cookiecutter.package_name }}.settings import Settings

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.trace import Tracer

TRACER_NAME = __name__


@dataclass
class Observability:
    """What the app's parts report to: its metrics, its tracer (None: tracing off)."""

    metrics: Metrics
    tracer: "Tracer | None" = None
    tracer_provider: "TracerProvider | None" = None
    log_content: bool = False
    genai: GenAITelemetry = field(init=False)

    def __post_init__(self) -> None:
        self.genai = GenAITelemetry(self.metrics, self.tracer)

    def close(self) -> None:
        """Send the spans still buffered (at shutdown)."""
        if self.tracer_provider is not None:
            self.tracer_provider.shutdown()


def build_observability(settings: Settings) -> Observability:
    provider = None
    if settings.otel_exporter_otlp_endpoint:
        service = settings.otel_service_name or settings.app_name
        provider = otlp_tracer_provider(settings.otel_exporter_otlp_endpoint, service)
    return Observability(
        metrics=Metrics(),
        tracer=provider.get_tracer(TRACER_NAME) if provider else None,
        tracer_provider=provider,
        log_content=settings.log_content,
    )


def install_observability(app: FastAPI, settings: Settings) -> Observability:
    """Logging, the request log and HTTP metrics middleware, and `/metrics`.

    Call it before adding `RequestIdMiddleware`, so that one runs first and the request
    log has the id.
    """
    from {{ cookiecutter.package_name }}.api.routes import metrics

    json_logs = settings.log_format == "json" or (
        settings.log_format == "auto" and settings.is_production
    )
    configure_logging(settings.log_level, "json" if json_logs else "console")
    observability = build_observability(settings)
    app.state.observability = observability
    app.add_middleware(
        RequestLogMiddleware, metrics=observability.metrics, tracer=observability.tracer
    )
    app.include_router(metrics.router)
    return observability
