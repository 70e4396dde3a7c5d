"""The feedback API: verdicts on answers are stored in the registry database, bad ones refused."""

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.api.app import create_app
from {{ cookiecutter.package_name }}.api.deps import get_tenant
from {{ cookiecutter.package_name }}.feedback import FeedbackRecord, FeedbackStore
from {{ cookiecutter.package_name }}.rag.knowledge_base import DEFAULT_TENANT, KnowledgeBase
from {{ cookiecutter.package_name }}.settings import Settings

DOWN = {
    "rating": "down",
    "comment": "It cited the wrong policy.",
    "question": "How long is the frame warranty?",
    "answer": "Two years [1].",
    "citation_ids": ["chunk-a", "chunk-b"],
}


def stored(app: FastAPI) -> list[FeedbackRecord]:
    store: FeedbackStore = app.state.feedback
    return store.list()


def test_feedback_is_stored_in_the_registry_database(settings: Settings) -> None:
    with TestClient(create_app(settings)) as client:
        response = client.post("/v1/feedback", json=DOWN)
        client.post("/v1/feedback", json={"rating": "up", "question": "Q?", "answer": "A."})

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"id", "created_at"}
    # Read back after shutdown, through the registry's engine: it survives a restart.
    with KnowledgeBase(settings) as kb:
        records = FeedbackStore(kb.registry.engine).list()
    assert [r.rating for r in records] == ["down", "up"]
    first = records[0]
    assert first.id == body["id"]
    assert first.tenant == DEFAULT_TENANT
    assert (first.question, first.answer, first.comment) == (
        DOWN["question"],
        DOWN["answer"],
        DOWN["comment"],
    )
    assert first.citation_ids == ("chunk-a", "chunk-b")
    assert first.created_at.tzinfo is not None
    assert records[1].comment is None
    assert records[1].citation_ids == ()


def test_feedback_records_the_tenant_of_the_request(settings: Settings) -> None:
    app = create_app(settings)
    app.dependency_overrides[get_tenant] = lambda: "acme"
    with TestClient(app) as client:
        assert client.post("/v1/feedback", json=DOWN).status_code == 201
        store: FeedbackStore = app.state.feedback

        assert [r.tenant for r in store.list()] == ["acme"]
        assert store.list(tenant=DEFAULT_TENANT) == []
        assert len(store.list(tenant="acme", rating="down")) == 1
        assert store.list(tenant="acme", rating="up") == []


@pytest.mark.parametrize(
    "change",
    [
        {"rating": "meh"},
        {"rating": None},
        {"question": ""},
        {"citation_ids": [f"chunk-{n}" for n in range(51)]},
        {"comment": "x" * 2001},
        {"answer": None},
    ],
    ids=["bad-rating", "no-rating", "empty-question", "51-citations", "long-comment", "no-answer"],
)
def test_invalid_feedback_is_422_and_stores_nothing(
    settings: Settings, change: dict[str, Any]
) -> None:
    app = create_app(settings)
    with TestClient(app) as client:
        client.post("/v1/feedback", json=DOWN)
        before = stored(app)

        response = client.post("/v1/feedback", json={**DOWN, **change})

        assert response.status_code == 422
        error = response.json()["error"]
        assert error["type"] == "validation_error"
        assert error["request_id"] == response.headers["X-Request-ID"]
        assert stored(app) == before


def test_a_body_that_is_not_json_is_422(client: TestClient) -> None:
    response = client.post("/v1/feedback", content=b"not json")

    assert response.status_code == 422
    assert response.json()["error"]["type"] == "validation_error"
