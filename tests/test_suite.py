"""Each pairwise combination's generated project installs and passes its own checks.

Slow (it installs and runs real projects), so marked; `make test` and CI run it too.
The uv cache is shared, so after the first project installs are copies from disk.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.combinations import Combination, as_params, pairwise

COMBINATIONS = as_params(pairwise())
# The generated end-to-end tests (real `serve`/`ui` processes, the browser) take most of a
# suite's time and depend on the store and the UI, not on the other answers: they run in
# the first combination of each (vector_store, include_ui) pair; every other test runs in
# every combination. Set AI_APP_E2E_EVERYWHERE=1 to run them in all.
E2E_EVERYWHERE = os.environ.get("AI_APP_E2E_EVERYWHERE") == "1"


def runs_e2e(combo: Combination) -> bool:
    def pair(c: Combination) -> tuple[str, str]:
        return c["vector_store"], c["include_ui"]

    return E2E_EVERYWHERE or combo == next(c for c in pairwise() if pair(c) == pair(combo))


REQUIRE_BROWSER = os.environ.get("AI_APP_REQUIRE_BROWSER") == "1"


def make(
    project: Path, uv: str, target: str, pytest_args: str = ""
) -> subprocess.CompletedProcess[str]:
    # Each generated suite gets its own pytest temp root: pgserver (pgvector projects) opens
    # up the permissions of its data directory's parents, and a concurrent pytest session
    # sharing /tmp/pytest-of-<user> would reset them under it.
    temp_root = project.parent / "pytest-tmp"
    temp_root.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "UV_PYTHON_DOWNLOADS": "never",
        "PYTEST_DEBUG_TEMPROOT": str(temp_root),
        "PYTEST_ADDOPTS": pytest_args,
    }
    # The generated project has its own .venv, not the template's.
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run(
        ["make", target, f"UV={uv}"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )


@pytest.mark.slow
@pytest.mark.parametrize("combo", COMBINATIONS)
def test_generated_project_passes_its_own_checks(
    rendered: Callable[[Combination], Path], uv: str, combo: Combination
) -> None:
    project = rendered(combo)

    outputs = {}
    for target in ("install", "lint", "typecheck", "test", "eval"):
        result = make(project, uv, target, "" if runs_e2e(combo) else '-m "not e2e"')
        assert result.returncode == 0, f"make {target} failed:\n{result.stdout}\n{result.stderr}"
        outputs[target] = result.stdout
    assert "PASS" in outputs["eval"], "the evaluation gate prints its verdict per metric"
    test_output = outputs["test"]
    assert " passed" in test_output
    skipped = [line for line in test_output.splitlines() if line.startswith("SKIPPED")]
    # Only the browser test may skip, and only where no Chromium is installed and CI does
    # not require one (.ci/run installs it and sets AI_APP_REQUIRE_BROWSER=1).
    allowed = [line for line in skipped if "Chromium is not installed" in line]
    assert skipped == (allowed if not REQUIRE_BROWSER else []), "every generated test must run"
    assert " failed" not in test_output
    # Passed: free its environment (a full copy where the uv cache is on another filesystem
    # than the temp dir). A later test that needs it (pre-commit) reinstalls from the cache.
    shutil.rmtree(project / ".venv")
