"""One middleware per request: the access log line, the HTTP metrics and the server span.

Plain ASGI (like `RequestIdMiddleware`), so streamed answers pass through untouched and
are measured until their last byte. It must run inside `RequestIdMiddleware` (added
before it) to log the request id.
"""

import time
from typing import TYPE_CHECKING

import structlog
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from {{ cookiecutter.package_name }}.api.middleware import request_id_of
from {{ cookiecutter.package_name }}.observability.metrics import Metrics
from {{ cookiecutter.package_name }}.rag.knowledge_base import DEFAULT_TENANT

if TYPE_CHECKING:
    from opentelemetry.trace import Span, Tracer

# A path that matched no route is not a label value: scanners would make one series each.
UNMATCHED_ROUTE = "unmatched"
# Health probes and scrapes every few seconds would drown the useful lines (DEBUG level).
QUIET_ROUTES = frozenset({"/healthz", "/readyz", "/metrics"})
log = structlog.stdlib.get_logger(__name__)


def route_of(scope: Scope) -> str:
    """The route template (`/v1/documents/{document_id}`), set by the router once matched."""
    route = scope.get("route")
    path = getattr(route, "path", None) if isinstance(route, BaseRoute) else None
    return path if isinstance(path, str) else UNMATCHED_ROUTE


def tenant_of(scope: Scope) -> str:
    """The tenant authentication put on `request.state` (the default one when it did not)."""
    tenant = (scope.get("state") or {}).get("tenant")
    return tenant if isinstance(tenant, str) else DEFAULT_TENANT


class RequestLogMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics, tracer: "Tracer | None" = None) -> None:
        self.app = app
        self.metrics = metrics
        self.tracer = tracer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.tracer is None:
            await self._handle(scope, receive, send, None)
            return
        from opentelemetry.trace import SpanKind

        # Named once the route is known (`GET /v1/search`); the raw path only as an attribute.
        with self.tracer.start_as_current_span(scope["method"], kind=SpanKind.SERVER) as span:
            span.set_attribute("http.request.method", scope["method"])
            span.set_attribute("url.path", scope["path"])
            await self._handle(scope, receive, send, span)

    async def _handle(
        self, scope: Scope, receive: Receive, send: Send, span: "Span | None"
    ) -> None:
        started = time.perf_counter()
        status = 500  # what the client gets if the app raises before answering

        async def send_and_watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_and_watch)
        finally:
            self._record(scope, status, time.perf_counter() - started, span)

    def _record(self, scope: Scope, status: int, elapsed: float, span: "Span | None") -> None:
        method, route = scope["method"], route_of(scope)
        labels = (method, route, f"{status // 100}xx")
        self.metrics.http_requests.labels(*labels).inc()
        self.metrics.http_duration.labels(*labels).observe(elapsed)
        if span is not None:
            span.update_name(f"{method} {route}")
            span.set_attribute("http.route", route)
            span.set_attribute("http.response.status_code", status)
        quiet = route in QUIET_ROUTES and status < 400
        (log.debug if quiet else log.info)(
            "request",
            request_id=request_id_of(scope),
            tenant=tenant_of(scope),
            method=method,
            route=route,
            status=status,
            latency_ms=round(elapsed * 1000, 2),
        )
