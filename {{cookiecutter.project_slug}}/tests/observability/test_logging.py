"""Logs: one JSON line per request with its id, tenant, route, status and latency; library
records in the same format; no question or document text unless LOG_CONTENT=true."""

import json
import logging
from typing import Any

import pytest
from fastapi import Request
from fastapi.testclient import TestClient

from {{ cookiecutter.package_name }}.api.app import create_app
from {{ cookiecutter.package_name }}.api.deps import get_tenant
from {{ cookiecutter.package_name }}.settings import Settings
from tests.conftest import SAMPLE_DOCS

MARKER = "Zebra-Quokka-7731"  # a word of the question that must not reach the logs


def json_lines(text: str) -> list[dict[str, Any]]:
    """Every line must be a JSON object: that is what a log shipper relies on."""
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.fixture
def json_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"log_format": "json"})


def test_each_request_is_one_json_line_without_content(
    json_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    with TestClient(create_app(json_settings)) as client:
        files = [("files", (p.name, p.read_bytes())) for p in sorted(SAMPLE_DOCS.iterdir())]
        client.post("/v1/documents", files=files)
        response = client.post(
            "/v1/query",
            json={"question": f"What is the warranty on {MARKER}?"},
            headers={"X-Request-ID": "req-42"},
        )
        logging.getLogger("some.library").warning("a library speaks")
    assert response.status_code == 200

    output = capsys.readouterr().err
    lines = json_lines(output)
    [line] = [line for line in lines if line.get("request_id") == "req-42"]
    assert line["event"] == "request"
    assert line["tenant"] == "default"
    assert line["method"] == "POST"
    assert line["route"] == "/v1/query"
    assert line["status"] == 200
    assert line["latency_ms"] > 0
    assert line["level"] == "info"
    assert "timestamp" in line
    library = {"event": "a library speaks", "logger": "some.library", "level": "warning"}
    assert library.items() <= lines[-1].items()
    assert MARKER not in output
    assert "Pedalwright" not in output  # nor any document text (the company's name)


def test_the_tenant_set_by_authentication_is_logged(
    json_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    def tenant_from_key(request: Request) -> str:
        request.state.tenant = "acme"  # what authentication does
        return "acme"

    app = create_app(json_settings)
    app.dependency_overrides[get_tenant] = tenant_from_key
    with TestClient(app) as client:
        client.get("/v1/documents")

    lines = json_lines(capsys.readouterr().err)
    [line] = [line for line in lines if line.get("event") == "request"]
    assert (line["tenant"], line["route"], line["status"]) == ("acme", "/v1/documents", 200)


def test_development_logs_are_readable_lines(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    with TestClient(create_app(settings)) as client:  # LOG_FORMAT=auto, development
        client.get("/v1/documents")

    lines = capsys.readouterr().err.splitlines()
    [line] = [line for line in lines if "route=/v1/documents" in line]
    assert not line.startswith("{")
    assert "status=200" in line
