"""Tenants never see each other's data, on every installed vector store (the `settings`
fixture runs once per store): tenant-b cannot list, read, delete, retrieve or be answered
from tenant-a's documents, nor reach its agent threads or feedback."""

from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.api.app import create_app
from {{ cookiecutter.package_name }}.api.routes.openai_compat import MODEL_ID
from {{ cookiecutter.package_name }}.feedback import FeedbackStore
from {{ cookiecutter.package_name }}.settings import Settings
from tests.conftest import SAMPLE_DOCS, key_of

A = key_of("tenant-a")
B = key_of("tenant-b")
QUESTION = "How long is the frame warranty?"


def test_tenant_b_never_reaches_tenant_a_documents(keyed_settings: Settings) -> None:
    warranty = (SAMPLE_DOCS / "warranty.md").read_bytes()
    with TestClient(create_app(keyed_settings)) as client:
        uploaded = client.post("/v1/documents", files={"files": ("warranty.md", warranty)}, headers=A)
        doc_id = uploaded.json()["results"][0]["document_id"]
        chat = {"model": MODEL_ID, "messages": [{"role": "user", "content": QUESTION}]}

        b_list = client.get("/v1/documents", headers=B).json()["documents"]
        b_get = client.get(f"/v1/documents/{doc_id}", headers=B)
        b_delete = client.delete(f"/v1/documents/{doc_id}", headers=B)
        b_search = client.post("/v1/search", json={"query": "frame warranty"}, headers=B).json()
        b_filtered = client.post(
            "/v1/query", json={"question": QUESTION, "document_ids": [doc_id]}, headers=B
        ).json()
        b_chat = client.post("/v1/chat/completions", json=chat, headers=B).json()

        a_get = client.get(f"/v1/documents/{doc_id}", headers=A)
        a_answer = client.post("/v1/query", json={"question": QUESTION}, headers=A).json()

    assert uploaded.status_code == 200, uploaded.text
    assert b_list == []
    assert (b_get.status_code, b_delete.status_code) == (404, 404)
    assert b_search["results"] == []
    assert b_filtered["citations"] == []
    assert b_chat["citations"] == []
    # Tenant-a's document is intact and still answers tenant-a.
    assert a_get.status_code == 200
    assert {c["document_id"] for c in a_answer["citations"]} == {doc_id}


def test_feedback_is_kept_per_tenant(keyed_settings: Settings) -> None:
    app = create_app(keyed_settings)
    feedback = {"rating": "down", "question": QUESTION, "answer": "Two years."}
    with TestClient(app) as client:
        assert client.post("/v1/feedback", json=feedback, headers=A).status_code == 201
        store: FeedbackStore = app.state.feedback

        assert [r.tenant for r in store.list(tenant="tenant-a")] == ["tenant-a"]
        assert store.list(tenant="tenant-b") == []
{%- if cookiecutter.include_agent == "yes" %}


def test_tenant_b_never_reaches_tenant_a_agent_threads(keyed_settings: Settings) -> None:
    with TestClient(create_app(keyed_settings)) as client:
        run = client.post("/v1/agent/runs", json={"message": QUESTION}, headers=A)
        thread_id = run.json()["thread_id"]
        b_read = client.get(f"/v1/threads/{thread_id}", headers=B)
        b_continue = client.post(
            "/v1/agent/runs", json={"message": "And then?", "thread_id": thread_id}, headers=B
        )
        b_delete = client.delete(f"/v1/threads/{thread_id}", headers=B)
        a_read = client.get(f"/v1/threads/{thread_id}", headers=A)

    assert run.status_code == 200, run.text
    assert (b_read.status_code, b_continue.status_code, b_delete.status_code) == (404, 404, 404)
    assert a_read.status_code == 200
{%- endif %}
