"""The real console command, started as a user would, answers on the port it was given."""

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from {{ cookiecutter.package_name }}.settings import Settings
from tests.conftest import SAMPLE_DOCS

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def server(tmp_path: Path, settings: Settings) -> Iterator[str]:
    command = shutil.which("{{ cookiecutter.project_slug }}")
    if command is None:
        pytest.skip("the {{ cookiecutter.project_slug }} command is not installed (run `uv sync`)")
    port = free_port()
    env = {**os.environ, "DATA_DIR": str(settings.data_dir), "VECTOR_STORE": settings.vector_store}
    if settings.database_url:
        env["DATABASE_URL"] = settings.database_url
    log = tmp_path / "server.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(  # noqa: S603 - our own console script
            [command, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"server exited early: {log.read_text()}")
            try:
                httpx2.get(f"{url}/healthz", timeout=1)
                break
            except httpx2.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("server did not answer within 30 s")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


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
