"""Tracing on, with spans kept in memory: nothing is sent anywhere."""

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

import {{ cookiecutter.package_name }}.observability
from {{ cookiecutter.package_name }}.settings import Settings


class Spans(InMemorySpanExporter):
    def named(self, name: str) -> list[ReadableSpan]:
        return [span for span in self.get_finished_spans() if span.name == name]


def in_memory_tracing(monkeypatch: pytest.MonkeyPatch) -> Spans:
    """Apps built from now on export their spans here, as they would over OTLP."""
    exporter = Spans()

    def in_memory(endpoint: str, service_name: str) -> TracerProvider:
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        return provider

    monkeypatch.setattr({{ cookiecutter.package_name }}.observability, "otlp_tracer_provider", in_memory)
    return exporter


@pytest.fixture
def spans(monkeypatch: pytest.MonkeyPatch) -> Spans:
    return in_memory_tracing(monkeypatch)


@pytest.fixture
def traced_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"otel_exporter_otlp_endpoint": "http://collector:4318"})
