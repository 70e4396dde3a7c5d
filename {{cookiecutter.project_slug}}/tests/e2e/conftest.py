"""The real console command, started as a user would, on a free port."""

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
from tests.conftest import settings_env

COMMAND = "{{ cookiecutter.project_slug }}"


# A cold start imports the whole LangChain stack: a few seconds alone, but several times
# that on a busy CI machine. Waiting longer costs nothing when the server is up sooner.
STARTUP_TIMEOUT_S = 120

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class ServerFactory:
    """Starts the `serve` command with the test's settings plus extra environment variables
    (calling it returns the base URL); `stop()` ends them all, as the fixture does after."""

    def __init__(self, tmp_path: Path, settings: Settings) -> None:
        self.tmp_path = tmp_path
        self.settings = settings
        self.processes: list[subprocess.Popen[bytes]] = []

    def __call__(self, extra_env: dict[str, str]) -> str:
        return self.start_many([extra_env])[0]

    def start_many(self, envs: list[dict[str, str]]) -> list[str]:
        """One server per environment, all launched before any is waited for: replicas
        start together, as an orchestrator starts them (on an empty database, too)."""
        launched = [self._launch(extra_env) for extra_env in envs]
        return [_wait_until_up(*server) for server in launched]

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
            process.wait(timeout=10)
        self.processes.clear()

    def _launch(self, extra_env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str, Path]:
        command = shutil.which(COMMAND)
        if command is None:
            pytest.skip(f"the {COMMAND} command is not installed (run `uv sync`)")
        port = free_port()
        # No rate limit unless a test sets one: the golden set asks every question through
        # every interface, more than one client's default budget per minute.
        env = {**os.environ, "RATE_LIMIT": "", **settings_env(self.settings), **extra_env}
        log = self.tmp_path / f"server-{len(self.processes)}.log"  # one each: replicas
        with log.open("wb") as log_file:
            process = subprocess.Popen(  # noqa: S603 - our own console script
                [command, "serve", "--host", "127.0.0.1", "--port", str(port)],
                env=env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        self.processes.append(process)
        return process, f"http://127.0.0.1:{port}", log


@pytest.fixture
def start_server(tmp_path: Path, settings: Settings) -> Iterator[ServerFactory]:
    servers = ServerFactory(tmp_path, settings)
    yield servers
    servers.stop()


@pytest.fixture
def server(start_server: ServerFactory) -> str:
    return start_server({})


def _wait_until_up(process: "subprocess.Popen[bytes]", url: str, log: Path) -> str:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited early: {log.read_text()}")
        try:
            httpx2.get(f"{url}/healthz", timeout=1)
            return url
        except httpx2.TransportError:
            time.sleep(0.1)
    pytest.fail(f"server did not answer within {STARTUP_TIMEOUT_S} s: {log.read_text()}")
