"""Render the template once per combination and share the result between tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from cookiecutter.main import cookiecutter

from tests.combinations import ROOT, Combination, combination_id, factors, pairwise

# Outside CI a missing Python only skips the suites that need it; CI sets this to fail instead.
REQUIRE_ALL_PYTHONS = os.environ.get("AI_APP_REQUIRE_ALL_PYTHONS") == "1"


def uv_binary() -> str:
    """The uv of this environment (a pinned dev dependency), else the one on PATH."""
    local = Path(sys.executable).with_name("uv")
    found = str(local) if local.exists() else shutil.which("uv")
    if found is None:
        pytest.fail("uv is required: run the tests through `make test`")
    return found


def render(output_dir: Path, **answers: str) -> Path:
    """Generate a project without prompts; returns its directory."""
    output_dir.mkdir(parents=True, exist_ok=True)
    return Path(
        cookiecutter(str(ROOT), no_input=True, extra_context=answers, output_dir=str(output_dir))
    )


def python_available(version: str) -> bool:
    result = subprocess.run(
        [uv_binary(), "python", "find", "--no-python-downloads", version],
        capture_output=True,
        check=False,
    )
    return result.returncode == 0


def require_python(version: str) -> None:
    """Skip (or fail in CI) when the interpreter a combination asks for is not installed."""
    if python_available(version):
        return
    message = f"Python {version} is not installed (uv cannot find it, and may not download it here)"
    if REQUIRE_ALL_PYTHONS:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def uv() -> str:
    return uv_binary()


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Combination], Path]:
    """`rendered(combo)` renders a combination on first use and returns the same directory after."""
    cache: dict[str, Path] = {}
    base = tmp_path_factory.mktemp("renders")

    def get(combo: Combination) -> Path:
        key = combination_id(combo)
        if key not in cache:
            require_python(combo["python_version"])
            cache[key] = render(base / str(len(cache)), **combo)
        return cache[key]

    return get


def pytest_report_header(config: pytest.Config) -> str:
    count = len(pairwise())
    return f"template: {len(factors())} choice questions, {count} pairwise combinations"
