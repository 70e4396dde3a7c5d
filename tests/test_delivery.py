"""Delivery pieces of every generated project: Dockerfile, compose, pre-commit and CI files.

Fast tests lint and schema-check the rendered files of every pairwise combination with the
same tools the generated pre-commit hooks use. Slow tests run the real thing: pre-commit on a
fresh git project, and the API image built, started, health-checked, fed and queried
(tests/containers.py finds docker, or podman prepared by ../shared/tools/oci-prepare).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.combinations import ROOT, Combination, as_params, defaults, pairwise
from tests.containers import container_engine, free_port, wait_for_http

COMBINATIONS = as_params(pairwise())
TOOLS = Path(sys.executable).parent
JOBS = {"lint", "types", "tests"}


def tool(name: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run a linter installed in the template's environment (pinned in its dev group)."""
    return subprocess.run(
        [str(TOOLS / name), *map(str, args)], capture_output=True, text=True, check=False
    )


def load_yaml(path: Path) -> dict[str, object]:
    data: dict[str, object] = yaml.safe_load(path.read_text())
    return data


@pytest.mark.parametrize("combo", COMBINATIONS)
def test_dockerfile_passes_hadolint(
    rendered: Callable[[Combination], Path], combo: Combination
) -> None:
    project = rendered(combo)

    result = tool("hadolint", project / "Dockerfile")

    assert result.returncode == 0, result.stdout + result.stderr
    text = (project / "Dockerfile").read_text()
    assert "FROM ghcr.io/astral-sh/uv:0.13.9 AS uv" in text, "uv is pinned"
    assert f"FROM python:{combo['python_version']}-slim AS api" in text
    assert 'CMD ["ai-app", "serve", "--host", "0.0.0.0", "--port", "8000"]' in text


@pytest.mark.parametrize("combo", COMBINATIONS)
def test_compose_file_matches_the_compose_spec(
    rendered: Callable[[Combination], Path], combo: Combination
) -> None:
    project = rendered(combo)

    result = tool(
        "check-jsonschema", "--builtin-schema", "vendor.compose-spec", project / "compose.yaml"
    )

    assert result.returncode == 0, result.stdout + result.stderr
    services = load_yaml(project / "compose.yaml")["services"]
    assert isinstance(services, dict)
    store_service = {"chroma": None, "qdrant": "qdrant", "pgvector": "postgres"}[
        combo["vector_store"]
    ]
    assert set(services) == {"api", "ollama"} | ({store_service} - {None})
    api = services["api"]
    assert api["build"]["target"] == "api"
    assert api["env_file"] == [{"path": ".env", "required": False}]
    assert "healthcheck" in api
    assert services["ollama"]["profiles"] == ["ollama"]
    if store_service:
        assert api["depends_on"] == {store_service: {"condition": "service_healthy"}}
        assert "healthcheck" in services[store_service]
        url = {"qdrant": "QDRANT_URL", "postgres": "DATABASE_URL"}[store_service]
        assert f"{store_service}:" in api["environment"][url], "the API uses the service"
    else:
        assert "depends_on" not in api


@pytest.mark.parametrize("combo", COMBINATIONS)
def test_ci_files_match_their_schemas(
    rendered: Callable[[Combination], Path], combo: Combination
) -> None:
    project = rendered(combo)
    schemas = {
        "github": {
            ".github/workflows/ci.yml": "vendor.github-workflows",
            ".github/dependabot.yml": "vendor.dependabot",
        },
        "gitlab": {".gitlab-ci.yml": "vendor.gitlab-ci"},
        "none": {},
    }[combo["ci"]]

    for name, schema in schemas.items():
        result = tool("check-jsonschema", "--builtin-schema", schema, project / name)
        assert result.returncode == 0, f"{name}:\n{result.stdout}{result.stderr}"

    if combo["ci"] == "github":
        workflow = load_yaml(project / ".github/workflows/ci.yml")
        jobs = workflow["jobs"]
        assert isinstance(jobs, dict)
        assert set(jobs) == {*JOBS, "image"}
        assert workflow["permissions"] == {"contents": "read"}
        for job in jobs.values():
            assert job["timeout-minutes"] <= 30
            for step in job["steps"]:
                if "uses" in step:  # pinned by a full commit SHA, the tag in a comment
                    assert len(step["uses"].partition("@")[2]) == 40, step["uses"]
        updates = load_yaml(project / ".github/dependabot.yml")["updates"]
        assert isinstance(updates, list)
        assert {u["package-ecosystem"] for u in updates} == {"uv", "github-actions", "docker"}
    if combo["ci"] == "gitlab":
        gitlab = load_yaml(project / ".gitlab-ci.yml")
        assert JOBS | {"api-image"} <= set(gitlab)


@pytest.mark.parametrize("combo", COMBINATIONS)
def test_pre_commit_hooks_are_local_and_valid(
    rendered: Callable[[Combination], Path], combo: Combination
) -> None:
    project = rendered(combo)
    config = load_yaml(project / ".pre-commit-config.yaml")

    result = tool("pre-commit", "validate-config", project / ".pre-commit-config.yaml")

    assert result.returncode == 0, result.stdout + result.stderr
    repos = config["repos"]
    assert isinstance(repos, list)
    assert [repo["repo"] for repo in repos] == ["local"], "no hook repository to clone"
    ids = {hook["id"] for hook in repos[0]["hooks"]}
    assert {"ruff-check", "ruff-format", "mypy", "hadolint", "compose-schema"} <= ids
    assert {"detect-secrets", "uv-lock", "trailing-whitespace", "end-of-file"} <= ids
    assert ("workflow-schema" in ids) == (combo["ci"] == "github")
    assert ("gitlab-ci-schema" in ids) == (combo["ci"] == "gitlab")


