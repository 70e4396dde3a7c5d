"""API keys: 401 without a valid one, each key acts for its tenant, production refusals."""

import json
import re

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from typer.testing import CliRunner

from {{ cookiecutter.package_name }} import cli
from {{ cookiecutter.package_name }}.api.app import create_app
from {{ cookiecutter.package_name }}.api.security import tenant_of_key
from {{ cookiecutter.package_name }}.feedback import FeedbackStore
from {{ cookiecutter.package_name }}.settings import Settings, hash_api_key
from tests.conftest import TENANT_KEYS, key_of, production_settings

FEEDBACK = {"rating": "up", "question": "Q?", "answer": "A."}


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer test-key-wrong"},
        {"Authorization": "Basic dGVzdDp0ZXN0"},
        {"Authorization": "Bearer "},
        {"Authorization": "test-key-tenant-a"},
        {"X-API-Key": "test-key-wrong"},
    ],
    ids=["missing", "wrong", "basic", "empty-bearer", "no-scheme", "wrong-x-api-key"],
)
def test_without_a_valid_key_is_401_json(keyed_settings: Settings, headers: dict[str, str]) -> None:
    with TestClient(create_app(keyed_settings)) as client:
        responses = [
            client.get("/v1/documents", headers=headers),
            client.post("/v1/search", json={"query": "warranty"}, headers=headers),
            client.get("/v1/models", headers=headers),
        ]

    for response in responses:
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert response.json()["error"]["type"] == "unauthorized"


def test_probes_metrics_and_docs_need_no_key(keyed_settings: Settings) -> None:
    # /metrics carries no tenant or user data (only routes, statuses, models), and a
    # scraper has no API key: like the probes, it is for the network the app runs in.
    paths = ("/healthz", "/readyz", "/metrics", "/docs")
    with TestClient(create_app(keyed_settings)) as client:
        statuses = {path: client.get(path).status_code for path in paths}
        schema = client.get("/openapi.json")

    assert statuses == dict.fromkeys(paths, 200)
    assert schema.status_code == 200
    # The docs' "Authorize" button knows both ways to send a key.
    schemes = schema.json()["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}


def test_each_key_acts_for_its_tenant(keyed_settings: Settings) -> None:
    app = create_app(keyed_settings)
    with TestClient(app) as client:
        by_bearer = client.post("/v1/feedback", json=FEEDBACK, headers=key_of("tenant-a"))
        by_header = client.post(
            "/v1/feedback", json=FEEDBACK, headers={"X-API-Key": TENANT_KEYS["tenant-b"]}
        )
        store: FeedbackStore = app.state.feedback
        tenants = [record.tenant for record in store.list()]

    assert (by_bearer.status_code, by_header.status_code) == (201, 201)
    assert tenants == ["tenant-a", "tenant-b"]


def test_without_keys_in_development_the_api_is_open(client: TestClient) -> None:
    assert client.get("/v1/documents").status_code == 200


def test_keys_new_prints_a_key_its_entry_accepts() -> None:
    result = CliRunner().invoke(cli.app, ["keys", "new", "acme"])

    assert result.exit_code == 0, result.output
    key = re.search(r"API key for acme: (\S+)", result.output)
    entry = re.search(r"API_KEYS \(comma-separated\): (\S+)", result.output)
    assert key
    assert entry
    settings = Settings(api_keys=[entry.group(1)])
    assert tenant_of_key(settings, key.group(1)) == ("acme", hash_api_key(key.group(1)))
    assert key.group(1) not in entry.group(1), "only the hash is stored"


def test_keys_hash_and_bad_tenant_names() -> None:
    runner = CliRunner()
    hashed = runner.invoke(cli.app, ["keys", "hash", "acme"], input="test-key-acme\n")
    bad = runner.invoke(cli.app, ["keys", "new", "../etc"])

    assert hashed.output.strip().endswith(f"acme:{hash_api_key('test-key-acme')}")
    assert bad.exit_code == 1
    assert "not a tenant name" in bad.output


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"api_keys": []}, "needs API_KEYS"),
        ({"api_keys": [f"demo:{hash_api_key('test-example-key')}"]}, "example key"),
        ({"cors_origins": ["*"]}, "CORS_ORIGINS='\\*' is refused"),
    ],
    ids=["no-keys", "example-key", "cors-wildcard"],
)
def test_production_refuses_unsafe_auth(values: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        production_settings(**values)


def test_production_accepts_real_keys() -> None:
    assert production_settings().is_production


@pytest.mark.parametrize("entry", ["acme", "acme:abc", "../x:" + "0" * 64, ":" + "0" * 64])
def test_malformed_api_keys_entries_are_refused(entry: str) -> None:
    with pytest.raises(ValidationError, match="TENANT:SHA256HEX"):
        Settings(api_keys=[entry])


def test_the_request_log_names_the_tenant_of_the_key(
    keyed_settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = keyed_settings.model_copy(update={"log_format": "json"})
    with TestClient(create_app(settings)) as client:
        for tenant, request_id in (("tenant-a", "req-a"), ("tenant-b", "req-b")):
            client.get("/v1/documents", headers={**key_of(tenant), "X-Request-ID": request_id})

    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.strip()]
    tenants = {line["request_id"]: line["tenant"] for line in lines if line["event"] == "request"}
    assert tenants == {"req-a": "tenant-a", "req-b": "tenant-b"}
    assert "test-key-tenant" not in str(lines), "keys are never logged"
