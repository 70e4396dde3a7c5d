"""The Documents page, run by Streamlit's AppTest against the live API."""

import pytest
from streamlit.testing.v1 import AppTest

from {{ cookiecutter.package_name }}.ui.client import ApiClient
from {{ cookiecutter.package_name }}.ui.documents import UPLOAD
from {{ cookiecutter.package_name }}.ui.state import plain
from tests.conftest import SAMPLE_DOCS
from tests.ui.conftest import BROKEN, app_test

WARRANTY = SAMPLE_DOCS / "warranty.md"
PDF = SAMPLE_DOCS / "onboarding-guide.pdf"


def documents_page(monkeypatch: pytest.MonkeyPatch, api_url: str) -> AppTest:
    at = app_test(monkeypatch, api_url).run()
    at.switch_page("documents.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Documents"
    return at


def click(at: AppTest, label: str) -> AppTest:
    next(button for button in at.main.button if button.label == label).click().run()
    assert not at.exception, at.exception
    return at


def listed(at: AppTest) -> list[str]:
    """The file names in the document list (the page's only plain-text elements)."""
    return [text.value for text in at.main.text]


def test_upload_shows_a_result_per_file_then_the_list(
    monkeypatch: pytest.MonkeyPatch, api_url: str
) -> None:
    at = documents_page(monkeypatch, api_url)
    assert at.info[0].value.startswith("No documents yet")
    files = [
        (WARRANTY.name, WARRANTY.read_bytes(), "text/markdown"),
        (PDF.name, PDF.read_bytes(), "application/pdf"),
        ("notes.exe", b"MZ\x90", "application/octet-stream"),
    ]
    at.file_uploader[0].set_value(files).run()
    click(at, UPLOAD)

    table = at.table[0].value
    assert list(table["File"]) == ["warranty.md", "onboarding-guide.pdf", "notes.exe"]
    assert list(table["Status"]) == ["added", "added", "failed"]
    assert (table["Chunks"][:2] > 0).all()
    assert ".exe" in table["Problem"][2]
    assert at.warning[0].value == "Last upload: 2 added, 1 failed."
    assert sorted(listed(at)) == ["onboarding-guide.pdf", "warranty.md"]
    assert not at.file_uploader[0].value  # emptied for the next upload
    assert not at.error


def test_delete_asks_for_confirmation(monkeypatch: pytest.MonkeyPatch, api_url: str) -> None:
    with ApiClient(api_url) as client:
        client.upload([(WARRANTY.name, WARRANTY.read_bytes())])
    at = documents_page(monkeypatch, api_url)
    assert listed(at) == ["warranty.md"]

    click(at, "Delete")
    assert at.warning[0].value.startswith(f"Delete {plain('warranty.md')} and its")
    click(at, "Cancel")
    assert not at.warning
    assert listed(at) == ["warranty.md"]

    click(at, "Delete")
    click(at, "Yes, delete")
    assert at.success[0].value.startswith(f"Deleted {plain('warranty.md')} (")
    assert listed(at) == []
    assert at.info[0].value.startswith("No documents yet")


def test_api_down_is_a_readable_error(monkeypatch: pytest.MonkeyPatch, closed_url: str) -> None:
    at = documents_page(monkeypatch, closed_url)
    assert f"Cannot reach the API at {closed_url}" in at.main.error[0].value

    at.file_uploader[0].set_value((WARRANTY.name, WARRANTY.read_bytes(), "text/markdown")).run()
    click(at, UPLOAD)
    table = at.table[0].value
    assert list(table["Status"]) == ["failed"]
    assert "Cannot reach the API" in table["Problem"][0]


def test_api_server_error_shows_its_message(
    monkeypatch: pytest.MonkeyPatch, broken_url: str
) -> None:
    at = documents_page(monkeypatch, broken_url)

    assert at.main.error[0].value == f"{BROKEN} (request id: req-42)"
    assert at.sidebar.error[0].value == f"{BROKEN} (request id: req-42)"
