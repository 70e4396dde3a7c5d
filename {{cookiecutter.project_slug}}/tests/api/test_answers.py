"""POST /v1/query and /v1/query/stream (Server-Sent Events)."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.api.app import create_app
from {{ cookiecutter.package_name }}.settings import Settings
from tests.conftest import SAMPLE_DOCS, provider_settings
from tests.llm_stubs import StubLLM
from tests.sse import parse_events

QUESTION = "Which address do I email to make a warranty claim?"


def ingest_samples(client: TestClient) -> None:
    files = [("files", (p.name, p.read_bytes())) for p in sorted(SAMPLE_DOCS.iterdir())]
    assert client.post("/v1/documents", files=files).status_code == 200


@pytest.fixture
def loaded(client: TestClient) -> TestClient:
    ingest_samples(client)
    return client


@pytest.fixture
def stub_client(settings: Settings, llm_stub: StubLLM) -> Iterator[TestClient]:
    """The API answering through the real OpenAI client, pointed at the stub."""
    with TestClient(create_app(provider_settings(settings, "openai", llm_stub))) as client:
        ingest_samples(client)
        yield client


def stream(client: TestClient, body: dict[str, object]) -> list[tuple[str, dict[str, object]]]:
    with client.stream("POST", "/v1/query/stream", json=body) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        return parse_events(response.read().decode())


def test_query_answers_with_citations_usage_and_latency(loaded: TestClient) -> None:
    body = loaded.post("/v1/query", json={"question": QUESTION}).json()

    assert "warranty@pedalwright.example" in body["answer"]
    first = body["citations"][0]
    assert first["source"] == "warranty.md"
    assert f"[{first['number']}]" in body["answer"]
    assert {"chunk_id", "document_id", "page", "snippet", "score"} <= first.keys()
    assert body["model"] == "extractive"
    assert body["usage"] == {"input_tokens": None, "output_tokens": None, "total_tokens": None}
    assert body["latency_ms"] > 0


def test_query_about_nothing_known_says_so(loaded: TestClient) -> None:
    body = loaded.post("/v1/query", json={"question": "What is the capital of Mongolia?"}).json()

    assert body["answer"].startswith("I could not find")
    assert body["citations"] == []


@pytest.mark.parametrize(
    "body", [{}, {"question": ""}, {"question": "x" * 4001}, {"question": "q", "top_k": 0}]
)
def test_invalid_query_is_a_422_with_the_field(loaded: TestClient, body: dict[str, object]) -> None:
    response = loaded.post("/v1/query", json=body)

    assert response.status_code == 422
    assert response.json()["error"]["type"] == "validation_error"


def test_stream_sends_tokens_then_citations_then_done(loaded: TestClient) -> None:
    events = stream(loaded, {"question": QUESTION})

    names = [name for name, _ in events]
    assert names.count("token") >= 5
    assert names[-2:] == ["citations", "done"]
    text = "".join(str(data["text"]) for name, data in events if name == "token")
    whole = loaded.post("/v1/query", json={"question": QUESTION}).json()
    assert text == whole["answer"]
    assert events[-2][1]["citations"] == whole["citations"]
    done = events[-1][1]
    assert done["model"] == "extractive"
    assert 0 < float(str(done["first_token_ms"])) <= float(str(done["latency_ms"]))


def test_stub_openai_provider_answers_and_reports_tokens(stub_client: TestClient) -> None:
    body = stub_client.post("/v1/query", json={"question": QUESTION}).json()

    assert body["answer"].startswith("According to the documents,")
    assert [c["source"] for c in body["citations"]] == ["warranty.md"]
    assert body["model"] == "gpt-4.1-mini"
    assert body["usage"]["input_tokens"] == 42


def test_provider_failure_is_a_502_with_a_clear_message(
    stub_client: TestClient, llm_stub: StubLLM
) -> None:
    llm_stub.fail_status = 400

    response = stub_client.post("/v1/query", json={"question": QUESTION})

    assert response.status_code == 502
    assert response.json()["error"]["type"] == "bad_gateway"
    assert "openai chat model failed" in response.json()["error"]["message"]


def test_provider_dropping_mid_stream_ends_with_an_error_event(
    stub_client: TestClient, llm_stub: StubLLM
) -> None:
    llm_stub.error_after_words = 3

    events = stream(stub_client, {"question": QUESTION})

    names = [name for name, _ in events]
    assert names[0] == "token"
    assert names[-1] == "error"
    assert "citations" not in names
    assert "done" not in names
    assert events[-1][1]["type"] == "bad_gateway"
