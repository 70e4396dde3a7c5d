"""The documents API: multipart upload with per-file results, list, get, delete."""

from datetime import datetime
from typing import Any

from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.settings import Settings
from tests.conftest import SAMPLE_DOCS

GUIDE = ("guide.md", b"# Guide\n\nCargo bikes carry up to 150 kg of load.", "text/markdown")


def upload(client: TestClient, *files: tuple[str, bytes, str]) -> Any:
    """POST the files; the JSON body plus the status code under "status"."""
    response = client.post("/v1/documents", files=[("files", file) for file in files])
    return {"status": response.status_code, **response.json()}


def test_upload_many_files_reports_each(client: TestClient) -> None:
    pdf = SAMPLE_DOCS / "onboarding-guide.pdf"
    body = upload(client, GUIDE, (pdf.name, pdf.read_bytes(), "application/pdf"))

    assert body["status"] == 200
    results = body["results"]
    assert isinstance(results, list)
    assert [(r["source"], r["status"]) for r in results] == [
        ("guide.md", "added"),
        ("onboarding-guide.pdf", "added"),
    ]
    assert all(r["chunk_count"] > 0 and r["error"] is None for r in results)


def test_reupload_is_unchanged_and_changed_content_is_replaced(client: TestClient) -> None:
    upload(client, GUIDE)

    same = upload(client, GUIDE)
    changed = upload(client, ("guide.md", b"# Guide\n\nNow 180 kg.", "text/markdown"))

    assert same["results"][0]["status"] == "unchanged"
    assert changed["results"][0]["status"] == "replaced"


def test_one_bad_file_does_not_stop_the_others(client: TestClient) -> None:
    body = upload(client, ("notes.exe", b"MZ\x90", "application/octet-stream"), GUIDE)

    assert body["status"] == 200
    statuses = [(r["source"], r["status"]) for r in body["results"]]
    assert statuses == [("notes.exe", "failed"), ("guide.md", "added")]
    assert ".exe" in body["results"][0]["error"]


def test_unsupported_type_alone_is_415(client: TestClient) -> None:
    body = upload(client, ("deck.pptx", b"PK\x03\x04", "application/octet-stream"))

    assert body["status"] == 415
    assert body["error"]["type"] == "ingest_failed"
    assert body["error"]["details"][0]["status"] == "failed"


def test_empty_or_corrupt_file_alone_is_422(client: TestClient) -> None:
    assert upload(client, ("empty.txt", b"", "text/plain"))["status"] == 422
    assert upload(client, ("broken.pdf", b"%PDF-garbage", "application/pdf"))["status"] == 422


def test_too_large_file_is_413(settings: Settings) -> None:
    from {{ cookiecutter.package_name }}.api.app import create_app

    small = settings.model_copy(update={"max_upload_bytes": 10})
    with TestClient(create_app(small)) as client:
        body = upload(client, GUIDE)

    assert body["status"] == 413
    assert "MAX_UPLOAD_BYTES" in body["error"]["message"]


def test_list_get_and_delete(client: TestClient) -> None:
    added = upload(client, GUIDE)["results"][0]
    document_id = added["document_id"]

    listed = client.get("/v1/documents").json()["documents"]
    one = client.get(f"/v1/documents/{document_id}").json()
    deleted = client.delete(f"/v1/documents/{document_id}").json()

    assert [d["source"] for d in listed] == ["guide.md"]
    assert one["chunk_count"] == added["chunk_count"]
    assert deleted == {"document_id": document_id, "deleted_chunks": added["chunk_count"]}
    assert client.get("/v1/documents").json()["documents"] == []
    assert client.get(f"/v1/documents/{document_id}").status_code == 404
    assert client.delete(f"/v1/documents/{document_id}").json()["error"]["type"] == "not_found"


def test_upload_without_files_is_422(client: TestClient) -> None:
    response = client.post("/v1/documents")

    assert response.status_code == 422
    assert response.json()["error"]["type"] == "validation_error"


def test_timestamps_carry_their_zone(client: TestClient) -> None:
    # RFC 3339 (the schema's date-time) needs an offset; SQLite hands them back without.
    upload(client, GUIDE)
    [listed] = client.get("/v1/documents").json()["documents"]
    shown = client.get(f"/v1/documents/{listed['id']}").json()

    for document in (listed, shown):
        for field in ("created_at", "updated_at"):
            assert datetime.fromisoformat(document[field]).utcoffset() is not None, field
