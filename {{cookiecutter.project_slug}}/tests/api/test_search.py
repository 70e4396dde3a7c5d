"""The search API: ranked chunks with citations, filters, caps, and clear errors."""

from pathlib import Path

from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.api.app import create_app
from {{ cookiecutter.package_name }}.settings import Settings
from tests.conftest import SAMPLE_DOCS


def ingest_samples(client: TestClient) -> None:
    files = [("files", (p.name, p.read_bytes())) for p in sorted(SAMPLE_DOCS.iterdir())]
    response = client.post("/v1/documents", files=files)
    assert response.status_code == 200
    assert {r["status"] for r in response.json()["results"]} == {"added"}


def test_search_returns_cited_chunks(client: TestClient) -> None:
    ingest_samples(client)

    response = client.post("/v1/search", json={"query": "What does the Fleet Care plan include?"})

    assert response.status_code == 200
    body = response.json()
    first = body["results"][0]
    assert first["source"] == "service-plans.docx"
    assert {"chunk_id", "document_id", "page", "snippet", "text", "score"} <= first.keys()
    assert body["latency_ms"] >= 0
    scores = [hit["score"] for hit in body["results"]]
    assert scores == sorted(scores, reverse=True)


def test_pdf_hits_carry_their_page(client: TestClient) -> None:
    ingest_samples(client)

    hits = client.post(
        "/v1/search", json={"query": "workshop safety", "sources": ["onboarding-guide.pdf"]}
    ).json()["results"]

    assert hits
    assert all(hit["source"] == "onboarding-guide.pdf" for hit in hits)
    assert all(isinstance(hit["page"], int) and hit["page"] >= 1 for hit in hits)


def test_top_k_is_capped(settings: Settings) -> None:
    capped = settings.model_copy(update={"max_top_k": 3})
    with TestClient(create_app(capped)) as client:
        ingest_samples(client)
        hits = client.post("/v1/search", json={"query": "bike", "top_k": 50}).json()["results"]

    assert len(hits) == 3


def test_empty_knowledge_base_gives_no_results(client: TestClient) -> None:
    response = client.post("/v1/search", json={"query": "anything"})

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_invalid_search_requests_are_422(client: TestClient) -> None:
    assert client.post("/v1/search", json={"query": ""}).status_code == 422
    assert client.post("/v1/search", json={"query": "x", "top_k": 0}).status_code == 422
    assert client.post("/v1/search", content=b"not json").status_code == 422


def test_everything_survives_an_api_restart(settings: Settings, tmp_path: Path) -> None:
    with TestClient(create_app(settings)) as client:
        ingest_samples(client)
        before = client.post("/v1/search", json={"query": "refund"}).json()["results"]

    with TestClient(create_app(settings)) as restarted:
        after = restarted.post("/v1/search", json={"query": "refund"}).json()["results"]
        reupload = restarted.post(
            "/v1/documents",
            files=[("files", (p.name, p.read_bytes())) for p in sorted(SAMPLE_DOCS.iterdir())],
        ).json()["results"]

    assert [h["chunk_id"] for h in after] == [h["chunk_id"] for h in before]
    assert {r["status"] for r in reupload} == {"unchanged"}
