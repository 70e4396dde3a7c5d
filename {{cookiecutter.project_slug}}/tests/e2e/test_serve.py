"""The real console command, started as a user would, answers on the port it was given."""

import httpx2
import pytest

from {{ cookiecutter.package_name }}.settings import Settings
from tests.conftest import SAMPLE_DOCS

pytestmark = pytest.mark.e2e


def test_serve_answers_health_and_readiness(server: str, settings: Settings) -> None:
    assert httpx2.get(f"{server}/healthz").json()["status"] == "ok"

    ready = httpx2.get(f"{server}/readyz")

    assert ready.status_code == 200
    assert settings.data_dir.is_dir(), "DATA_DIR is where the app stores its state"


def test_ingest_and_search_over_http(server: str) -> None:
    files = [("files", (p.name, p.read_bytes())) for p in sorted(SAMPLE_DOCS.iterdir())]

    ingested = httpx2.post(f"{server}/v1/documents", files=files, timeout=60)
    hits = httpx2.post(f"{server}/v1/search", json={"query": "frame warranty years"}).json()

    assert ingested.status_code == 200
    assert hits["results"][0]["source"] == "warranty.md"
