"""`/metrics`: every family the app promises, with bounded labels, per app."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from {{ cookiecutter.package_name }}.api.app import create_app
from {{ cookiecutter.package_name }}.settings import Settings
from tests.conftest import SAMPLE_DOCS, provider_settings
from tests.llm_stubs import StubLLM

QUESTION = "How long is the warranty on the frame?"
FAMILIES = {
    "http_server_requests",
    "http_server_request_duration_seconds",
    "gen_ai_client_operation_duration_seconds",
    "gen_ai_client_token_usage",
    "rag_retrieval_duration_seconds",
    "rag_retrieval_top_score",
    "rag_ingest_files",
    "rag_ingest_chunks",
    "feedback",
{%- if cookiecutter.include_agent == "yes" %}
    "agent_tool_calls",
{%- endif %}
}
CHAT = {
    "gen_ai_operation_name": "chat",
    "gen_ai_provider_name": "openai",
    "gen_ai_request_model": "gpt-4.1-mini",
}

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(client: TestClient) -> Samples:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def ingest(client: TestClient) -> int:
    files = [("files", (p.name, p.read_bytes())) for p in sorted(SAMPLE_DOCS.iterdir())]
    assert client.post("/v1/documents", files=files).status_code == 200
    return len(files)


@pytest.fixture
def stub_client(settings: Settings, llm_stub: StubLLM) -> Iterator[TestClient]:
    """The API answering through the real OpenAI client (pointed at the stub): tokens."""
    with TestClient(create_app(provider_settings(settings, "openai", llm_stub))) as client:
        ingest(client)
        yield client


def test_metrics_lists_every_family(client: TestClient) -> None:
    text = client.get("/metrics").text
    assert {family.name for family in text_string_to_metric_families(text)} >= FAMILIES


def test_requests_are_counted_by_route_template_and_status_class(client: TestClient) -> None:
    client.get("/v1/documents/0123456789abcdef0123456789abcdef")  # 404: unknown document
    client.get("/no/such/path")

    samples = scrape(client)

    labels = {"http_request_method": "GET", "http_response_status_class": "4xx"}
    template = "/v1/documents/{document_id}"
    assert value(samples, "http_server_requests_total", **labels, http_route=template) == 1
    assert value(samples, "http_server_requests_total", **labels, http_route="unmatched") == 1
    # No raw path ever becomes a label value.
    assert not any("0123456789abcdef" in str(key) for key in samples)
    count = "http_server_request_duration_seconds_count"
    assert value(samples, count, **labels, http_route=template) == 1


def test_ingest_retrieval_and_feedback_are_counted(client: TestClient) -> None:
    files = ingest(client)
    client.post("/v1/documents", files=[("files", ("warranty.md", b"# Warranty\n\nSame?"))])
    client.post("/v1/search", json={"query": QUESTION})
    client.post("/v1/query", json={"question": QUESTION})
    client.post("/v1/feedback", json={"rating": "down", "question": "Q?", "answer": "A."})

    samples = scrape(client)

    assert value(samples, "rag_ingest_files_total", status="added") == files
    assert value(samples, "rag_ingest_files_total", status="replaced") == 1
    assert value(samples, "rag_ingest_chunks_total") > files
    assert value(samples, "rag_retrieval_duration_seconds_count") == 2
    assert value(samples, "rag_retrieval_top_score_count") == 2
    assert value(samples, "rag_retrieval_top_score_sum") > 0.2  # cosine, two good matches
    assert value(samples, "feedback_total", rating="down") == 1
    embeddings = {
        "gen_ai_operation_name": "embeddings",
        "gen_ai_provider_name": "hashing",
        "gen_ai_request_model": "hashing-v1",
        "error_type": "",
    }
    assert value(samples, "gen_ai_client_operation_duration_seconds_count", **embeddings) >= 3


def test_chat_model_calls_report_duration_and_tokens(stub_client: TestClient) -> None:
    assert stub_client.post("/v1/query", json={"question": QUESTION}).status_code == 200

    samples = scrape(stub_client)

    duration = "gen_ai_client_operation_duration_seconds_count"
    assert value(samples, duration, **CHAT, error_type="") == 1
    tokens = "gen_ai_client_token_usage_sum"
    by_type = {kind: {**CHAT, "gen_ai_token_type": kind} for kind in ("input", "output")}
    assert value(samples, tokens, **by_type["input"]) == 42
    assert value(samples, tokens, **by_type["output"]) > 0


def test_a_failing_chat_model_is_recorded_with_its_error_type(
    stub_client: TestClient, llm_stub: StubLLM
) -> None:
    llm_stub.fail_status = 400
    assert stub_client.post("/v1/query", json={"question": QUESTION}).status_code >= 500

    failed = [
        dict(labels)
        for (name, labels), count in scrape(stub_client).items()
        if name == "gen_ai_client_operation_duration_seconds_count" and count
        if ("gen_ai_operation_name", "chat") in labels
    ]
    # The exception's class (the client library's), as OTel's `error.type` says.
    assert len(failed) == 1
    assert failed[0]["error_type"].endswith("Error")


def test_each_app_has_its_own_registry(settings: Settings) -> None:
    first, second = create_app(settings), create_app(settings)  # no "Duplicated timeseries"
    with TestClient(first) as client:
        client.get("/healthz")
        samples = scrape(client)

    registries = [app.state.observability.metrics.registry for app in (first, second)]
    assert registries[0] is not registries[1]
    labels = {"http_request_method": "GET", "http_response_status_class": "2xx"}
    assert value(samples, "http_server_requests_total", **labels, http_route="/healthz") == 1
