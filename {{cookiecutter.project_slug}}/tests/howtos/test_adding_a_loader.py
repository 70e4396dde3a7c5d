"""docs/adding-a-loader.md, followed: a CSV loader, then a CSV upload found by search."""

import pytest
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.rag import loaders
from {{ cookiecutter.package_name }}.rag.errors import UnsupportedFileTypeError
from tests.howtos import run_in

PAGE = "adding-a-loader.md"
PRICES = b"plan,price\nBasic,9\n\nPro,29\n"


@pytest.fixture(autouse=True)
def csv_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loaders, "LOADERS", dict(loaders.LOADERS))
    run_in(loaders, PAGE)


def test_the_pages_own_test_passes() -> None:
    namespace = run_in(loaders, PAGE, number=1)
    namespace["test_csv_files_become_one_line_per_row"]()


def test_an_uploaded_csv_file_is_ingested_and_found(client: TestClient) -> None:
    upload = client.post("/v1/documents", files=[("files", ("prices.csv", PRICES))])

    assert upload.status_code == 200, upload.text
    assert upload.json()["results"][0]["status"] == "added"
    hits = client.post("/v1/search", json={"query": "Pro price"}).json()["results"]
    assert hits[0]["source"] == "prices.csv"
    assert "Pro | 29" in hits[0]["text"]


def test_other_types_are_still_refused_naming_the_new_one() -> None:
    with pytest.raises(UnsupportedFileTypeError, match=r"\.csv"):
        loaders.load_document("photo.png", b"\x89PNG")