def run_in(project: Path, uv: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a command in a generated project, with the template's pinned uv first on PATH."""
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "UV_PYTHON_DOWNLOADS": "never",
        "PATH": f"{Path(uv).parent}{os.pathsep}{os.environ['PATH']}",
        # pre-commit keeps its state here; local hooks clone nothing into it.
        "PRE_COMMIT_HOME": str(project.parent / ".pre-commit-home"),
    }
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run(
        list(args), cwd=project, env=env, capture_output=True, text=True, check=False, timeout=900
    )


@pytest.mark.slow
@pytest.mark.parametrize("combo", as_params([defaults()]))
def test_pre_commit_passes_on_a_fresh_project(
    rendered: Callable[[Combination], Path], uv: str, combo: Combination
) -> None:
    project = rendered(combo)
    assert (project / ".git").is_dir(), "the default project is a git repository"

    install = run_in(project, uv, "make", "install", f"UV={uv}")
    assert install.returncode == 0, install.stdout + install.stderr
    assert (project / ".git/hooks/pre-commit").is_file(), "make install installs the hooks"

    result = run_in(project, uv, uv, "run", "--frozen", "pre-commit", "run", "--all-files")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "Failed" not in result.stdout
    assert run_in(project, uv, "git", "status", "--porcelain").stdout == "", "nothing rewritten"


# ---- the real container ----------------------------------------------------------------------

CONTAINER_COMBINATIONS = as_params([defaults(), {**defaults(), "vector_store": "qdrant"}])


@pytest.mark.slow
@pytest.mark.parametrize("combo", CONTAINER_COMBINATIONS)
def test_api_image_builds_runs_and_answers(
    rendered: Callable[[Combination], Path], combo: Combination
) -> None:
    engine = container_engine(combo["python_version"])
    project = rendered(combo)
    tag = f"localhost/ai-app-api-test:{combo['vector_store']}"
    figures: dict[str, float | str] = {"store": combo["vector_store"], "engine": engine.name}

    started = time.monotonic()
    engine.build(project, tag, target="api")
    figures["build_s"] = round(time.monotonic() - started, 1)
    started = time.monotonic()
    engine.build(project, tag, target="api")  # everything cached: the edit-build loop
    figures["rebuild_s"] = round(time.monotonic() - started, 1)
    figures["image_mb"] = round(engine.image_bytes(tag) / 1e6)

    name = f"ai-app-test-{uuid.uuid4().hex[:8]}"
    port = free_port()
    started = time.monotonic()
    base = engine.run(tag, name, port)
    try:
        wait_for_http(f"{base}/healthz", timeout=120, alive=lambda: engine.running(name))
        figures["start_to_healthy_s"] = round(time.monotonic() - started, 2)
        assert engine.healthcheck(name), "the image's own HEALTHCHECK passes"
        assert engine.exec(name, "id", "-u").strip() != "0", "the API does not run as root"

        assert "ingest" in engine.exec(name, "ai-app", "--help"), "the CLI is in the image"
        # The image carries the sample corpus; upload it over HTTP (a second process may not
        # open an embedded store the server holds, e.g. Qdrant's local mode), then a new note.
        corpus = sorted(path for path in (project / "data/docs").iterdir() if path.is_file())
        files = [(path.name, path.read_bytes()) for path in corpus] + [("notes.md", NOTE)]
        upload = post_multipart(f"{base}/v1/documents", files)
        assert [r["status"] for r in upload["results"]] == ["added"] * len(files), upload
        answer = post_json(f"{base}/v1/search", {"query": "What colour is the staff bicycle?"})
        assert answer["results"][0]["source"] == "notes.md", answer
        answer = post_json(f"{base}/v1/search", {"query": "How long is the frame warranty?"})
        assert answer["results"][0]["source"] == "warranty.md", answer
    except BaseException:
        print(engine.logs(name))
        raise
    finally:
        engine.remove(name)
    # Printed with `-rA`, and kept in build/ (git-ignored) for the figures in docs and notes.
    print(f"\ncontainer figures: {json.dumps(figures)}")
    out = ROOT / "build" / f"container-figures-{combo['vector_store']}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(figures, indent=2) + "\n")


NOTE = b"# Staff bicycle\n\nThe staff bicycle is painted tangerine orange and lives in bay 4.\n"


def post_json(url: str, body: dict[str, object]) -> dict[str, list[dict[str, object]]]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"content-type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        result: dict[str, list[dict[str, object]]] = json.load(response)
    return result


def post_multipart(url: str, files: list[tuple[str, bytes]]) -> dict[str, list[dict[str, object]]]:
    """POST files as the multipart field `files`, as a browser or `curl -F files=@...` does."""
    boundary = uuid.uuid4().hex
    parts = [
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="files"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + content
        + b"\r\n"
        for filename, content in files
    ]
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    request = urllib.request.Request(
        url, data=body, headers={"content-type": f"multipart/form-data; boundary={boundary}"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        result: dict[str, list[dict[str, object]]] = json.load(response)
    return result
