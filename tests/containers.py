"""A container engine for the image tests.

`docker` when an engine answers (`docker info`); otherwise podman prepared by
`../shared/tools/oci-prepare` (beside this repository, in CI too), which puts local stand-ins for
`python:3.X-slim` and the uv image where a Dockerfile expects them, since no registry is reachable
here. `.ci/run` prepares podman before `make test`; run as root, these tests prepare it
themselves. Without either the tests skip with the reason, and fail in CI
(`AI_APP_REQUIRE_CONTAINERS=1`, set by `.ci/run`).
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.combinations import ROOT

OCI_PREPARE = ROOT.parent / "shared" / "tools" / "oci-prepare"
REQUIRE_CONTAINERS = os.environ.get("AI_APP_REQUIRE_CONTAINERS") == "1"
# The images run with ENVIRONMENT=production, which refuses to start an API without keys
# (or, generated with auth=none, without ALLOW_UNAUTHENTICATED): a test key for both.
TEST_API_KEY = "test-container-key"
AUTH_ENV = {
    "API_KEYS": "test:" + hashlib.sha256(TEST_API_KEY.encode()).hexdigest(),
    "ALLOW_UNAUTHENTICATED": "true",  # read only by auth=none projects
}
UV_IMAGE_VERSION = "0.13.9"  # the uv image the generated Dockerfile copies from
_prepared: dict[str, dict[str, str]] = {}


@dataclass
class Engine:
    name: str  # "docker" or "podman"
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    build_flags: list[str] = field(default_factory=list)
    run_flags: list[str] = field(default_factory=list)

    @property
    def host_network(self) -> bool:
        return "--network=host" in self.run_flags

    def cmd(self, *args: str, timeout: float = 1800) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.name, *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
        )

    def must(self, *args: str, timeout: float = 1800) -> str:
        result = self.cmd(*args, timeout=timeout)
        assert result.returncode == 0, (
            f"{self.name} {shlex.join(args)}:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
        )
        return result.stdout

    def build(self, context: Path, tag: str, target: str) -> None:
        self.must("build", *self.build_flags, "--target", target, "--tag", tag, str(context))

    def image_bytes(self, tag: str) -> int:
        return int(self.must("image", "inspect", "--format", "{{.Size}}", tag).strip())

    def run(
        self,
        tag: str,
        name: str,
        port: int,
        *,
        ui_of: str | None = None,
        network: str | None = None,
    ) -> str:
        """Start an API image, or a UI image talking to the API at `ui_of`, detached; returns
        its base URL on the host. `network` (docker only) lets the containers reach each other
        by name, as under compose: the API is `api` there."""
        env = dict(AUTH_ENV) if ui_of is None else {"UI_API_KEY": TEST_API_KEY}
        command: list[str] = []
        if self.host_network:
            # No port mappings on the host network: each listens on 127.0.0.1 and a free port,
            # through the same variables its image's HEALTHCHECK reads.
            if ui_of is None:
                env["PORT"] = str(port)
                command = ["ai-app", "serve", "--host", "127.0.0.1", "--port", str(port)]
            else:
                env |= {"STREAMLIT_SERVER_ADDRESS": "127.0.0.1", "STREAMLIT_SERVER_PORT": str(port)}
                env["UI_API_URL"] = ui_of
            flags = list(self.run_flags)
        else:
            inside = 8000 if ui_of is None else 8501
            flags = [*self.run_flags, "--publish", f"127.0.0.1:{port}:{inside}"]
            if network:
                flags += ["--network", network]
                if ui_of is None:
                    flags += ["--network-alias", "api"]
            if ui_of is not None:
                env["UI_API_URL"] = "http://api:8000"  # the image's default, kept explicit
        env_flags = [f"--env={key}={value}" for key, value in env.items()]
        self.must("run", "--detach", *flags, *env_flags, "--name", name, tag, *command)
        return f"http://127.0.0.1:{port}"

    def network(self, name: str) -> str | None:
        """A network of its own for a test's containers (None on the host network)."""
        if self.host_network:
            return None
        self.must("network", "create", name, timeout=120)
        return name

    def remove_network(self, name: str | None) -> None:
        if name is not None:
            self.cmd("network", "rm", name, timeout=120)

    def running(self, name: str) -> bool:
        result = self.cmd("inspect", "--format", "{{.State.Running}}", name, timeout=60)
        return result.stdout.strip() == "true"

    def healthcheck(self, name: str) -> bool:
        """Run the image's HEALTHCHECK once, now (the schedulers wait for the interval)."""
        if self.name == "podman":
            return self.cmd("healthcheck", "run", name, timeout=60).returncode == 0
        test = json.loads(
            self.must("inspect", "--format", "{{json .Config.Healthcheck.Test}}", name)
        )
        kind, *argv = test
        if kind == "CMD-SHELL":
            argv = ["/bin/sh", "-c", *argv]
        return self.cmd("exec", name, *argv, timeout=60).returncode == 0

    def exec(self, name: str, *argv: str) -> str:
        return self.must("exec", name, *argv, timeout=600)

    def logs(self, name: str) -> str:
        result = self.cmd("logs", name, timeout=60)
        return result.stdout + result.stderr

    def remove(self, name: str) -> None:
        self.cmd("rm", "--force", name, timeout=120)


def docker_answers() -> bool:
    if shutil.which("docker") is None:
        return False
    result = subprocess.run(["docker", "info"], capture_output=True, check=False, timeout=60)
    return result.returncode == 0


def prepared_podman_env(python_version: str) -> dict[str, str] | None:
    """The environment oci-prepare exports for this Python's base image, or None."""
    if python_version in _prepared:
        return _prepared[python_version]
    if not OCI_PREPARE.is_file() or os.geteuid() != 0:
        return None
    script = (
        f'eval "$({shlex.quote(str(OCI_PREPARE))} --python {shlex.quote(python_version)}'
        f' --uv {UV_IMAGE_VERSION})" && env -0'
    )
    result = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, check=False, timeout=1800
    )
    if result.returncode != 0:
        pytest.fail(f"{OCI_PREPARE} failed:\n{result.stderr[-3000:]}")
    env = dict(line.split("=", 1) for line in result.stdout.split("\0") if "=" in line)
    _prepared[python_version] = env
    return env


def container_engine(python_version: str) -> Engine:
    """docker, else prepared podman, else skip (fail in CI) with the reason."""
    if docker_answers():
        return Engine("docker", build_flags=[], run_flags=[])
    env = prepared_podman_env(python_version)
    if env is not None and shutil.which("podman", path=env.get("PATH")):
        return Engine(
            "podman",
            env=env,
            build_flags=shlex.split(env.get("CONTAINER_BUILD_FLAGS", "")),
            run_flags=shlex.split(env.get("CONTAINER_RUN_FLAGS", "")),
        )
    reason = (
        "no container engine: `docker info` fails, and podman cannot be prepared "
        f"({OCI_PREPARE} missing or not running as root)"
    )
    if REQUIRE_CONTAINERS:
        pytest.fail(reason)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def wait_for_http(url: str, timeout: float, alive: Callable[[], bool]) -> None:
    """Poll until the URL answers 200; fail early when the container has exited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if not alive():
            pytest.fail(f"the container exited before {url} answered")
        time.sleep(0.25)
    pytest.fail(f"{url} did not answer within {timeout} s")
