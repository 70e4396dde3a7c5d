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

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    command = shutil.which("{{ cookiecutter.project_slug }}")
    if command is None:
        pytest.skip("the {{ cookiecutter.project_slug }} command is not installed (run `uv sync`)")
    port = free_port()
    env = {**os.environ, "DATA_DIR": str(tmp_path / "data")}
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


def test_serve_answers_health_and_readiness(server: str, tmp_path: Path) -> None:
    assert httpx2.get(f"{server}/healthz").json()["status"] == "ok"

    ready = httpx2.get(f"{server}/readyz")

    assert ready.status_code == 200
    assert (tmp_path / "data").is_dir(), "DATA_DIR is where the app stores its state"
