"""Limits (OWASP LLM10): body size (413), token and top_k caps (422), rate limit (429)."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.api.app import create_app
from {{ cookiecutter.package_name }}.api.routes.openai_compat import MODEL_ID
from {{ cookiecutter.package_name }}.settings import Settings
{%- if cookiecutter.auth == "api_key" %}
from tests.conftest import key_of
{%- endif %}

SMALL = 2000  # bytes: the body limit of these tests


@pytest.fixture
def small_client(settings: Settings) -> Iterator[TestClient]:
    limited = settings.model_copy(update={"max_request_bytes": SMALL, "max_upload_bytes": SMALL})
    with TestClient(create_app(limited)) as client:
        yield client


def test_declared_oversize_body_is_413_json(small_client: TestClient) -> None:
    response = small_client.post("/v1/search", json={"query": "x" * SMALL})

    assert response.status_code == 413
    assert response.json()["error"]["type"] == "payload_too_large"
    assert "MAX_REQUEST_BYTES" in response.json()["error"]["message"]
    assert response.headers["X-Request-ID"]


def test_streamed_body_is_counted_not_trusted(small_client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:  # no Content-Length: chunked transfer encoding
        yield b'{"query": "'
        for _ in range(10):
            yield b"x" * 500
        yield b'"}'

    response = small_client.post(
        "/v1/search", content=chunks(), headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 413
    assert response.json()["error"]["type"] == "payload_too_large"


def test_oversize_upload_is_413_and_small_requests_pass(small_client: TestClient) -> None:
    too_big = small_client.post("/v1/documents", files={"files": ("a.txt", b"a " * SMALL)})
    small = small_client.post("/v1/search", json={"query": "warranty"})

    assert too_big.status_code == 413
    assert small.status_code == 200


def test_max_tokens_over_the_cap_is_422(client: TestClient, settings: Settings) -> None:
    def ask(**extra: object) -> int:
        body = {"model": MODEL_ID, "messages": [{"role": "user", "content": "Hi?"}], **extra}
        return client.post("/v1/chat/completions", json=body).status_code

    assert ask(max_tokens=settings.llm_max_tokens + 1) == 422
    assert ask(max_completion_tokens=0) == 422
    assert ask(max_tokens="many") == 422
    assert ask(max_tokens=settings.llm_max_tokens) == 200


def test_question_length_and_top_k_are_capped(client: TestClient) -> None:
    assert client.post("/v1/query", json={"question": "x" * 4001}).status_code == 422
    assert client.post("/v1/query", json={"question": "Hi?", "top_k": 51}).status_code == 422


def limited_app(settings: Settings, rate: str, redis_url: str | None = None) -> TestClient:
    update = {"rate_limit": rate, "redis_url": redis_url}
    return TestClient(create_app(settings.model_copy(update=update)))


def test_over_the_rate_limit_is_429_with_retry_after(settings: Settings) -> None:
    with limited_app(settings, "2/minute") as client:
        statuses = [client.get("/v1/documents").status_code for _ in range(3)]
        refused = client.get("/v1/documents")
        health = client.get("/healthz")

    assert statuses == [200, 200, 429]
    assert refused.json()["error"]["type"] == "rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert health.status_code == 200, "probes are never rate limited"
{%- if cookiecutter.auth == "api_key" %}


def test_each_key_has_its_own_budget(keyed_settings: Settings) -> None:
    with limited_app(keyed_settings, "1/minute") as client:
        first_a = client.get("/v1/documents", headers=key_of("tenant-a"))
        second_a = client.get("/v1/documents", headers=key_of("tenant-a"))
        first_b = client.get("/v1/documents", headers=key_of("tenant-b"))

    assert (first_a.status_code, second_a.status_code, first_b.status_code) == (200, 429, 200)
{%- endif %}


def test_replicas_share_the_limit_through_redis(settings: Settings, redis_url: str) -> None:
    # Two app instances stand for two replicas: only Redis connects them (each has its own
    # DATA_DIR, as embedded stores allow one process per directory).
    other = settings.model_copy(update={"data_dir": settings.data_dir / "replica-2"})
    with (
        limited_app(settings, "3/minute", redis_url) as one,
        limited_app(other, "3/minute", redis_url) as two,
    ):
        statuses = [
            client.get("/v1/documents").status_code for client in (one, two, one, two)
        ]
        retry_after = two.get("/v1/documents").headers.get("Retry-After")

    assert statuses == [200, 200, 200, 429]
    assert retry_after is not None


def test_rate_limit_store_down_is_503(settings: Settings) -> None:
    with limited_app(settings, "3/minute", "redis://127.0.0.1:1/0") as client:
        response = client.get("/v1/documents")

    assert response.status_code == 503
    assert "REDIS_URL" in response.json()["error"]["message"]
