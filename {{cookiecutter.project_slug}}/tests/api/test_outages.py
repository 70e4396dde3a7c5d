"""A failing dependency is a clear JSON error naming it (503 unavailable, 504 timed out),
never a 500 or a broken stream; /readyz reports the outage, and the recovery."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

import {{ cookiecutter.package_name }}.observability.instrumented
from {{ cookiecutter.package_name }}.api.app import create_app
from {{ cookiecutter.package_name }}.rag.knowledge_base import KnowledgeBase
from {{ cookiecutter.package_name }}.settings import Settings
from tests.api.test_answers import QUESTION, ingest_samples, stream
from tests.conftest import provider_settings
from tests.fakes import FlakyEmbeddings
from tests.llm_stubs import StubLLM
from tests.sse import parse_events

CHAT = {"model": "{{ cookiecutter.project_slug }}-rag", "messages": [{"role": "user", "content": QUESTION}]}


@pytest.fixture
def llm_client(settings: Settings, llm_stub: StubLLM) -> Iterator[TestClient]:
    """The API answering through the real OpenAI client (no retries: fast), at the stub."""
    values = {"llm_max_retries": 0, "llm_timeout_s": 0.2}
    app = create_app(provider_settings(settings, "openai", llm_stub).model_copy(update=values))
    with TestClient(app) as client:
        ingest_samples(client)
        yield client


@pytest.fixture
def embeddings(monkeypatch: pytest.MonkeyPatch) -> FlakyEmbeddings:
    """The embeddings the app's knowledge base will use, ready to fail."""
    flaky = FlakyEmbeddings()
    # The app's knowledge base is the observed one (metrics, traces): it builds them.
    monkeypatch.setattr(
        {{ cookiecutter.package_name }}.observability.instrumented, "build_embeddings", lambda _: flaky
    )
    return flaky


def error_of(response_json: dict[str, object]) -> tuple[object, object]:
    error = response_json["error"]
    assert isinstance(error, dict)
    return error["type"], error["dependency"]


def test_llm_outage_is_a_503_naming_it_and_readiness_follows(
    llm_client: TestClient, llm_stub: StubLLM
) -> None:
    llm_stub.fail_status = 503

    response = llm_client.post("/v1/query", json={"question": QUESTION})

    assert response.status_code == 503
    assert error_of(response.json()) == ("service_unavailable", "llm")
    ready = llm_client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"]["llm"]["status"] == "error"
    assert "unavailable" in ready.json()["checks"]["llm"]["detail"]
    assert llm_client.get("/healthz").status_code == 200, "liveness stays up"

    llm_stub.reset()
    assert llm_client.post("/v1/query", json={"question": QUESTION}).status_code == 200
    assert llm_client.get("/readyz").status_code == 200, "a successful call clears it"


def test_llm_timing_out_ends_the_stream_with_an_error_event(
    llm_client: TestClient, llm_stub: StubLLM
) -> None:
    llm_stub.delay_s = 0.5

    events = stream(llm_client, {"question": QUESTION})

    assert events[-1][0] == "error"
    assert (events[-1][1]["type"], events[-1][1]["dependency"]) == ("gateway_timeout", "llm")
    assert "done" not in [name for name, _ in events]


def test_openai_compatible_endpoint_reports_outages(
    llm_client: TestClient, llm_stub: StubLLM
) -> None:
    llm_stub.fail_status = 500

    response = llm_client.post("/v1/chat/completions", json=CHAT)
    with llm_client.stream("POST", "/v1/chat/completions", json={**CHAT, "stream": True}) as sse:
        events = parse_events(sse.read().decode())

    assert response.status_code == 503
    assert error_of(response.json()) == ("service_unavailable", "llm")
    assert error_of(events[-2][1]) == ("service_unavailable", "llm")
    assert events[-1][1] == "[DONE]"


def test_embeddings_outage_fails_search_and_upload_and_changes_nothing(
    settings: Settings, embeddings: FlakyEmbeddings
) -> None:
    with TestClient(create_app(settings)) as client:
        ingest_samples(client)
        listed = client.get("/v1/documents").json()
        embeddings.fail_from_call = embeddings.calls + 1
        upload = [("files", ("new.md", b"# New\n\nTyres are tubeless."))]

        search = client.post("/v1/search", json={"query": "refunds"})
        ingest = client.post("/v1/documents", files=upload)
        answer = client.post("/v1/query", json={"question": QUESTION})
        ready = client.get("/readyz")

        assert [search.status_code, ingest.status_code, answer.status_code] == [503] * 3
        for response in (search, ingest, answer):
            assert error_of(response.json()) == ("service_unavailable", "embeddings")
        assert client.get("/v1/documents").json() == listed
        assert ready.json()["checks"]["embeddings"]["status"] == "error"
        embeddings.fail_from_call = None
        assert client.get("/readyz").status_code == 200, "the probe shows the recovery"
        assert client.post("/v1/documents", files=upload).status_code == 200


@pytest.mark.parametrize(
    ("failure", "status", "kind"),
    [
        (ConnectionError("store unreachable"), 503, "service_unavailable"),
        (TimeoutError("store too slow"), 504, "gateway_timeout"),
    ],
)
def test_vector_store_failing_a_search_is_named(
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    failure: Exception,
    status: int,
    kind: str,
) -> None:
    app = create_app(settings)
    with TestClient(app) as client:
        kb: KnowledgeBase = app.state.knowledge_base

        def fail(*args: object, **kwargs: object) -> None:
            raise failure

        monkeypatch.setattr(kb.index.store, "similarity_search_with_score", fail)
        response = client.post("/v1/search", json={"query": "refunds"})

    assert response.status_code == status
    assert error_of(response.json()) == (kind, "vector_store")
