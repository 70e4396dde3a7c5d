"""docs/adding-a-vector-store.md, followed: VECTOR_STORE=memory ingests, searches, persists."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.api.app import create_app
from {{ cookiecutter.package_name }}.rag import stores
from {{ cookiecutter.package_name }}.settings import Settings
from tests.conftest import SAMPLE_DOCS
from tests.howtos import run_in

QUESTION = "Which address do I email to make a warranty claim?"


@pytest.fixture(autouse=True)
def memory_store(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stores, "INDEXES", dict(stores.INDEXES))
    run_in(stores, "adding-a-vector-store.md")


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("VECTOR_STORE", "memory")
    return Settings(data_dir=tmp_path / "data")


def test_the_store_is_registered_under_its_name(settings: Settings) -> None:
    assert settings.vector_store == "memory"
    assert stores.INDEXES["memory"].name == "memory"


def test_documents_are_searchable_per_document_and_after_a_restart(settings: Settings) -> None:
    files = [("files", (p.name, p.read_bytes())) for p in sorted(SAMPLE_DOCS.iterdir())]
    with TestClient(create_app(settings)) as client:
        assert client.post("/v1/documents", files=files).status_code == 200
        assert client.get("/readyz").status_code == 200

    with TestClient(create_app(settings)) as client:  # a new process would load the file
        hits = client.post("/v1/search", json={"query": QUESTION}).json()["results"]
        only_faq = client.post(
            "/v1/search", json={"query": QUESTION, "sources": ["product-faq.html"]}
        ).json()["results"]
        # Answers are gated on the store's similarity (ANSWER_MIN_SIMILARITY) as well.
        answer = client.post("/v1/query", json={"question": QUESTION}).json()["answer"]

    assert hits[0]["source"] == "warranty.md"
    assert "warranty@pedalwright.example" in answer
    assert only_faq
    assert {hit["source"] for hit in only_faq} == {"product-faq.html"}  # filter_for
