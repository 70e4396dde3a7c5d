"""The real console command, started as a user would, on a free port."""

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx2
import pytest

from {{ cookiecutter.package_name }}.settings import Settings

ServerFactory = Callable[[dict[str, str]], str]
COMMAND = "{{ cookiecutter.project_slug }}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def start_server(tmp_path: Path, settings: Settings) -> Iterator[ServerFactory]:
    """Starts the `serve` command with `settings` plus extra environment variables; yields a
    function returning the base URL. The server is stopped after the test."""
    processes: list[subprocess.Popen[bytes]] = []

    def start(extra_env: dict[str, str]) -> str:
        return _start(tmp_path, settings, extra_env, processes)

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def server(start_server: ServerFactory) -> str:
    return start_server({})


def _start(
    tmp_path: Path,
    settings: Settings,
    extra_env: dict[str, str],
    processes: list["subprocess.Popen[bytes]"],
) -> str:
    command = shutil.which(COMMAND)
    if command is None:
        pytest.skip(f"the {COMMAND} command is not installed (run `uv sync`)")
    port = free_port()
    env = {
        **os.environ,
        "DATA_DIR": str(settings.data_dir),
        "VECTOR_STORE": settings.vector_store,
        **extra_env,
    }
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
    processes.append(process)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited early: {log.read_text()}")
        try:
            httpx2.get(f"{url}/healthz", timeout=1)
            return url
        except httpx2.TransportError:
            time.sleep(0.1)
    pytest.fail("server did not answer within 30 s")
