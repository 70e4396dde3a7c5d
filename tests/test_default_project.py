"""The default project as a user meets it: prompts, the README's commands, regeneration."""

from __future__ import annotations

import filecmp
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.combinations import ROOT, Combination, defaults


def cookiecutter_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cookiecutter", str(ROOT), *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def differing_files(left: Path, right: Path) -> list[str]:
    """Files that differ or exist on one side only, ignoring git metadata."""
    comparison = filecmp.dircmp(left, right, ignore=[".git"])
    found: list[str] = []

    def walk(cmp: filecmp.dircmp[str], prefix: str) -> None:
        found.extend(prefix + name for name in cmp.left_only + cmp.right_only + cmp.diff_files)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(comparison, "")
    return found


def test_interactive_prompts_derive_slug_and_package(tmp_path: Path) -> None:
    # Name, then Enter for slug/package/description/author/email/version, then 2 = Python 3.11,
    # 2 = Apache-2.0, 2 = qdrant, 2 = anthropic, 2 = no UI, 2 = no agent, 2 = no auth,
    # 3 = no CI, 2 = no git.
    answers = "Support Bot\n" + "\n" * 6 + "2\n2\n2\n2\n2\n2\n2\n3\n2\n"

    result = cookiecutter_cli("-o", str(tmp_path), stdin=answers)

    assert result.returncode == 0, result.stdout + result.stderr
    project = tmp_path / "support-bot"
    record = json.loads((project / ".cookiecutter.json").read_text())["cookiecutter"]
    assert record["package_name"] == "support_bot"
    chosen = (
        "python_version",
        "license",
        "vector_store",
        "llm_provider",
        "include_ui",
        "include_agent",
        "auth",
        "ci",
        "init_git",
    )
    assert {k: record[k] for k in chosen} == {
        "python_version": "3.11",
        "license": "Apache-2.0",
        "vector_store": "qdrant",
        "llm_provider": "anthropic",
        "include_ui": "no",
        "include_agent": "no",
        "auth": "none",
        "ci": "none",
        "init_git": "no",
    }
    assert (project / "src" / "support_bot" / "cli.py").exists()
    assert "make run" in result.stdout


def test_replay_file_regenerates_the_same_project(
    rendered: Callable[[Combination], Path], tmp_path: Path
) -> None:
    original = rendered(defaults())

    result = cookiecutter_cli(
        "--replay-file", str(original / ".cookiecutter.json"), "-o", str(tmp_path)
    )

    assert result.returncode == 0, result.stderr
    assert differing_files(original, tmp_path / original.name) == []


def test_generated_make_help_lists_every_target(rendered: Callable[[Combination], Path]) -> None:
    output = subprocess.run(
        ["make", "help"], cwd=rendered(defaults()), capture_output=True, text=True, check=True
    ).stdout

    plain = re.sub(r"\x1b\[[0-9;]*m", "", output)  # drop the colours
    listed = {line.split()[0] for line in plain.splitlines() if line.strip()}
    assert {"help", "install", "run", "test", "lint", "fmt", "typecheck"} <= listed


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.mark.slow
def test_make_demo_generates_and_serves_the_default_project(tmp_path: Path) -> None:
    """The README's first command: generate the default project, start its API and UI."""
    port, ui_port = free_port(), free_port()
    env = {**os.environ, "DATA_DIR": str(tmp_path / "data")}
    env.pop("VIRTUAL_ENV", None)
    log = tmp_path / "demo.log"
    with log.open("w") as out:
        demo = subprocess.Popen(
            ["make", "demo", f"DEMO_DIR={tmp_path / 'demo'}", f"PORT={port}", f"UI_PORT={ui_port}"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # so the whole make -> uv -> server tree can be stopped
        )
    try:
        body = wait_for_json(f"http://127.0.0.1:{port}/healthz", demo, log, seconds=300)
        assert body["status"] == "ok"
        # The UI (Streamlit) answers its health check and talks to this API.
        ui_health = wait_for(f"http://127.0.0.1:{ui_port}/_stcore/health", demo, log, seconds=120)
        assert ui_health == b"ok"
    finally:
        os.killpg(demo.pid, signal.SIGTERM)
        demo.wait(timeout=30)


def wait_for(url: str, process: subprocess.Popen[bytes], log: Path, seconds: float) -> bytes:
    """The body of the first successful GET of `url` while `process` runs."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                body: bytes = response.read()
                return body
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"{url} did not answer within {seconds} s:\n{log.read_text()}")


def wait_for_json(
    url: str, process: subprocess.Popen[bytes], log: Path, seconds: float
) -> dict[str, object]:
    body: dict[str, object] = json.loads(wait_for(url, process, log, seconds))
    return body
