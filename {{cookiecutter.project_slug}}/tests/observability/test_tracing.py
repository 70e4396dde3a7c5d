"""Tracing (OTEL_EXPORTER_OTLP_ENDPOINT set): GenAI span names and `gen_ai.*` attributes,
nested under the request's server span."""

from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.api.app import create_app
from {{ cookiecutter.package_name }}.observability.tracing import otlp_tracer_provider
from {{ cookiecutter.package_name }}.settings import Settings
from tests.conftest import SAMPLE_DOCS, provider_settings
from tests.llm_stubs import StubLLM
from tests.observability.conftest import Spans

QUESTION = "How long is the warranty on the frame?"


def test_an_answer_is_traced_with_genai_spans(
    traced_settings: Settings, llm_stub: StubLLM, spans: Spans
) -> None:
    with TestClient(create_app(provider_settings(traced_settings, "openai", llm_stub))) as client:
        files = [("files", (p.name, p.read_bytes())) for p in sorted(SAMPLE_DOCS.iterdir())]
        client.post("/v1/documents", files=files)
        spans.clear()
        assert client.post("/v1/query", json={"question": QUESTION}).status_code == 200

    [server] = spans.named("POST /v1/query")
    [retrieval] = spans.named("retrieval")
    [embeddings] = spans.named("embeddings hashing-v1")
    [chat] = spans.named("chat gpt-4.1-mini")
    assert server.attributes is not None
    assert server.attributes["http.route"] == "/v1/query"
    assert server.attributes["http.response.status_code"] == 200
    # One trace: retrieval (with its query embedding) and the model call under the request.
    assert server.context is not None
    assert retrieval.context is not None
    assert retrieval.parent is not None
    assert retrieval.parent.span_id == server.context.span_id
    assert embeddings.parent is not None
    assert embeddings.parent.span_id == retrieval.context.span_id
    assert chat.parent is not None
    assert chat.parent.span_id == server.context.span_id
    assert {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "gpt-4.1-mini",
        "gen_ai.usage.input_tokens": 42,
    }.items() <= dict(chat.attributes or {}).items()
    assert {
        "gen_ai.operation.name": "embeddings",
        "gen_ai.provider.name": "hashing",
        "gen_ai.request.model": "hashing-v1",
    }.items() <= dict(embeddings.attributes or {}).items()
    hits = (retrieval.attributes or {})["rag.retrieval.hits"]
    assert isinstance(hits, int)
    assert hits > 0
    # No question or document text on any span.
    for span in spans.get_finished_spans():
        assert not any("warranty" in str(value) for value in (span.attributes or {}).values())


def test_tracing_is_off_without_an_endpoint(settings: Settings, spans: Spans) -> None:
    app = create_app(settings)
    with TestClient(app) as client:
        client.get("/healthz")
    assert app.state.observability.tracer is None
    assert spans.get_finished_spans() == ()


def test_the_otlp_provider_names_the_service() -> None:
    provider = otlp_tracer_provider("http://collector:4318/", "my-service")
    try:
        assert provider.resource.attributes["service.name"] == "my-service"
    finally:
        provider.shutdown()  # exports nothing: no span was made
