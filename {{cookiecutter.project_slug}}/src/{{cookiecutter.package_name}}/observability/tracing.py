"""Optional OpenTelemetry tracing: on when OTEL_EXPORTER_OTLP_ENDPOINT is set.

The SDK and exporter are the `otel` extra (`uv sync --extra otel`), imported only when
tracing is on, so a default install carries none of it. Each app gets its own
`TracerProvider` rather than the process-wide one (which can be set only once): tests
give theirs an in-memory exporter, and nothing is sent over the network.
"""

from typing import TYPE_CHECKING

from {{ cookiecutter.package_name }}.rag.errors import ConfigurationError

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider

# Per the OTLP exporter spec: a base endpoint gets the signal's path appended.
TRACES_PATH = "/v1/traces"


def otlp_tracer_provider(endpoint: str, service_name: str) -> "TracerProvider":
    """A provider exporting spans in batches, over OTLP/HTTP, to `endpoint` (a collector)."""
    try:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import SERVICE_NAME, Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError:
        raise ConfigurationError(
            "OTEL_EXPORTER_OTLP_ENDPOINT is set, so tracing needs its packages: "
            "run `uv sync --extra otel`."
        ) from None
    provider = TracerProvider(resource=Resource.create({SERVICE_NAME: service_name}))
    exporter = OTLPSpanExporter(endpoint=endpoint.rstrip("/") + TRACES_PATH)
    provider.add_span_processor(BatchSpanProcessor(exporter))  # off the request path
    return provider
